"""Who hears about quality alerts and tasks, and what they read — in-app, by e-mail and webhook.

Rows are written in the step's own transaction through the notifications funnel and sent after
the commit. Texts are English sources rendered in each recipient's language. Webhooks carry facts
about the product and the task, never personal data.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from anxin.accounts.models import User
from anxin.catalog.models import Merchant, Sku
from anxin.core.actors import Role
from anxin.core.workflow import StepContext
from anxin.notifications.outbox import Subject, notify, outbox_enqueue

from .choices import Metric
from .models import QualityAlert, QualityTask

ALERT_RAISED = "quality.alert_raised"
SKU_DELISTED = "quality.sku_delisted"
SKU_RELISTED = "quality.sku_relisted"
RECTIFICATION_REQUESTED = "quality.rectification_requested"
QUALITY_EVENTS: tuple[str, ...] = (
    ALERT_RAISED,
    SKU_DELISTED,
    SKU_RELISTED,
    RECTIFICATION_REQUESTED,
)

MERCHANT, INSPECTORS = "merchant", "inspectors"

# action -> (who, title, body); placeholders: number (the task), sku, product, due.
TASK_MESSAGES: dict[str, tuple[frozenset[str], Promise, Promise]] = {
    "opened": (
        frozenset({INSPECTORS}),
        _("Quality task %(number)s: %(product)s"),
        _("A quality task was opened for %(product)s (%(sku)s). Take it on the inspector's workspace."),
    ),
    "fail": (
        frozenset({MERCHANT}),
        _("%(product)s failed a quality inspection"),
        _("%(product)s (%(sku)s) failed the quality inspection of task %(number)s. It is taken off sale until a re-inspection passes. Put right what the request lists and submit your rectification by %(due)s."),
    ),
    "rectify": (
        frozenset({INSPECTORS}),
        _("Rectification submitted for task %(number)s"),
        _("The merchant submitted its rectification of %(product)s (%(sku)s). Re-inspect the product."),
    ),
    "lapse": (
        frozenset({MERCHANT, INSPECTORS}),
        _("Rectification overdue for task %(number)s"),
        _("The rectification of %(product)s (%(sku)s) was not submitted by %(due)s. The product stays off sale until it is rectified and passes a re-inspection."),
    ),
    "pass": (
        frozenset({MERCHANT}),
        _("%(product)s passed the quality inspection"),
        _("%(product)s (%(sku)s) passed the inspection of task %(number)s."),
    ),
}  # fmt: skip

ALERT_TITLE = _("Quality alert on %(product)s")
ALERT_BODY = _(
    "Returns of %(product)s (%(sku)s) for '%(metric)s' rose above the product's control limit "
    "(%(rate)s of %(units)s units delivered in the week from %(start)s). A quality inspector "
    "will look into it; see the alert for the figures."
)


def _recipients(*, merchant_id: int, to: frozenset[str], inspector_id: int | None) -> list[User]:
    who = Q()
    if MERCHANT in to:
        who |= Q(memberships__merchant_id=merchant_id)
    if INSPECTORS in to:
        who |= Q(pk=inspector_id) if inspector_id else Q(role=Role.QUALITY_INSPECTOR)
    users = User.objects.filter(who, is_active=True)
    return list(users.distinct().only("pk", "email", "language").order_by("pk"))


def _facts(task: QualityTask) -> dict[str, str]:
    sku = Sku.objects.only("code", "name").get(pk=task.sku_id)
    due = task.due_at.date().isoformat() if task.due_at else ""
    return {"number": task.number, "sku": sku.code, "product": sku.name, "due": due}


def task_notify(*, task: QualityTask, action: str, at: datetime) -> None:
    """Tell the people a task step concerns (nothing for steps without a message)."""
    if action not in TASK_MESSAGES:
        return
    to, title, body = TASK_MESSAGES[action]
    facts = _facts(task)

    def render() -> tuple[str, str]:
        return str(title) % facts, str(body) % facts

    notify(
        recipients=_recipients(merchant_id=task.merchant_id, to=to, inspector_id=task.inspector_id),
        kind=f"quality_{action}",
        render=render,
        at=at,
        merchant_id=task.merchant_id,
        subject=Subject(type="quality.qualitytask", number=task.number, public_id=task.public_id),
        email_event=f"quality.task_{action}",
        email_data={"task_number": task.number},
    )


def task_transition_notify(step: StepContext) -> None:
    """After each task step's history row (in its transaction)."""
    task_notify(task=step.subject, action=step.transition.action, at=step.at)


def _merchant_code(merchant_id: int) -> str:
    return Merchant.unscoped.values_list("code", flat=True).get(pk=merchant_id)


def webhook_send(
    *, event: str, merchant_id: int, at: datetime, payload: Callable[[], dict[str, Any]]
) -> None:
    """One quality webhook to the merchant's subscribed endpoints (after the commit)."""
    outbox_enqueue(
        event=event,
        at=at,
        merchant_id=merchant_id,
        webhook_payload=lambda: {
            "event": event,
            "merchant": _merchant_code(merchant_id),
            "occurred_at": at.isoformat(),
            **payload(),
        },
    )


def alert_notify(*, alert: QualityAlert, sku: Sku, at: datetime) -> None:
    """The merchant reads the alert in-app (and by e-mail); its endpoints get the webhook."""
    facts = {
        "product": sku.name,
        "sku": sku.code,
        "metric": "",
        "rate": f"{alert.rate:.1%}",
        "units": alert.units,
        "start": alert.period_start.isoformat(),
    }

    def render() -> tuple[str, str]:
        return str(ALERT_TITLE) % facts, str(ALERT_BODY) % {
            **facts,
            "metric": str(Metric(alert.metric).label),
        }

    notify(
        recipients=_recipients(
            merchant_id=alert.merchant_id, to=frozenset({MERCHANT}), inspector_id=None
        ),
        kind="quality_alert",
        render=render,
        at=at,
        merchant_id=alert.merchant_id,
        subject=Subject(
            type="quality.qualityalert", number=alert.number, public_id=alert.public_id
        ),
        email_event=ALERT_RAISED,
        email_data={"alert_number": alert.number},
    )
    webhook_send(
        event=ALERT_RAISED,
        merchant_id=alert.merchant_id,
        at=at,
        payload=lambda: {
            "alert_number": alert.number,
            "alert_id": str(alert.public_id),
            "sku": sku.code,
            "metric": alert.metric,
            "period_start": alert.period_start.isoformat(),
            "period_end": alert.period_end.isoformat(),
            "returns": alert.returns,
            "units": alert.units,
            "rate": round(alert.rate, 5),
            "centre_line": round(alert.centre, 5),
            "ucl": round(alert.ucl, 5),
        },
    )
