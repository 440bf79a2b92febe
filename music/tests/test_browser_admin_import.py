"""A curator imports a CSV in the admin, at desktop and phone sizes: a file of no known format is refused in the
form's words, naming its columns and the mapping fields; mapped in the form, the same file imports."""

import importlib

import pytest
from django.apps import apps as django_apps

from accounts.tests.factories import PASSWORD
from conftest import screenshot
from music.models import ImportJob, Track
from music.tests.factories import curator_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SIZES = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 390, "height": 844}}
CSV = "title,singer,happiness,power\nSong one,Singer A,0.9,0.8\nSong two,Singer B,0.1,0.2\n"


@pytest.mark.parametrize("size", SIZES)
def test_a_curator_maps_the_columns_of_a_file_of_no_known_format_in_the_form(browser_page, tmp_path, size):
    # The curator group comes from a data migration, which an earlier transactional test may have flushed.
    importlib.import_module("music.migrations.0003_curator_group").create_group(django_apps, None)
    curator = curator_create()
    page = browser_page
    page.set_viewport_size(SIZES[size])
    upload = tmp_path / "mine.csv"
    upload.write_text(CSV)
    page.goto("/admin/login/")
    page.get_by_label("Username").fill(curator.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto("/admin/music/importjob/add/")
    page.get_by_label("CSV file").set_input_files(str(upload))
    page.get_by_role("button", name="Import").click()
    alert = page.get_by_role("alert")
    alert.wait_for()

    assert alert.inner_text() == (
        "This file's columns (“happiness”, “power”, “singer”, “title”) match none of the known formats (moods, "
        "hit_predictor, tracks114k, labelled278k, starter, catalogue). Under “Column mapping”, type the name of the "
        "column that holds the Spotify track id, or the columns that hold the song name and the artist, then send "
        "the file again.")
    assert "--map" not in page.content()
    assert ImportJob.objects.count() == 0
    screenshot(page, f"admin-import-01-refused-{size}")

    page.get_by_label("CSV file").set_input_files(str(upload))  # a browser never keeps a file field's choice
    mapping = page.get_by_role("group", name="Column mapping (for files of no known format)")
    for label, column in (("Song name", "title"), ("Artist", "singer"), ("Valence", "happiness"),
                          ("Energy", "power")):
        mapping.get_by_label(f"Column for “{label}”:", exact=True).fill(column)
    screenshot(page, f"admin-import-02-mapped-{size}")
    page.get_by_role("button", name="Import").click()
    page.get_by_text("created 2, updated 0, unchanged 0, skipped 0").wait_for()

    assert list(Track.objects.order_by("name").values_list("name", "artist", "valence", "energy")) == [
        ("Song one", "Singer A", 0.9, 0.8), ("Song two", "Singer B", 0.1, 0.2)]
    assert ImportJob.objects.values_list("status", "format", "mapping").get() == (
        "done", "generic", {"title": "name", "singer": "artist", "happiness": "valence", "power": "energy"})
    screenshot(page, f"admin-import-03-done-{size}")
