"""One error envelope for the whole API: {"error": {"code", "message", "fields"}}, localized."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from anxin.core.errors import CoreErrorCode, DomainError
from anxin.core.validation import localized_field_errors

logger = logging.getLogger(__name__)


def envelope(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(DomainError)
    def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return api.create_response(request, {"error": exc.as_dict()}, status=exc.status)

    @api.exception_handler(ValidationError)
    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        body = envelope(
            CoreErrorCode.INVALID,
            _("Some fields are not valid."),
            localized_field_errors(list(exc.errors)),
        )
        return api.create_response(request, body, status=422)

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        body = envelope(CoreErrorCode.PAYLOAD_TOO_LARGE, _("The request body is too large."))
        return api.create_response(request, body, status=413)

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        body = envelope("auth.required", _("Sign in or send a valid API token."))
        return api.create_response(request, body, status=401)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, envelope("not_found", _("Not found.")), status=404)

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        body = envelope(f"http.{exc.status_code}", str(exc.message))
        return api.create_response(request, body, status=exc.status_code)

    @api.exception_handler(Exception)
    def server_error(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.exception("unhandled API error on %s %s", request.method, request.path)
        body = envelope("server_error", _("Something went wrong on our side; it has been logged."))
        return api.create_response(request, body, status=500)
