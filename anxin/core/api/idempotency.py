"""``Idempotency-Key`` for mutating API calls: the first response is stored and replayed.

The record is inserted *before* the work, in the same transaction: a concurrent call with the same
key waits on the unique index until the first commits, then replays its response. The same key
with a different body is a 422. A call that fails with an error stores nothing, so it may be retried
with the same key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext_lazy as _
from ninja import Status
from pydantic import BaseModel

from anxin.core.errors import Conflict, CoreErrorCode, ValidationFailed
from anxin.core.models import IdempotencyRecord

HEADER = "Idempotency-Key"


def _request_hash(request: HttpRequest) -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    digest.update(request.body)
    return digest.hexdigest()


def idempotent(schema: type[BaseModel]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a ninja operation returning ``Status(code, obj)``; ``schema`` renders ``obj``."""

    def decorator(func: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(func)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            key = request.headers.get(HEADER)
            if key is None:
                return func(request, *args, **kwargs)
            if not key.strip() or len(key) > 128:
                raise ValidationFailed(fields={HEADER: _("Use a key of 1 to 128 characters.")})
            scope = request.actor.audit_label()  # type: ignore[attr-defined]
            route = request.resolver_match.route if request.resolver_match else request.path
            operation = f"{request.method} {route}"
            body_hash = _request_hash(request)
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        record = IdempotencyRecord.objects.create(
                            scope=scope,
                            key=key,
                            operation=operation,
                            request_hash=body_hash,
                            status_code=0,
                            response=None,
                        )
                except IntegrityError:
                    record = IdempotencyRecord.objects.get(scope=scope, key=key)
                    if record.request_hash != body_hash:
                        raise ValidationFailed(
                            _("This Idempotency-Key was already used with a different request."),
                            code=CoreErrorCode.IDEMPOTENCY_KEY_REUSED,
                            fields={HEADER: _("Already used with a different request.")},
                        ) from None
                    if record.status_code == 0:
                        raise Conflict(
                            _("A request with this Idempotency-Key is still in progress."),
                            code=CoreErrorCode.IDEMPOTENCY_IN_PROGRESS,
                        ) from None
                    response = JsonResponse(record.response, status=record.status_code, safe=False)
                    response["Idempotent-Replayed"] = "true"
                    return response
                result: Status[Any] = func(request, *args, **kwargs)
                status = result.status_code
                context = {"request": request, "response_status": status}
                body = schema.model_validate(
                    result.value, from_attributes=True, context=context
                ).model_dump(mode="json")
                record.status_code, record.response = status, body
                record.save(update_fields=["status_code", "response"])
            return JsonResponse(body, status=status, safe=False)

        return wrapper

    return decorator
