"""Shapes of the disputes API: what is sent (bodies, queries) and what is answered.

Every component is named ``Dispute…`` so that it cannot clash with another app's schema in the one
OpenAPI document; the enums of ``choices.py`` are inlined (no ``Remedy``/``Vote`` components).
"""

from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any, Literal
from uuid import UUID

from django.urls import reverse
from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints, WithJsonSchema

from anxin.core.actors import Actor
from anxin.core.labels import choice_label

from .. import inputs
from ..burden import BY_CODE
from ..choices import (
    DepositKind,
    DisputeStatus,
    Level,
    Party,
    ProposalStatus,
    Remedy,
    RoundStatus,
    Vote,
)
from ..models import Dispute, DisputeEvent, DisputeEvidence, EvidenceRound, Proposal, Ruling
from ..parties import party_of
from ..selectors import HANDLER_QUEUES, asked_of, ruling_rationale
from ..workflow import DISPUTE_WORKFLOW

# Answering a proposal is per proposal (each one says whether the caller may accept or decline it).
PER_PROPOSAL = frozenset({"accept", "decline", "agree"})


def inline(enum: type[Enum], description: str = "") -> WithJsonSchema:
    """An enum written into the field's schema instead of a shared component."""
    schema: dict[str, Any] = {"type": "string", "enum": [str(m.value) for m in enum]}
    if description:
        schema["description"] = description
    return WithJsonSchema(schema)


# A NUL character is no text (PostgreSQL refuses it in a query): such a value is invalid (422).
NO_NUL = r"^[^\x00]*$"
Key = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[^\x00]+$")]

ClaimField = Annotated[Remedy, inline(Remedy, "What the consumer wants (not 'reject')")]
VoteField = Annotated[Vote, inline(Vote)]


def _actor(context: Any) -> Actor | None:
    request = (context or {}).get("request")
    return getattr(request, "actor", None)


# --- bodies and queries ----------------------------------------------------------------------


class DisputeOpenBody(inputs.DisputeOpenIn):
    """POST /cases/{number}/dispute."""

    claim: ClaimField


class DisputeAnswerBody(Schema):
    """Accepting or declining a proposal (its id is in the path)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=1000, pattern=NO_NUL)
    ] = ""
    version: int | None = Field(
        default=None, ge=0, description="The dispute version the caller saw; 409 if it moved on"
    )


class DisputeVoteBody(inputs.VoteIn):
    vote: VoteField


class DisputeTopUpBody(inputs.TopUpIn):
    """Money a merchant paid into its deposit; ``reference`` (the payment's) makes it idempotent."""


class DisputeListQuery(Schema):
    status: Annotated[DisputeStatus, inline(DisputeStatus)] | None = None
    level: Annotated[Level, inline(Level)] | None = None
    merchant: str | None = Field(
        default=None, max_length=40, pattern=NO_NUL, description="Merchant code"
    )
    queue: Literal[HANDLER_QUEUES] | None = Field(  # type: ignore[valid-type]
        default=None, description="A handler's queue: " + ", ".join(HANDLER_QUEUES)
    )
    open: bool | None = Field(default=None, description="true: only disputes still in progress")
    cursor: str | None = Field(default=None, max_length=200, pattern=NO_NUL)
    limit: int = Field(default=50, ge=1, le=200)


class DisputeDepositQuery(Schema):
    merchant: str | None = Field(
        default=None,
        max_length=40,
        pattern=NO_NUL,
        description="Merchant code; needed only with platform access",
    )


# --- answers ---------------------------------------------------------------------------------


class DisputeOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    number: str
    version: int = Field(validation_alias="state_version")
    case_number: str
    merchant: str
    status: str
    status_label: str
    level: str
    claim: str
    claim_label: str
    claim_amount: Decimal
    currency: str
    due_at: datetime | None
    due_kind: str
    opened_at: datetime
    outcome: str
    resolved_at: datetime | None

    @staticmethod
    def resolve_case_number(obj: Dispute) -> str:
        return obj.case.number

    @staticmethod
    def resolve_merchant(obj: Dispute) -> str:
        return obj.merchant.code

    @staticmethod
    def resolve_status_label(obj: Dispute) -> str:
        return choice_label(DisputeStatus, obj.status)

    @staticmethod
    def resolve_claim_label(obj: Dispute) -> str:
        return choice_label(Remedy, obj.claim)


class DisputePage(Schema):
    items: list[DisputeOut]
    next_cursor: str | None


class DisputeProposalOut(Schema):
    id: int = Field(description="Send it to /proposals/{id}/accept or /decline")
    by: str = Field(description="consumer, merchant or platform (the mediator)")
    remedy: str
    remedy_label: str
    amount: Decimal
    note: str
    status: str
    status_label: str
    consumer_agreed: bool
    merchant_agreed: bool
    created_at: datetime
    answered_at: datetime | None
    may_accept: bool = Field(description="The caller may accept this proposal now")
    may_decline: bool = Field(description="The caller may decline this proposal now")


class DisputeRoundOut(Schema):
    number: int
    kind: str
    party: str = Field(description="Who is asked: consumer or merchant")
    template: str = Field(description="The burden-of-proof rule (B-1 …)")
    template_title: str
    asks: str = Field(description="What the rule asks for, in the reader's language")
    request: str
    status: str
    status_label: str
    opened_at: datetime
    due_at: datetime
    calendar: str
    statement: str
    closed_at: datetime | None

    @staticmethod
    def resolve_template_title(obj: EvidenceRound) -> str:
        burden = BY_CODE.get(obj.template)
        return str(burden.title) if burden else ""

    @staticmethod
    def resolve_asks(obj: EvidenceRound) -> str:
        burden = BY_CODE.get(obj.template)
        return str(burden.asks) if burden else ""

    @staticmethod
    def resolve_status_label(obj: EvidenceRound) -> str:
        return choice_label(RoundStatus, obj.status)


class DisputeEvidenceOut(Schema):
    id: UUID = Field(description="The photo's id")
    party: str = Field(description="Who gave it: consumer, merchant or platform")
    round: int | None = Field(description="The evidence round it answers, if any")
    note: str
    for_appeal: bool
    content_type: str
    size: int
    width: int
    height: int
    url: str = Field(description="The photo (same credentials as this API)")
    created_at: datetime

    @staticmethod
    def resolve_id(obj: DisputeEvidence) -> UUID:
        return obj.evidence.public_id

    @staticmethod
    def resolve_round(obj: DisputeEvidence) -> int | None:
        return obj.round.number if obj.round_id is not None and obj.round else None

    @staticmethod
    def resolve_content_type(obj: DisputeEvidence) -> str:
        return obj.evidence.content_type

    @staticmethod
    def resolve_size(obj: DisputeEvidence) -> int:
        return int(obj.evidence.size)

    @staticmethod
    def resolve_width(obj: DisputeEvidence) -> int:
        return int(obj.evidence.width)

    @staticmethod
    def resolve_height(obj: DisputeEvidence) -> int:
        return int(obj.evidence.height)

    @staticmethod
    def resolve_url(obj: DisputeEvidence) -> str:
        return reverse(
            "api:dispute_photo",
            kwargs={"number": obj.dispute.number, "evidence_id": obj.evidence.public_id},
        )


class DisputeRulingOut(Schema):
    level: str
    remedy: str
    remedy_label: str
    amount: Decimal
    rationale: str = Field(description="Why, in the reader's language for automatic decisions")
    rules: list[str]
    template: str
    merchant_at_fault: bool
    consumer_bad_faith: bool
    automatic: bool
    fast_track: bool
    jury_override: str
    at: datetime = Field(validation_alias="created_at")

    @staticmethod
    def resolve_remedy_label(obj: Ruling) -> str:
        return choice_label(Remedy, obj.remedy)

    @staticmethod
    def resolve_rationale(obj: Ruling) -> str:
        return ruling_rationale(obj)


# Ids of platform staff in a step's data (who mediates, who arbitrates) are not for the parties.
HIDDEN_EVENT_DATA = frozenset({"mediator", "arbitrator", "version"})


class DisputeEventOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor: str
    actor_role: str
    reason: str
    data: dict[str, Any]
    at: datetime = Field(validation_alias="created_at")

    @staticmethod
    def resolve_data(obj: DisputeEvent) -> dict[str, Any]:
        return {k: v for k, v in obj.data.items() if k not in HIDDEN_EVENT_DATA}


class DisputeJuryOut(Schema):
    status: Literal["voting", "closed"]
    until: datetime | None = Field(description="Voting closes at (while voting)")
    votes: dict[str, int] | None = Field(description="Votes per side, once voting has closed")
    majority: str = Field(description="consumer, merchant, or empty for a tie")


class DisputeDetailOut(DisputeOut):
    statement: str
    fast_track: bool
    merchant_at_fault: bool
    consumer_bad_faith: bool
    appealed_by: str
    actions: list[str] = Field(
        description="Steps the caller may take now (POST /disputes/{number}/actions/{action}); "
        "answering a proposal: see each proposal's may_accept / may_decline"
    )
    asked_of_me: DisputeRoundOut | None = Field(
        description="The open evidence round that asks the caller's side, with its deadline"
    )
    proposals: list[DisputeProposalOut]
    rounds: list[DisputeRoundOut]
    evidence: list[DisputeEvidenceOut]
    rulings: list[DisputeRulingOut]
    events: list[DisputeEventOut]
    jury: DisputeJuryOut | None

    @staticmethod
    def resolve_actions(obj: Dispute, context: Any) -> list[str]:
        actor = _actor(context)
        if actor is None:
            return []
        return sorted(available_steps(obj, actor) - PER_PROPOSAL)

    @staticmethod
    def resolve_asked_of_me(obj: Dispute, context: Any) -> EvidenceRound | None:
        actor = _actor(context)
        if actor is None:
            return None
        party = party_of(actor)
        if party is Party.PLATFORM:
            return None
        return asked_of(obj, party)

    @staticmethod
    def resolve_proposals(obj: Dispute, context: Any) -> list[dict[str, Any]]:
        actor = _actor(context)
        steps = available_steps(obj, actor) if actor is not None else set()
        return [proposal_row(p, actor, steps) for p in obj.proposals.all()]

    @staticmethod
    def resolve_rounds(obj: Dispute) -> list[EvidenceRound]:
        return list(obj.rounds.all())

    @staticmethod
    def resolve_evidence(obj: Dispute) -> list[DisputeEvidence]:
        return list(obj.evidence.select_related("evidence", "round", "dispute"))

    @staticmethod
    def resolve_rulings(obj: Dispute) -> list[Ruling]:
        return list(obj.rulings.select_related("dispute"))

    @staticmethod
    def resolve_events(obj: Dispute) -> list[DisputeEvent]:
        return list(obj.events.all())

    @staticmethod
    def resolve_jury(obj: Dispute) -> dict[str, Any] | None:
        if obj.status == DisputeStatus.JURY:
            return {"status": "voting", "until": obj.jury_until, "votes": None, "majority": ""}
        if not obj.events.filter(action="send_to_jury").exists():
            return None
        votes = {Vote.CONSUMER.value: 0, Vote.MERCHANT.value: 0}
        for vote in obj.votes.values_list("vote", flat=True):
            votes[vote] = votes.get(vote, 0) + 1
        return {"status": "closed", "until": None, "votes": votes, "majority": obj.jury_verdict}


def available_steps(dispute: Dispute, actor: Actor) -> set[str]:
    """The table's steps open to ``actor`` now; ``submit`` only for the side a round asks."""
    steps = {t.action for t in DISPUTE_WORKFLOW.available(dispute, actor)}
    if "submit" in steps:
        party = party_of(actor)
        if party is Party.PLATFORM or asked_of(dispute, party) is None:
            steps.discard("submit")
    return steps


def proposal_row(proposal: Proposal, actor: Actor | None, steps: set[str]) -> dict[str, Any]:
    """A proposal, and whether ``actor`` may accept or decline it now (``steps``: the actor's
    available steps on the dispute)."""
    party = party_of(actor) if actor is not None else None
    answerable = (
        proposal.status == ProposalStatus.OPEN
        and party in (Party.CONSUMER, Party.MERCHANT)
        and proposal.by_party != party
    )
    may_accept = answerable and "accept" in steps
    if answerable and proposal.by_party == Party.PLATFORM:
        mine, theirs = (
            (proposal.consumer_accepted_at, proposal.merchant_accepted_at)
            if party is Party.CONSUMER
            else (proposal.merchant_accepted_at, proposal.consumer_accepted_at)
        )
        may_accept = mine is None and ("accept" if theirs is not None else "agree") in steps
    return {
        "id": proposal.pk,
        "by": proposal.by_party,
        "remedy": proposal.remedy,
        "remedy_label": choice_label(Remedy, proposal.remedy),
        "amount": proposal.amount,
        "note": proposal.note,
        "status": proposal.status,
        "status_label": choice_label(ProposalStatus, proposal.status),
        "consumer_agreed": proposal.consumer_accepted_at is not None,
        "merchant_agreed": proposal.merchant_accepted_at is not None,
        "created_at": proposal.created_at,
        "answered_at": proposal.answered_at,
        "may_accept": bool(may_accept),
        "may_decline": bool(answerable and "decline" in steps),
    }


# --- the public review panel (anonymised) -----------------------------------------------------


class DisputePanelAnswerOut(Schema):
    by: str = Field(description='"Merchant" or "Consumer", in the reader\'s language')
    statement: str


class DisputePanelOfferOut(Schema):
    by: str
    remedy: str
    remedy_label: str
    amount: Decimal


class DisputePanelPhotoOut(Schema):
    by: str
    url: str
    content_type: str
    width: int
    height: int


class DisputePanelOut(Schema):
    """A dispute as a panel member reads it: no names, phone numbers, addresses, order or case
    numbers, nor the merchant's name."""

    number: str = Field(description="Vote with POST /panels/{number}/votes")
    claim: str
    claim_label: str
    claim_amount: Decimal
    currency: str
    reason: str = Field(description="The reason given for the request")
    statement: str = Field(description="The consumer's statement")
    answers: list[DisputePanelAnswerOut]
    offers: list[DisputePanelOfferOut]
    evidence: list[DisputePanelPhotoOut]
    votes_until: datetime | None


class DisputeVoteOut(Schema):
    vote: str
    note: str
    created_at: datetime


# --- the merchant deposit ----------------------------------------------------------------------


class DisputeDepositEntryOut(Schema):
    kind: str
    kind_label: str
    amount: Decimal
    balance_after: Decimal
    dispute: str | None = Field(description="The dispute number, for deductions and credits")
    note: str
    created_at: datetime

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return choice_label(DepositKind, obj.kind)

    @staticmethod
    def resolve_dispute(obj: Any) -> str | None:
        return obj.dispute.number if obj.dispute_id is not None else None


class DisputeTopUpRequestOut(Schema):
    amount: Decimal
    dispute: str | None
    created_at: datetime

    @staticmethod
    def resolve_dispute(obj: Any) -> str | None:
        return obj.dispute.number if obj.dispute_id is not None else None


class DisputeDepositOut(Schema):
    merchant: str
    balance: Decimal
    required: Decimal
    owed: Decimal = Field(description="Advance compensation the balance could not cover")
    currency: str
    settlement_held: bool
    entries: list[DisputeDepositEntryOut] = Field(description="Newest first (at most 100)")
    top_up_request: DisputeTopUpRequestOut | None = Field(description="What to pay in now")
