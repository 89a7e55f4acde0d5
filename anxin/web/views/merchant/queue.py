"""The merchant's queue: cases sorted by their nearest open deadline, with filters and paging.

Row highlighting: a row is *overdue* when its nearest pending deadline is already due, and *at
risk* when less than a quarter of that deadline's window is left (``cases.selectors``'
``deadline_urgency``, the same rule as the case page's deadline list), so a 48-hour review is at
risk in its last 12 hours and a 7-day return window in its last 42 hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django import forms
from django.core.paginator import Paginator
from django.core.validators import MaxValueValidator, MinValueValidator
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from anxin.cases.choices import CaseStatus, CaseType
from anxin.cases.models import Case, ReturnAddress
from anxin.cases.queues import ALL_STATUSES, CaseQueueFilters, case_queue_for
from anxin.cases.selectors import (
    AT_RISK,
    OVERDUE,
    case_urgency,
)
from anxin.cases.workflow import CASE_WORKFLOW
from anxin.core import clock
from anxin.core.actors import MERCHANT_ROLES
from anxin.policies.models import Reason
from anxin.web.case_display import deadline_label
from anxin.web.selectors import saved_view_list_for

from ..common import MERCHANTS, actor, audience

PER_PAGE = 50
FILTER_KEYS = ("status", "type", "reason", "q", "created_from", "created_to")

# Statuses from which a merchant may approve (the bulk-approve checkboxes), from the workflow table.
APPROVABLE = frozenset(
    status
    for t in CASE_WORKFLOW.transitions
    if t.action == "approve" and t.roles & MERCHANT_ROLES
    for status in t.sources
)


def reason_label(reason: Reason) -> str:
    return reason.name_zh if (get_language() or "").startswith("zh") else reason.name_en


def reason_choices() -> list[tuple[str, str]]:
    """Top-level reasons and their children ("Quality problem › Defective or broken")."""
    reasons = list(Reason.objects.select_related("parent").order_by("code"))
    choices = [("", str(_("All reasons")))]
    for reason in reasons:
        label = reason_label(reason)
        if reason.parent is not None:
            label = f"{reason_label(reason.parent)} › {label}"
        choices.append((reason.code, label))
    return choices


# Filter dates a person could mean; anything else is a 400, not an overflow.
DATE_BOUNDS = [MinValueValidator(date(2000, 1, 1)), MaxValueValidator(date(2100, 12, 31))]


class QueueFilters(forms.Form):
    """The queue's GET filters; empty means "any" (status: the open cases)."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    type = forms.ChoiceField(label=_("Type"), required=False)
    reason = forms.ChoiceField(label=_("Reason"), required=False)
    q = forms.CharField(
        label=_("Product, SKU or number"),
        required=False,
        max_length=64,
        strip=True,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    created_from = forms.DateField(
        label=_("Opened from"),
        required=False,
        validators=DATE_BOUNDS,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    created_to = forms.DateField(
        label=_("Opened until"),
        required=False,
        validators=DATE_BOUNDS,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", _("Open cases")),
            (ALL_STATUSES, _("All cases")),
            *CaseStatus.choices,
        ]
        self.fields["type"].choices = [("", _("All types")), *CaseType.choices]  # type: ignore[attr-defined]
        self.fields["reason"].choices = reason_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("created_from"), data.get("created_to")
        if start and end and end < start:
            self.add_error("created_to", _("The end date is before the start date."))
        return data


def filter_query(params: QueryDict) -> str:
    """The filter part of a query string (no page, no empty values), for links and saved views."""
    clean = QueryDict(mutable=True)
    for key in FILTER_KEYS:
        value = params.get(key, "").strip()
        if value:
            clean[key] = value[:64]
    return clean.urlencode()


@dataclass(frozen=True)
class QueueRow:
    case: Case
    reason: str
    due_at: datetime | None
    due_label: str
    overdue: bool
    at_risk: bool
    approvable: bool

    @property
    def css(self) -> str:
        return "overdue" if self.overdue else "at-risk" if self.at_risk else ""


def queue_row(case: Any, now: datetime) -> QueueRow:
    level = case_urgency(case, now)
    return QueueRow(
        case=case,
        reason=reason_label(case.reason),
        due_at=case.next_due,
        due_label=deadline_label(case.next_kind),
        overdue=level == OVERDUE,
        at_risk=level == AT_RISK,
        approvable=case.status in APPROVABLE,
    )


def queue_filters(params: QueryDict) -> tuple[QueueFilters, CaseQueueFilters]:
    """The bound filter form and the filters to apply (the valid ones, even if others are not)."""
    form = QueueFilters(params)
    form.is_valid()
    data = getattr(form, "cleaned_data", {})
    return form, CaseQueueFilters(
        status=data.get("status") or "",
        type=data.get("type") or "",
        reason=data.get("reason") or "",
        q=data.get("q") or "",
        created_from=data.get("created_from"),
        created_to=data.get("created_to"),
    )


def render_queue(
    request: HttpRequest,
    params: QueryDict,
    *,
    status: int = 200,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The queue page for these filters (also re-rendered by the POST views on bad input)."""
    viewer = actor(request)
    form, data = queue_filters(params)
    paginator = Paginator(case_queue_for(actor=viewer, filters=data), PER_PAGE)
    page = paginator.get_page(params.get("page"))
    now = clock.now()
    query = filter_query(params)
    context = {
        "nav": "queue",
        "form": form,
        "page": page,
        "rows": [queue_row(case, now) for case in page.object_list],
        "query": query,
        "saved_views": saved_view_list_for(actor=viewer),
        "addresses": ReturnAddress.objects.for_actor(viewer).order_by("-is_default", "label"),
        "approvable_statuses": APPROVABLE,
        "errors": {},
        **(extra or {}),
    }
    if form.errors and status == 200:
        status = 400
    return render(request, "web/merchant/queue.html", context, status=status)


@audience(MERCHANTS)
def queue(request: HttpRequest) -> HttpResponse:
    return render_queue(request, request.GET)
