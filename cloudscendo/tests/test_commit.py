"""After-commit work (task sends, hooks, file deletions) never turns a committed write into an error."""

import pytest
from django.db import transaction

from cloudscendo.commit import on_commit_robust
from moods.models import MoodCapture
from moods.tests.factories import MoodCaptureFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _broker_refuses(capture_id: int) -> None:
    raise RuntimeError(f"no broker for {capture_id}")


def test_an_error_after_commit_is_logged_with_the_function_and_its_arguments_and_the_write_is_kept(caplog):
    with transaction.atomic():
        capture = MoodCaptureFactory()
        on_commit_robust(_broker_refuses, capture.id)

    assert MoodCapture.objects.get(id=capture.id).status == "queued"
    assert caplog.messages == [f"Error calling cloudscendo.tests.test_commit._broker_refuses({capture.id},) in "
                               f"on_commit() during transaction (no broker for {capture.id})."]


def test_outside_a_transaction_the_function_runs_at_once_with_its_arguments():
    seen = []

    on_commit_robust(seen.append, "sent")

    assert seen == ["sent"]
