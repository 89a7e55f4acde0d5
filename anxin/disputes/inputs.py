"""Shapes of what people send to a dispute (API and web share them)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from .choices import Party, Remedy, RoundKind, Vote

Statement = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Note = Annotated[str, StringConstraints(strip_whitespace=True, max_length=1000)]
Amount = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*", mode="after")
    @classmethod
    def _no_nul(cls, value: Any) -> Any:
        """A NUL character is no text (PostgreSQL refuses to store it): the field is invalid."""
        texts = value if isinstance(value, list) else [value]
        if any(isinstance(text, str) and "\x00" in text for text in texts):
            raise ValueError("NUL character")
        return value


class DisputeOpenIn(_In):
    claim: Remedy = Field(description="What the consumer wants (not 'reject')")
    amount: Amount | None = Field(
        default=None, description="Amount claimed; default: everything still refundable"
    )
    statement: Statement


class ActIn(_In):
    """Every step accepts a reason (platform staff must give one where the step asks for it)."""

    reason: Note = ""
    version: int | None = Field(
        default=None, ge=0, description="The dispute version the caller saw; 409 if it moved on"
    )


class ProposeIn(ActIn):
    remedy: Remedy
    amount: Amount = Decimal(0)
    note: Note = ""


class AnswerIn(ActIn):
    proposal: int = Field(ge=1, description="The proposal's id")


class OpenRoundIn(ActIn):
    party: Party
    template: Annotated[str, StringConstraints(pattern=r"^B-\d{1,2}$")]
    request: Note = ""
    kind: RoundKind = RoundKind.SUPPLEMENTARY


class SubmitIn(ActIn):
    statement: Statement


class RuleIn(ActIn):
    remedy: Remedy
    amount: Amount = Decimal(0)
    rationale: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=20, max_length=4000)
    ]
    rules: list[
        Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]
    ] = Field(min_length=1, max_length=10)
    template: Annotated[str, StringConstraints(pattern=r"^B-\d{1,2}$")]
    merchant_at_fault: bool = False
    consumer_bad_faith: bool = False
    jury_override: Note = ""


class JuryIn(ActIn):
    photos: list[UUID] = Field(
        default_factory=list,
        max_length=30,
        description="The dispute's photos the panel may see (checked to show no personal data)",
    )


class SuspendIn(ActIn):
    days: int = Field(default=30, ge=1, le=30)


class AppealIn(ActIn):
    statement: Statement


class VoteIn(_In):
    vote: Vote
    note: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = ""


class TopUpIn(_In):
    amount: Amount
    reference: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]


ACTION_INPUTS: dict[str, type[ActIn]] = {
    "propose": ProposeIn,
    "decline": AnswerIn,
    "agree": AnswerIn,
    "accept": AnswerIn,
    "open_round": OpenRoundIn,
    "submit": SubmitIn,
    "rule": RuleIn,
    "rule_appeal": RuleIn,
    "suspend": SuspendIn,
    "send_to_jury": JuryIn,
    "appeal": AppealIn,
}
