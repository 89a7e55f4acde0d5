"""Shapes of the administrators' and merchants' policy edits (web forms and any later API share them).

Only the shapes live here (types, lengths, ranges); the rules that compare values with the law
and with the platform's row are in ``policies.services``.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from anxin.catalog.choices import ConfirmationKind

from .choices import Fault, PolicyScope

# A working limit, not a legal one: ten years is more than any after-sales window needs.
MAX_DAYS = 3650
Days = Annotated[int, Field(ge=1, le=MAX_DAYS)]
Hours = Annotated[int, Field(ge=1, le=MAX_DAYS * 24)]
Conditions = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]
Code = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=60)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class PolicyValuesIn(_In):
    """The tunable numbers of a policy row; ``None`` means "inherit from the layer below"."""

    no_reason_days: Days | None = None
    quality_return_days: Days | None = None
    exchange_days: Days | None = None
    # 0 means "no repairs" (perishable or digital categories, for instance).
    repair_days: Annotated[int, Field(ge=0, le=MAX_DAYS)] | None = None
    merchant_review_hours: Hours | None = None
    return_ship_days: Days | None = None
    receipt_confirm_days: Days | None = None
    refund_hours: Hours | None = None
    rejected_close_days: Days | None = None
    completion_days: Days | None = None
    restocking_fee_percent: (
        Annotated[Decimal, Field(ge=0, le=100, max_digits=5, decimal_places=2)] | None
    ) = None
    intact_conditions_zh: Conditions = ""
    intact_conditions_en: Conditions = ""


class PolicyIn(PolicyValuesIn):
    """A whole policy row: which layer it is (and for which category or merchant) and its values."""

    scope: PolicyScope
    category: Code | None = Field(default=None, description="Category code (category rows)")
    merchant: Code | None = Field(default=None, description="Merchant code (merchant rows)")


class ReasonIn(_In):
    """A reason code; ``code`` and ``parent`` are fixed once the reason exists."""

    code: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True,
            min_length=2,
            max_length=60,
            pattern=r"^[a-z][a-z0-9_]*(/[a-z][a-z0-9_]*)*$",
        ),
    ]
    parent: Code | None = None
    name_zh: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
    name_en: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
    fault: Fault
    is_quality: bool = False
    selectable: bool = True


class CalendarDayIn(_In):
    """A day that departs from the week: a public holiday, or a weekend day worked (调休)."""

    date: datetime.date
    kind: Literal["holiday", "workday"]
    name_zh: Annotated[str, StringConstraints(strip_whitespace=True, max_length=40)] = ""
    name_en: Annotated[str, StringConstraints(strip_whitespace=True, max_length=60)] = ""
    provisional: bool = False


class CategoryFlagsIn(_In):
    """Art. 6 exclusions (outright) and art. 7 kinds (only when confirmed at purchase)."""

    is_custom_made: bool = False
    is_perishable: bool = False
    is_digital: bool = False
    is_periodical: bool = False
    confirm_kinds: list[ConfirmationKind] = Field(default_factory=list, max_length=10)
