"""Reads on captures: one user's capture, its status for the page script, the stuck ones, and how listeners
corrected the model."""

import datetime
import time
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.urls import reverse

from accounts.models import User
from moods import notify
from moods.models import Emotion, MoodCapture
from moods.stored import photo_showable

Status = MoodCapture.Status
PENDING = (Status.AWAITING_UPLOAD, Status.QUEUED, Status.ANALYSING)


def capture_get(*, user: User, capture_id: int) -> MoodCapture:
    """The user's own capture; raise Http404 for anyone else's, so its existence is not revealed."""
    return get_object_or_404(MoodCapture, id=capture_id, user=user)


def capture_get_ended(*, user: User, capture_id: int, wait: float) -> MoodCapture:
    """The user's capture once it is no longer pending, or as it is after `wait` seconds (a long poll);
    Http404 as capture_get."""
    if wait <= 0:
        return capture_get(user=user, capture_id=capture_id)
    deadline = time.monotonic() + wait
    # Subscribed before the read: an end published between the two is not missed. The page asks
    # only while its capture is pending, so the subscription is rarely wasted.
    with notify.capture_ended_subscription(capture_id) as ended:
        capture = capture_get(user=user, capture_id=capture_id)
        while capture.status in PENDING and (left := deadline - time.monotonic()) > 0:
            ended.wait(left)
            capture.refresh_from_db()
    return capture


def capture_is_uncertain(*, capture: MoodCapture) -> bool:
    """True when no face was read, or the reading is below EMOTION_MIN_CONFIDENCE."""
    if capture.status == Status.NO_FACE:
        return True
    return capture.status == Status.DONE and (capture.confidence or 0) < settings.EMOTION_MIN_CONFIDENCE


CORRECTIONS_OFFERED = 3  # the top expressions an uncertain reading offers as one-tap corrections


def capture_scores(*, capture: MoodCapture) -> list[dict]:
    """The emotions the backend scored, with label and score, highest first; none before the analysis.

    An emotion a backend cannot produce (the local model has no CONFUSED) is left out, not shown as 0 %.
    """
    rows = [{"emotion": value, "label": label, "score": float(capture.scores[value])}
            for value, label in Emotion.choices if value in capture.scores]
    return sorted(rows, key=lambda row: -row["score"])


def capture_timeline(*, capture: MoodCapture) -> list[dict]:
    """A kept live session's samples for its page: when (m:ss from the start), the leading mood and its score."""
    labels = dict(Emotion.choices)
    rows = []
    for sample in capture.timeline:
        emotion = max(sample["scores"], key=sample["scores"].get)
        minutes, seconds = divmod(int(sample["t"]), 60)
        rows.append({"at": f"{minutes}:{seconds:02d}", "emotion": emotion, "label": labels.get(emotion, emotion),
                     "score": sample["scores"][emotion]})
    return rows


def capture_corrections(*, capture: MoodCapture) -> list[dict]:
    """What an uncertain photo reading offers as one-tap corrections: its top expressions."""
    if capture.source == MoodCapture.Source.MANUAL or capture.correction or not capture.emotion \
            or not capture_is_uncertain(capture=capture):
        return []
    return [{"emotion": row["emotion"], "label": row["label"]}
            for row in capture_scores(capture=capture)[:CORRECTIONS_OFFERED]]


def capture_faces(*, capture: MoodCapture) -> list[dict]:
    """Each face of a photo reading, largest first: its box in percent of the photo (left, top, width, height),
    its own top emotion and score, and whether it decided the reading (the largest, or every face in a group)."""
    faces = []
    for number, face in enumerate(capture.faces, start=1):
        scores = face.get("scores") or {}
        emotion = max(scores, key=scores.get) if any(scores.values()) else ""
        faces.append({"number": number, "box": [round(100 * value, 2) for value in face["box"]],
                      "emotion": emotion, "label": Emotion(emotion).label if emotion else "unreadable",
                      "score": float(scores.get(emotion, 0.0)), "decided": capture.group or number == 1})
    return faces


def capture_status(*, capture: MoodCapture) -> dict:
    """The JSON the capture page waits on (status "done" comes with the capture's first song list)."""
    return {
        "id": capture.id,
        "source": capture.source,
        "status": capture.status,
        "status_label": capture.get_status_display(),
        "pending": capture.status in PENDING,
        "emotion": capture.emotion,
        "emotion_label": capture.get_emotion_display() if capture.emotion else "",
        "confidence": capture.confidence,
        "scores": capture_scores(capture=capture),
        "face_count": capture.face_count,
        "group": capture.group,
        "faces": capture_faces(capture=capture),
        # The private photo, through the permission-checked view; empty once it was not kept.
        "photo_url": reverse("capture_photo", args=[capture.id]) if photo_showable(capture.image.name) else "",
        "uncertain": capture_is_uncertain(capture=capture),
        "correction": capture.correction,
        "correction_label": capture.get_correction_display() if capture.correction else "",
        "corrections": capture_corrections(capture=capture),
        "correct_url": reverse("capture_correct", args=[capture.id]),
        "error": capture.error,
        "model": capture.model,
        **_songs_urls(capture),
    }


def _songs_urls(capture: MoodCapture) -> dict[str, str]:
    # The songs page, and the list alone that the capture page's script shows under the reading.
    routes = {"songs_url": "music:capture_songs", "songs_list_url": "music:capture_songs_list"}
    done = capture.status == Status.DONE
    return {key: reverse(route, args=[capture.id]) if done else "" for key, route in routes.items()}


def capture_latest_read(*, user: User) -> MoodCapture | None:
    """The user's newest capture that has a reading, or None."""
    return (MoodCapture.objects.filter(user=user, status=Status.DONE).exclude(emotion="")
            .order_by("-created_at", "-id").first())


def captures_stuck_queued(*, before: datetime.datetime) -> list[int]:
    """Ids of captures queued since before `before` (counting from their last try, if any)."""
    return list(MoodCapture.objects.filter(status=Status.QUEUED)
                .alias(waiting_since=Coalesce("started_at", "created_at"))
                .filter(waiting_since__lt=before).values_list("id", flat=True))


def captures_stuck_analysing(*, before: datetime.datetime) -> list[int]:
    """Ids of captures whose analysis started before `before` and never ended."""
    return list(MoodCapture.objects.filter(Q(status=Status.ANALYSING) & Q(started_at__lt=before))
                .values_list("id", flat=True))


def captures_awaiting_upload(*, before: datetime.datetime) -> list[tuple[int, str]]:
    """(id, stored name) of captures created before `before` whose photo was never confirmed in the bucket."""
    return list(MoodCapture.objects.filter(status=Status.AWAITING_UPLOAD, created_at__lt=before)
                .order_by("id").values_list("id", "image"))


@dataclass(frozen=True)
class CorrectionsConfusion:
    """One model's readings against what listeners said instead: counts per (model's emotion, correction)."""

    model: str
    emotions: tuple[str, ...]  # the rows and the columns, in Emotion's order
    counts: dict[str, dict[str, int]]  # the model's emotion -> the listener's correction -> captures
    total: int
    agreed: int  # corrections that picked the model's own emotion

    @property
    def agreement(self) -> float:
        return self.agreed / self.total if self.total else 0.0

    @property
    def agreement_percent(self) -> float:
        return round(100 * self.agreement, 1)

    @property
    def labels(self) -> list[str]:
        return [Emotion(emotion).label for emotion in self.emotions]

    @property
    def rows(self) -> list[dict]:
        """The matrix as a table shows it: per model emotion, its label, its counts by column and their total."""
        return [{"label": Emotion(row).label, "counts": list(self.counts[row].values()),
                 "total": sum(self.counts[row].values())} for row in self.emotions]


def corrections_confusion() -> list[CorrectionsConfusion]:
    """Per model, the confusion between its readings and listeners' corrections, counting only the
    captures of listeners who opted in (User.share_corrections); models in name order."""
    pairs = (MoodCapture.objects.filter(user__share_corrections=True, status=Status.DONE)
             .exclude(correction="").exclude(emotion="")
             .values_list("model", "emotion", "correction").annotate(captures=Count("id")).order_by())
    by_model: dict[str, dict[tuple[str, str], int]] = {}
    for model, emotion, correction, captures in pairs:
        by_model.setdefault(model, {})[emotion, correction] = captures
    return [_confusion(model, counts) for model, counts in sorted(by_model.items())]


def _confusion(model: str, pairs: dict[tuple[str, str], int]) -> CorrectionsConfusion:
    seen = {emotion for pair in pairs for emotion in pair}
    emotions = tuple(value for value in Emotion.values if value in seen)
    counts = {row: {column: pairs.get((row, column), 0) for column in emotions} for row in emotions}
    return CorrectionsConfusion(model=model or "(unknown model)", emotions=emotions, counts=counts,
                                total=sum(pairs.values()), agreed=sum(pairs.get((e, e), 0) for e in emotions))
