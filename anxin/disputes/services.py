"""Dispute services: open, take a step, answer a proposal, give evidence, vote on a panel, record
a deposit top-up. Each checks who may act, then goes through the workflow (``workflow.py``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, BinaryIO

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from anxin.cases.choices import CaseStatus
from anxin.cases.inputs import DisputeTerms
from anxin.cases.models import Case
from anxin.cases.services import case_act, evidence_add
from anxin.cases.workflow import CASE_WORKFLOW
from anxin.catalog.models import Customer
from anxin.core import clock
from anxin.core.actors import SYSTEM, Actor
from anxin.core.audit import audit_record
from anxin.core.errors import Conflict, Forbidden, ValidationFailed
from anxin.core.sequences import number_next
from anxin.core.validation import model_parse
from anxin.core.workflow import TransitionResult, arm_state_deadlines, subject_lock, transition

from .choices import CLAIMS, TERMINAL, DisputeStatus, Party, ProposalStatus
from .deposit import deposit_top_up
from .inputs import ACTION_INPUTS, ActIn, AnswerIn, DisputeOpenIn, TopUpIn, VoteIn
from .models import DepositEntry, Dispute, DisputeEvent, DisputeEvidence, JuryVote, Proposal
from .notify import dispute_notify
from .parties import party_of
from .permissions import (
    can_give_evidence,
    can_open_dispute,
    can_record_top_up,
    can_vote_on_panel,
    needs_reason,
)
from .rulings import remedy_amount, remedy_check
from .selectors import jury_eligible
from .workflow import DISPUTE_WORKFLOW, NEGOTIATION

DISPUTABLE = frozenset({CaseStatus.REJECTED, CaseStatus.RECEIVED, CaseStatus.IN_REPAIR})
# Files per side (consumer, merchant, platform), so one side can never use up the other's room;
# three sides fill the case's 30 dispute files (cases.services.DISPUTE_EVIDENCE_PER_CASE).
EVIDENCE_PER_SIDE = 10


def dispute_open(*, actor: Actor, case: Case, payload: dict[str, Any]) -> Dispute:
    """The consumer disputes a rejected (or stalled) case with a claim and a statement; the case
    moves to ``disputed`` in the same transaction, and negotiation's 24 hours (#8) start."""
    if not can_open_dispute(actor):
        raise Forbidden()
    data: DisputeOpenIn = model_parse(DisputeOpenIn, payload)
    if data.claim not in CLAIMS:
        raise ValidationFailed(
            fields={"claim": _("Say what you want: a refund, a return, an exchange or a repair.")}
        )
    now = clock.now()
    with transaction.atomic():
        locked = subject_lock(CASE_WORKFLOW, case)
        if Dispute.unscoped.filter(case_id=locked.pk).exists():
            raise Conflict(_("This request is already in dispute."), code="dispute.exists")
        if locked.status not in DISPUTABLE:
            raise Conflict(
                _(
                    "A dispute can be opened when the merchant rejected the request or stopped acting on it."
                ),
                code="dispute.not_disputable",
            )
        customer = Customer.objects.only("user_id").get(pk=locked.customer_id)
        dispute = Dispute(
            number=number_next(prefix="DP"),
            case=locked,
            merchant_id=locked.merchant_id,
            customer_id=locked.customer_id,
            claim=data.claim,
            currency=locked.currency,
            statement=data.statement,
            language=getattr(customer.user, "language", "") or settings.LANGUAGE_CODE,
            opened_at=now,
        )
        dispute.item_with_merchant = locked.status in (CaseStatus.RECEIVED, CaseStatus.IN_REPAIR)
        remedy_check(dispute, data.claim, field="claim")
        dispute.claim_amount = remedy_amount(dispute, data.claim, data.amount or Decimal(0))
        dispute.due_at, dispute.due_kind = now + NEGOTIATION, "negotiation"
        dispute.save()
        case_act(actor=actor, case=locked, action="escalate", dispute=DisputeTerms(dispute.number))
        # The claim is the consumer's first proposal: the merchant may simply accept it.
        Proposal.objects.create(
            dispute=dispute, by_party=Party.CONSUMER, author=actor.audit_label(),
            remedy=dispute.claim, amount=dispute.claim_amount, note=data.statement[:1000],
            created_at=now,
        )  # fmt: skip
        DisputeEvent.objects.create(
            dispute=dispute, action="open", from_status="", to_status=dispute.status,
            actor=actor.audit_label(), actor_role=str(actor.role), reason=data.statement,
            data={"claim": data.claim, "amount": str(dispute.claim_amount)}, created_at=now,
        )  # fmt: skip
        audit_record(
            actor=actor, action="disputes.dispute.open", merchant_id=dispute.merchant_id,
            subject_type="disputes.dispute", subject_id=dispute.pk,
            data={"number": dispute.number, "case": locked.number, "claim": data.claim,
                  "amount": str(dispute.claim_amount)},
        )  # fmt: skip
        arm_state_deadlines(DISPUTE_WORKFLOW, dispute, at=now)
        dispute_notify(
            dispute=dispute,
            action="open",
            from_state="",
            to_state=dispute.status,
            at=now,
            actor=actor,
        )
    return dispute


def dispute_act(
    *, actor: Actor, dispute: Dispute, action: str, payload: dict[str, Any] | None = None
) -> TransitionResult:
    """Take a step on a dispute (propose, request_intervention, open_round, submit, rule …) as
    ``actor``; platform staff say why where the step asks for it. Answering a proposal goes through
    ``proposal_answer``."""
    parsed: ActIn = model_parse(ACTION_INPUTS.get(action, ActIn), payload or {})
    if not parsed.reason and needs_reason(actor, action):
        raise ValidationFailed(fields={"reason": _("Give a reason for this step.")})
    data = parsed.model_dump(mode="json", exclude={"reason", "version"}, exclude_none=True)
    return transition(
        DISPUTE_WORKFLOW,
        subject=dispute,
        action=action,
        actor=actor,
        reason=parsed.reason,
        data=data,
        expected_version=parsed.version,
    )


def proposal_answer(
    *, actor: Actor, dispute: Dispute, payload: dict[str, Any], accept: bool
) -> TransitionResult:
    """Accept or decline a proposal. Accepting the other side's proposal settles the dispute; a
    mediator's proposal settles it when the second side accepts (the first one ``agree``s)."""
    parsed: AnswerIn = model_parse(AnswerIn, payload)
    action = "decline"
    if accept:
        action = "accept"
        proposal = dispute.proposals.filter(pk=parsed.proposal).first()
        if (
            proposal is not None
            and proposal.status == ProposalStatus.OPEN
            and proposal.by_party == Party.PLATFORM
        ):
            other = (
                proposal.merchant_accepted_at
                if party_of(actor) is Party.CONSUMER
                else proposal.consumer_accepted_at
            )
            action = "accept" if other is not None else "agree"
    return transition(
        DISPUTE_WORKFLOW,
        subject=dispute,
        action=action,
        actor=actor,
        reason=parsed.reason,
        data={"proposal": parsed.proposal},
        expected_version=parsed.version,
    )


def dispute_evidence_add(
    *, actor: Actor, dispute: Dispute, stream: BinaryIO | bytes, note: str = ""
) -> DisputeEvidence:
    """A photo or scan for the dispute, checked and stripped like every case photo (at most 10
    per side); it joins the open round when the round asks this party."""
    if not can_give_evidence(actor):
        raise Forbidden()
    if dispute.status in TERMINAL:
        raise Conflict(_("This dispute is closed."), code="dispute.closed")
    if len(note) > 300:
        raise ValidationFailed(fields={"note": _("At most 300 characters.")})
    case = Case.unscoped.get(pk=dispute.case_id)
    party = party_of(actor)
    with transaction.atomic():
        Dispute.unscoped.select_for_update(no_key=True).filter(pk=dispute.pk).exists()
        given = DisputeEvidence.objects.filter(dispute=dispute, party=party).count()
        if given >= EVIDENCE_PER_SIDE:
            raise ValidationFailed(
                fields={
                    "file": _("Each side can give at most %(n)s files in a dispute.")
                    % {"n": EVIDENCE_PER_SIDE}
                }
            )
        evidence = evidence_add(actor=actor, case=case, stream=stream, purpose="dispute")
        open_round = dispute.rounds.filter(status="open", party=party).first()
        return DisputeEvidence.objects.create(
            dispute=dispute, round=open_round, party=party, evidence=evidence, note=note,
            created_at=clock.now(),
        )  # fmt: skip


def jury_vote(*, actor: Actor, dispute: Dispute, payload: dict[str, Any]) -> JuryVote:
    """One anonymous vote of an eligible panel member; the panel closes when it is full."""
    data: VoteIn = model_parse(VoteIn, payload)
    if not can_vote_on_panel(actor) or not jury_eligible(actor=actor, dispute=dispute):
        raise Forbidden()
    with transaction.atomic():
        locked = subject_lock(DISPUTE_WORKFLOW, dispute)
        if locked.status != DisputeStatus.JURY:
            raise Conflict(_("Voting on this dispute has closed."), code="dispute.jury_closed")
        try:
            with transaction.atomic():
                vote = JuryVote.objects.create(
                    dispute=locked, voter_id=int(actor.user_id or 0), vote=data.vote, note=data.note,
                    created_at=clock.now(),
                )  # fmt: skip
        except IntegrityError:
            raise Conflict(
                _("You have already voted on this dispute."), code="dispute.voted"
            ) from None
        # the vote that fills the panel closes it, in the same transaction (the next voter is told
        # voting has closed, and their vote is not kept)
        if JuryVote.objects.filter(dispute=locked).count() >= settings.ANXIN_DISPUTE_JURY_SIZE:
            transition(DISPUTE_WORKFLOW, subject=locked.pk, action="close_jury", actor=SYSTEM,
                       reason="J-1: the panel is full")  # fmt: skip
    return vote


def deposit_top_up_record(
    *, actor: Actor, merchant_id: int, payload: dict[str, Any]
) -> DepositEntry:
    """Platform administrators record money a merchant paid into its deposit (idempotent by the
    payment reference)."""
    if not can_record_top_up(actor):
        raise Forbidden()
    data: TopUpIn = model_parse(TopUpIn, payload)
    return deposit_top_up(
        actor=actor, merchant_id=merchant_id, amount=data.amount,
        key=f"topup:{merchant_id}:{data.reference}", note=data.reference,
    )  # fmt: skip
