"""Request guards that must run before anything reads the body."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from .errors import CoreErrorCode


class BodySizeLimitMiddleware:
    """Refuse API bodies over ANXIN_MAX_BODY_BYTES with a 413 JSON error, unread."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # File uploads (evidence photos) stream to disk and get their own, larger limit.
        upload = request.path.endswith("/evidence")
        limit = settings.ANXIN_MAX_UPLOAD_BYTES if upload else settings.ANXIN_MAX_BODY_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if limit and length > limit and request.path.startswith("/api/"):
            from django.utils import translation

            translation.activate(translation.get_language_from_request(request))
            return JsonResponse(
                {
                    "error": {
                        "code": CoreErrorCode.PAYLOAD_TOO_LARGE,
                        "message": _("The request body is larger than %(limit)s bytes.")
                        % {"limit": limit},
                        "fields": {},
                    }
                },
                status=413,
            )
        return self.get_response(request)
