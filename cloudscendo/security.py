"""Response headers that Django's SecurityMiddleware does not set: CSP and Permissions-Policy."""

import functools

from django.conf import settings


def content_security_policy(*, image_hosts: tuple[str, ...] = (), upload_hosts: tuple[str, ...] = ()) -> str:
    """Build the site's CSP: our own scripts only, Spotify and YouTube players, webcam previews, private images.

    upload_hosts: where the capture page may post a photo itself (the S3 bucket, when photos are on S3).
    """
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'"],  # no inline scripts, no eval
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", "blob:", "https://i.ytimg.com", *image_hosts],
        "media-src": ["'self'", "blob:"],  # the webcam preview
        # Exactly the two players' origins (music/exports.py builds their URLs).
        "frame-src": ["https://open.spotify.com", "https://www.youtube-nocookie.com"],
        "connect-src": ["'self'", *upload_hosts],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'", *upload_hosts],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in directives.items())


def csp_with_webassembly(policy: str) -> str:
    """The policy, also letting the page compile WebAssembly: 'wasm-unsafe-eval' allows that and no JavaScript eval."""
    return policy.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", 1)


def allows_webassembly(view):
    """For the one page that reads faces on the device: face-api runs on tfjs's WebAssembly backend, whose
    binaries are our own static files (SECURITY.md, "On-device reading"). Every other page keeps the strict CSP."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response.headers["Content-Security-Policy"] = csp_with_webassembly(settings.CONTENT_SECURITY_POLICY)
        return response

    return wrapped


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", settings.CONTENT_SECURITY_POLICY)
        # The capture page needs the camera, and nothing needs the rest.
        response.headers.setdefault("Permissions-Policy", "camera=(self), microphone=(), geolocation=(), payment=()")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        return response
