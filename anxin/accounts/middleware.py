"""Serve a signed-in user in the language they chose, unless the request asks for one."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        # A language cookie, or an API client's Accept-Language, is an explicit choice.
        explicit = settings.LANGUAGE_COOKIE_NAME in request.COOKIES or (
            request.path.startswith("/api/") and "HTTP_ACCEPT_LANGUAGE" in request.META
        )
        if user is not None and user.is_authenticated and not explicit:
            language = getattr(user, "language", "")
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
