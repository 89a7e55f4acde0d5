"""Shared set-up for dispute tests: a rejected case, the platform's staff, a ruling's payload, and
a dispute put straight into any state from rows (for the move matrix)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from anxin.cases.choices import CaseStatus
from anxin.cases.models import Case
from anxin.cases.services import case_act
from anxin.cases.tests.helpers import delivered_order, merchant_actor, open_case
from anxin.catalog.tests import factories as f
from anxin.core.actors import Actor, Role
from anxin.disputes.choices import Party, RoundKind
from anxin.disputes.due import next_due
from anxin.disputes.models import Dispute, EvidenceRound, Proposal, Ruling

# A first-instance or appeal ruling: a rationale of at least 20 characters citing rules.
RATIONALE = (
    "The merchant's photos show the stitching failed in normal wear; under P-9 and B-1 the "
    "consumer's photos carry the point."
)


def ruling_payload(remedy: str = "partial_refund", amount: str = "40.00", **more: Any) -> dict:
    return {
        "remedy": remedy,
        "amount": amount,
        "rationale": RATIONALE,
        "rules": ["P-9", "R-3"],
        "template": "B-1",
        **more,
    }


def staff(username: str, role: Role) -> Actor:
    """A platform user (agent, arbitrator, admin) and the actor services see for them."""
    user = f.user(username, role)
    return Actor(role=role, user_id=user.pk, platform=True)


def rejected_case(
    shop: Any, external_id: str = "E1001", *, quantity: int = 2, type: str = "return_refund"
) -> Case:
    """A no-reason return of ``quantity`` units of line L1 (170.00 paid for 2), which the merchant
    rejected: the case a consumer disputes."""
    order = delivered_order(shop, external_id)
    case = open_case(order, type=type, quantity=quantity)
    case_act(actor=merchant_actor(shop), case=case, action="reject", payload={"reason": "不支持"})
    return Case.objects.get(pk=case.pk)


def dispute_row(case: Case, **fields: Any) -> Dispute:
    """A dispute about ``case`` built from rows (no services); the case is put in ``disputed``."""
    Case.objects.filter(pk=case.pk).update(status=CaseStatus.DISPUTED)
    values: dict[str, Any] = {
        "number": f"DP{case.pk:06d}",
        "case": case,
        "merchant_id": case.merchant_id,
        "customer_id": case.customer_id,
        "claim": "full_refund",
        "claim_amount": case.refund_amount,
        "statement": "衣服开线了",
        "opened_at": fields.pop("opened_at"),
    }
    values.update(fields)
    return Dispute.objects.create(**values)


# --- what a state needs besides its status (the matrix builds these) ----------------------------


def proposal_by(dispute: Dispute, party: str, at: datetime, amount: str = "10.00") -> Proposal:
    return Proposal.objects.create(
        dispute=dispute,
        by_party=party,
        author=f"{party}-author",
        remedy="partial_refund",
        amount=Decimal(amount),
        created_at=at,
    )


def round_for(
    dispute: Dispute,
    party: str,
    at: datetime,
    *,
    due: timedelta,
    kind: str = RoundKind.SUPPLEMENTARY,
) -> EvidenceRound:
    return EvidenceRound.objects.create(
        dispute=dispute,
        number=dispute.rounds.count() + 1,
        kind=kind,
        party=party,
        template="B-1" if party == Party.CONSUMER else "B-6",
        opened_by="user:1",
        opened_at=at,
        due_at=at + due,
    )


def first_ruling_for(dispute: Dispute, at: datetime, *, by_user: int | None = None) -> Ruling:
    ruling = Ruling.objects.create(
        dispute=dispute,
        level=dispute.level if dispute.level != "appeal" else "arbitration",
        remedy="partial_refund",
        amount=Decimal("20.00"),
        rationale=RATIONALE,
        rules=["P-9", "B-1"],
        template="B-1",
        decided_by=f"user:{by_user}" if by_user else "system",
        decided_by_user_id=by_user,
        created_at=at,
    )
    Dispute.objects.filter(pk=dispute.pk).update(ruled_at=at, arbitrator_id=by_user)
    dispute.ruled_at, dispute.arbitrator_id = at, by_user
    return ruling


def due_now_set(dispute: Dispute) -> None:
    """Store the deadline the dispute waits on in its state (what ``effects.set_next_due`` does)."""
    dispute.due_at, dispute.due_kind = next_due(dispute)
    dispute.save(update_fields=["due_at", "due_kind"])
