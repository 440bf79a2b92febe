"""What the captures API reads and writes."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Strategy
from cloudscendo.api_errors import QueryParamsSerializer
from moods.api.links import photo_url
from moods.device import DEVICE_MODELS
from moods.history.selectors import HistoryFilter
from moods.models import Emotion, MoodCapture
from music.api import RecommendationSerializer
from music.selectors import capture_songs_current


class HistoryFilterSerializer(QueryParamsSerializer):
    """Query parameters `from`, `to` (dates, inclusive, in the site's time zone) and `emotion`."""

    def get_fields(self) -> dict:
        # `from` is a Python keyword, so the fields are built here rather than declared.
        return {"from": serializers.DateField(required=False, help_text="First day, YYYY-MM-DD."),
                "to": serializers.DateField(required=False, help_text="Last day, YYYY-MM-DD."),
                "emotion": serializers.ChoiceField(choices=Emotion.choices, required=False)}

    def validate(self, attrs: dict) -> dict:
        if attrs.get("from") and attrs.get("to") and attrs["from"] > attrs["to"]:
            raise serializers.ValidationError({"to": ["Must not be before `from`."]})
        return attrs

    def history_filter(self) -> HistoryFilter:
        data = self.validated_data
        return HistoryFilter(date_from=data.get("from"), date_to=data.get("to"), emotion=data.get("emotion", ""))


class ScoresSerializer(serializers.Serializer):
    """Every emotion's score, 0-100; null for one the backend cannot produce (the local model has no CONFUSED)."""

    def get_fields(self) -> dict:
        return {name: serializers.FloatField(allow_null=True) for name in Emotion.values}


class FaceSerializer(serializers.Serializer):
    box = serializers.ListField(child=serializers.FloatField(), min_length=4, max_length=4,
                                help_text="left, top, width, height as fractions of the photo.")
    scores = ScoresSerializer()


def _every_score(scores: dict) -> dict[str, float | None] | None:
    # No scores before the analysis: null, not a row of zeros that reads like a result.
    if not scores:
        return None
    return {name: float(scores[name]) if name in scores else None for name in Emotion.values}


class CaptureSerializer(serializers.ModelSerializer):
    emotions = serializers.SerializerMethodField()
    faces = serializers.SerializerMethodField()
    image_url = serializers.SerializerMethodField()
    emotion = serializers.ChoiceField(choices=Emotion.choices, allow_blank=True, read_only=True)
    correction = serializers.ChoiceField(choices=Emotion.choices, allow_blank=True, read_only=True,
                                         help_text="The listener's one-tap correction of an uncertain reading.")

    class Meta:
        model = MoodCapture
        fields = ("id", "status", "source", "emotion", "correction", "confidence", "emotions", "faces", "model",
                  "error", "strategy", "created_at", "finished_at", "image_url")
        read_only_fields = fields

    @extend_schema_field(ScoresSerializer(allow_null=True, help_text="Null until the photo has been analysed."))
    def get_emotions(self, capture: MoodCapture) -> dict | None:
        return _every_score(capture.scores)

    @extend_schema_field(FaceSerializer(many=True))
    def get_faces(self, capture: MoodCapture) -> list[dict]:
        return [{"box": face["box"], "scores": _every_score(face.get("scores", {}))} for face in capture.faces]

    @extend_schema_field(serializers.URLField(allow_null=True, help_text="Short-lived; null when not kept."))
    def get_image_url(self, capture: MoodCapture) -> str | None:
        return photo_url(capture=capture, request=self.context["request"])


class CaptureDetailSerializer(CaptureSerializer):
    recommendations = serializers.SerializerMethodField()

    class Meta(CaptureSerializer.Meta):
        fields = (*CaptureSerializer.Meta.fields, "recommendations")
        read_only_fields = fields

    @extend_schema_field(RecommendationSerializer(many=True))
    def get_recommendations(self, capture: MoodCapture) -> list[dict]:
        return RecommendationSerializer(capture_songs_current(capture_id=capture.id)[1], many=True).data


class CapturePhotoSerializer(serializers.Serializer):
    photo = serializers.FileField(required=False, help_text="A JPEG, PNG or WebP photo of a face.")
    image = serializers.FileField(required=False, help_text="Deprecated: the old name of `photo`, accepted until "
                                                            "the next release.")
    strategy = serializers.ChoiceField(choices=Strategy.choices, required=False,
                                       help_text="Default: the user's own strategy.")
    group = serializers.BooleanField(default=False, help_text="Average all faces, weighted by size.")

    def validate(self, data: dict) -> dict:
        # One name for the photo in the form and the API: `photo`. `image` still works, for one release.
        photos = [name for name in ("photo", "image") if data.get(name)]
        if len(photos) != 1:
            raise serializers.ValidationError({"photo": ["Send one photo, as `photo`."]})
        return {**data, "photo": data[photos[0]], "field": photos[0]}


class CaptureMoodSerializer(serializers.Serializer):
    emotion = serializers.ChoiceField(choices=Emotion.choices)
    strategy = serializers.ChoiceField(choices=Strategy.choices, required=False,
                                       help_text="Default: the user's own strategy.")


class DeviceFaceSerializer(serializers.Serializer):
    box = serializers.ListField(child=serializers.FloatField(), min_length=4, max_length=4,
                                help_text="left, top, width, height as fractions of the frame.")
    scores = serializers.ListField(child=serializers.FloatField(allow_null=True, min_value=0, max_value=100),
                                   min_length=8, max_length=8,
                                   help_text="0-100 in this order: " + ", ".join(Emotion.values) +
                                             "; null for one the model cannot produce; adding up to 100 (±1).")


class DeviceReadingSerializer(serializers.Serializer):
    """What a device posts after reading a face itself (documentation: moods.device checks it)."""

    model = serializers.ChoiceField(choices=DEVICE_MODELS)
    faces = DeviceFaceSerializer(many=True, help_text="1 to 20 faces, as the device found them.")


class DeviceSampleSerializer(serializers.Serializer):
    t = serializers.FloatField(help_text="Seconds from the session's start, increasing.")
    scores = serializers.ListField(child=serializers.FloatField(allow_null=True), min_length=8, max_length=8,
                                   help_text="As a face's scores.")


class LiveSessionSerializer(serializers.Serializer):
    """A kept live session (documentation: moods.device checks it)."""

    model = serializers.ChoiceField(choices=DEVICE_MODELS)
    timeline = DeviceSampleSerializer(many=True, help_text="1 to 720 samples, oldest first.")
