"""What each dispute step does besides changing the status, in the step's transaction, and the
registration of ``DISPUTE_WORKFLOW`` with its history table.

After every step the dispute's next deadline (``due_at``) is set for the state it entered, then the
parties are told (outbox rows commit with the step).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from anxin.cases.models import Case
from anxin.core import calendars
from anxin.core.actors import SYSTEM
from anxin.core.errors import Conflict, ValidationFailed
from anxin.core.workflow import History, StepContext, register

from .burden import RESPONSE, burden_for, burden_get
from .choices import (
    MONEY_NOW,
    DisputeStatus,
    Level,
    Outcome,
    Party,
    ProposalStatus,
    Remedy,
    RoundKind,
    RoundStatus,
    Vote,
)
from .due import set_next_due
from .execution import (
    advance_pay,
    appeal_settle,
    remedy_execute,
)
from .models import Dispute, DisputeEvidence, EvidenceRound, JuryVote, Proposal, Ruling
from .notify import dispute_transition_notify
from .parties import arbitrator_pick, mediator_pick, party_of
from .rulings import (
    decision_record,
    first_ruling,
    outcome_of,
    remedy_amount,
    remedy_check,
    ruling_from,
)
from .selectors import open_round
from .workflow import (
    DISPUTE_WORKFLOW,
    JURY_WINDOW,
    MERCHANT_RESPONSE,
    SUPPLEMENTARY,
)

S = DisputeStatus


def _save(dispute: Dispute, *fields: str) -> None:
    dispute.save(update_fields=[*fields, "updated_at"])


def _proposal(step: StepContext) -> Proposal:
    proposal = step.subject.proposals.filter(pk=step.data.get("proposal")).first()
    if proposal is None or proposal.status != ProposalStatus.OPEN:
        raise ValidationFailed(fields={"proposal": _("This proposal is no longer open.")})
    return proposal


def _merchant_answered(step: StepContext) -> None:
    dispute: Dispute = step.subject
    if party_of(step.actor) is Party.MERCHANT and dispute.merchant_answered_at is None:
        dispute.merchant_answered_at = step.at
        _save(dispute, "merchant_answered_at")


# --- negotiation -------------------------------------------------------------------------------


def effect_propose(step: StepContext) -> None:
    dispute: Dispute = step.subject
    party = party_of(step.actor)
    remedy = step.data["remedy"]
    if remedy == Remedy.REJECT:
        raise ValidationFailed(fields={"remedy": _("Propose a solution, not a rejection.")})
    remedy_check(dispute, remedy)
    amount = remedy_amount(dispute, remedy, Decimal(str(step.data.get("amount") or 0)))
    open_ = dispute.proposals.filter(status=ProposalStatus.OPEN)
    if party is Party.PLATFORM:
        open_.update(status=ProposalStatus.LAPSED)
    else:
        open_.filter(by_party=party).update(status=ProposalStatus.WITHDRAWN)
        # a counter-proposal answers the other side's open one
        open_.exclude(by_party__in=[party, Party.PLATFORM]).update(
            status=ProposalStatus.DECLINED,
            answered_by=step.actor.audit_label(),
            answered_at=step.at,
        )
    proposal = Proposal.objects.create(
        dispute=dispute,
        by_party=party,
        author=step.actor.audit_label(),
        remedy=remedy,
        amount=amount,
        note=step.data.get("note", ""),
        created_at=step.at,
    )
    step.data.update(proposal=proposal.pk, amount=str(amount), party=str(party))
    _merchant_answered(step)


def effect_decline(step: StepContext) -> None:
    proposal = _proposal(step)
    if proposal.by_party == party_of(step.actor):
        raise ValidationFailed(fields={"proposal": _("You cannot answer your own proposal.")})
    proposal.status = ProposalStatus.DECLINED
    proposal.answered_by = step.actor.audit_label()
    proposal.answered_at = step.at
    proposal.save(update_fields=["status", "answered_by", "answered_at"])
    _merchant_answered(step)


def _mark_agreed(step: StepContext, proposal: Proposal) -> None:
    party = party_of(step.actor)
    if proposal.by_party == party:
        raise ValidationFailed(fields={"proposal": _("You cannot answer your own proposal.")})
    if proposal.by_party == Party.PLATFORM:
        field = "consumer_accepted_at" if party is Party.CONSUMER else "merchant_accepted_at"
        setattr(proposal, field, step.at)
        proposal.save(update_fields=[field])


def effect_agree(step: StepContext) -> None:
    proposal = _proposal(step)
    if proposal.by_party != Party.PLATFORM:
        raise ValidationFailed(fields={"proposal": _("Accept this proposal instead.")})
    _mark_agreed(step, proposal)
    _merchant_answered(step)


def effect_accept(step: StepContext) -> None:
    dispute: Dispute = step.subject
    proposal = _proposal(step)
    _mark_agreed(step, proposal)
    if proposal.by_party == Party.PLATFORM and not (
        proposal.consumer_accepted_at and proposal.merchant_accepted_at
    ):
        raise Conflict(
            _("The other side has not agreed to this proposal yet."), code="dispute.needs_both"
        )
    proposal.status = ProposalStatus.ACCEPTED
    proposal.answered_by = step.actor.audit_label()
    proposal.answered_at = step.at
    proposal.save(update_fields=["status", "answered_by", "answered_at"])
    dispute.proposals.filter(status=ProposalStatus.OPEN).update(status=ProposalStatus.LAPSED)
    dispute.rounds.filter(status=RoundStatus.OPEN).update(
        status=RoundStatus.LAPSED, closed_at=step.at
    )
    dispute.outcome = Outcome.SETTLED
    dispute.resolved_at = step.at
    _save(dispute, "outcome", "resolved_at")
    step.data.update(remedy=proposal.remedy, amount=str(proposal.amount))
    _merchant_answered(step)
    remedy_execute(
        dispute=dispute, remedy=proposal.remedy, amount=proposal.amount, actor=SYSTEM, at=step.at
    )


# --- the platform steps in: mediation and evidence rounds --------------------------------------


def _round(dispute: Dispute, *, at: datetime, opened_by: str, kind: str, party: str,
           template: str, request: str = "") -> EvidenceRound:  # fmt: skip
    if open_round(dispute) is not None:
        raise Conflict(_("An evidence round is already open."), code="dispute.round_open")
    if kind == RoundKind.RESPONSE:
        due, calendar = at + MERCHANT_RESPONSE, "natural"
    else:
        due, calendar = calendars.due_at("business", at, SUPPLEMENTARY), "business"
    return EvidenceRound.objects.create(
        dispute=dispute,
        number=dispute.rounds.count() + 1,
        kind=kind,
        party=party,
        template=template,
        request=request,
        opened_by=opened_by,
        opened_at=at,
        due_at=due,
        calendar=calendar,
    )


def effect_intervene(step: StepContext) -> None:
    """小二介入: a mediator from the disputes team, and the merchant's 24-hour answer (#9)."""
    dispute: Dispute = step.subject
    dispute.level = Level.MEDIATION
    dispute.intervened_at = step.at
    if step.actor.user_id is not None and step.transition.action == "intervene":
        dispute.mediator_id = step.actor.user_id
    else:
        dispute.mediator_id = mediator_pick(dispute, step.at)
    _save(dispute, "level", "intervened_at", "mediator")
    reason = Case.unscoped.filter(pk=dispute.case_id).values_list("reason__code", flat=True).get()
    burden = burden_for(reason)
    template = burden if burden.party == Party.MERCHANT else RESPONSE
    _round(dispute, at=step.at, opened_by=step.actor.audit_label(), kind=RoundKind.RESPONSE,
           party=Party.MERCHANT, template=template.code)  # fmt: skip
    step.data.update(mediator=dispute.mediator_id)


def effect_open_round(step: StepContext) -> None:
    dispute: Dispute = step.subject
    template = burden_get(step.data["template"])
    if template is None:
        raise ValidationFailed(fields={"template": _("Choose a burden-of-proof rule.")})
    party = step.data["party"]
    if party not in (Party.CONSUMER, Party.MERCHANT):
        raise ValidationFailed(fields={"party": _("Ask the consumer or the merchant.")})
    found = _round(dispute, at=step.at, opened_by=step.actor.audit_label(),
                   kind=step.data.get("kind") or RoundKind.SUPPLEMENTARY, party=party,
                   template=template.code, request=step.data.get("request", ""))  # fmt: skip
    step.data.update(round=found.number, due_at=found.due_at.isoformat())


def effect_submit(step: StepContext) -> None:
    dispute: Dispute = step.subject
    found = open_round(dispute)
    if found is None or found.party != party_of(step.actor):
        raise ValidationFailed(fields={"statement": _("No evidence is asked of you now.")})
    found.status = RoundStatus.ANSWERED
    found.statement = step.data["statement"]
    found.closed_at = step.at
    found.save(update_fields=["status", "statement", "closed_at"])
    DisputeEvidence.objects.filter(dispute=dispute, round__isnull=True, party=found.party,
                                   created_at__gte=found.opened_at).update(round=found)  # fmt: skip
    step.data.update(round=found.number)
    _merchant_answered(step)


def effect_close_round(step: StepContext) -> None:
    found = open_round(step.subject)
    if found is not None:
        found.status = RoundStatus.CLOSED
        found.closed_at = step.at
        found.save(update_fields=["status", "closed_at"])
        step.data.update(round=found.number)


AUTO_RATIONALE = (
    "The {party} did not give the evidence asked for in round {round} by {due}. Under {rules} a "
    "party that misses its deadline loses the round, and the decision is taken on the evidence "
    "present."
)


def effect_round_missed(step: StepContext) -> None:
    """The party in default loses the round: the decision is taken on the evidence present."""
    dispute: Dispute = step.subject
    found = open_round(dispute)
    if found is None:
        raise Conflict(_("No evidence round is open."), code="dispute.no_round")
    found.status = RoundStatus.MISSED
    found.closed_at = step.at
    found.save(update_fields=["status", "closed_at"])
    rule = "P-9" if found.kind == RoundKind.RESPONSE else "P-10"
    if found.party == Party.MERCHANT:
        remedy, amount, at_fault = dispute.claim, dispute.claim_amount, True
    else:
        remedy, amount, at_fault = Remedy.REJECT, Decimal(0), False
    ruling = Ruling.objects.create(
        dispute=dispute,
        level=dispute.level,
        remedy=remedy,
        amount=amount,
        rationale=AUTO_RATIONALE.format(party=found.party, round=found.number,
                                        due=found.due_at.isoformat(), rules=f"{rule}, {found.template}"),
        rules=[rule, found.template],
        template=found.template,
        merchant_at_fault=at_fault,
        automatic=True,
        decided_by=SYSTEM.audit_label(),
        created_at=step.at,
    )  # fmt: skip
    step.data.update(round=found.number, remedy=remedy, amount=str(amount))
    decision_record(dispute, ruling, step.at)


def effect_round_lapsed(step: StepContext) -> None:
    """A round ran out with something given (or a supplementary round, #10): back to the person
    deciding, who decides on the evidence present."""
    dispute: Dispute = step.subject
    found = open_round(dispute)
    if found is None:
        raise Conflict(_("No evidence round is open."), code="dispute.no_round")
    given = bool(found.statement) or dispute.evidence.filter(round=found).exists()
    found.status = RoundStatus.ANSWERED if given else RoundStatus.MISSED
    found.closed_at = step.at
    found.save(update_fields=["status", "closed_at"])
    step.data.update(round=found.number, given=given)


def effect_refer(step: StepContext) -> None:
    dispute: Dispute = step.subject
    dispute.level = Level.ARBITRATION
    dispute.referred_at = step.at
    dispute.arbitrator_id = arbitrator_pick(exclude=set())
    _save(dispute, "level", "referred_at", "arbitrator")
    step.data.update(arbitrator=dispute.arbitrator_id)


def effect_suspend(step: StepContext) -> None:
    dispute: Dispute = step.subject
    dispute.suspended_until = step.at + timedelta(days=int(step.data.get("days") or 30))
    _save(dispute, "suspended_until")


def effect_resume(step: StepContext) -> None:
    dispute: Dispute = step.subject
    dispute.suspended_until = None
    _save(dispute, "suspended_until")


# --- arbitration and the public review panel ----------------------------------------------------


def effect_send_to_jury(step: StepContext) -> None:
    dispute: Dispute = step.subject
    if dispute.claim_amount > Decimal(settings.ANXIN_DISPUTE_JURY_MAX):
        raise ValidationFailed(
            fields={"claim_amount": _("Only claims up to %(max)s go to a public review panel.")
                    % {"max": settings.ANXIN_DISPUTE_JURY_MAX}}
        )  # fmt: skip
    if dispute.events.filter(action="send_to_jury").exists():
        raise Conflict(
            _("This dispute already had a public review panel."), code="dispute.jury_done"
        )
    chosen = set(step.data.get("photos") or [])
    shared = DisputeEvidence.objects.filter(dispute=dispute, evidence__public_id__in=chosen)
    if shared.count() != len(chosen):
        raise ValidationFailed(fields={"photos": _("Choose photos of this dispute.")})
    shared.update(panel_ok=True)
    step.data.update(photos=len(chosen))
    dispute.jury_until = step.at + JURY_WINDOW
    dispute.jury_verdict = ""
    _save(dispute, "jury_until", "jury_verdict")


def jury_tally(dispute: Dispute) -> dict[str, int]:
    counts = {Vote.CONSUMER.value: 0, Vote.MERCHANT.value: 0}
    for vote in JuryVote.objects.filter(dispute=dispute).values_list("vote", flat=True):
        counts[vote] += 1
    return counts


def effect_close_jury(step: StepContext) -> None:
    dispute: Dispute = step.subject
    counts = jury_tally(dispute)
    consumer, merchant = counts[Vote.CONSUMER], counts[Vote.MERCHANT]
    dispute.jury_verdict = (
        Vote.CONSUMER if consumer > merchant else Vote.MERCHANT if merchant > consumer else ""
    )
    dispute.jury_until = None
    _save(dispute, "jury_verdict", "jury_until")
    step.data.update(votes=counts, majority=dispute.jury_verdict)


def effect_rule(step: StepContext) -> None:
    dispute: Dispute = step.subject
    if dispute.arbitrator_id is None and step.actor.user_id is not None:
        dispute.arbitrator_id = step.actor.user_id
        _save(dispute, "arbitrator")
    decision_record(dispute, ruling_from(step, dispute.level), step.at)


def effect_fast_track(step: StepContext) -> None:
    """A small money claim is paid by the platform at once (先行赔付), recovered from the deposit."""
    dispute: Dispute = step.subject
    limit = Decimal(settings.ANXIN_DISPUTE_FAST_TRACK_MAX)
    if dispute.claim not in MONEY_NOW or dispute.claim_amount > limit:
        raise ValidationFailed(
            fields={"claim_amount": _("Only refund claims up to %(max)s can be paid at once.")
                    % {"max": f"{limit:.2f}"}}
        )  # fmt: skip
    reason = Case.unscoped.filter(pk=dispute.case_id).values_list("reason__code", flat=True).get()
    template = burden_for(reason).code
    ruling = Ruling.objects.create(
        dispute=dispute,
        level=dispute.level,
        remedy=dispute.claim,
        amount=dispute.claim_amount,
        rationale=step.reason or "fast track",
        rules=["P-11", template],
        template=template,
        fast_track=True,
        decided_by=step.actor.audit_label(),
        decided_by_user_id=step.actor.user_id,
        created_at=step.at,
    )
    dispute.fast_track = True
    dispute.resolved_at = step.at
    _save(dispute, "fast_track", "resolved_at")
    decision_record(dispute, ruling, step.at)
    advance_pay(dispute=dispute, amount=ruling.amount, at=step.at)


# --- carrying out, appeal, end -------------------------------------------------------------------


def effect_execute(step: StepContext) -> None:
    dispute: Dispute = step.subject
    ruling = first_ruling(dispute)
    if ruling.remedy != Remedy.REJECT:  # a rejection closes the case only once final
        remedy_execute(
            dispute=dispute,
            remedy=ruling.remedy,
            amount=ruling.amount,
            actor=step.actor,
            at=step.at,
        )
    dispute.resolved_at = step.at
    _save(dispute, "resolved_at")


def effect_enforce(step: StepContext) -> None:
    """#11: not carried out in 24 h — the platform pays (money) or approves the case itself."""
    dispute: Dispute = step.subject
    ruling = first_ruling(dispute)
    if ruling.remedy in MONEY_NOW:
        advance_pay(dispute=dispute, amount=ruling.amount, at=step.at)
    elif ruling.remedy != Remedy.REJECT:
        remedy_execute(
            dispute=dispute, remedy=ruling.remedy, amount=ruling.amount, actor=SYSTEM, at=step.at
        )
    dispute.resolved_at = step.at
    _save(dispute, "resolved_at")


def effect_appeal(step: StepContext) -> None:
    dispute: Dispute = step.subject
    party = party_of(step.actor)
    fresh = DisputeEvidence.objects.filter(
        dispute=dispute, party=party, created_at__gte=dispute.ruled_at
    )
    if not fresh.exists():
        raise ValidationFailed(
            fields={"evidence": _("Attach the new evidence your appeal rests on.")}
        )
    ruling = first_ruling(dispute)
    other = arbitrator_pick(exclude={dispute.arbitrator_id, ruling.decided_by_user_id})
    if other is None:
        raise Conflict(
            _(
                "No other arbitrator can review an appeal now; contact the platform's customer service."
            ),
            code="dispute.no_arbitrator",
        )
    fresh.update(for_appeal=True)
    dispute.appealed_by = party
    dispute.appealed_at = step.at
    dispute.level = Level.APPEAL
    dispute.appeal_arbitrator_id = other
    _save(dispute, "appealed_by", "appealed_at", "level", "appeal_arbitrator")
    step.data.update(party=str(party), arbitrator=dispute.appeal_arbitrator_id)


def effect_rule_appeal(step: StepContext) -> None:
    """The final decision; money is put right with compensating entries (execution.appeal_settle)."""
    dispute: Dispute = step.subject
    first = first_ruling(dispute)
    if step.actor.user_id is not None and step.actor.user_id == first.decided_by_user_id:
        raise ValidationFailed(
            fields={"remedy": _("An appeal is decided by a different arbitrator.")}
        )
    remedy = step.data["remedy"]
    if remedy not in (*MONEY_NOW, Remedy.REJECT, first.remedy):
        raise ValidationFailed(
            fields={
                "remedy": _("On appeal, uphold the decision, order a refund or reject the claim.")
            }
        )
    ruling = ruling_from(step, Level.APPEAL)
    if dispute.appeal_arbitrator_id is None and step.actor.user_id is not None:
        dispute.appeal_arbitrator_id = step.actor.user_id
    dispute.outcome = outcome_of(dispute, ruling.remedy, ruling.amount)
    dispute.merchant_at_fault = ruling.merchant_at_fault
    dispute.consumer_bad_faith = ruling.consumer_bad_faith
    dispute.resolved_at = step.at
    _save(
        dispute,
        "appeal_arbitrator",
        "outcome",
        "merchant_at_fault",
        "consumer_bad_faith",
        "resolved_at",
    )
    if ruling.remedy == first.remedy and ruling.amount == first.amount:
        step.data.update(upheld=True)
    else:
        owed = ruling.amount if ruling.remedy in MONEY_NOW else Decimal(0)
        step.data.update(appeal_settle(dispute=dispute, owed=owed, at=step.at))
    _close_if_rejected(dispute, ruling.remedy, step.at)


def _close_if_rejected(dispute: Dispute, remedy: str, at: datetime) -> None:
    """A rejected claim, now final, closes the case (it stayed disputed during the appeal window)."""
    if remedy == Remedy.REJECT:
        remedy_execute(
            dispute=dispute, remedy=Remedy.REJECT, amount=Decimal(0), actor=SYSTEM, at=at
        )


def effect_finalize(step: StepContext) -> None:
    dispute: Dispute = step.subject
    _close_if_rejected(dispute, first_ruling(dispute).remedy, step.at)
    if dispute.resolved_at is None:
        dispute.resolved_at = step.at
        _save(dispute, "resolved_at")


def effect_withdraw(step: StepContext) -> None:
    dispute: Dispute = step.subject
    dispute.proposals.filter(status=ProposalStatus.OPEN).update(status=ProposalStatus.LAPSED)
    dispute.rounds.filter(status=RoundStatus.OPEN).update(
        status=RoundStatus.LAPSED, closed_at=step.at
    )
    dispute.outcome = Outcome.WITHDRAWN
    dispute.resolved_at = step.at
    _save(dispute, "outcome", "resolved_at")
    remedy_execute(
        dispute=dispute, remedy=Remedy.REJECT, amount=Decimal(0), actor=SYSTEM, at=step.at
    )


# --- after every step: the next deadline, then the parties are told ------------------------------


def _history_data(step: StepContext) -> dict[str, Any]:
    return {k: v for k, v in step.data.items() if k not in {"version"}}


register(
    DISPUTE_WORKFLOW,
    history=History("disputes.disputeevent", subject_field="dispute", data=_history_data),
    effects={
        "propose": effect_propose,
        "decline": effect_decline,
        "agree": effect_agree,
        "accept": effect_accept,
        "request_intervention": effect_intervene,
        "intervene": effect_intervene,
        "open_round": effect_open_round,
        "submit": effect_submit,
        "close_round": effect_close_round,
        "round_missed": effect_round_missed,
        "round_lapsed": effect_round_lapsed,
        "refer": effect_refer,
        "send_to_jury": effect_send_to_jury,
        "close_jury": effect_close_jury,
        "rule": effect_rule,
        "fast_track": effect_fast_track,
        "suspend": effect_suspend,
        "resume": effect_resume,
        "execute": effect_execute,
        "enforce": effect_enforce,
        "appeal": effect_appeal,
        "rule_appeal": effect_rule_appeal,
        "finalize": effect_finalize,
        "withdraw": effect_withdraw,
        "lapse": effect_withdraw,
    },
    after_record=[set_next_due, dispute_transition_notify],
)
