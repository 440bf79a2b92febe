"""Curating tracks in the admin: list edits and actions, their effect on recommendations, speed, permissions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from music.models import Track
from music.selectors import ListRequest, recommendations_compute
from music.tests.factories import TrackFactory, curator_create

pytestmark = pytest.mark.django_db
CHANGELIST = "/admin/music/track/"


def list_edit(client, changes: dict[int, dict]) -> None:
    """Post the changelist's editable columns back, with `changes` applied to some rows."""
    formset = client.get(CHANGELIST).context["cl"].formset
    data = {"form-TOTAL_FORMS": len(formset.forms), "form-INITIAL_FORMS": len(formset.forms), "_save": "Save"}
    for i, form in enumerate(formset.forms):
        row = {"mood": form.instance.mood, "active": form.instance.active, **changes.get(form.instance.id, {})}
        data |= {f"form-{i}-id": form.instance.id, f"form-{i}-mood": row["mood"]}
        if row["active"]:
            data[f"form-{i}-active"] = "on"
    response = client.post(CHANGELIST, data)
    assert response.status_code == 302, response.context["cl"].formset.errors if response.context else response


def calm_list() -> list[int]:
    return [pick.candidate.id for pick in recommendations_compute(ListRequest(emotion="CALM"))]


def test_a_curators_mood_change_and_deactivation_show_in_the_next_recommendations(client):
    calm = TrackFactory.create_batch(10, valence=0.28, energy=0.2, mood="calm")
    TrackFactory.create_batch(4, valence=0.8, energy=0.8, mood="happy")
    untagged = TrackFactory(valence=None, energy=None, mood="happy", pos_valence=0.54, pos_energy=0.74, cell=343)
    before = calm_list()
    client.force_login(curator_create())

    list_edit(client, {calm[0].id: {"active": False}, untagged.id: {"mood": "calm"}})

    after = calm_list()
    assert sorted(before) == sorted(track.id for track in calm)
    assert calm[0].id not in after
    assert untagged.id in after
    untagged.refresh_from_db()
    assert (untagged.mood, untagged.mood_source, untagged.pos_valence, untagged.pos_energy) == (
        "calm", "curator", 0.15, 0.16)


def test_the_set_mood_action_reports_how_many_songs_changed(client):
    tracks = TrackFactory.create_batch(3, mood="sad")
    Track.objects.filter(id=tracks[0].id).update(mood="calm", mood_source="curator")
    client.force_login(curator_create())

    response = client.post(CHANGELIST, {"action": "set_mood_calm", "_selected_action": [t.id for t in tracks]},
                           follow=True)

    assert "Mood set to Calm on 2 song(s)." in response.content.decode()
    assert set(Track.objects.values_list("mood", "mood_source")) == {("calm", "curator")}


def test_deactivate_and_activate_actions_report_counts(client):
    tracks = TrackFactory.create_batch(2)
    client.force_login(curator_create())

    off = client.post(CHANGELIST, {"action": "deactivate", "_selected_action": [t.id for t in tracks]}, follow=True)
    again = client.post(CHANGELIST, {"action": "deactivate", "_selected_action": [t.id for t in tracks]}, follow=True)

    assert "Deactivated 2 song(s)." in off.content.decode()
    assert "Deactivated 0 song(s)." in again.content.decode()
    assert list(Track.objects.values_list("active", flat=True)) == [False, False]


def test_video_and_kendra_actions_say_what_they_queued(client, settings):
    track = TrackFactory(video_state="missing")
    settings.KENDRA_INDEX_ID = None
    client.force_login(curator_create())

    videos = client.post(CHANGELIST, {"action": "resolve_videos", "_selected_action": [track.id]}, follow=True)
    kendra = client.post(CHANGELIST, {"action": "push_to_kendra", "_selected_action": [track.id]}, follow=True)

    assert "VIDEO_BACKEND=offline: nothing is looked up." in videos.content.decode()
    assert "KENDRA_INDEX_ID is not set: nothing to push to." in kendra.content.decode()
    assert Track.objects.get().video_state == "unknown"


def test_the_admin_search_goes_through_the_full_text_index(client):
    TrackFactory(name="Blue Monday", artist="New Order", active=False)
    TrackFactory(name="Monday Monday", artist="The Mamas & the Papas")
    client.force_login(curator_create())

    result = client.get(CHANGELIST, {"q": "monday order"}).context["cl"].result_list

    assert [track.name for track in result] == ["Blue Monday"]


def test_the_changelist_costs_the_same_queries_for_5_or_60_rows_and_never_counts_the_whole_table(client):
    client.force_login(curator_create())
    TrackFactory.create_batch(5)
    with CaptureQueriesContext(connection) as small:
        client.get(CHANGELIST)
    TrackFactory.create_batch(55)
    with CaptureQueriesContext(connection) as large:
        client.get(CHANGELIST)

    assert len(large.captured_queries) == len(small.captured_queries)
    counts = [q["sql"] for q in large.captured_queries if "COUNT(" in q["sql"].upper()]
    assert counts and all("LIMIT 10001" in sql for sql in counts)


def test_a_curator_cannot_edit_users_and_nothing_changes(client):
    listener = User.objects.create_user("listener", password="x-Long-passw0rd")
    client.force_login(curator_create())

    page = client.get(f"/admin/accounts/user/{listener.id}/change/")
    post = client.post(f"/admin/accounts/user/{listener.id}/change/", {"username": "renamed", "is_staff": "on"})

    assert (page.status_code, post.status_code) == (403, 403)
    assert User.objects.values_list("username", "is_staff").get(id=listener.id) == ("listener", False)


def test_the_preview_shows_a_listeners_list_to_staff_only(client, starter_catalogue):
    preview = "/admin/music/track/preview/"
    listener = User.objects.create_user("listener", password="x-Long-passw0rd")
    client.force_login(listener)
    denied = client.get(preview, {"emotion": "SAD", "strategy": "uplift"})
    client.force_login(curator_create())

    page = client.get(preview, {"emotion": "SAD", "strategy": "uplift", "username": "listener"})

    assert (denied.status_code, denied.url) == (
        302, f"/admin/login/?next={preview}%3Femotion%3DSAD%26strategy%3Duplift")
    assert len(page.context["rows"]) == 10
    assert "step 10 of 10 towards brighter and livelier — a happy song" in page.content.decode()
