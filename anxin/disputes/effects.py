"""What each dispute step does besides changing the status, in the step's transaction, and the
registration of ``DISPUTE_WORKFLOW`` with its history table.

After every step the dispute's next deadline (``due_at``) is set for the state it entered, then the
parties are told (outbox rows commit with the step).
"""

from __future__ import annotations

import re
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
    WITH_AMOUNT,
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
from .execution import (
    advance_pay,
    appeal_settle,
    paid_to_consumer,
    refundable_cap,
    remedy_execute,
)
from .models import Dispute, DisputeEvidence, EvidenceRound, JuryVote, Proposal, Ruling
from .notify import dispute_transition_notify
from .parties import arbitrator_pick, mediator_pick, party_of
from .workflow import (
    APPEAL_TARGET,
    APPEAL_WINDOW,
    ARBITRATION_TARGET,
    DISPUTE_WORKFLOW,
    EXECUTION,
    JURY_WINDOW,
    MEDIATION_TARGET,
    MERCHANT_RESPONSE,
    NEGOTIATION,
    NEGOTIATION_LAPSE,
    SUPPLEMENTARY,
)

S = DisputeStatus
# A ruling cites rule ids of docs/domain.md and the burden templates (P-9, R-3, B-2, art. 13 …).
RULE_CITED = re.compile(r"^((P|R|B|J)-\d{1,2}|(CPL )?art\. ?\d{1,2})$")


def _save(dispute: Dispute, *fields: str) -> None:
    dispute.save(update_fields=[*fields, "updated_at"])


def _open_round(dispute: Dispute) -> EvidenceRound | None:
    return dispute.rounds.filter(status=RoundStatus.OPEN).first()


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


def remedy_check(dispute: Dispute, remedy: str, field: str = "remedy") -> None:
    """With the item already at the merchant's, only money (or a rejection) can settle it."""
    if dispute.item_with_merchant and remedy not in (*MONEY_NOW, Remedy.REJECT):
        raise ValidationFailed(
            fields={field: _("The merchant already has the item: choose a full or partial refund.")}
        )


def remedy_amount(
    dispute: Dispute,
    remedy: str,
    amount: Decimal,
    field: str = "amount",
    paid: Decimal = Decimal(0),
) -> Decimal:
    """The amount a remedy carries: a full refund is everything still refundable; a partial
    refund or a return-first refund needs an amount within it; the others carry none. ``paid``:
    what the dispute already paid, which a replacing decision's total may include."""
    if remedy not in WITH_AMOUNT:
        return Decimal(0)
    case = Case.unscoped.select_related("line").get(pk=dispute.case_id)
    cap = refundable_cap(case, paid=paid)
    if remedy == Remedy.FULL_REFUND or (remedy == Remedy.RETURN_REFUND and amount <= 0):
        return cap
    if amount <= 0:
        raise ValidationFailed(fields={field: _("Enter an amount greater than zero.")})
    if amount > cap:
        raise ValidationFailed(
            fields={field: _("At most %(cap)s can still be refunded.") % {"cap": f"{cap:.2f}"}}
        )
    return amount


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
    if _open_round(dispute) is not None:
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
    found = _open_round(dispute)
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
    found = _open_round(step.subject)
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


def _outcome(dispute: Dispute, remedy: str, amount: Decimal) -> str:
    if remedy == Remedy.REJECT:
        return Outcome.MERCHANT
    if remedy == dispute.claim and amount >= dispute.claim_amount:
        return Outcome.CONSUMER
    return Outcome.SPLIT


def _decided(dispute: Dispute, ruling: Ruling, at: datetime) -> None:
    # a decision ends the bargaining: proposals still open can no longer be answered
    dispute.proposals.filter(status=ProposalStatus.OPEN).update(status=ProposalStatus.LAPSED)
    dispute.ruled_at = at
    dispute.ruled_remedy = ruling.remedy
    dispute.outcome = _outcome(dispute, ruling.remedy, ruling.amount)
    dispute.merchant_at_fault = ruling.merchant_at_fault
    dispute.consumer_bad_faith = ruling.consumer_bad_faith
    _save(dispute, "ruled_at", "ruled_remedy", "outcome", "merchant_at_fault", "consumer_bad_faith")
    # A rejected claim leaves the case disputed until the decision is final (an appeal may still
    # order a refund, and the units stay claimed); finalize closes it.


def effect_round_missed(step: StepContext) -> None:
    """The party in default loses the round: the decision is taken on the evidence present."""
    dispute: Dispute = step.subject
    found = _open_round(dispute)
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
    _decided(dispute, ruling, step.at)


def effect_round_lapsed(step: StepContext) -> None:
    """A round ran out with something given (or a supplementary round, #10): back to the person
    deciding, who decides on the evidence present."""
    dispute: Dispute = step.subject
    found = _open_round(dispute)
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


def _ruling(step: StepContext, level: str) -> Ruling:
    dispute: Dispute = step.subject
    data = step.data
    remedy = data["remedy"]
    remedy_check(dispute, remedy)
    # an appeal's award is the total the consumer gets, what was paid on the first one included
    paid = paid_to_consumer(dispute) if level == Level.APPEAL else Decimal(0)
    amount = remedy_amount(dispute, remedy, Decimal(str(data.get("amount") or 0)), paid=paid)
    if burden_get(data["template"]) is None:
        raise ValidationFailed(fields={"template": _("Choose a burden-of-proof rule.")})
    bad = [r for r in data["rules"] if not RULE_CITED.match(r)]
    if bad:
        raise ValidationFailed(
            fields={"rules": _("Cite rule ids such as P-9, R-3, B-2 or art. 13 (not %(bad)s).")
                    % {"bad": ", ".join(bad)}}
        )  # fmt: skip
    favours = Vote.MERCHANT if remedy == Remedy.REJECT else Vote.CONSUMER
    if dispute.jury_verdict and dispute.jury_verdict != favours and not data.get("jury_override"):
        raise ValidationFailed(
            fields={"jury_override": _("The panel's majority went the other way: say why you decide differently.")}
        )  # fmt: skip
    ruling = Ruling.objects.create(
        dispute=dispute,
        level=level,
        remedy=remedy,
        amount=amount,
        rationale=data["rationale"],
        rules=list(dict.fromkeys([*data["rules"], data["template"]])),
        template=data["template"],
        merchant_at_fault=bool(data.get("merchant_at_fault")),
        consumer_bad_faith=bool(data.get("consumer_bad_faith")),
        jury_override=data.get("jury_override", ""),
        decided_by=step.actor.audit_label(),
        decided_by_user_id=step.actor.user_id,
        created_at=step.at,
    )
    step.data.update(amount=str(amount))
    return ruling


def effect_rule(step: StepContext) -> None:
    dispute: Dispute = step.subject
    if dispute.arbitrator_id is None and step.actor.user_id is not None:
        dispute.arbitrator_id = step.actor.user_id
        _save(dispute, "arbitrator")
    _decided(dispute, _ruling(step, dispute.level), step.at)


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
    _decided(dispute, ruling, step.at)
    advance_pay(dispute=dispute, amount=ruling.amount, at=step.at)


# --- carrying out, appeal, end -------------------------------------------------------------------


def first_ruling(dispute: Dispute) -> Ruling:
    return dispute.rulings.exclude(level=Level.APPEAL).get()


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
    ruling = _ruling(step, Level.APPEAL)
    if dispute.appeal_arbitrator_id is None and step.actor.user_id is not None:
        dispute.appeal_arbitrator_id = step.actor.user_id
    dispute.outcome = _outcome(dispute, ruling.remedy, ruling.amount)
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


def next_due(dispute: Dispute) -> tuple[datetime | None, str]:
    """The deadline the dispute waits on in its current state, and its kind."""
    status = dispute.status
    if status == S.NEGOTIATING:
        if dispute.merchant_answered_at is None:
            return dispute.opened_at + NEGOTIATION, "negotiation"
        return dispute.opened_at + NEGOTIATION_LAPSE, "negotiation_lapse"
    if status == S.MEDIATION and dispute.intervened_at is not None:
        return dispute.intervened_at + MEDIATION_TARGET, "mediation_target"
    if status == S.ARBITRATION and dispute.referred_at is not None:
        return dispute.referred_at + ARBITRATION_TARGET, "arbitration_target"
    if status == S.APPEALED and dispute.appealed_at is not None:
        return dispute.appealed_at + APPEAL_TARGET, "appeal_target"
    if status == S.AWAITING_EVIDENCE:
        found = _open_round(dispute)
        return (found.due_at, "evidence_round") if found else (None, "")
    if status == S.JURY:
        return dispute.jury_until, "jury"
    if status == S.SUSPENDED:
        return dispute.suspended_until, "suspension"
    if status == S.RULED and dispute.ruled_at is not None:
        ruling = first_ruling(dispute)
        immediate = ruling.remedy == Remedy.REJECT
        return (dispute.ruled_at if immediate else dispute.ruled_at + EXECUTION), "execution"
    if status == S.EXECUTED and dispute.ruled_at is not None:
        return dispute.ruled_at + APPEAL_WINDOW, "appeal_window"
    return None, ""


def set_next_due(step: StepContext) -> None:
    dispute: Dispute = step.subject
    dispute.due_at, dispute.due_kind = next_due(dispute)
    _save(dispute, "due_at", "due_kind")


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
