"""What every page view shares: the actor of the request, audience gates and domain errors."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from pydantic import ValidationError as PydanticError

from anxin.accounts.services import actor_for_user
from anxin.core.actors import MERCHANT_ROLES, Actor, Role
from anxin.core.errors import DomainError, NotFound
from anxin.core.validation import localized_field_errors

View = TypeVar("View", bound=Callable[..., HttpResponse])

CONSUMERS = frozenset({Role.CONSUMER})
MERCHANTS = MERCHANT_ROLES
PLATFORM_STAFF = frozenset({Role.AGENT, Role.ARBITRATOR, Role.QUALITY_INSPECTOR, Role.ADMIN})
ADMINS = frozenset({Role.ADMIN})


def actor(request: HttpRequest) -> Actor:
    """The actor of a signed-in request, computed once per request."""
    cached = getattr(request, "_anxin_actor", None)
    if cached is None:
        cached = actor_for_user(request.user)  # type: ignore[arg-type]
        request._anxin_actor = cached  # type: ignore[attr-defined]
    return cached


def audience(roles: frozenset[Role]) -> Callable[[View], View]:
    """Sign-in required, and only these roles: anyone else gets the 403 page."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if actor(request).role not in roles:
                raise PermissionDenied
            try:
                return view(request, *args, **kwargs)
            except NotFound as error:
                raise Http404(str(error.message)) from error

        return login_required(wrapped)  # type: ignore[return-value]

    return decorate


def flash_error(request: HttpRequest, error: DomainError) -> dict[str, str]:
    """Show a domain error's message; return its per-field messages for the form."""
    messages.error(request, str(error.message))
    return {name: str(text) for name, text in error.fields.items()}


def flash_invalid(request: HttpRequest, error: PydanticError) -> dict[str, str]:
    """Show a form refused by its input model as one message; return the per-field messages."""
    fields = localized_field_errors(list(error.errors()))  # type: ignore[arg-type]
    messages.error(request, " ".join(fields.values()))
    return fields


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"
