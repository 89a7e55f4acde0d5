"""Decisions of a dispute: what a remedy may carry, the ruling an arbitrator writes (checked: the
rules it cites, the burden template, the panel's majority), and what a decision records on the
dispute. Used by the effects (``effects.py``) and by opening a dispute (``services.py``)."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from anxin.cases.models import Case
from anxin.core.errors import ValidationFailed
from anxin.core.workflow import StepContext

from .burden import burden_get
from .choices import MONEY_NOW, WITH_AMOUNT, Level, Outcome, ProposalStatus, Remedy, Vote
from .execution import paid_to_consumer, refundable_cap
from .models import Dispute, Ruling

# A ruling cites rule ids of docs/domain.md and the burden templates (P-9, R-3, B-2, art. 13 …).
RULE_CITED = re.compile(r"^((P|R|B|J)-\d{1,2}|(CPL )?art\. ?\d{1,2})$")


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


def outcome_of(dispute: Dispute, remedy: str, amount: Decimal) -> str:
    """For the figures: decided for the consumer, partly, or for the merchant."""
    if remedy == Remedy.REJECT:
        return Outcome.MERCHANT
    if remedy == dispute.claim and amount >= dispute.claim_amount:
        return Outcome.CONSUMER
    return Outcome.SPLIT


def decision_record(dispute: Dispute, ruling: Ruling, at: datetime) -> None:
    """What a first decision sets on the dispute; it ends the bargaining (open proposals lapse).
    A rejected claim leaves the case disputed until the decision is final (an appeal may still
    order a refund, and the units stay claimed); finalize closes it."""
    dispute.proposals.filter(status=ProposalStatus.OPEN).update(status=ProposalStatus.LAPSED)
    dispute.ruled_at = at
    dispute.ruled_remedy = ruling.remedy
    dispute.outcome = outcome_of(dispute, ruling.remedy, ruling.amount)
    dispute.merchant_at_fault = ruling.merchant_at_fault
    dispute.consumer_bad_faith = ruling.consumer_bad_faith
    dispute.save(
        update_fields=[
            "ruled_at",
            "ruled_remedy",
            "outcome",
            "merchant_at_fault",
            "consumer_bad_faith",
            "updated_at",
        ]
    )


def ruling_from(step: StepContext, level: str) -> Ruling:
    """The ruling a step writes, checked: the remedy and its amount (an appeal's is the total, what
    was paid included), the burden template, rule ids in docs/domain.md's formats, and a reason
    when it goes against the panel's majority."""
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


def first_ruling(dispute: Dispute) -> Ruling:
    """The first-instance decision (automatic, fast-track, mediation or arbitration)."""
    return dispute.rulings.exclude(level=Level.APPEAL).get()
