"""The filters of every dashboard query: a period of local days and optional dimensions, read
from a request's parameters and checked, then narrowed to what the actor may see."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from anxin.cases.choices import CaseChannel, CaseType
from anxin.core import clock
from anxin.core.actors import Actor
from anxin.core.errors import Forbidden, ValidationFailed

from ..permissions import can_view_merchant, can_view_platform, require_any

DEFAULT_DAYS = 30  # the period when none is given: the last 30 local days, today included
MAX_DAYS = 3 * 366  # the longest period a query may span (three years)
WEEKLY_AFTER_DAYS = 92  # a trend longer than this is drawn per ISO week, not per day

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Request parameter -> Filters field, for the integer dimensions.
INT_PARAMS: dict[str, str] = {
    "category": "category_id",
    "merchant": "merchant_id",
    "reason": "reason_id",
    "sku": "sku_id",
}


@dataclass(frozen=True)
class Filters:
    """A period of local (Asia/Shanghai) days, ``start``…``end`` inclusive, and the dimensions
    the figures are restricted to (None: all)."""

    start: date
    end: date
    category_id: int | None = None  # a top-level category
    merchant_id: int | None = None
    type: str | None = None  # CaseType
    channel: str | None = None  # CaseChannel
    reason_id: int | None = None
    sku_id: int | None = None

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def weekly(self) -> bool:
        """Whether a trend over this period is drawn per ISO week."""
        return self.days > WEEKLY_AFTER_DAYS

    def replace(self, **changes: Any) -> Filters:
        return replace(self, **changes)

    def as_query(self) -> dict[str, str]:
        """The request parameters that give these filters back (for links and exports)."""
        params = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        for param, name in INT_PARAMS.items():
            value = getattr(self, name)
            if value is not None:
                params[param] = str(value)
        if self.type:
            params["type"] = self.type
        if self.channel:
            params["channel"] = self.channel
        return params


def _text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    return str(value).strip()


def _date(raw: str) -> date | None:
    """A YYYY-MM-DD date, or None (other ISO spellings are refused too)."""
    if not _DATE.fullmatch(raw):
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return None


def filters_from(data: Mapping[str, Any], *, actor: Actor, today: date | None = None) -> Filters:
    """The filters named by request parameters ``start``, ``end`` (YYYY-MM-DD), ``category``,
    ``merchant``, ``reason``, ``sku`` (ids), ``type`` and ``channel`` (codes), checked and scoped.

    Without dates the period is the last 30 local days ending today. A shop's people always get
    their own shop: naming another one is Forbidden. Faults raise ``ValidationFailed`` with a
    message per parameter.
    """
    require_any(actor)
    today = today or clock.localnow().date()
    errors: dict[str, str | Promise] = {}

    dates: dict[str, date | None] = {}
    for key in ("start", "end"):
        raw = _text(data, key)
        dates[key] = None
        if raw:
            dates[key] = _date(raw)
            if dates[key] is None:
                errors[key] = _("Enter a date as YYYY-MM-DD.")
    end = dates["end"] or today
    start = dates["start"] or end - timedelta(days=DEFAULT_DAYS - 1)
    if not errors:
        if end < start:
            errors["end"] = _("The end of the period comes before its start.")
        elif (end - start).days + 1 > MAX_DAYS:
            errors["start"] = _("A period can span at most three years.")

    ints: dict[str, int | None] = {}
    for param, name in INT_PARAMS.items():
        raw = _text(data, param)
        ints[name] = None
        if raw:
            if raw.isdigit() and 0 < int(raw) < 2**63:
                ints[name] = int(raw)
            else:
                errors[param] = _("Enter a whole number, as offered in the list.")

    codes: dict[str, str | None] = {}
    for param, choices, message in (
        ("type", CaseType, _("Choose one of the request types offered.")),
        ("channel", CaseChannel, _("Choose one of the channels offered.")),
    ):
        raw = _text(data, param)
        codes[param] = raw or None
        if raw and raw not in choices.values:
            errors[param] = message

    if errors:
        raise ValidationFailed(fields=errors)
    filters = Filters(start=start, end=end, type=codes["type"], channel=codes["channel"], **ints)
    return scoped(actor, filters)


def scoped(actor: Actor, filters: Filters) -> Filters:
    """``filters`` as the actor may run them: the platform's staff any; a shop's people get
    their own shop forced (another shop is Forbidden; with several shops they must name one)."""
    if can_view_platform(actor):
        return filters
    require_any(actor)
    if filters.merchant_id is None:
        if len(actor.merchant_ids) == 1:
            (only,) = actor.merchant_ids
            return filters.replace(merchant_id=only)
        raise ValidationFailed(fields={"merchant": _("Choose one of your shops.")})
    if not can_view_merchant(actor, filters.merchant_id):
        raise Forbidden()
    return filters
