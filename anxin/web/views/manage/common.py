"""What the administration pages share: rendering with the admin nav, form posts, names by language."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from anxin.core.errors import DomainError

from ..common import flash_error

# Status of a page re-rendered because the submitted form was refused.
INVALID = 422


def page(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    nav: str,
    status: int = 200,
) -> HttpResponse:
    """Render an administration page; ``nav`` marks the current area in the layout."""
    return render(request, template, {"nav": nav, **context}, status=status)


def is_zh() -> bool:
    return (translation.get_language() or "").startswith("zh")


def name_of(obj: Any) -> str:
    """The name of a category, reason or calendar day in the reader's language."""
    return str(obj.name_zh if is_zh() else obj.name_en) or str(obj.name_zh or obj.name_en)


def posted(
    request: HttpRequest, names: Iterable[str], *, booleans: Iterable[str] = ()
) -> dict[str, Any]:
    """The named fields of a form post: text stripped, empty text as None, checkboxes as bools."""
    data: dict[str, Any] = {}
    for name in names:
        data[name] = request.POST.get(name, "").strip() or None
    for name in booleans:
        data[name] = request.POST.get(name) in {"on", "1", "true"}
    return data


def refused(request: HttpRequest, error: DomainError) -> dict[str, str]:
    """Flash a refused form's message and return its field errors (never empty)."""
    return flash_error(request, error) or {"__all__": str(error.message)}
