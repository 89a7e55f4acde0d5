"""How the numbers of a policy row read on a page: label, unit, the generous direction, the law.

Shared by the administrators' policy pages and the merchant's own policy settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anxin.policies.inputs import MAX_DAYS
from anxin.policies.models import POLICY_FIELDS, Policy
from anxin.policies.resolve import LEGAL_LIMITS, ResolvedPolicy
from anxin.policies.services import CONDITION_FIELDS, amount_text, field_unit, generous_text

# Where each legal limit comes from, for the explanation next to the field.
LEGAL_BASIS = {
    "no_reason_days": gettext_lazy("no-reason returns, art. 10"),
    "quality_return_days": gettext_lazy("Consumer Protection Law, art. 24"),
    "exchange_days": gettext_lazy("three-guarantees rules: exchange within 15 days"),
    "merchant_review_hours": gettext_lazy("art. 31: 15 days is the penalty line"),
    "refund_hours": gettext_lazy("art. 31: 15 days is the penalty line"),
}
# Short names for pages, where the unit is shown next to the number.
LABELS = {
    "no_reason_days": gettext_lazy("No-reason return window"),
    "quality_return_days": gettext_lazy("Quality return window"),
    "exchange_days": gettext_lazy("Exchange window"),
    "repair_days": gettext_lazy("Repair window"),
    "merchant_review_hours": gettext_lazy("Merchant review"),
    "return_ship_days": gettext_lazy("Time to ship the return"),
    "receipt_confirm_days": gettext_lazy("Time to confirm receipt"),
    "refund_hours": gettext_lazy("Time to refund"),
    "rejected_close_days": gettext_lazy("Time to contest a rejection"),
    "completion_days": gettext_lazy("Time to confirm a replacement or repair"),
    "restocking_fee_percent": gettext_lazy("Restocking fee"),
}


def label(field: str) -> str:
    known = LABELS.get(field)
    return str(known) if known else field.replace("_", " ")


def unit_label(field: str) -> str:
    return {"days": _("days"), "hours": _("hours"), "percent": "%"}[field_unit(field)]


def legal_text(field: str) -> str:
    """ "at least 7 days (…)" / "at most 360 hours (…)", or "" when the law sets no limit."""
    floor, ceiling = LEGAL_LIMITS.get(field, (None, None))
    parts = []
    if floor is not None and floor > 1:  # a floor of 1 is a working minimum, not the law
        parts.append(_("at least %(limit)s") % {"limit": amount_text(field, floor)})
    if ceiling is not None:
        parts.append(_("at most %(limit)s") % {"limit": amount_text(field, ceiling)})
    if not parts:
        return ""
    return f"{', '.join(parts)} ({LEGAL_BASIS[field]})"


def input_limits(field: str) -> dict[str, str]:
    """min / max / step attributes of the number input (the server checks again)."""
    if field_unit(field) == "percent":
        return {"min": "0", "max": "100", "step": "0.01"}
    floor, ceiling = LEGAL_LIMITS.get(field, (None, None))
    low = floor if floor is not None else (0 if field == "repair_days" else 1)
    high = (
        ceiling if ceiling is not None else MAX_DAYS * (24 if field_unit(field) == "hours" else 1)
    )
    return {"min": str(low), "max": str(high), "step": "1"}


def shown(field: str, value: Any) -> str:
    return "" if value is None or value == "" else amount_text(field, value)


@dataclass
class FieldRow:
    """One line of a policy form or table."""

    name: str
    label: str
    unit: str
    direction: str
    legal: str
    value: Any  # what the input shows: the stored value, or what was just typed
    inherited: str  # what applies when this row leaves the field empty
    source: str  # the row (code) the inherited value comes from
    error: str
    limits: dict[str, str]


def field_rows(
    *,
    values: dict[str, Any],
    errors: dict[str, str] | None = None,
    inherited: ResolvedPolicy | dict[str, Any] | None = None,
) -> list[FieldRow]:
    """The rows of a policy form, in the model's order."""
    errors = errors or {}
    base: dict[str, Any] = {}
    sources: dict[str, str] = {}
    if isinstance(inherited, ResolvedPolicy):
        base, sources = inherited.values, inherited.sources
    elif inherited:
        base = inherited
    rows = []
    for name in POLICY_FIELDS:
        value = values.get(name)
        rows.append(
            FieldRow(
                name=name,
                label=label(name),
                unit=unit_label(name),
                direction=generous_text(name),
                legal=legal_text(name),
                value="" if value is None else value,
                inherited=shown(name, base.get(name)),
                source=sources.get(name, ""),
                error=errors.get(name, ""),
                limits=input_limits(name),
            )
        )
    return rows


def row_values(row: Policy | None) -> dict[str, Any]:
    """A stored row's values for a form (empty for a new row)."""
    if row is None:
        return {}
    return {name: getattr(row, name) for name in (*POLICY_FIELDS, *CONDITION_FIELDS)}


def overrides(row: Policy) -> list[tuple[str, str]]:
    """(label, "7 days") for each value a row sets, for compact lists."""
    return [
        (label(name), amount_text(name, getattr(row, name)))
        for name in POLICY_FIELDS
        if getattr(row, name) is not None
    ]
