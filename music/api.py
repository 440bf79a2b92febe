"""The music part of the REST API: a capture's ranked songs, feedback on a song, catalogue search."""

from django.http import Http404
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from cloudscendo.api_errors import Conflict, QueryParamsSerializer, error_responses
from moods import selectors as moods_selectors
from music import exports, selectors, videos
from music.affect import Mood
from music.models import Recommendation, Track
from music.services import recommendations, search


class TrackSerializer(serializers.ModelSerializer):
    class Meta:
        model = Track
        fields = ("id", "name", "artist", "album", "year", "mood", "valence", "energy")


class VideoSerializer(serializers.Serializer):
    youtube_id = serializers.CharField(allow_null=True, help_text="Null when no embeddable video is known.")
    embed_url = serializers.URLField(allow_null=True)
    search_url = serializers.URLField()


class SpotifySerializer(serializers.Serializer):
    spotify_id = serializers.CharField()
    track_url = serializers.URLField()
    embed_url = serializers.URLField(help_text="Spotify's embed player: a 30-second preview, or the whole track "
                                               "for a listener logged in to Spotify in that browser.")


class RecommendationSerializer(serializers.ModelSerializer):
    track = TrackSerializer()
    video = serializers.SerializerMethodField()
    spotify = serializers.SerializerMethodField()

    class Meta:
        model = Recommendation
        fields = ("id", "rank", "score", "reason", "feedback", "track", "video", "spotify")

    @extend_schema_field(SpotifySerializer(allow_null=True))
    def get_spotify(self, song: Recommendation) -> dict | None:
        spotify_id = song.track.spotify_id
        if not spotify_id:
            return None
        return {"spotify_id": spotify_id, "track_url": exports.spotify_track_url(spotify_id),
                "embed_url": exports.spotify_embed_url(spotify_id)}

    @extend_schema_field(VideoSerializer)
    def get_video(self, song: Recommendation) -> dict:
        links = exports.track_links(song.track)
        return {"youtube_id": links.video_id or None, "embed_url": links.embed_url,
                "search_url": videos.search_url(artist=song.track.artist, name=song.track.name)}


class CaptureRecommendationsView(generics.ListAPIView):
    serializer_class = RecommendationSerializer

    def get_queryset(self):
        capture = moods_selectors.capture_get(user=self.request.user, capture_id=self.kwargs["capture_id"])
        return selectors.capture_songs_current(capture_id=capture.id)[1]

    @extend_schema(responses={200: RecommendationSerializer(many=True), **error_responses(401, 404)},
                   summary="A capture's songs, best first", tags=["captures"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class FeedbackSerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=Recommendation.Feedback.choices)


class FeedbackView(APIView):
    @extend_schema(request=FeedbackSerializer,
                   responses={200: RecommendationSerializer, **error_responses(400, 401, 403, 404, 409, 415)},
                   summary="Like, dislike or skip a song (a disliked song is replaced on its list)", tags=["captures"])
    def post(self, request, recommendation_id: int):
        serializer = FeedbackSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            result = recommendations.recommendation_feedback_set(
                recommendation_id=recommendation_id, user_id=request.user.id,
                feedback=serializer.validated_data["value"])
        except Recommendation.DoesNotExist:
            raise Http404 from None
        except recommendations.SongLeftTheList as error:
            raise Conflict(str(error)) from None
        return Response(RecommendationSerializer(result.song).data)


class TrackQuerySerializer(QueryParamsSerializer):
    q = serializers.CharField(required=False, min_length=1, max_length=200, help_text="Free text.")
    mood = serializers.ChoiceField(choices=Mood.choices, required=False)


class TrackSearchView(generics.ListAPIView):
    serializer_class = TrackSerializer

    def get_queryset(self):
        query = TrackQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        text, mood = query.validated_data.get("q", "").strip(), query.validated_data.get("mood", "")
        if text or mood:
            return search.tracks_find(text=text, mood=mood)
        return Track.objects.filter(active=True, cell__isnull=False)  # no query: the playable catalogue

    @extend_schema(parameters=[TrackQuerySerializer], responses={200: TrackSerializer(many=True),
                                                                 **error_responses(400, 401, 404)},
                   summary="Search the catalogue", tags=["tracks"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

