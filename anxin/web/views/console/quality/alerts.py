"""The inspector's front page: the quality alerts (a SKU whose weekly return rate broke its
control limit: the rate against the UCL and the baseline, since which cohort) with their tasks,
and the counts of what waits. An alert is dismissed as a false alarm only with a reason."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from anxin.core.errors import DomainError
from anxin.quality.choices import AlertStatus, BaselineSource, Metric, TaskStatus
from anxin.quality.models import QualityAlert
from anxin.quality.selectors import alert_get_for, alert_list_for, task_list_for
from anxin.quality.services import alert_dismiss

from ...common import actor, audience, flash_error
from .base import WORKSPACE, percent, quality_page
from .forms import ReasonForm
from .tasks import task_page

ALERT_STATES = [
    ("open", gettext_lazy("Open")),
    ("closed", gettext_lazy("Closed")),
    ("all", gettext_lazy("All")),
]
LIST_MAX = 200


@dataclass(frozen=True)
class AlertRow:
    alert: QualityAlert
    metric: str
    rate: str
    ucl: str
    centre: str
    times_ucl: str  # "2.3×"
    baseline: str
    task_number: str
    task_status: str


def alert_row(alert: QualityAlert) -> AlertRow:
    task = getattr(alert, "task", None)
    return AlertRow(
        alert=alert,
        metric=str(Metric(alert.metric).label) if alert.metric in Metric.values else "",
        rate=percent(alert.rate),
        ucl=percent(alert.ucl),
        centre=percent(alert.centre),
        times_ucl=f"{alert.rate / alert.ucl:.1f}×" if alert.ucl else "",
        baseline=(
            str(BaselineSource(alert.baseline_source).label)
            if alert.baseline_source in BaselineSource.values
            else ""
        ),
        task_number=task.number if task is not None else "",
        task_status=str(TaskStatus(task.status).label) if task is not None else "",
    )


@audience(WORKSPACE)
def home(request: HttpRequest) -> HttpResponse:
    viewer = actor(request)
    state = request.GET.get("status") or "open"
    status = 200
    if state not in dict(ALERT_STATES):
        messages.error(request, _("Choose open, closed or all alerts."))
        state, status = "open", 400
    rows = alert_list_for(actor=viewer, status=None if state == "all" else state)
    alerts = [alert_row(a) for a in rows.select_related("task")[:LIST_MAX]]
    counts = {
        "open_alerts": alert_list_for(actor=viewer, status=AlertStatus.OPEN).count(),
        "waiting": task_list_for(actor=viewer, queue="open").count(),
        "mine": task_list_for(actor=viewer, queue="mine").count(),
        "reinspect": task_list_for(actor=viewer, queue="reinspect").count(),
        "waiting_merchant": task_list_for(actor=viewer, queue="waiting_merchant").count(),
    }
    context = {"alerts": alerts, "state": state, "states": ALERT_STATES, "counts": counts}
    return quality_page(
        request, "web/console/quality/alerts.html", context, tab="alerts", status=status
    )


@audience(WORKSPACE)
@require_POST
def dismiss(request: HttpRequest, number: str) -> HttpResponse:
    """A false alarm: the alert closes and its task is cancelled, with the inspector's reason.
    A refusal shows the task page again with the message next to the field (status 400/409)."""
    viewer = actor(request)
    alert = alert_get_for(actor=viewer, number=number)
    form = ReasonForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            alert_dismiss(
                actor=viewer, alert=alert, payload={"reason": form.cleaned_data["reason"]}
            )
        except DomainError as error:
            status = 400 if error.fields else 409
            for name, text in flash_error(request, error).items():
                form.add_error("reason" if name == "reason" else None, text)
        else:
            messages.success(request, _("Alert %(number)s dismissed.") % {"number": alert.number})
            return redirect("console_quality:home")
    task = getattr(alert, "task", None)
    if task is None:
        return redirect("console_quality:home")
    return task_page(request, task.number, dismiss_form=form, status=status)
