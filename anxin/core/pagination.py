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


def cursor_encode(value: datetime | None, pk: int) -> str:
    """An opaque cursor for the row after which the next page starts."""
    raw = json.dumps([value.isoformat() if value else None, pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def cursor_decode(cursor: str) -> tuple[datetime | None, int]:
    """The (time, id) a cursor names; a damaged one is a 4xx on the ``cursor`` field."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        stamp, pk = json.loads(base64.urlsafe_b64decode(padded.encode()))
        value = datetime.fromisoformat(stamp) if stamp is not None else None
        if value is not None and value.tzinfo is None:
            raise ValueError("a cursor's time carries its offset")
        return value, int(pk)
    except (ValueError, TypeError, OverflowError) as exc:  # int(Infinity) overflows
        raise ValidationFailed(fields={"cursor": _("This cursor is not valid.")}) from exc


def keyset_page(query: QuerySet[M], *, key: str, cursor: str | None, limit: int) -> Page[M]:
    """Rows ordered by (``key`` desc, pk desc), starting after ``cursor``."""
    if cursor:
        value, pk = cursor_decode(cursor)
        if value is None:
            raise ValidationFailed(fields={"cursor": _("This cursor is not valid.")})
        query = query.filter(Q(**{f"{key}__lt": value}) | Q(**{key: value, "pk__lt": pk}))
    rows = list(query.order_by(f"-{key}", "-pk")[: limit + 1])
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit and items:
        last = items[-1]
        next_cursor = cursor_encode(getattr(last, key), last.pk)
    return Page(items=items, next_cursor=next_cursor)
