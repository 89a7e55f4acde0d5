"""Quality tasks: the queues (waiting for an inspector, mine, to re-inspect, waiting for the shop,
all), taking a task, and the task page — the SKU's p-chart drawn on the server, what consumers
said about it, the inspection record form (sample, method, laboratory, report file, result), what
a failure sets off (taken off sale, penalty from the deposit, public notice, rectification with a
deadline), the rectifications (with the file the shop attached), the inspections with their reports, and the history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from anxin.core.errors import DomainError, NotFound
from anxin.core.labels import choice_label
from anxin.core.responses import photo_response
from anxin.quality.accuracy import sku_aspects
from anxin.quality.choices import (
    AlertStatus,
    InspectionMethod,
    InspectionResult,
    RectificationStatus,
    TaskOrigin,
    TaskStatus,
)
from anxin.quality.models import QualityTask
from anxin.quality.selectors import (
    TASK_QUEUES,
    chart_for,
    inspection_get_for,
    task_actions_for,
    task_get_for,
    task_list_for,
)
from anxin.quality.services import inspection_record, task_act, task_open_by_hand
from anxin.quality.workflow import RECTIFY_DAYS
from anxin.web.case_display import ROLE_LABELS, usernames_of

from ...common import actor, audience, flash_error
from .base import WORKSPACE, percent, public_notice_url, quality_page
from .chart import ChartPoint, p_chart_svg
from .forms import InspectionForm, OpenTaskForm, ReasonForm

QUEUE_LABELS: dict[str, Any] = {
    "open": gettext_lazy("Waiting for an inspector"),
    "mine": gettext_lazy("Mine"),
    "reinspect": gettext_lazy("To re-inspect"),
    "waiting_merchant": gettext_lazy("Waiting for the shop"),
    "all": gettext_lazy("All"),
}
EVENT_LABELS: dict[str, Any] = {
    "start": gettext_lazy("Taken by an inspector"),
    "pass": gettext_lazy("Inspection passed"),
    "fail": gettext_lazy("Inspection failed"),
    "rectify": gettext_lazy("The shop submitted its rectification"),
    "lapse": gettext_lazy("Rectification deadline passed"),
    "cancel": gettext_lazy("Cancelled"),
}
LIST_MAX = 200


def rectification_file_url(rectification: Any) -> str:
    """The file the shop attached to its rectification, through the quality API's download route
    (session-authenticated; inspectors and platform staff may read it, a PDF is sandboxed)."""
    if not rectification.file:
        return ""
    return f"/api/v1/quality/rectifications/{rectification.public_id}/file"


# --- the queues ------------------------------------------------------------------------------------


@audience(WORKSPACE)
def tasks(
    request: HttpRequest, *, open_form: OpenTaskForm | None = None, status: int = 200
) -> HttpResponse:
    viewer = actor(request)
    queue = request.GET.get("queue") or "open"
    if queue not in TASK_QUEUES:
        messages.error(request, _("Choose one of the queues above."))
        queue, status = "open", 400
    rows = list(task_list_for(actor=viewer, queue=queue).select_related("inspector")[:LIST_MAX])
    tabs = [
        (code, QUEUE_LABELS[code], task_list_for(actor=viewer, queue=code).count())
        for code in TASK_QUEUES
    ]
    context = {
        "rows": rows,
        "queue": queue,
        "queue_tabs": tabs,
        "open_form": open_form or OpenTaskForm(),
    }
    return quality_page(
        request, "web/console/quality/tasks.html", context, tab="tasks", status=status
    )


@audience(WORKSPACE)
@require_POST
def task_new(request: HttpRequest) -> HttpResponse:
    """An inspector opens a task by hand for one product (a tip, a complaint, a news report)."""
    form = OpenTaskForm(request.POST)
    if form.is_valid():
        try:
            task = task_open_by_hand(actor=actor(request), payload=form.cleaned_data)
        except DomainError as error:
            status = 400 if error.fields else 409
            for name, text in flash_error(request, error).items():
                form.add_error(name if name in form.fields else None, text)
            return tasks(request, open_form=form, status=status)
        messages.success(request, _("Task %(number)s opened.") % {"number": task.number})
        return redirect("console_quality:task", number=task.number)
    return tasks(request, open_form=form, status=400)


# --- one task --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chart:
    metric: str
    label: str
    svg: str
    rows: list[ChartPoint]
    alerted: bool


@dataclass(frozen=True)
class Entry:
    at: datetime
    label: str
    who: str
    reason: str
    change: str


def _charts(viewer: Any, task: QualityTask) -> list[Chart]:
    """The SKU's p-charts (the alert's metric first; metrics without deliveries left out)."""
    alerted = task.alert.metric if task.alert is not None else ""
    charts = []
    for series in chart_for(actor=viewer, sku=task.sku):
        if not series.points:
            continue
        points = [
            ChartPoint(p.week, p.returns, p.units, p.rate, p.centre, p.ucl, p.charted, p.signal)
            for p in series.points
        ]
        title = _(
            "%(metric)s: weekly return rate of %(sku)s, centre line and upper control limit"
        ) % {
            "metric": series.label,
            "sku": task.sku.code,
        }
        charts.append(
            Chart(series.metric, series.label, p_chart_svg(points, title=title), points,
                  series.metric == alerted)
        )  # fmt: skip
    charts.sort(key=lambda c: not c.alerted)
    return charts


def _history(task: QualityTask) -> list[Entry]:
    events = list(task.events.all())
    names = usernames_of(events)
    entries = []
    for e in events:
        role = str(ROLE_LABELS.get(e.actor_role, e.actor_role))
        who = role if e.actor == "system" else f"{role} · {names.get(e.actor, e.actor)}"
        before, after = (
            choice_label(TaskStatus, e.from_status, unknown=""),
            choice_label(TaskStatus, e.to_status, unknown=""),
        )
        label = EVENT_LABELS.get(e.action)
        entries.append(
            Entry(
                at=e.created_at,
                label=str(label) if label else _("Task step"),
                who=who,
                reason=e.reason,
                change=f"{before} → {after}" if before and after else after,
            )
        )
    return entries


def _field_errors(form: Any, error: DomainError, request: HttpRequest) -> None:
    for name, text in flash_error(request, error).items():
        form.add_error(name if name in form.fields else None, text)


def _refused(**forms: Any) -> str:
    """Which of the page's forms came back with errors (its panel is shown open)."""
    return next((name for name, form in forms.items() if form is not None and form.errors), "")


def task_page(
    request: HttpRequest,
    number: str,
    *,
    inspection_form: InspectionForm | None = None,
    cancel_form: ReasonForm | None = None,
    dismiss_form: ReasonForm | None = None,
    status: int = 200,
) -> HttpResponse:
    viewer = actor(request)
    task = task_get_for(actor=viewer, number=number)
    actions = task_actions_for(actor=viewer, task=task)
    notice = getattr(task, "notice", None) if task.status not in (TaskStatus.OPEN,) else None
    alert = task.alert
    rectifications = [
        (r, choice_label(RectificationStatus, r.status, unknown=""), rectification_file_url(r))
        for r in task.rectifications.all()
    ]
    inspections = [
        (
            i,
            choice_label(InspectionMethod, i.method, unknown=""),
            choice_label(InspectionResult, i.result, unknown=""),
        )
        for i in task.inspections.all()
    ]
    context = {
        "task": task,
        "status_label": choice_label(TaskStatus, task.status, unknown=""),
        "origin_label": choice_label(TaskOrigin, task.origin, unknown=""),
        "actions": actions,
        "alert": alert,
        "alert_open": alert is not None and alert.status == AlertStatus.OPEN,
        "alert_rate": percent(alert.rate) if alert else "",
        "alert_ucl": percent(alert.ucl) if alert else "",
        "alert_centre": percent(alert.centre) if alert else "",
        "alert_metric": alert.get_metric_display() if alert else "",
        "charts": _charts(viewer, task),
        "aspects": sku_aspects(sku_id=task.sku_id),
        "inspection_form": inspection_form
        or InspectionForm(initial={"rectify_days": RECTIFY_DAYS, "defects_found": 0}),
        "cancel_form": cancel_form or ReasonForm(),
        "dismiss_form": dismiss_form or ReasonForm(),
        "open_panel": _refused(inspect=inspection_form, cancel=cancel_form, dismiss=dismiss_form),
        "rectifications": rectifications,
        "inspections": inspections,
        "notice": notice,
        "notice_public_url": public_notice_url(notice.number) if notice else "",
        "history": _history(task),
        "reinspection": task.round > 1,
    }
    return quality_page(
        request, "web/console/quality/task.html", context, tab="tasks", status=status
    )


@audience(WORKSPACE)
def task(request: HttpRequest, number: str) -> HttpResponse:
    return task_page(request, number)


@audience(WORKSPACE)
@require_POST
def take(request: HttpRequest, number: str) -> HttpResponse:
    """The inspector takes the task: it is theirs, being inspected."""
    viewer = actor(request)
    found = task_get_for(actor=viewer, number=number)
    try:
        task_act(actor=viewer, task=found, action="start")
    except DomainError as error:
        flash_error(request, error)
        return task_page(request, number, status=409)
    messages.success(request, _("Task %(number)s is yours.") % {"number": found.number})
    return redirect("console_quality:task", number=found.number)


@audience(WORKSPACE)
@require_POST
def inspect(request: HttpRequest, number: str) -> HttpResponse:
    """Record the inspection of the current round; its result passes or fails the task."""
    viewer = actor(request)
    found = task_get_for(actor=viewer, number=number)
    form = InspectionForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Check the fields marked below."))
        return task_page(request, number, inspection_form=form, status=400)
    report = form.cleaned_data.get("report")
    try:
        inspection_record(
            actor=viewer, task=found, payload=form.payload(),
            report=report.read() if report is not None else None,
        )  # fmt: skip
    except DomainError as error:
        _field_errors(form, error, request)
        return task_page(request, number, inspection_form=form, status=400 if error.fields else 409)
    if form.cleaned_data["result"] == InspectionResult.FAIL:
        messages.success(
            request,
            _("Inspection recorded: failed. The product is off sale, the notice is published and "
              "the shop is asked to rectify."),
        )  # fmt: skip
    else:
        messages.success(request, _("Inspection recorded: passed."))
    return redirect("console_quality:task", number=found.number)


@audience(WORKSPACE)
@require_POST
def cancel(request: HttpRequest, number: str) -> HttpResponse:
    viewer = actor(request)
    found = task_get_for(actor=viewer, number=number)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        return task_page(request, number, cancel_form=form, status=400)
    try:
        task_act(actor=viewer, task=found, action="cancel", payload=form.cleaned_data)
    except DomainError as error:
        _field_errors(form, error, request)
        return task_page(request, number, cancel_form=form, status=400 if error.fields else 409)
    messages.success(request, _("Task %(number)s cancelled.") % {"number": found.number})
    return redirect("console_quality:task", number=found.number)


@audience(WORKSPACE)
def report(request: HttpRequest, public_id: str) -> HttpResponse:
    """An inspection's report file (PDF or photo), for the people who may read the task."""
    record = inspection_get_for(actor=actor(request), public_id=public_id)
    if not record.report:
        raise NotFound()
    return photo_response(
        SimpleNamespace(file=record.report, content_type=record.report_content_type)
    )
