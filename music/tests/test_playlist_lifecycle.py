"""A playlist's build: claimed once, all-or-nothing, given up into a visible failed list, swept when stuck."""

import datetime

import pytest
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone

from music.models import Playlist, Recommendation
from music.services import recommendations
from music.tasks import playlist_build_task
from music.tests.factories import DoneCaptureFactory

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 5, 4, 12, 0, tzinfo=datetime.UTC)


def _playlist(status: str = "queued", **fields) -> Playlist:
    capture = DoneCaptureFactory()
    return Playlist.objects.create(capture=capture, user_id=capture.user_id, emotion="CALM", strategy="match",
                                   status=status, **fields)


def _row(playlist: Playlist) -> tuple:
    return Playlist.objects.values_list("status", "attempts", "error").get(id=playlist.id)


def test_a_queued_playlist_is_claimed_built_and_stored_whole(starter_catalogue):
    playlist = _playlist()

    recommendations.playlist_build(playlist_id=playlist.id)

    assert _row(playlist) == ("ready", 1, "")
    assert Recommendation.objects.filter(playlist=playlist).count() == 10


def test_a_second_delivery_of_a_building_playlist_does_nothing(starter_catalogue):
    # given a playlist another delivery has claimed
    playlist = _playlist(status="building", attempts=1, started_at=timezone.now())

    # when the same message is delivered again
    recommendations.playlist_build(playlist_id=playlist.id)

    # then the build in progress is left alone: no second list of songs
    assert _row(playlist) == ("building", 1, "")
    assert Recommendation.objects.filter(playlist=playlist).count() == 0


def test_a_build_that_crashes_ends_failed_with_a_message_and_no_songs(starter_catalogue, monkeypatch):
    playlist = _playlist()
    monkeypatch.setattr(recommendations.selectors, "recommendations_compute",
                        lambda request: (_ for _ in ()).throw(ValueError("a bug")))

    playlist_build_task.apply(args=[playlist.id])

    assert _row(playlist) == ("failed", 1, "We could not build this list just now. Please try again.")
    assert Recommendation.objects.filter(playlist=playlist).count() == 0


def test_a_lost_database_connection_is_retried_and_the_claimed_playlist_left_to_the_sweeper(starter_catalogue,
                                                                                            monkeypatch):
    playlist = _playlist()
    calls = []

    def lost(request):
        calls.append(1)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(recommendations.selectors, "recommendations_compute", lost)

    # eager mode runs the retries at once: the first finds nothing to claim after the claim
    playlist_build_task.apply(args=[playlist.id])

    assert calls == [1]  # the retry found the playlist claimed and left it alone
    assert _row(playlist) == ("building", 1, "")


def test_the_sweeper_resets_a_playlist_left_building_past_the_limit_and_builds_it(starter_catalogue, settings,
                                                                                   django_capture_on_commit_callbacks):
    settings.PLAYLIST_STUCK_AFTER_SECONDS = 300
    stuck = _playlist(status="building", attempts=1, started_at=NOW - datetime.timedelta(seconds=301))
    recent = _playlist(status="building", attempts=1, started_at=NOW - datetime.timedelta(seconds=299))

    with django_capture_on_commit_callbacks(execute=True):
        ids = recommendations.playlists_requeue_stuck(now=NOW)

    assert ids == [stuck.id]
    assert _row(stuck) == ("ready", 2, "")
    assert Recommendation.objects.filter(playlist=stuck).count() == 10
    assert _row(recent) == ("building", 1, "")


def test_the_sweeper_sends_a_long_queued_playlist_again(starter_catalogue, settings,
                                                        django_capture_on_commit_callbacks):
    settings.PLAYLIST_STUCK_AFTER_SECONDS = 300
    queued = _playlist()
    Playlist.objects.filter(id=queued.id).update(created_at=NOW - datetime.timedelta(seconds=301))

    with django_capture_on_commit_callbacks(execute=True):
        assert recommendations.playlists_requeue_stuck(now=NOW) == [queued.id]

    assert _row(queued) == ("ready", 1, "")


def test_the_sweeper_fails_a_playlist_that_was_claimed_too_often(settings, django_capture_on_commit_callbacks):
    settings.PLAYLIST_STUCK_AFTER_SECONDS, settings.STUCK_MAX_ATTEMPTS = 300, 3
    doomed = _playlist(status="building", attempts=3, started_at=NOW - datetime.timedelta(seconds=301))

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert recommendations.playlists_requeue_stuck(now=NOW) == []

    assert _row(doomed) == ("failed", 3, "We could not build this list just now. Please try again.")
    assert callbacks == []


def test_the_command_reports_what_it_sent(starter_catalogue, settings, capsys, django_capture_on_commit_callbacks):
    settings.PLAYLIST_STUCK_AFTER_SECONDS = 300
    stuck = _playlist(status="building", attempts=1,
                      started_at=timezone.now() - datetime.timedelta(seconds=301))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("requeue_stuck_playlists")

    assert capsys.readouterr().out == f"re-enqueued 1 playlist(s): {stuck.id}\n"
    assert _row(stuck) == ("ready", 2, "")


def test_a_failed_list_shows_its_message_and_try_again_builds_it_anew(client, starter_catalogue,
                                                                      django_capture_on_commit_callbacks):
    failed = _playlist(status="failed", error="We could not build this list just now. Please try again.")
    client.force_login(failed.user)
    url = f"/captures/{failed.capture_id}/songs/list/"

    page = client.get(url).content.decode()

    assert '<p class="message message-error" role="alert" data-failed>We could not build this list just now. ' \
           'Please try again.</p>' in page
    assert '<input type="hidden" name="action" value="retry">' in page
    assert "data-building" not in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/captures/{failed.capture_id}/songs/change/", {"action": "retry"})

    assert response.url == f"/captures/{failed.capture_id}/songs/"
    again = Playlist.objects.exclude(id=failed.id).get(capture_id=failed.capture_id)
    assert (again.status, again.strategy, again.query) == ("ready", "match", "")
    assert Recommendation.objects.filter(playlist=again).count() == 10
    assert _row(failed)[0] == "failed"


def test_try_again_on_a_list_that_did_not_fail_changes_nothing(client, starter_catalogue):
    ready = _playlist(status="ready")
    client.force_login(ready.user)

    client.post(f"/captures/{ready.capture_id}/songs/change/", {"action": "retry"})

    assert list(Playlist.objects.filter(capture_id=ready.capture_id).values_list("id", "status")) == [
        (ready.id, "ready")]
