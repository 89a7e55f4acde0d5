"""Taking a workflow action from a page form: the same service and rules as the API."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext as _

from anxin.cases.inputs import ACTION_INPUTS, ActionIn
from anxin.cases.models import Case
from anxin.cases.services import case_act
from anxin.core.errors import DomainError
from anxin.web.case_display import ACTION_LABELS

from .common import actor, flash_error

BOOLEAN_FIELDS = {"pickup"}


def payload_from_post(request: HttpRequest, action: str) -> dict[str, Any]:
    """The action's fields from a form post; empty inputs are left out (defaults apply)."""
    schema = ACTION_INPUTS.get(action, ActionIn)
    payload: dict[str, Any] = {}
    for name in schema.model_fields:
        if name in BOOLEAN_FIELDS:
            payload[name] = request.POST.get(name) in {"on", "1", "true"}
            continue
        value = request.POST.get(name, "")
        if value != "":
            payload[name] = value
    return payload


def act_from_post(request: HttpRequest, case: Case, action: str) -> dict[str, str]:
    """Run ``action`` with the posted fields. Returns per-field errors ({} when it worked);
    success and failure messages are flashed for the next page."""
    try:
        case_act(
            actor=actor(request),
            case=case,
            action=action,
            payload=payload_from_post(request, action),
        )
    except DomainError as error:
        return flash_error(request, error) or {"__all__": str(error.message)}
    messages.success(
        request,
        _("Done: %(action)s.") % {"action": ACTION_LABELS.get(action, action)},
    )
    return {}
