"""What the quality pages share: who opens them, the tabs, the page frame and small words."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy

from anxin.quality.permissions import INSPECTORS

from ..home import page

# The workspace is the inspectors' (quality inspectors and administrators): they take every step
# in it. Other platform staff read quality data through the API; their menu has no link here.
WORKSPACE = INSPECTORS

TABS = [
    ("alerts", "console_quality:home", gettext_lazy("Alerts")),
    ("tasks", "console_quality:tasks", gettext_lazy("Tasks")),
    ("plans", "console_quality:plans", gettext_lazy("Sampling plans")),
    ("notices", "console_quality:notices", gettext_lazy("Notices")),
    ("accuracy", "console_quality:accuracy", gettext_lazy("Description accuracy")),
]


def quality_page(
    request: HttpRequest, template: str, context: dict[str, Any], *, tab: str, status: int = 200
) -> HttpResponse:
    tabs = [(code, reverse(name), label) for code, name, label in TABS]
    return page(
        request, template, {"tabs": tabs, "tab": tab, **context}, nav="quality", status=status
    )


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %"


def public_notice_url(number: str) -> str:
    """The public page of a notice when the public site has one ("" otherwise)."""
    for name in ("public:notice", "public:quality_notice"):
        try:
            return reverse(name, args=[number])
        except NoReverseMatch:
            continue
    return ""


def public_notices_url() -> str:
    for name in ("public:notices", "public:quality_notices"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return ""
