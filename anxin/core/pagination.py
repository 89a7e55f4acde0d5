"""Cursor (keyset) pagination: stable under inserts, constant cost per page."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from django.db.models import Model, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .errors import ValidationFailed

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Page(Generic[M]):
    items: list[M]
    next_cursor: str | None


def _encode(value: datetime, pk: int) -> str:
    raw = json.dumps([value.isoformat(), pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, int]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        stamp, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
        return datetime.fromisoformat(stamp), int(pk)
    except (ValueError, TypeError) as exc:
        raise ValidationFailed(fields={"cursor": _("This cursor is not valid.")}) from exc


def keyset_page(query: QuerySet[M], *, key: str, cursor: str | None, limit: int) -> Page[M]:
    """Rows ordered by (``key`` desc, pk desc), starting after ``cursor``."""
    if cursor:
        value, pk = _decode(cursor)
        query = query.filter(Q(**{f"{key}__lt": value}) | Q(**{key: value, "pk__lt": pk}))
    rows = list(query.order_by(f"-{key}", "-pk")[: limit + 1])
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit and items:
        last = items[-1]
        next_cursor = _encode(getattr(last, key), last.pk)
    return Page(items=items, next_cursor=next_cursor)
