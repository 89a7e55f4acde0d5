"""Who hears about credit, and what they read: in-app (and e-mail), and webhooks.

Webhooks (declared in ``CreditConfig.ready``): ``credit.tier_changed`` when a merchant's tier
differs from its previous day's, and ``credit.sanction`` for every step of a sanction (taken,
proposed, appealed, decided). Payloads carry the shop's code and figures, no personal data.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from anxin.accounts.models import User
from anxin.catalog.models import Merchant
from anxin.notifications.outbox import Subject, notify, outbox_enqueue

from .choices import SanctionStatus, Step, Tier
from .models import Sanction

TIER_CHANGED = "credit.tier_changed"
SANCTION = "credit.sanction"
CREDIT_EVENTS: tuple[str, ...] = (TIER_CHANGED, SANCTION)
SUBJECT_TYPE = "credit.sanction"

# What the shop reads about each step (title, body); %(score)s, %(step)s, %(status)s.
SANCTION_MESSAGES: dict[str, tuple[Promise, Promise]] = {
    Step.WARN: (
        _("Credit warning: your score is %(score)s"),
        _("Your after-sales credit score fell to %(score)s, below the platform's warning line. Your credit page shows the factors that cost most points and what to improve. You may appeal this warning once."),
    ),
    Step.RESTRICT: (
        _("Your shop is restricted: credit score %(score)s"),
        _("Your after-sales credit score stayed low (%(score)s) after a warning. Until the platform lifts the restriction, new orders are refused, requests get shorter review deadlines and settlement is held. You may appeal once."),
    ),
    Step.DEPOSIT_INCREASE: (
        _("Your required deposit rises: credit score %(score)s"),
        _("Your after-sales credit score fell to %(score)s while restricted, so the deposit you must keep rises. Your deposit page shows the amount to pay in. You may appeal once."),
    ),
    Step.EXIT: (
        _("Exit proposed: credit score %(score)s"),
        _("Your after-sales credit score stayed below the exit line (%(score)s). The platform's administrators will review your shop before deciding; nothing changes until they do. You may appeal now with a statement."),
    ),
}  # fmt: skip

DECISION_MESSAGES: dict[str, tuple[Promise, Promise]] = {
    SanctionStatus.UPHELD: (
        _("Appeal decided: %(step)s upheld"),
        _("The platform reviewed your appeal and upheld the %(step)s. Reason: %(note)s"),
    ),
    SanctionStatus.OVERTURNED: (
        _("Appeal decided: %(step)s overturned"),
        _("The platform reviewed your appeal and overturned the %(step)s; what it changed has been undone. Reason: %(note)s"),
    ),
    SanctionStatus.CONFIRMED: (
        _("Your shop's exit is confirmed"),
        _("The platform's administrators reviewed your shop and confirmed its exit. Reason: %(note)s"),
    ),
    SanctionStatus.DISMISSED: (
        _("Exit proposal declined"),
        _("The platform's administrators reviewed your shop and declined the proposed exit. Reason: %(note)s"),
    ),
}  # fmt: skip

ADMIN_MESSAGES: dict[str, tuple[Promise, Promise]] = {
    "exit": (
        _("Exit proposed for shop %(shop)s"),
        _("The credit score of %(shop)s stayed below the exit line (%(score)s). Review the shop and confirm or decline the exit: a score alone never decides it."),
    ),
    "appeal": (
        _("Credit appeal from shop %(shop)s"),
        _("%(shop)s appealed its %(step)s (score %(score)s). Read the statement and decide."),
    ),
}  # fmt: skip


def _merchant_users(merchant_id: int) -> list[User]:
    return list(
        User.objects.filter(memberships__merchant_id=merchant_id, is_active=True)
        .distinct()
        .only("pk", "email", "language")
        .order_by("pk")
    )


def _admins() -> list[User]:
    return list(
        User.objects.filter(Q(role="admin"), is_active=True).only("pk", "email", "language")
    )


def _subject(sanction: Sanction) -> Subject:
    return Subject(
        type=SUBJECT_TYPE, number=str(sanction.public_id)[:8], public_id=sanction.public_id
    )


def _sanction_webhook(sanction: Sanction, code: str, at: datetime) -> None:
    payload: dict[str, Any] = {
        "event": SANCTION,
        "merchant": code,
        "sanction_id": str(sanction.public_id),
        "step": sanction.step,
        "status": sanction.status,
        "score": f"{sanction.score:.2f}",
        "day": sanction.day.isoformat(),
        "occurred_at": at.isoformat(),
    }
    outbox_enqueue(event=SANCTION, at=at, merchant_id=sanction.merchant_id, webhook_payload=payload)


def sanction_taken_notify(sanction: Sanction, *, at: datetime) -> None:
    """A step taken (or an exit proposed): the shop reads it; an exit proposal also goes to the
    platform's administrators, who decide it."""
    code = Merchant.unscoped.values_list("code", flat=True).get(pk=sanction.merchant_id)
    title, body = SANCTION_MESSAGES[sanction.step]
    params = {"score": f"{sanction.score:.2f}", "shop": code}
    notify(
        recipients=_merchant_users(sanction.merchant_id),
        kind=f"credit_{sanction.step}",
        render=lambda: (str(title) % params, str(body) % params),
        at=at,
        merchant_id=sanction.merchant_id,
        subject=_subject(sanction),
        email_event=SANCTION,
        email_data={"merchant": code, "step": sanction.step},
    )
    if sanction.step == Step.EXIT:
        a_title, a_body = ADMIN_MESSAGES["exit"]
        notify(
            recipients=_admins(),
            kind="credit_exit_proposed",
            render=lambda: (str(a_title) % params, str(a_body) % params),
            at=at,
            subject=_subject(sanction),
        )
    _sanction_webhook(sanction, code, at)


def appeal_filed_notify(sanction: Sanction, *, at: datetime) -> None:
    code = Merchant.unscoped.values_list("code", flat=True).get(pk=sanction.merchant_id)
    title, body = ADMIN_MESSAGES["appeal"]

    def render() -> tuple[str, str]:
        params = {
            "shop": code,
            "step": str(Step(sanction.step).label),
            "score": f"{sanction.score:.2f}",
        }
        return str(title) % params, str(body) % params

    notify(
        recipients=_admins(),
        kind="credit_appeal",
        render=render,
        at=at,
        subject=_subject(sanction),
    )
    _sanction_webhook(sanction, code, at)


def sanction_decided_notify(sanction: Sanction, *, note: str, at: datetime) -> None:
    code = Merchant.unscoped.values_list("code", flat=True).get(pk=sanction.merchant_id)
    title, body = DECISION_MESSAGES[sanction.status]

    def render() -> tuple[str, str]:
        params = {
            "step": str(Step(sanction.step).label),
            "note": note,
            "score": f"{sanction.score:.2f}",
        }
        return str(title) % params, str(body) % params

    notify(
        recipients=_merchant_users(sanction.merchant_id),
        kind=f"credit_{sanction.status}",
        render=render,
        at=at,
        merchant_id=sanction.merchant_id,
        subject=_subject(sanction),
        email_event=SANCTION,
        email_data={"merchant": code, "step": sanction.step, "status": sanction.status},
    )
    _sanction_webhook(sanction, code, at)


def tier_changed_notify(
    *,
    merchant_id: int,
    code: str,
    day: date,
    from_tier: str | None,
    to_tier: str,
    score: Decimal,
    at: datetime,
) -> None:
    """The shop's tier moved: a webhook, and a note to the shop's people."""
    title = _("Your credit tier is now %(tier)s")
    body = _("Your after-sales credit score is %(score)s (%(tier)s, was %(before)s). Your credit page explains each factor.")  # fmt: skip

    def render() -> tuple[str, str]:
        params = {
            "tier": str(Tier(to_tier).label),
            "before": str(Tier(from_tier).label) if from_tier else "—",
            "score": f"{score:.2f}",
        }
        return str(title) % params, str(body) % params

    notify(
        recipients=_merchant_users(merchant_id),
        kind="credit_tier_changed",
        render=render,
        at=at,
        merchant_id=merchant_id,
    )
    payload = {
        "event": TIER_CHANGED,
        "merchant": code,
        "day": day.isoformat(),
        "from_tier": from_tier,
        "to_tier": to_tier,
        "score": f"{score:.2f}",
        "occurred_at": at.isoformat(),
    }
    outbox_enqueue(event=TIER_CHANGED, at=at, merchant_id=merchant_id, webhook_payload=payload)
