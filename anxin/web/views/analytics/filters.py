"""The filter bar of the analytics pages: a GET form (period, category, shop, type, channel) read
by ``anxin.analytics.queries.filters_from``, which keeps the rules (default period, limits, a
merchant held to its own shop). This module only offers the choices, the period presets and the
refused fields back to the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from anxin.analytics import labels
from anxin.analytics.queries import Filters, filters_from
from anxin.catalog.models import Merchant
from anxin.core import clock
from anxin.core.actors import Actor
from anxin.core.errors import ValidationFailed

from .tables import period_words

PRESET_DAYS: tuple[int, ...] = (7, 30, 90, 365)
# The GET keys of the bar (``Filters.as_query`` speaks the same).
BAR_KEYS: tuple[str, ...] = ("start", "end", "category", "merchant", "type", "channel")
# Filters the drill-down adds to the bar's: a clicked reason or SKU.
CELL_KEYS: tuple[str, ...] = ("reason", "sku")
MAX_SHOP_CHOICES = 500


@dataclass(frozen=True)
class Preset:
    label: str
    href: str
    current: bool


@dataclass
class FilterBar:
    """What the page's filter form shows; ``filters`` is None when a field was refused."""

    filters: Filters | None
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)
    categories: list[tuple[Any, str]] = field(default_factory=list)
    shops: list[tuple[Any, str]] | None = None  # None: no shop field (a shop's own page)
    types: list[tuple[str, str]] = field(default_factory=list)
    channels: list[tuple[str, str]] = field(default_factory=list)
    presets: list[Preset] = field(default_factory=list)
    hidden: dict[str, str] = field(default_factory=dict)  # kept on submit (?shop=, ?by=)

    @property
    def narrowed(self) -> bool:
        """Whether anything beyond the period is chosen (the page offers to clear it)."""
        keys = ("category", "type", "channel") + (("merchant",) if self.shops is not None else ())
        return any(self.values.get(k) for k in keys)


def today() -> date:
    return timezone.localdate(clock.now())


def _shop_choices(viewer: Actor, selected: str) -> list[tuple[Any, str]]:
    shops = Merchant.objects.for_actor(viewer).order_by("name").values_list("pk", "name")
    choices: list[tuple[Any, str]] = list(shops[:MAX_SHOP_CHOICES])
    if selected.isdigit() and all(str(pk) != selected for pk, _name in choices):
        extra = Merchant.objects.for_actor(viewer).filter(pk=int(selected))
        choices += list(extra.values_list("pk", "name"))
    return choices


def presets(filters: Filters | None, base: str, keep: Mapping[str, str]) -> list[Preset]:
    """The last 7, 30, 90 and 365 days up to today, keeping the other filters."""
    end = today()
    found = []
    for days in PRESET_DAYS:
        start = end - timedelta(days=days - 1)
        query = dict(keep) | {"start": start.isoformat(), "end": end.isoformat()}
        current = filters is not None and (filters.start, filters.end) == (start, end)
        label = ngettext("Last %(n)s day", "Last %(n)s days", days) % {"n": days}
        found.append(Preset(label, f"{base}?{urlencode(query)}", current))
    return found


def read_filters(
    data: Mapping[str, Any],
    *,
    viewer: Actor,
    base: str,
    shop_id: int | None = None,
    hidden: Mapping[str, str] | None = None,
) -> FilterBar:
    """The bar of a page at ``base``. ``shop_id`` holds the filters to one shop (a merchant's
    own page: whatever ``?merchant=`` says is replaced, and there is no shop field)."""
    raw = {k: str(data.get(k, "")).strip() for k in (*BAR_KEYS, *CELL_KEYS)}
    if shop_id is not None:
        raw["merchant"] = str(shop_id)
    errors: dict[str, str] = {}
    try:
        filters: Filters | None = filters_from(
            {k: v for k, v in raw.items() if v}, actor=viewer, today=today()
        )
    except ValidationFailed as error:
        filters = None
        errors = {name: str(text) for name, text in error.fields.items()} or {
            "start": str(error.message)
        }
    values = dict(raw)
    if filters is not None:
        values.update(filters.as_query())
    keep = {k: v for k, v in values.items() if v and k not in ("start", "end")}
    if shop_id is not None:
        keep.pop("merchant", None)
    keep.update(hidden or {})
    return FilterBar(
        filters=filters,
        values=values,
        errors=errors,
        categories=list(labels.category_choices()),
        shops=None if shop_id is not None else _shop_choices(viewer, values.get("merchant", "")),
        types=labels.type_choices(),
        channels=labels.channel_choices(),
        presets=presets(filters, base, keep),
        hidden=dict(hidden or {}),
    )


def filter_words(filters: Filters, *, shops: bool = True) -> list[tuple[str, str]]:
    """The filters of a drill-down in words: (what, which), e.g. ("Reason", "Size too small")."""
    words: list[tuple[str, str]] = [(_("Period"), period_words(filters.start, filters.end))]
    if filters.category_id:
        words.append(
            (_("Category"), labels.category_labels([filters.category_id])[filters.category_id])
        )
    if shops and filters.merchant_id:
        words.append(
            (_("Shop"), labels.merchant_labels([filters.merchant_id])[filters.merchant_id])
        )
    if filters.type:
        words.append((_("Type"), labels.type_label(filters.type)))
    if filters.channel:
        words.append((_("Channel"), labels.channel_label(filters.channel)))
    if filters.reason_id is not None:
        words.append((_("Reason"), labels.reason_labels([filters.reason_id])[filters.reason_id]))
    if filters.sku_id:
        words.append((_("Product (SKU)"), labels.sku_labels([filters.sku_id])[filters.sku_id]))
    return words
