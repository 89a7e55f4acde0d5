"""Routine sampling plans (常态化抽检): per category, every week, month or quarter, a number of
listed products is drawn at random and each gets a quality task. Inspectors list, create and
change them here (the category of a plan stays as created: its tasks were drawn from it)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import translation
from django.utils.translation import gettext as _

from anxin.catalog.models import Category
from anxin.core.errors import DomainError
from anxin.quality.models import SamplingPlan
from anxin.quality.selectors import plan_get_for, plan_list_for
from anxin.quality.services import plan_change, plan_create

from ...common import actor, audience, flash_error
from .base import WORKSPACE, quality_page
from .forms import PlanForm


def category_choices() -> list[tuple[str, str]]:
    zh = (translation.get_language() or "").startswith("zh")
    rows = Category.objects.order_by("code").values_list("code", "name_zh", "name_en")
    return [(code, zh_name if zh else en_name) for code, zh_name, en_name in rows]


def _plan_form(request: HttpRequest, plan: SamplingPlan | None) -> PlanForm:
    editing = plan is not None
    initial: dict[str, Any] | None = None
    if plan is not None:
        initial = {
            "name": plan.name,
            "category": plan.category.code,
            "frequency": plan.frequency,
            "sample_skus": plan.sample_skus,
            "units_per_sku": plan.units_per_sku,
            "method": plan.method,
            "next_run_at": plan.next_run_at,
            "active": plan.active,
        }
    data = request.POST if request.method == "POST" else None
    return PlanForm(data, initial=initial, categories=category_choices(), editing=editing)


def _save(request: HttpRequest, form: PlanForm, plan: SamplingPlan | None) -> SamplingPlan | None:
    viewer = actor(request)
    try:
        if plan is None:
            return plan_create(actor=viewer, payload=form.payload())
        return plan_change(actor=viewer, plan=plan, payload=form.payload(editing=True))
    except DomainError as error:
        for name, text in flash_error(request, error).items():
            form.add_error(name if name in form.fields else None, text)
        return None


@audience(WORKSPACE)
def plans(request: HttpRequest) -> HttpResponse:
    """The plans, next run first, and the form for a new one."""
    viewer = actor(request)
    form = _plan_form(request, None)
    status = 200
    if request.method == "POST":
        if form.is_valid() and (saved := _save(request, form, None)) is not None:
            messages.success(request, _("Sampling plan “%(name)s” created.") % {"name": saved.name})
            return redirect("console_quality:plans")
        status = 400
    rows = list(plan_list_for(actor=viewer).select_related("owner"))
    context = {"plans": rows, "form": form}
    return quality_page(
        request, "web/console/quality/plans.html", context, tab="plans", status=status
    )


@audience(WORKSPACE)
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = actor(request)
    found = plan_get_for(actor=viewer, pk=pk)
    form = _plan_form(request, found)
    status = 200
    if request.method == "POST":
        if form.is_valid() and (saved := _save(request, form, found)) is not None:
            messages.success(request, _("Sampling plan “%(name)s” saved.") % {"name": saved.name})
            return redirect("console_quality:plans")
        status = 400
    tasks = list(found.tasks.select_related("sku").order_by("-opened_at", "-pk")[:50])
    context = {"plan": found, "form": form, "tasks": tasks}
    return quality_page(
        request, "web/console/quality/plan.html", context, tab="plans", status=status
    )
