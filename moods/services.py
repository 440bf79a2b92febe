"""Writes on captures: create them, analyse them once, re-enqueue the stuck ones, delete them and their photos."""

import datetime
import logging
import uuid
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from kombu.exceptions import OperationalError

from accounts.models import User
from cloudscendo.commit import on_commit_robust
from moods import notify, photos, selectors, stored
from moods.device import DeviceReading
from moods.emotion import Analysis, BackendUnavailable, InputRejected, get_detector
from moods.models import LOCAL_FIELDS, Emotion, MoodCapture
from moods.readings import Reading, reading_from_analysis, reading_from_timeline

logger = logging.getLogger(__name__)

Status = MoodCapture.Status

# Dotted paths of callables `(*, capture: MoodCapture) -> Callable[[], None]`, given a capture about to be
# done (its reading set, not stored yet): each prepares what the page shows with the reading and returns
# the function that stores it, which runs inside the transaction that marks the capture done. Today the
# one hook ranks the capture's first song list: "done" always comes with its songs, in one commit, so the
# page waits on one state and no second task or race builds a second list (issue 15). Named by path so
# this module imports no music code.
DONE_HOOKS: tuple[str, ...] = ("music.services.capture_first_list",)
# Called after a listener corrects a reading, with the capture's id, once the correction is committed.
CORRECTION_HOOKS: tuple[str, ...] = ("music.services.capture_recommendations_correct",)

GAVE_UP_MESSAGE = "The emotion service did not answer in time. Please try again, or pick your mood."
STORAGE_DOWN_MESSAGE = "We cannot store photos right now, so nothing was saved. Please try again in a minute."
NEVER_ARRIVED_MESSAGE = "Your photo never arrived, so nothing was read. Please send it again."


class StorageUnavailable(Exception):
    """The photo store could not be reached or written: nothing was saved, and the user may try again."""


def capture_create_from_photo(*, user: User, photo: bytes, source: str, group: bool = False,
                              strategy: str | None = None) -> MoodCapture:
    """Store a clean copy of the photo and queue its analysis after commit; the strategy defaults to the user's.

    Raises photos.PhotoRejected, or StorageUnavailable when the photo cannot be stored (then no row exists).
    """
    jpeg = photos.photo_clean(data=photo, max_bytes=settings.UPLOAD_MAX_BYTES, max_pixels=settings.UPLOAD_MAX_PIXELS)
    name = _photo_store(jpeg)
    try:
        # One INSERT in autocommit, no transaction around it: one statement, not three.
        capture = MoodCapture.objects.create(user=user, image=name, source=source, group=group,
                                             strategy=strategy or user.strategy)
    except BaseException:
        default_storage.delete(name)  # no row, no file
        raise
    on_commit_robust(_enqueue, capture.id)  # at once, unless a caller's transaction is still open
    if settings.CELERY_TASK_ALWAYS_EAGER:  # the analysis ran in-process just now: answer with its end
        capture.refresh_from_db()
    return capture


def _photo_store(jpeg: bytes, name: str | None = None) -> str:
    name = name or f"photos/{uuid.uuid4().hex}.jpg"
    try:
        return default_storage.save(name, ContentFile(jpeg))
    except stored.storage_errors() as error:
        logger.warning("photo store unreachable: %s", error)
        _photo_discard(name)  # a write may have landed before the answer was lost
        raise StorageUnavailable(STORAGE_DOWN_MESSAGE) from error


def _photo_discard(name: str) -> None:
    try:
        default_storage.delete(name)
    except stored.storage_errors():
        logger.warning("could not delete %s after a failed upload", name, exc_info=True)


def capture_create_manual(*, user: User, emotion: str, strategy: str | None = None) -> MoodCapture:
    """Record a mood picked by hand, done at once with its songs (the done hooks); strategy: the user's if None."""
    if emotion not in Emotion.values:
        raise ValueError(f"unknown emotion {emotion!r}")
    now = timezone.now()
    return _done_create(MoodCapture(
        user=user, source=MoodCapture.Source.MANUAL, status=Status.DONE, emotion=emotion, confidence=100.0,
        scores={name: 100.0 if name == emotion else 0.0 for name in Emotion.values}, backend="manual",
        strategy=strategy or user.strategy, started_at=now, finished_at=now))


def capture_queue_uploaded(*, capture_id: int) -> bool:
    """Queue the analysis of a capture whose photo reached the bucket, after commit; return whether it changed."""
    with transaction.atomic():
        queued = MoodCapture.objects.filter(id=capture_id, status=Status.AWAITING_UPLOAD).update(
            status=Status.QUEUED) == 1
        if queued:
            on_commit_robust(_enqueue, capture_id)
    return queued


def capture_create_from_device(*, user: User, reading: DeviceReading, strategy: str | None = None) -> MoodCapture:
    """Record a reading made in the listener's browser (a snapshot's faces, or a kept live session's timeline),
    done at once with its songs (the done hooks): there is no photo to analyse or keep."""
    if reading.timeline:
        source, result = MoodCapture.Source.LIVE, reading_from_timeline(samples=list(reading.timeline))
    else:
        source = MoodCapture.Source.DEVICE
        result = reading_from_analysis(analysis=Analysis(faces=reading.faces, width=0, height=0, model=reading.model),
                                       group=False)
    return _capture_done(user=user, source=source, result=result, model=reading.model,
                         timeline=list(reading.timeline), strategy=strategy or user.strategy)


def _capture_done(*, user: User, source: str, result: Reading, model: str, timeline: list, strategy: str):
    now = timezone.now()
    return _done_create(MoodCapture(
        user=user, source=source, status=Status.DONE, emotion=result.emotion, confidence=result.confidence,
        scores=result.scores, face_count=result.face_count, faces=result.faces, timeline=timeline,
        backend="device", model=model, strategy=strategy, started_at=now, finished_at=now))


def _done_create(capture: MoodCapture) -> MoodCapture:
    # Ranked before the transaction, stored in it: the capture and its songs appear together.
    stores = _done_hooks_prepare(capture)
    with transaction.atomic():
        capture.save(force_insert=True)
        for store in stores:
            store()
    return capture


def _enqueue(capture_id: int) -> None:
    from moods.tasks import capture_analyse_task  # the task module imports this one

    try:
        capture_analyse_task.delay(capture_id)
    except OperationalError:
        # The row is committed as queued: the sweeper (requeue_stuck_captures) sends it later.
        logger.warning("broker unreachable: capture %s stays queued for the sweeper", capture_id, exc_info=True)


def _done_hooks_prepare(capture: MoodCapture) -> list[Callable[[], None]]:
    return [import_string(path)(capture=capture) for path in DONE_HOOKS]


class CorrectionRefused(Exception):
    """This reading cannot be corrected that way (not analysed yet, picked by hand, or not an emotion)."""


def capture_correct(*, capture: MoodCapture, emotion: str) -> MoodCapture:
    """Store the listener's correction of a photo's reading; its songs follow it once committed."""
    if emotion not in Emotion.values:
        raise CorrectionRefused("Pick one of the eight moods.")
    if capture.source == MoodCapture.Source.MANUAL or capture.status != Status.DONE:
        raise CorrectionRefused("Only a finished photo reading can be corrected.")
    with transaction.atomic():
        capture.correction, capture.corrected_at = emotion, timezone.now()
        capture.save(update_fields=["correction", "corrected_at"])
        on_commit_robust(_correction_hooks_run, capture.id)
    return capture


def _correction_hooks_run(capture_id: int) -> None:
    for path in CORRECTION_HOOKS:
        import_string(path)(capture_id=capture_id)


def emotion_detector_load() -> str:
    """Load the emotion backend's model in this process now (a worker child's start); return the model's name."""
    return get_detector().model


def capture_analyse(*, capture_id: int) -> None:
    """Claim a queued capture, read its emotion and store the reading; a capture not queued is left alone.

    Raises BackendUnavailable after putting the capture back in the queue; an
    InputRejected ends the capture as failed with the backend's message.
    """
    if not _claim(capture_id):
        return
    capture = MoodCapture.objects.select_related("user").get(id=capture_id)
    try:
        if capture.image.name.startswith(stored.RAW_UPLOADS):
            _upload_clean(capture)
        analysis = _detect(capture)
    except (InputRejected, photos.PhotoRejected) as error:
        capture_fail(capture_id=capture_id, message=str(error))
        return
    except BackendUnavailable:
        MoodCapture.objects.filter(id=capture_id, status=Status.ANALYSING).update(status=Status.QUEUED)
        raise
    _reading_store(capture, analysis)


def _claim(capture_id: int) -> bool:
    # Compare-and-swap: of two deliveries of the same task only one gets 1.
    return MoodCapture.objects.filter(id=capture_id, status=Status.QUEUED).update(
        status=Status.ANALYSING, started_at=timezone.now(), attempts=F("attempts") + 1) == 1


UPLOAD_UNREADABLE_MESSAGE = "We could not read the photo you sent. Please try again in a minute."


def _upload_clean(capture: MoodCapture) -> None:
    """Replace the photo the browser sent to the bucket with its clean copy, exactly as a photo sent to us.

    A rejected photo is deleted, then PhotoRejected raised; a store that cannot be reached raises
    BackendUnavailable so the task retries. Safe to run again: the clean copy's name comes from the raw one's.
    """
    raw = capture.image.name
    try:
        with default_storage.open(raw, "rb") as handle:
            data = handle.read(settings.UPLOAD_MAX_BYTES + 1)  # the bucket's policy already capped the size
        jpeg = photos.photo_clean(data=data, max_bytes=settings.UPLOAD_MAX_BYTES,
                                  max_pixels=settings.UPLOAD_MAX_PIXELS)
        name = f"photos/{raw.removeprefix(stored.RAW_UPLOADS)}.jpg"
        default_storage.delete(name)  # a copy left by an attempt that died: else the store picks another name
        name = _photo_store(jpeg, name)
    except photos.PhotoRejected:
        MoodCapture.objects.filter(id=capture.id).update(image="")
        _files_delete([raw])
        raise
    except (StorageUnavailable, *stored.storage_errors()) as error:
        raise BackendUnavailable(UPLOAD_UNREADABLE_MESSAGE) from error
    MoodCapture.objects.filter(id=capture.id).update(image=name)
    capture.image.name = name
    _files_delete([raw])


def _detect(capture: MoodCapture) -> Analysis:
    with capture.image.open("rb") as handle:
        image = handle.read()
    return get_detector().detect(image, storage_name=capture.image.name)


def _reading_store(capture: MoodCapture, analysis: Analysis) -> None:
    reading = reading_from_analysis(analysis=analysis, group=capture.group)
    status = Status.DONE if reading.emotion else Status.NO_FACE
    unreadable = reading.face_count and not reading.emotion
    error = "A face was found but its expression could not be read." if unreadable else ""
    capture.status, capture.emotion = status, reading.emotion  # what the done hooks read
    stores = _done_hooks_prepare(capture) if status == Status.DONE else []
    photo = capture.image.name
    kept = {} if capture.user.keep_images else {"image": ""}  # a photo not kept goes in the same write
    with transaction.atomic():
        stored = MoodCapture.objects.filter(id=capture.id, status=Status.ANALYSING).update(
            status=status, emotion=reading.emotion, confidence=reading.confidence, scores=reading.scores,
            face_count=reading.face_count, faces=reading.faces, backend=settings.EMOTION_BACKEND,
            model=analysis.model, error=error, finished_at=timezone.now(), **kept)
        if not stored:  # deleted, or ended by someone else meanwhile: store nothing more
            return
        for store in stores:
            store()
        if kept:
            _files_delete_on_commit([photo])
        on_commit_robust(notify.capture_ended_publish, capture.id)


def capture_fail(*, capture_id: int, message: str) -> bool:
    """End a queued or analysing capture as failed with a message for the user; return whether it changed."""
    failed = MoodCapture.objects.filter(id=capture_id, status__in=(Status.QUEUED, Status.ANALYSING)).update(
        status=Status.FAILED, error=message[:500], finished_at=timezone.now()) == 1
    if failed:
        on_commit_robust(notify.capture_ended_publish, capture_id)
    return failed


def capture_give_up(*, capture_id: int) -> bool:
    """End a capture whose analysis ran out of retries or crashed; return whether it changed."""
    return capture_fail(capture_id=capture_id, message=GAVE_UP_MESSAGE)


def _files_delete_on_commit(names: Iterable[str]) -> None:
    names = [name for name in names if name]
    if names:
        on_commit_robust(_files_delete, names)


def _files_delete(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)


@transaction.atomic
def capture_delete(*, capture: MoodCapture) -> None:
    """Delete a capture (a capture already gone is no error); its stored photo goes once the deletion commits."""
    # The row lock orders this against a song list being stored for the capture, which takes the
    # same lock (music.services.recommendations): without it the delete could collect the list's
    # songs before the build committed them, and fail on them at commit (issue 13: a 500, and the
    # capture survived). Now either the build commits first and its songs are deleted with the
    # capture, or the build finds the capture gone and stores nothing.
    if not MoodCapture.objects.select_for_update().filter(id=capture.id).exists():
        return
    _files_delete_on_commit([capture.image.name])
    capture.delete()


def user_captures_erase(*, user: User) -> None:
    """Account-deletion eraser: delete every stored photo of the user once the deletion commits."""
    # Locked as capture_delete locks one: a song list being stored for one of them commits first
    # (and goes with the account) or finds its capture gone.
    _files_delete_on_commit(user.captures.select_for_update().values_list("image", flat=True))


def captures_requeue_stuck(*, now: datetime.datetime | None = None) -> list[int]:
    """Send stuck captures to the queue again (analysing ones are reset first); return their ids."""
    # Resetting an analysing capture is safe because settings refuse a CAPTURE_STUCK_AFTER_SECONDS
    # not above CELERY_TASK_TIME_LIMIT: by then no worker can still be running it.
    cutoff = (now or timezone.now()) - datetime.timedelta(seconds=settings.CAPTURE_STUCK_AFTER_SECONDS)
    reset = [capture_id for capture_id in selectors.captures_stuck_analysing(before=cutoff)
             if MoodCapture.objects.filter(id=capture_id, status=Status.ANALYSING,
                                           started_at__lt=cutoff).update(status=Status.QUEUED) == 1]
    ids = sorted({*selectors.captures_stuck_queued(before=cutoff), *reset})
    for capture_id in ids:
        _enqueue(capture_id)
    return ids


def captures_upload_sweep(*, now: datetime.datetime | None = None) -> list[int]:
    """End the captures whose photo was never confirmed as failed and delete what reached the bucket; return ids."""
    now = now or timezone.now()
    # The POST's policy has expired by then, and the page had CAPTURE_STUCK_AFTER_SECONDS more to confirm.
    cutoff = now - datetime.timedelta(seconds=settings.AWS_S3_UPLOAD_EXPIRE + settings.CAPTURE_STUCK_AFTER_SECONDS)
    swept = []
    for capture_id, name in selectors.captures_awaiting_upload(before=cutoff):
        # Compare-and-swap: a capture confirmed meanwhile is left to its analysis.
        if MoodCapture.objects.filter(id=capture_id, status=Status.AWAITING_UPLOAD).update(
                status=Status.FAILED, image="", error=NEVER_ARRIVED_MESSAGE, finished_at=now) == 1:
            _photo_discard(name)  # on failure the bucket's lifecycle rule on uploads/ removes it later
            swept.append(capture_id)
    return swept


LOCALISE_BATCH = 2000


def captures_localise() -> int:
    """Recompute every capture's local date, weekday and hour in the current TIME_ZONE; return how many changed.

    Run after changing TIME_ZONE: the history groups readings on these columns, written when a capture is made.
    """
    captures = MoodCapture.objects.only("id", "created_at", *LOCAL_FIELDS).order_by("id")
    changed, last = 0, 0
    while batch := list(captures.filter(id__gt=last)[:LOCALISE_BATCH]):
        stale = []
        for capture in batch:
            before = [getattr(capture, name) for name in LOCAL_FIELDS]
            capture.localise()
            if [getattr(capture, name) for name in LOCAL_FIELDS] != before:
                stale.append(capture)
        MoodCapture.objects.bulk_update(stale, LOCAL_FIELDS)
        changed, last = changed + len(stale), batch[-1].id
    return changed
