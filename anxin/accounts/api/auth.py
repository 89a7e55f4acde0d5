"""API authentication: bearer API tokens for integrators, the session cookie for the web UI.

Both set ``request.actor``, the identity every service and selector is called with.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja.security import HttpBearer, SessionAuth

from anxin.core.actors import Actor

from ..services import actor_for_token, actor_for_user, api_token_authenticate


class TokenAuth(HttpBearer):
    openapi_description = (
        "API token: `Authorization: Bearer anx_…` (scoped to a merchant or the platform)"
    )

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        api_token = api_token_authenticate(raw=token)
        if api_token is None:
            return None
        request.actor = actor_for_token(api_token)  # type: ignore[attr-defined]
        return api_token


class UserSessionAuth(SessionAuth):
    """The signed-in web user (CSRF-checked by django-ninja for unsafe methods)."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user:
            request.actor = actor_for_user(user)  # type: ignore[attr-defined]
        return user


def actor_of(request: HttpRequest) -> Actor:
    actor: Actor = request.actor  # type: ignore[attr-defined]
    return actor


API_AUTH = [TokenAuth(), UserSessionAuth()]
