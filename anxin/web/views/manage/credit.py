"""Merchant credit for administrators at /manage/credit/: merchants by tier with their score and
trend, the thresholds of the credit ladder (each row edited with a note), the sanctions it took,
the merchants' appeals to decide (uphold or overturn, with a note) and the exit proposals to
confirm or dismiss (with a reason: a score alone never removes a shop).

Reads from ``anxin.credit.selectors``, writes through ``anxin.credit.services``; a refused form
re-renders its page with the field at fault (422).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from anxin.catalog.choices import MerchantStatus
from anxin.core.errors import DomainError, NotFound
from anxin.credit.choices import SanctionStatus, Step, Tier
from anxin.credit.models import CreditThreshold, Sanction
from anxin.credit.selectors import (
    appeal_get_for,
    appeals_for,
    merchants_by_tier,
    sanction_get_for,
    sanctions_for,
    thresholds_list,
    tier_counts,
)
from anxin.credit.services import appeal_decide, exit_decide, threshold_update

from ..common import ADMINS, actor, audience
from ..merchant.credit import SANCTION_TONES, TIER_TONES, sanction_row
from .common import INVALID, page, refused

PER_PAGE = 50
MAX_NOTE = 1000


# --- forms ---------------------------------------------------------------------------------------


class ThresholdForm(forms.Form):
    below = forms.DecimalField(
        label=gettext_lazy("Score below"), min_value=0, max_value=100, decimal_places=2
    )
    days = forms.IntegerField(label=gettext_lazy("Days in a row"), min_value=1, max_value=30)
    deposit_factor = forms.DecimalField(
        label=gettext_lazy("Deposit multiplied by"),
        min_value=1,
        max_digits=4,
        decimal_places=2,
        required=False,
    )
    grace_days = forms.IntegerField(
        label=gettext_lazy("Grace days after an overturn"), min_value=0, max_value=365
    )
    enabled = forms.BooleanField(label=gettext_lazy("Enabled"), required=False)
    note = forms.CharField(
        label=gettext_lazy("Why the change (kept with the row)"), max_length=300, required=True
    )

    def __init__(self, *args: Any, step: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.step = step
        if step == Step.DEPOSIT_INCREASE:
            self.fields["deposit_factor"].required = True
        else:
            del self.fields["deposit_factor"]


class AppealDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("uphold", gettext_lazy("Uphold: the step stays")),
            ("overturn", gettext_lazy("Overturn: undo the step")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Note to the merchant"),
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ExitDecisionForm(forms.Form):
    confirm = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[
            ("confirm", gettext_lazy("Confirm: remove the shop from the platform")),
            ("dismiss", gettext_lazy("Dismiss the proposal")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _apply(form: forms.Form, request: HttpRequest, error: DomainError) -> None:
    for name, text in refused(request, error).items():
        form.add_error(name if name in form.fields else None, text)


# --- merchants by tier ---------------------------------------------------------------------------


@audience(ADMINS)
def overview(request: HttpRequest) -> HttpResponse:
    viewer = actor(request)
    tier = request.GET.get("tier", "")
    if tier not in Tier.values:
        tier = ""
    counts = tier_counts(actor=viewer)
    rows = merchants_by_tier(actor=viewer, tier=tier or None)
    paged = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    labels = dict(Tier.choices)
    statuses = dict(MerchantStatus.choices)
    context = {
        "tab": "merchants",
        "tier": tier,
        "tiers": [(t.value, t.label, counts.get(t.value, 0), TIER_TONES.get(t, "")) for t in Tier],
        "total": sum(counts.values()),
        "page_obj": paged,
        "rows": [
            {
                "row": r,
                "tier_label": labels.get(r.tier, r.tier or "—"),
                "tone": TIER_TONES.get(r.tier, ""),
                "status_label": statuses.get(r.status, r.status),
            }
            for r in paged
        ],
        "open_appeals": appeals_for(actor=viewer, open_only=True).count(),
        "open_exits": sanctions_for(
            actor=viewer, step=Step.EXIT, status=SanctionStatus.PROPOSED
        ).count(),
    }
    return page(request, "web/manage/credit/overview.html", context, nav="credit")


# --- thresholds ----------------------------------------------------------------------------------


@dataclass
class ThresholdRow:
    threshold: CreditThreshold
    step_label: str
    form: ThresholdForm
    failed: bool


def _initial(threshold: CreditThreshold) -> dict[str, Any]:
    return {
        "below": threshold.below,
        "days": threshold.days,
        "deposit_factor": threshold.deposit_factor,
        "grace_days": threshold.grace_days,
        "enabled": threshold.enabled,
        "note": "",
    }


def _threshold_rows(
    request: HttpRequest, failed: ThresholdForm | None = None
) -> list[ThresholdRow]:
    labels = dict(Step.choices)
    rows = []
    for threshold in thresholds_list(actor=actor(request)):
        mine = failed is not None and failed.step == threshold.step
        form = failed if mine else ThresholdForm(initial=_initial(threshold), step=threshold.step)
        rows.append(
            ThresholdRow(threshold, str(labels.get(threshold.step, threshold.step)), form, mine)  # type: ignore[arg-type]
        )
    return rows


@audience(ADMINS)
def thresholds(request: HttpRequest) -> HttpResponse:
    context = {"tab": "thresholds", "rows": _threshold_rows(request)}
    return page(request, "web/manage/credit/thresholds.html", context, nav="credit")


@require_POST
@audience(ADMINS)
def threshold_save(request: HttpRequest, step: str) -> HttpResponse:
    viewer = actor(request)
    if step not in {t.step for t in thresholds_list(actor=viewer)}:
        raise NotFound()
    form = ThresholdForm(request.POST, step=step)
    if form.is_valid():
        data = dict(form.cleaned_data)
        try:
            threshold_update(actor=viewer, step=step, data=data)
        except DomainError as error:
            _apply(form, request, error)
        else:
            messages.success(request, _("The threshold was saved."))
            return redirect("manage_credit:thresholds")
    context = {"tab": "thresholds", "rows": _threshold_rows(request, failed=form)}
    return page(request, "web/manage/credit/thresholds.html", context, nav="credit", status=INVALID)


# --- sanctions, appeals and exit proposals -------------------------------------------------------


def _appeal_rows(request: HttpRequest, failed: tuple[str, forms.Form] | None) -> list[Any]:
    rows = []
    for appeal in appeals_for(actor=actor(request), open_only=True).select_related(
        "sanction", "sanction__merchant", "filed_by_user"
    ):
        mine = failed is not None and failed[0] == str(appeal.public_id)
        form = failed[1] if failed is not None and mine else AppealDecisionForm()
        rows.append(
            {
                "appeal": appeal,
                "sanction": sanction_row(appeal.sanction),
                "form": form,
                "failed": mine,
            }
        )
    return rows


def _exit_rows(request: HttpRequest, failed: tuple[str, forms.Form] | None) -> list[Any]:
    rows = []
    for sanction in sanctions_for(
        actor=actor(request), step=Step.EXIT, status=SanctionStatus.PROPOSED
    ):
        mine = failed is not None and failed[0] == str(sanction.public_id)
        form = failed[1] if failed is not None and mine else ExitDecisionForm()
        rows.append({"row": sanction_row(sanction), "form": form, "failed": mine})
    return rows


def sanctions_context(
    request: HttpRequest, failed: tuple[str, forms.Form] | None = None
) -> dict[str, Any]:
    viewer = actor(request)
    status = request.GET.get("status", "")
    step = request.GET.get("step", "")
    status = status if status in SanctionStatus.values else ""
    step = step if step in Step.values else ""
    listed = sanctions_for(actor=viewer, status=status or None, step=step or None)
    paged = Paginator(listed, PER_PAGE).get_page(request.GET.get("page"))
    return {
        "tab": "sanctions",
        "status": status,
        "step": step,
        "statuses": SanctionStatus.choices,
        "steps": Step.choices,
        "page_obj": paged,
        "sanctions": [sanction_row(s) for s in paged],
        "appeals": _appeal_rows(request, failed),
        "exits": _exit_rows(request, failed),
        "tones": SANCTION_TONES,
    }


@audience(ADMINS)
def sanctions(request: HttpRequest) -> HttpResponse:
    return page(
        request, "web/manage/credit/sanctions.html", sanctions_context(request), nav="credit"
    )


@require_POST
@audience(ADMINS)
def appeal_decision(request: HttpRequest, public_id: str) -> HttpResponse:
    appeal = appeal_get_for(actor=actor(request), public_id=public_id)
    form = AppealDecisionForm(request.POST)
    if form.is_valid():
        try:
            appeal_decide(
                actor=actor(request),
                appeal=appeal,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"].strip(),
            )
        except DomainError as error:
            _apply(form, request, error)
        else:
            done = {
                "uphold": _("The appeal was decided: the step stays."),
                "overturn": _("The appeal was decided: the step was undone."),
            }
            messages.success(request, done[form.cleaned_data["decision"]])
            return redirect("manage_credit:sanctions")
    context = sanctions_context(request, failed=(str(appeal.public_id), form))
    return page(request, "web/manage/credit/sanctions.html", context, nav="credit", status=INVALID)


@require_POST
@audience(ADMINS)
def exit_decision(request: HttpRequest, public_id: str) -> HttpResponse:
    sanction: Sanction = sanction_get_for(actor=actor(request), public_id=public_id)
    form = ExitDecisionForm(request.POST)
    if form.is_valid():
        confirm = form.cleaned_data["confirm"] == "confirm"
        try:
            exit_decide(
                actor=actor(request),
                sanction=sanction,
                confirm=confirm,
                note=form.cleaned_data["note"].strip(),
            )
        except DomainError as error:
            _apply(form, request, error)
        else:
            messages.success(
                request,
                _("The shop was removed from the platform.")
                if confirm
                else _("The exit proposal was dismissed."),
            )
            return redirect("manage_credit:sanctions")
    context = sanctions_context(request, failed=(str(sanction.public_id), form))
    return page(request, "web/manage/credit/sanctions.html", context, nav="credit", status=INVALID)
