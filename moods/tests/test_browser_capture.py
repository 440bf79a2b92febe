"""A new user in a real browser with a fake webcam: snapshot, upload and a picked mood, each to a result."""


import pytest
from django.core.management import call_command

from accounts.tests.factories import PASSWORD
from conftest import in_viewport, players_answer, screenshot, wait_for
from moods.models import MoodCapture
from moods.tests.images import astronaut, astronaut_jpeg, y4m_video

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def camera_page(browser_launcher, tmp_path):
    """A page whose camera films the smiling astronaut; camera permission is granted without a prompt."""
    video = tmp_path / "astronaut.y4m"
    video.write_bytes(y4m_video(astronaut()))
    return browser_launcher("--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                            f"--use-file-for-fake-video-capture={video}")


def _sign_up(page) -> None:
    page.goto("/accounts/signup/")
    page.get_by_label("Username").fill("ada")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password confirmation").fill(PASSWORD)
    page.get_by_role("button", name="Sign up").click()
    page.get_by_text("Welcome, ada!").wait_for()


def test_snapshot_upload_and_picked_mood_each_show_a_result(camera_page, tmp_path):
    page = camera_page
    call_command("load_default_catalogue", verbosity=0)
    players_answer(page)
    _sign_up(page)
    page.get_by_role("navigation").get_by_role("link", name="Capture").click()
    page.get_by_role("heading", name="Before your first photo").wait_for()
    page.get_by_text("An expression is not a feeling.", exact=False).first.wait_for()
    screenshot(page, "capture-01-notice")

    # a webcam snapshot
    assert not page.get_by_role("button", name="Take photo").is_visible()
    assert not page.get_by_label("Source").count()  # the hidden field has no visible label
    page.get_by_role("button", name="Start camera").click()
    # Polled from the test: wait_for_function would eval in the page, which our CSP forbids.
    preview = page.locator("#camera-preview")
    wait_for(lambda: preview.evaluate("video => video.readyState >= 2"), timeout=10)
    page.get_by_role("button", name="Take photo").click()
    page.get_by_alt_text("Your snapshot, ready to send").wait_for()
    visible = [page.get_by_role("button", name=name).is_visible() for name in ("Start camera", "Take photo", "Retake")]
    assert visible == [False, False, True]
    screenshot(page, "capture-02-snapshot")
    page.get_by_role("button", name="Send snapshot").click()
    page.locator("#capture-reading [data-emotion=HAPPY]").wait_for()
    assert page.get_by_role("status").inner_text() == "Your reading is ready."
    # ...and its songs right under it: the first one loaded in its player, on screen with no scrolling
    first_player = page.locator("#capture-reading [data-player] iframe")
    first_player.wait_for()
    assert first_player.get_attribute("src").startswith("https://open.spotify.com/embed/track/")
    # The page scrolls the reading into view once its songs are in: give it that moment.
    wait_for(lambda: in_viewport(page, first_player), timeout=5)
    assert in_viewport(page, page.locator("#capture-reading [data-emotion]"))
    songs = page.locator("#capture-reading [data-song]")
    assert songs.count() == 10
    # every song has a player here, and a link to that exact track (a search link would not count)
    assert all(songs.nth(i).get_attribute("data-order").strip() for i in range(10))
    assert all(songs.nth(i).locator("a[data-exact]").count() >= 1 for i in range(10))
    # the seven expressions the local model can read (it has no "confused", so none is shown as 0 %)
    assert page.get_by_role("table", name="All expression scores").locator("tbody tr").count() == 7
    screenshot(page, "capture-03-snapshot-result-and-songs")

    # an uploaded photo
    photo = tmp_path / "me.jpg"
    photo.write_bytes(astronaut_jpeg())
    page.get_by_label("Your photo").set_input_files(str(photo))
    page.get_by_role("button", name="Send photo").click()
    page.locator("#capture-reading [data-player] iframe").wait_for()
    page.get_by_text("You look happy").wait_for()
    screenshot(page, "capture-04-upload-result")

    # a picked mood
    page.get_by_role("button", name="Sad", exact=True).click()
    page.get_by_text("You picked: sad").wait_for()
    page.get_by_role("heading", name="Songs for feeling sad").wait_for()
    wait_for(lambda: in_viewport(page, page.locator("#capture-reading [data-player] iframe")), timeout=5)
    screenshot(page, "capture-05-mood-result")

    captures = list(MoodCapture.objects.order_by("id").values_list("user__username", "source", "status", "emotion"))
    assert captures == [("ada", "camera", "done", "HAPPY"), ("ada", "upload", "done", "HAPPY"),
                        ("ada", "manual", "done", "SAD")]


def test_without_a_camera_the_file_picker_and_mood_buttons_remain(browser_page):
    page = browser_page
    _sign_up(page)
    page.goto("/capture/")

    page.get_by_role("button", name="Start camera").click()

    page.get_by_text("No camera is available or it was not allowed.").wait_for()
    assert page.get_by_label("Your photo").is_visible()
    assert page.get_by_role("button", name="Calm", exact=True).is_visible()
    screenshot(page, "capture-06-no-camera")


def test_a_photo_the_server_would_refuse_is_refused_in_the_browser_with_the_servers_words(browser_page, settings,
                                                                                         tmp_path):
    page = browser_page
    settings.UPLOAD_MAX_BYTES, settings.UPLOAD_MAX_PIXELS = 200_000, 100_000
    _sign_up(page)
    posts = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    files = {"big.jpg": astronaut_jpeg() + b"\0" * 200_000, "anim.gif": b"GIF89a" + b"\0" * 64,
             "notes.txt": b"not a photo", "large.jpg": astronaut_jpeg()}
    for name, content in files.items():
        (tmp_path / name).write_bytes(content)
    expected = {"big.jpg": "The photo is larger than 0.190735 MB.",
                "anim.gif": "GIF images are not supported. Send a JPEG, PNG or WebP photo.",
                "notes.txt": "This file is not an image. Send a JPEG, PNG or WebP photo.",
                "large.jpg": "The photo has too many pixels (at most 0.1 megapixels)."}

    shown = {}
    for name in files:
        page.get_by_label("Your photo").set_input_files(str(tmp_path / name))
        page.get_by_role("button", name="Send photo").click()
        page.get_by_role("alert").get_by_text(expected[name]).wait_for()
        shown[name] = page.get_by_role("alert").inner_text()

    assert shown == expected
    assert posts == [] and not MoodCapture.objects.exists()
    screenshot(page, "capture-07-refused-in-the-browser")
