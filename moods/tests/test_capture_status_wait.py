"""GET /captures/<id>/status?wait=<seconds>: a long poll that answers when the capture ends, or as it is then."""

import contextlib

import pytest

from accounts.tests.factories import UserFactory
from conftest import TEST_REDIS_URL
from moods import notify, services
from moods.models import MoodCapture
from moods.tests.factories import MoodCaptureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def listener(client):
    user = UserFactory()
    client.force_login(user)
    return user


def _waiting_with(monkeypatch, wait) -> list[float]:
    """Make the long poll wait with `wait(seconds) -> bool`; return the seconds it was asked to wait."""
    asked = []

    class Waiter:
        def wait(self, seconds: float) -> bool:
            asked.append(seconds)
            return wait(seconds)

    monkeypatch.setattr(notify, "capture_ended_subscription", lambda capture_id: contextlib.nullcontext(Waiter()))
    return asked


def test_the_long_poll_answers_done_once_the_capture_ends_while_it_waits(client, listener, monkeypatch, settings):
    settings.CAPTURE_STATUS_MAX_WAIT = 25
    capture = MoodCaptureFactory(user=listener)

    def worker_finishes(seconds: float) -> bool:  # what a worker's done commit and its publish amount to
        MoodCapture.objects.filter(id=capture.id).update(status="done", emotion="HAPPY", confidence=97.0)
        return True

    asked = _waiting_with(monkeypatch, worker_finishes)

    body = client.get(f"/captures/{capture.id}/status", {"wait": "60"}).json()

    assert (body["status"], body["pending"], body["emotion"]) == ("done", False, "HAPPY")
    assert body["songs_list_url"] == f"/captures/{capture.id}/songs/list/"
    assert len(asked) == 1 and 24 < asked[0] <= 25  # capped at CAPTURE_STATUS_MAX_WAIT


def test_the_long_poll_answers_pending_when_its_time_is_up(client, listener, settings):
    settings.CACHE_URL = None  # no Redis: the wait re-checks the database
    capture = MoodCaptureFactory(user=listener)

    body = client.get(f"/captures/{capture.id}/status", {"wait": "0.01"}).json()

    assert (body["status"], body["pending"], body["songs_url"]) == ("queued", True, "")


def test_without_wait_or_for_an_ended_capture_the_status_answers_at_once(client, listener, monkeypatch):
    asked = _waiting_with(monkeypatch, lambda seconds: pytest.fail("must not wait"))
    pending = MoodCaptureFactory(user=listener)
    ended = MoodCaptureFactory(user=listener, status="failed", error="Nope.")

    assert client.get(f"/captures/{pending.id}/status").json()["status"] == "queued"
    assert client.get(f"/captures/{ended.id}/status", {"wait": "20"}).json()["status"] == "failed"
    assert asked == []


@pytest.mark.parametrize("wait", ["soon", "-1", "nan"])
def test_a_wait_that_is_not_a_number_of_seconds_is_refused(client, listener, wait):
    capture = MoodCaptureFactory(user=listener)

    response = client.get(f"/captures/{capture.id}/status", {"wait": wait})

    assert (response.status_code, response.json()) == (400, {"detail": "wait is a number of seconds, 0 or more."})


def test_someone_elses_capture_is_not_found_and_not_waited_on(client, listener, monkeypatch):
    asked = _waiting_with(monkeypatch, lambda seconds: pytest.fail("must not wait"))
    capture = MoodCaptureFactory()

    assert client.get(f"/captures/{capture.id}/status", {"wait": "20"}).status_code == 404
    assert asked == []


def test_ending_a_capture_publishes_its_end_after_commit(django_capture_on_commit_callbacks):
    capture = MoodCaptureFactory()

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.capture_fail(capture_id=capture.id, message="Nope.")

    assert [(callback.func, callback.args) for callback in callbacks] == [
        (notify.capture_ended_publish, (capture.id,))]


@pytest.mark.redis
def test_a_published_end_wakes_the_waiter_through_redis(settings):
    settings.CACHE_URL = TEST_REDIS_URL

    with notify.capture_ended_subscription(41) as ended:
        notify.capture_ended_publish(42)  # another capture's end is not this one's
        other = ended.wait(0.05)
        notify.capture_ended_publish(41)
        woken = ended.wait(20)

    assert (other, woken) == (False, True)


def test_with_redis_down_the_waiter_re_checks_and_publishing_raises_nothing(settings):
    settings.CACHE_URL = "redis://127.0.0.1:9/0"  # the discard port: nothing listens

    notify.capture_ended_publish(41)
    with notify.capture_ended_subscription(41) as ended:
        assert isinstance(ended, notify._Sleeper)
        assert ended.wait(0.01) is False
