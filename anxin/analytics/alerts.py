"""Missed service targets: once a day every active target is measured over its window ending on
the day before (a whole day of figures); a target that missed raises one ``TargetAlert`` for that
day, and its owner hears about it — the owner named on the target, else for a shop's target the
shop's administrators, else the platform's administrators. Running the check again the same day
raises and sends nothing more (the alert's target and day are unique).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from anxin.accounts.models import User
from anxin.core import clock
from anxin.core.actors import Role
from anxin.notifications.outbox import Subject, notify

from .metrics import METRICS, format_value
from .models import Target, TargetAlert
from .targets import Attainment, attainments, scope_label

KIND = "target_missed"
SUBJECT_TYPE = "analytics.target"
EMAIL_EVENT = "analytics.target_missed"
TITLE = _("Target missed: %(metric)s (%(scope)s)")
BODY = _(
    "Over the %(days)s days to %(end)s, %(metric)s for %(scope)s was %(actual)s; the target is "
    "%(direction)s %(target)s. The analytics pages show where it comes from."
)
AT_LEAST = pgettext_lazy("target", "at least")
AT_MOST = pgettext_lazy("target", "at most")


def _decimal(value: float) -> Decimal:
    return Decimal(str(round(value, 4)))


def recipients_of(target: Target) -> list[User]:
    """Who hears that ``target`` was missed: its owner; else a shop's administrators (or, with
    none, its people); else the platform's administrators."""
    if target.owner_id is not None:
        owner = User.objects.filter(pk=target.owner_id, is_active=True).first()
        if owner is not None:
            return [owner]
    if target.merchant_id is not None:
        members = User.objects.filter(
            memberships__merchant_id=target.merchant_id, is_active=True
        ).distinct()
        admins = list(members.filter(role=Role.MERCHANT_ADMIN).order_by("pk"))
        if admins:
            return admins
        people = list(members.order_by("pk"))
        if people:
            return people
    return list(User.objects.filter(Q(role=Role.ADMIN), is_active=True).order_by("pk"))


def _notify(target: Target, row: Attainment) -> None:
    m = METRICS[target.metric]

    def render() -> tuple[str, str]:
        values = {
            "metric": str(m.label),
            "scope": scope_label(target),
            "days": target.window_days,
            "end": row.end.isoformat(),
            "actual": format_value(m, row.actual),
            "target": format_value(m, target.value),
            "direction": str(AT_LEAST if m.higher_is_better else AT_MOST),
        }
        return str(TITLE) % values, str(BODY) % values

    notify(
        recipients=recipients_of(target),
        kind=KIND,
        render=render,
        at=clock.now(),
        merchant_id=target.merchant_id,
        subject=Subject(type=SUBJECT_TYPE, number=str(target.pk)),
        email_event=EMAIL_EVENT,
    )


def targets_check(*, day: date | None = None) -> int:
    """Measure every active target over its window ending on ``day`` (default: yesterday, local)
    and raise an alert for each one missed, once per target and day; returns the alerts raised
    now. Targets without figures in the window (no orders, no answers) raise nothing."""
    day = day or clock.localnow().date() - timedelta(days=1)
    targets = list(Target.objects.filter(active=True).select_related("category", "merchant"))
    by_id = {t.pk: t for t in targets}
    missed = [row for row in attainments(targets, end=day) if row.met is False]
    if not missed:
        return 0
    already = set(
        TargetAlert.objects.filter(
            period_end=day, target_id__in=[r.target_id for r in missed]
        ).values_list("target_id", flat=True)
    )
    raised = 0
    for row in missed:
        if row.target_id in already or row.actual is None:
            continue
        target = by_id[row.target_id]
        try:
            with transaction.atomic():
                TargetAlert.objects.create(
                    target=target,
                    period_end=day,
                    actual=_decimal(row.actual),
                    expected=target.value,
                    raised_at=clock.now(),
                )
                _notify(target, row)
        except IntegrityError:
            continue  # raised by a concurrent check
        raised += 1
    return raised
