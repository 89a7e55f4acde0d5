"""Who hears about which dispute step, and what they read — in-app, by e-mail and by webhook.

Like case notifications, the rows are written in the step's own transaction through the
notifications funnel and sent after the commit. Texts are English sources rendered in each
recipient's language. Placeholders: ``number`` (the dispute), ``case`` (the case number),
``status``. Webhooks (``dispute.<action>``) go out for every step, signed, without personal data.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from anxin.accounts.models import User
from anxin.catalog.models import Merchant
from anxin.core.actors import Actor
from anxin.core.workflow import StepContext
from anxin.notifications.outbox import Subject, notify, outbox_enqueue

from .choices import DisputeStatus
from .models import Dispute

SUBJECT_TYPE = "disputes.dispute"


class To(StrEnum):
    CONSUMER = "consumer"
    MERCHANT = "merchant"
    HANDLER = "handler"  # the mediator or arbitrator in charge


C, M, H = To.CONSUMER, To.MERCHANT, To.HANDLER

DISPUTE_MESSAGES: dict[str, tuple[frozenset[To], Promise, Promise]] = {
    "propose": (
        frozenset({C, M}),
        _("New proposal in dispute %(number)s"),
        _("There is a new proposal in dispute %(number)s (request %(case)s). Accept or decline it on the dispute page."),
    ),
    "decline": (
        frozenset({C, M}),
        _("Proposal declined in dispute %(number)s"),
        _("A proposal in dispute %(number)s (request %(case)s) was declined."),
    ),
    "accept": (
        frozenset({C, M, H}),
        _("Dispute %(number)s settled"),
        _("Dispute %(number)s (request %(case)s) was settled by agreement. The agreed solution is being carried out."),
    ),
    "request_intervention": (
        frozenset({M, H}),
        _("The platform stepped in on dispute %(number)s"),
        _("The platform is now handling dispute %(number)s (request %(case)s). The merchant has 24 hours to answer with evidence."),
    ),
    "intervene": (
        frozenset({C, M, H}),
        _("The platform stepped in on dispute %(number)s"),
        _("The platform is now handling dispute %(number)s (request %(case)s). The merchant has 24 hours to answer with evidence."),
    ),
    "open_round": (
        frozenset({C, M}),
        _("Evidence requested in dispute %(number)s"),
        _("The platform asked for evidence in dispute %(number)s (request %(case)s). See what is asked and the deadline on the dispute page."),
    ),
    "submit": (
        frozenset({H}),
        _("Evidence given in dispute %(number)s"),
        _("A party answered the evidence request in dispute %(number)s."),
    ),
    "round_missed": (
        frozenset({C, M, H}),
        _("Dispute %(number)s decided"),
        _("Evidence was not given in time in dispute %(number)s (request %(case)s), so the platform decided on the evidence present. Read the decision on the dispute page."),
    ),
    "round_lapsed": (
        frozenset({H}),
        _("Evidence round over in dispute %(number)s"),
        _("The evidence round in dispute %(number)s (request %(case)s) is over. Decide on the evidence present."),
    ),
    "refer": (
        frozenset({C, M, H}),
        _("Dispute %(number)s sent to arbitration"),
        _("Mediation did not resolve dispute %(number)s (request %(case)s); an arbitrator will decide it."),
    ),
    "send_to_jury": (
        frozenset({C, M}),
        _("Dispute %(number)s sent to a public review panel"),
        _("An anonymous panel of consumers will give its opinion on dispute %(number)s; the arbitrator decides afterwards."),
    ),
    "close_jury": (
        frozenset({H}),
        _("Panel voting closed for dispute %(number)s"),
        _("The public review panel for dispute %(number)s has finished voting."),
    ),
    "rule": (
        frozenset({C, M}),
        _("Dispute %(number)s decided"),
        _("The arbitrator decided dispute %(number)s (request %(case)s). Read the decision and its reasons on the dispute page."),
    ),
    "fast_track": (
        frozenset({C, M}),
        _("Dispute %(number)s paid by the platform"),
        _("The platform paid the consumer's claim in dispute %(number)s (request %(case)s) at once and recovers it from the merchant's deposit."),
    ),
    "suspend": (
        frozenset({C, M}),
        _("Dispute %(number)s suspended"),
        _("Dispute %(number)s (request %(case)s) is suspended for up to 30 days."),
    ),
    "resume": (
        frozenset({C, M, H}),
        _("Dispute %(number)s resumed"),
        _("Handling of dispute %(number)s (request %(case)s) has resumed."),
    ),
    "execute": (
        frozenset({C, H}),
        _("Decision carried out in dispute %(number)s"),
        _("The merchant carried out the decision in dispute %(number)s (request %(case)s)."),
    ),
    "enforce": (
        frozenset({C, M, H}),
        _("The platform carried out the decision in dispute %(number)s"),
        _("The decision in dispute %(number)s (request %(case)s) was not carried out within 24 hours, so the platform carried it out; any payment is recovered from the merchant's deposit."),
    ),
    "appeal": (
        frozenset({C, M, H}),
        _("Appeal filed in dispute %(number)s"),
        _("An appeal was filed in dispute %(number)s (request %(case)s). A different arbitrator will review it."),
    ),
    "rule_appeal": (
        frozenset({C, M}),
        _("Appeal decided in dispute %(number)s"),
        _("The appeal in dispute %(number)s (request %(case)s) was decided; this decision is final."),
    ),
    "finalize": (
        frozenset({C, M}),
        _("Decision final in dispute %(number)s"),
        _("Nobody appealed within 7 days; the decision in dispute %(number)s is final."),
    ),
    "withdraw": (
        frozenset({M, H}),
        _("Dispute %(number)s withdrawn"),
        _("The consumer withdrew dispute %(number)s (request %(case)s)."),
    ),
    "lapse": (
        frozenset({C, M}),
        _("Dispute %(number)s closed"),
        _("Dispute %(number)s (request %(case)s) was neither settled nor taken to the platform within 7 days of opening, so it closed, and the request with it."),
    ),
}  # fmt: skip

# Steps without a message of their own (still sent as webhooks). Opening a dispute is told to the
# merchant by the case's own "escalate" notification (cases/notify.py), once.
QUIET = ("open", "agree", "close_round")
DISPUTE_EVENTS: tuple[str, ...] = tuple(
    f"dispute.{action}" for action in [*DISPUTE_MESSAGES, *QUIET]
)


def _render(*, action: str, dispute: Dispute, to_state: str) -> tuple[str, str]:
    _who, title, body = DISPUTE_MESSAGES[action]
    params = {
        "number": dispute.number,
        "case": dispute.case.number,
        "status": str(DisputeStatus(to_state).label) if to_state else "",
    }
    return str(title) % params, str(body) % params


def _recipients(*, dispute: Dispute, to: frozenset[To], exclude_user_id: int | None) -> list[User]:
    who = Q()
    if To.CONSUMER in to:
        who |= Q(customer_records=dispute.customer_id)
    if To.MERCHANT in to:
        who |= Q(memberships__merchant_id=dispute.merchant_id)
    if To.HANDLER in to:
        handlers = [
            pk
            for pk in (dispute.appeal_arbitrator_id, dispute.arbitrator_id, dispute.mediator_id)
            if pk is not None
        ]
        if handlers:
            who |= Q(pk__in=handlers)
    if not who:
        return []
    users = User.objects.filter(who, is_active=True)
    if exclude_user_id is not None:
        users = users.exclude(pk=exclude_user_id)
    return list(users.distinct().only("pk", "email", "language").order_by("pk"))


def _webhook_payload(
    *, event: str, dispute: Dispute, from_state: str, to_state: str, at: datetime
) -> dict[str, Any]:
    """What integrators receive: facts about the dispute, no personal data."""
    return {
        "event": event,
        "dispute_number": dispute.number,
        "dispute_id": str(dispute.public_id),
        "case_number": dispute.case.number,
        "level": dispute.level,
        "from_status": from_state,
        "to_status": to_state,
        "claim": dispute.claim,
        "claim_amount": f"{dispute.claim_amount:.2f}",
        "currency": dispute.currency,
        "due_at": dispute.due_at.isoformat() if dispute.due_at else None,
        "occurred_at": at.isoformat(),
        "merchant": Merchant.objects.values_list("code", flat=True).get(pk=dispute.merchant_id),
    }


def dispute_notify(
    *,
    dispute: Dispute,
    action: str,
    from_state: str,
    to_state: str,
    at: datetime,
    actor: Actor | None = None,
) -> None:
    event = f"dispute.{action}"
    # a rejected claim needs nothing carried out: its "enforce" step is not news to anyone
    quiet = action == "enforce" and dispute.outcome == "merchant"
    if action in DISPUTE_MESSAGES and not quiet:
        to = DISPUTE_MESSAGES[action][0]
        notify(
            recipients=_recipients(
                dispute=dispute, to=to, exclude_user_id=actor.user_id if actor else None
            ),
            kind=f"dispute_{action}",
            render=lambda: _render(action=action, dispute=dispute, to_state=to_state),
            at=at,
            merchant_id=dispute.merchant_id,
            subject=Subject(type=SUBJECT_TYPE, number=dispute.number, public_id=dispute.public_id),
            email_event=event,
            email_data={"dispute_number": dispute.number, "case_number": dispute.case.number},
        )
    outbox_enqueue(
        event=event,
        at=at,
        merchant_id=dispute.merchant_id,
        webhook_payload=lambda: _webhook_payload(
            event=event, dispute=dispute, from_state=from_state, to_state=to_state, at=at
        ),
    )


def dispute_transition_notify(step: StepContext) -> None:
    """After each dispute step's history row (in its transaction)."""
    dispute_notify(
        dispute=step.subject,
        action=step.transition.action,
        from_state=step.from_state,
        to_state=step.to_state,
        at=step.at,
        actor=step.actor,
    )
