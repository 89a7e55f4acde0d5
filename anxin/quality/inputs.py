"""Shapes of what people send to the quality services (API and web share them)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from .choices import InspectionMethod, InspectionResult, PlanFrequency

Text = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]
Reason = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, max_length=120)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        """A NUL character is no text (PostgreSQL refuses to store it): the field is invalid."""
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("NUL character")
        return value


class ActIn(_In):
    reason: Reason = ""


class InspectionIn(_In):
    """One sampling inspection; on a failure, what follows (penalty, days to rectify, the request
    to the merchant and the findings published in the notice)."""

    sample_size: int = Field(ge=1, le=100_000)
    method: InspectionMethod
    lab_name: Name = ""
    result: InspectionResult
    defects_found: int = Field(default=0, ge=0, le=100_000)
    notes: Text = ""
    penalty: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    rectify_days: int | None = Field(default=None, ge=1, le=365)
    request: Text = ""
    public_findings: Text = ""


class RectifyIn(_In):
    response: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)
    ]


class PlanIn(_In):
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
    category: Annotated[str, StringConstraints(min_length=1, max_length=60)]
    frequency: PlanFrequency
    sample_skus: int = Field(default=3, ge=1, le=50)
    units_per_sku: int = Field(default=5, ge=1, le=1000)
    method: InspectionMethod
    next_run_at: datetime | None = None
    active: bool = True


class PlanChangeIn(_In):
    name: (
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
        | None
    ) = None
    frequency: PlanFrequency | None = None
    sample_skus: int | None = Field(default=None, ge=1, le=50)
    units_per_sku: int | None = Field(default=None, ge=1, le=1000)
    method: InspectionMethod | None = None
    next_run_at: datetime | None = None
    active: bool | None = None


class TaskOpenIn(_In):
    merchant: Annotated[str, StringConstraints(min_length=1, max_length=40)]
    sku: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    reason: Reason = ""
