"""Dimension labels in the reader's language: the names of categories, reasons, shops and SKUs a
rollup names by id, and the words for its choice codes. Each look-up is one query for a whole
set of ids, so a table of groups costs a query per dimension, not per row."""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import get_language, pgettext

from anxin.cases.choices import CaseChannel, CaseStatus, CaseType
from anxin.catalog.models import Category, Merchant, Sku
from anxin.core.labels import choice_label
from anxin.policies.models import Reason

OTHER = 0  # the id of the "all other reasons" column of a heat map


def _zh() -> bool:
    return (get_language() or "").lower().startswith("zh")


def _pick(zh: str, en: str) -> str:
    return (zh if _zh() else en) or zh or en


def _unknown(kind: str, key: object) -> str:
    return pgettext("analytics", "%(kind)s #%(id)s") % {"kind": kind, "id": key}


def _ids(ids: Iterable[int | None]) -> set[int]:
    return {int(i) for i in ids if i}


def category_labels(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = _ids(ids)
    if not wanted:
        return {}
    rows = Category.objects.filter(pk__in=wanted).values_list("pk", "name_zh", "name_en")
    found = {pk: _pick(zh, en) for pk, zh, en in rows}
    kind = pgettext("analytics", "Category")
    return {i: found.get(i) or _unknown(kind, i) for i in wanted}


def reason_labels(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = _ids(ids)
    found: dict[int, str] = {}
    if wanted:
        rows = Reason.objects.filter(pk__in=wanted).values_list("pk", "name_zh", "name_en")
        found = {pk: _pick(zh, en) for pk, zh, en in rows}
    kind = pgettext("analytics", "Reason")
    labels = {i: found.get(i) or _unknown(kind, i) for i in wanted}
    labels[OTHER] = pgettext("analytics", "Other reasons")
    return labels


def merchant_labels(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = _ids(ids)
    if not wanted:
        return {}
    rows = Merchant.unscoped.filter(pk__in=wanted).values_list("pk", "name")
    found = dict(rows)
    kind = pgettext("analytics", "Shop")
    return {i: found.get(i) or _unknown(kind, i) for i in wanted}


def sku_labels(ids: Iterable[int | None]) -> dict[int, str]:
    wanted = _ids(ids)
    if not wanted:
        return {}
    rows = Sku.objects.filter(pk__in=wanted).values_list("pk", "name", "code")
    found = {pk: f"{name} ({code})" for pk, name, code in rows}
    kind = pgettext("analytics", "SKU")
    return {i: found.get(i) or _unknown(kind, i) for i in wanted}


def type_label(code: str) -> str:
    return choice_label(CaseType, code)


def channel_label(code: str) -> str:
    return choice_label(CaseChannel, code)


def status_label(code: str) -> str:
    return choice_label(CaseStatus, code)


def category_choices() -> list[tuple[int, str]]:
    """The top-level categories (the ones every figure is counted under), for filter forms."""
    rows = Category.objects.filter(parent__isnull=True).values_list("pk", "name_zh", "name_en")
    return sorted(((pk, _pick(zh, en)) for pk, zh, en in rows), key=lambda r: r[1])


def reason_choices() -> list[tuple[int, str]]:
    rows = Reason.objects.values_list("pk", "name_zh", "name_en").order_by("code")
    return [(pk, _pick(zh, en)) for pk, zh, en in rows]


def type_choices() -> list[tuple[str, str]]:
    return [(str(v), str(label)) for v, label in CaseType.choices]


def channel_choices() -> list[tuple[str, str]]:
    return [(str(v), str(label)) for v, label in CaseChannel.choices]
