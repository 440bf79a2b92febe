"""Every API error as JSON {"detail": ..., "code": ...}; validation errors also carry "fields"."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.views import exception_handler


def api_exception_handler(exc, context):
    """DRF's handler (404s, 403s, Retry-After on 429), then one body shape for every error."""
    # Django's own 404 and 403 carry model names in their messages; say no more than "Not found."
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None  # not an API error: Django answers 500 and logs it
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"detail": "The request is not valid.", "code": "invalid", "fields": _fields(exc.detail)}
    else:
        code = exc.get_codes()
        response.data = {"detail": str(exc.detail), "code": code if isinstance(code, str) else "error"}
    return response


def _fields(detail) -> dict:
    # A serializer error is {field: [messages]}; a bare list belongs to the whole request.
    if isinstance(detail, dict):
        return {name: [str(message) for message in messages] if isinstance(messages, list) else _fields(messages)
                for name, messages in detail.items()}
    return {"non_field_errors": [str(message) for message in detail]}


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()
    code = serializers.CharField()


class ValidationErrorSerializer(ErrorSerializer):
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False,
                                   help_text="Messages per request field (absent when the body could not be parsed).")


_DESCRIPTIONS = {
    400: ("The request is not valid.", ValidationErrorSerializer),
    401: ("Not logged in: send a session cookie (with a CSRF token) or `Authorization: Token …`.", ErrorSerializer),
    403: ("Not allowed (e.g. a session request without its CSRF token).", ErrorSerializer),
    404: ("Not found, not yours, or no such page of results.", ErrorSerializer),
    409: ("The request conflicts with what is stored (e.g. a song that has left its list).", ErrorSerializer),
    413: ("The body is larger than the upload limit (UPLOAD_MAX_BYTES plus 1 MB): refused from its "
          "Content-Length, unread.", ErrorSerializer),
    415: ("The body's media type could not be read (a multipart body whose parts have no usable type, say).",
          ErrorSerializer),
    429: ("Too many requests: wait for the Retry-After header's seconds.", ErrorSerializer),
}


class Conflict(exceptions.APIException):
    status_code = 409
    default_detail = "The request conflicts with what is stored."
    default_code = "conflict"


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """OpenAPI responses for these error statuses, for extend_schema(responses=...)."""
    return {code: OpenApiResponse(_DESCRIPTIONS[code][1], description=_DESCRIPTIONS[code][0]) for code in codes}


class QueryParamsSerializer(serializers.Serializer):
    """Query parameters, parsed strictly: `?emotion=` is an error, not a filter silently dropped.

    DRF reads a query string like an HTML form, where an empty field counts as not sent;
    an API client that sends an empty value has made a mistake, and the schema says so.
    """

    def to_internal_value(self, data):
        blank = {name: ["This field may not be blank."] for name in self.fields if data.get(name) == ""}
        if blank:
            raise exceptions.ValidationError(blank)
        return super().to_internal_value(data)


class StrictPageNumberPagination(PageNumberPagination):
    """DRF's paging, except that an empty ?page= is an invalid page (404), like ?page=x, not page 1."""

    def get_page_number(self, request, paginator):
        if request.query_params.get(self.page_query_param) == "":
            raise exceptions.NotFound(self.invalid_page_message)
        return super().get_page_number(request, paginator)
