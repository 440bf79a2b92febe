"""New captures per user, CAPTURE_RATE, in one counter shared by the API and the capture page."""

from django.conf import settings

from cloudscendo import throttle


def capture_rate_hit(*, user_id: int) -> bool:
    """Count a new capture of the user; whether it is within CAPTURE_RATE (read at each call, for tests)."""
    limit, window = throttle.rate_parse(settings.CAPTURE_RATE)
    return throttle.hit(throttle.key("captures", str(user_id)), limit=limit, window=window)


class CaptureRateThrottle(throttle.CacheRateThrottle):
    """The API's side: POSTs count, reads do not."""

    def allow_request(self, request, view) -> bool:
        self.window = throttle.rate_parse(settings.CAPTURE_RATE)[1]
        return request.method != "POST" or capture_rate_hit(user_id=request.user.pk)
