"""Domain errors carry a stable code, a localized message and the fields at fault.

The API layer turns them into ``{"error": {"code", "message", "fields"}}`` with their HTTP status;
the web layer shows the message. Domain code raises them; it never builds HTTP responses.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class CoreErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    FORBIDDEN = "forbidden"
    INVALID = "invalid"
    CONFLICT = "conflict"
    TRANSITION_NOT_ALLOWED = "workflow.transition_not_allowed"
    ACTION_UNKNOWN = "workflow.unknown_action"
    ACTION_FORBIDDEN = "workflow.action_forbidden"
    GUARD_FAILED = "workflow.guard_failed"
    SUBJECT_BUSY = "workflow.subject_busy"
    IDEMPOTENCY_KEY_REUSED = "idempotency.key_reused"
    IDEMPOTENCY_IN_PROGRESS = "idempotency.in_progress"
    PAYLOAD_TOO_LARGE = "request.too_large"
    RATE_LIMITED = "request.rate_limited"


class DomainError(Exception):
    """Base of every expected failure; ``status`` is the HTTP status the API will use."""

    status: int = 400
    default_code: str = CoreErrorCode.INVALID
    default_message: str | Promise = _("The request is not valid.")

    def __init__(
        self,
        message: str | Promise | None = None,
        *,
        code: str | None = None,
        fields: dict[str, str | Promise] | None = None,
        data: dict[str, Any] | None = None,
    ) -> None:
        self.code = str(code or self.default_code)
        self.message = message if message is not None else self.default_message
        self.fields = dict(fields or {})
        self.data = dict(data or {})
        super().__init__(str(self.message))

    def as_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "code": self.code,
            "message": str(self.message),
            "fields": {k: str(v) for k, v in self.fields.items()},
        }
        if self.data:
            body["data"] = self.data
        return body


class ValidationFailed(DomainError):
    status = 422
    default_code: str = CoreErrorCode.INVALID
    default_message = _("Some fields are not valid.")


class NotFound(DomainError):
    """Missing *or* out of the actor's scope: the same answer for both, on purpose."""

    status = 404
    default_code: str = CoreErrorCode.NOT_FOUND
    default_message = _("Not found.")


class Forbidden(DomainError):
    status = 403
    default_code: str = CoreErrorCode.FORBIDDEN
    default_message = _("You are not allowed to do this.")


class Conflict(DomainError):
    status = 409
    default_code: str = CoreErrorCode.CONFLICT
    default_message = _("The request conflicts with the current state.")
