"""GET /api/history/summary/: a user's readings counted per emotion and per day."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cloudscendo.api_errors import error_responses
from moods.api.serializers import HistoryFilterSerializer
from moods.history import selectors
from moods.models import Emotion


class EmotionCountsSerializer(serializers.Serializer):
    """Readings per emotion, every emotion present."""

    def get_fields(self) -> dict:
        return {name: serializers.IntegerField(min_value=0) for name in Emotion.values}


class DayCountsSerializer(serializers.Serializer):
    date = serializers.DateField()
    counts = EmotionCountsSerializer()


class SummarySerializer(serializers.Serializer):
    counts = EmotionCountsSerializer()
    by_day = DayCountsSerializer(many=True, help_text="Days with at least one reading, oldest first.")
    dominant = serializers.ChoiceField(choices=Emotion.choices, allow_blank=True,
                                       help_text="The most frequent emotion; empty without readings.")
    total = serializers.IntegerField(min_value=0)


class SummaryView(APIView):
    @extend_schema(parameters=[HistoryFilterSerializer], responses={200: SummarySerializer,
                                                                    **error_responses(400, 401)},
                   summary="Your readings per emotion and per day", tags=["history"])
    def get(self, request):
        query = HistoryFilterSerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        summary = selectors.history_summary(user=request.user, filters=query.history_filter())
        return Response(SummarySerializer(summary).data)
