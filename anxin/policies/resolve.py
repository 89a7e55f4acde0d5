"""Resolve the rules that apply to a merchant's product: platform < category chain < merchant.

A category row overrides the platform default (platform operators may tighten or loosen per
category, within the legal floors). A merchant row may only be *more generous* than what it would
otherwise get: a stricter merchant value is ignored here and refused when saved.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .models import POLICY_FIELDS, Policy

# Legal floors and ceilings (docs/domain.md): no row may cross them.
LEGAL_LIMITS: dict[str, tuple[int | None, int | None]] = {
    "no_reason_days": (7, None),  # art. 10: at least 7 days
    "quality_return_days": (7, None),  # CPL art. 24
    "exchange_days": (15, None),  # 三包: 15-day exchange
    "merchant_review_hours": (1, 15 * 24),  # art. 31 penalty line: 15 days
    "refund_hours": (1, 15 * 24),  # art. 31
}


@dataclass(frozen=True)
class ResolvedPolicy:
    """The numbers in force for one merchant and category, with the rows they came from."""

    values: dict[str, Any]
    sources: dict[str, str]  # field → policy code that decided it
    intact_conditions_zh: str
    intact_conditions_en: str

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    def snapshot(self) -> dict[str, Any]:
        """JSON-safe copy stored on a case, so its clocks never move when policies change."""
        data = {k: (str(v) if isinstance(v, Decimal) else v) for k, v in self.values.items()}
        data["sources"] = dict(self.sources)
        return data


def kinder(field: str, a: Any, b: Any) -> Any:
    """The more consumer-friendly of two values of ``field``."""
    return max(a, b) if POLICY_FIELDS[field] == "up" else min(a, b)


def policy_resolve(*, merchant_id: int | None, category: Any) -> ResolvedPolicy:
    """Layer the platform row, the category chain (root first) and the merchant row."""
    chain = []
    node = category
    while node is not None:
        chain.append(node.pk)
        node = node.parent
    query = Policy.objects.filter(scope="platform") | Policy.objects.filter(
        scope="category", category_id__in=chain
    )
    if merchant_id is not None:
        query = query | Policy.objects.filter(scope="merchant", merchant_id=merchant_id)
    rows = {(p.scope, p.category_id or p.merchant_id): p for p in query}
    layers = [rows.get(("platform", None))]
    layers += [rows.get(("category", pk)) for pk in reversed(chain)]
    values: dict[str, Any] = {}
    sources: dict[str, str] = {}
    intact = ("", "")
    for layer in layers:
        if layer is None:
            continue
        for field in POLICY_FIELDS:
            value = getattr(layer, field)
            if value is not None:
                values[field], sources[field] = value, layer.code
        if layer.intact_conditions_zh or layer.intact_conditions_en:
            intact = (layer.intact_conditions_zh, layer.intact_conditions_en)
    merchant_row = rows.get(("merchant", merchant_id))
    if merchant_row is not None:
        for field in POLICY_FIELDS:
            value = getattr(merchant_row, field)
            if value is not None and kinder(field, value, values[field]) == value != values[field]:
                values[field], sources[field] = value, merchant_row.code
        if merchant_row.intact_conditions_zh or merchant_row.intact_conditions_en:
            intact = (merchant_row.intact_conditions_zh, merchant_row.intact_conditions_en)
    for field, (floor, ceiling) in LEGAL_LIMITS.items():
        # No layer may cross the law, whatever its row says.
        if floor is not None and values.get(field, floor) < floor:
            values[field], sources[field] = floor, "legal floor"
        if ceiling is not None and values.get(field, ceiling) > ceiling:
            values[field], sources[field] = ceiling, "legal ceiling"
    missing = set(POLICY_FIELDS) - set(values)
    if missing:
        raise LookupError(f"the platform policy row lacks {sorted(missing)}")
    return ResolvedPolicy(values, sources, *intact)
