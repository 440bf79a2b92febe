"""Captures over the API: parse the request, call a moods service or selector, serialize."""

from django.core import signing
from django.http import FileResponse, Http404
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from cloudscendo.api_errors import error_responses
from moods import device, selectors, services
from moods.api import serializers
from moods.api.links import photo_capture_id
from moods.history.selectors import captures_filtered
from moods.models import MoodCapture
from moods.photos import PhotoRejected
from moods.throttling import CaptureRateThrottle


class CaptureListView(generics.ListCreateAPIView):
    serializer_class = serializers.CaptureSerializer
    throttle_classes = (CaptureRateThrottle,)

    def get_queryset(self):
        query = serializers.HistoryFilterSerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        return captures_filtered(user=self.request.user, filters=query.history_filter())

    @extend_schema(parameters=[serializers.HistoryFilterSerializer],
                   responses={200: serializers.CaptureSerializer(many=True), **error_responses(400, 401, 404)},
                   summary="Your captures, newest first", tags=["captures"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(
        request={"multipart/form-data": serializers.CapturePhotoSerializer,
                 "application/json": serializers.CaptureMoodSerializer},
        responses={202: OpenApiResponse(serializers.CaptureSerializer, description="A photo, queued for analysis."),
                   201: OpenApiResponse(serializers.CaptureSerializer, description="A mood picked by hand: done."),
                   **error_responses(400, 401, 403, 413, 415, 429)},
        summary="Send a photo to analyse, or say how you feel", tags=["captures"])
    def post(self, request, *args, **kwargs):
        capture = self._photo(request) if request.content_type.startswith("multipart/") else self._mood(request)
        body = serializers.CaptureSerializer(capture, context={"request": request}).data
        done = capture.status == MoodCapture.Status.DONE
        return Response(body, status=status.HTTP_201_CREATED if done else status.HTTP_202_ACCEPTED)

    def _photo(self, request) -> MoodCapture:
        form = serializers.CapturePhotoSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            return services.capture_create_from_photo(
                user=request.user, photo=form.validated_data["photo"].read(), source=MoodCapture.Source.UPLOAD,
                group=form.validated_data["group"], strategy=form.validated_data.get("strategy"))
        except PhotoRejected as error:
            raise ValidationError({form.validated_data["field"]: [str(error)]}) from None

    def _mood(self, request) -> MoodCapture:
        form = serializers.CaptureMoodSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        return services.capture_create_manual(user=request.user, emotion=form.validated_data["emotion"],
                                              strategy=form.validated_data.get("strategy"))


class DeviceCaptureView(APIView):
    """A reading made on the listener's device: scores and boxes only, never a photo; done at once."""

    parser_classes = (JSONParser,)
    throttle_classes = (CaptureRateThrottle,)
    live = False

    def post(self, request, *args, **kwargs):
        try:
            reading = device.device_reading_parse(request.data, live=self.live)
        except device.DeviceReadingRejected as error:
            raise ValidationError({error.field or api_settings.NON_FIELD_ERRORS_KEY: [str(error)]}) from None
        capture = services.capture_create_from_device(user=request.user, reading=reading)
        body = serializers.CaptureSerializer(capture, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class DeviceReadingView(DeviceCaptureView):
    @extend_schema(request=serializers.DeviceReadingSerializer,
                   responses={201: serializers.CaptureSerializer, **error_responses(400, 401, 403, 415, 429)},
                   summary="Save a reading made on your device (scores and face boxes, no photo)", tags=["captures"])
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class LiveSessionView(DeviceCaptureView):
    live = True

    @extend_schema(request=serializers.LiveSessionSerializer,
                   responses={201: serializers.CaptureSerializer, **error_responses(400, 401, 403, 415, 429)},
                   summary="Keep a live session read on your device, as one capture with its timeline",
                   tags=["captures"])
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


class CaptureDetailView(generics.RetrieveDestroyAPIView):
    serializer_class = serializers.CaptureDetailSerializer

    def get_object(self) -> MoodCapture:
        return selectors.capture_get(user=self.request.user, capture_id=self.kwargs["capture_id"])

    @extend_schema(responses={200: serializers.CaptureDetailSerializer, **error_responses(401, 404)},
                   summary="One capture with its scores and songs", tags=["captures"])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(responses={204: None, **error_responses(401, 403, 404)},
                   summary="Delete a capture and its stored photo", tags=["captures"])
    def delete(self, request, *args, **kwargs):
        return super().delete(request, *args, **kwargs)

    def perform_destroy(self, instance: MoodCapture) -> None:
        services.capture_delete(capture=instance)


@never_cache
@require_GET
def capture_photo_signed(request, token: str):
    """A photo behind a signed, short-lived link (moods.api.links): the link is the permission."""
    try:
        capture_id = photo_capture_id(token=token)
    except signing.BadSignature:
        raise Http404("This link is not valid any more.") from None
    capture = MoodCapture.objects.filter(id=capture_id).exclude(image="").first()
    if capture is None:
        raise Http404("This photo was not kept.")
    return FileResponse(capture.image.open("rb"), content_type="image/jpeg")
