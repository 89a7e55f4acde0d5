"""The inspector's forms: Django forms for the page (localized field errors, the posted values
kept), whose cleaned data is the payload the quality services validate again."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from anxin.quality.choices import InspectionMethod, InspectionResult, PlanFrequency
from anxin.quality.workflow import RECTIFY_DAYS, RECTIFY_MAX_DAYS, RECTIFY_MIN_DAYS

PENALTY_MAX = Decimal("100000.00")
REPORT_MAX = 10 * 1024 * 1024


class InspectionForm(forms.Form):
    sample_size = forms.IntegerField(label=_("Units sampled"), min_value=1, max_value=100_000)
    defects_found = forms.IntegerField(
        label=_("Defective units found"), min_value=0, max_value=100_000, initial=0
    )
    method = forms.ChoiceField(label=_("Method"), choices=InspectionMethod.choices)
    lab_name = forms.CharField(
        label=_("Third-party laboratory"), required=False, max_length=120,
        help_text=_("Required when a laboratory tested the samples."),
    )  # fmt: skip
    report = forms.FileField(
        label=_("Test report (PDF or photo, at most 10 MB)"), required=False,
    )  # fmt: skip
    result = forms.ChoiceField(
        label=_("Result"), choices=InspectionResult.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label=_("Inspection findings"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required on a failure: what was found."),
    )  # fmt: skip
    # what follows a failure (taken only when the result is fail)
    penalty = forms.DecimalField(
        label=_("Penalty deducted from the deposit"), required=False, min_value=0,
        max_value=PENALTY_MAX, max_digits=12, decimal_places=2,
    )  # fmt: skip
    rectify_days = forms.IntegerField(
        label=_("Days to rectify"), required=False, min_value=RECTIFY_MIN_DAYS, max_value=RECTIFY_MAX_DAYS,
        initial=RECTIFY_DAYS,
    )  # fmt: skip
    request = forms.CharField(
        label=_("What the merchant must put right"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    public_findings = forms.CharField(
        label=_("Findings published in the notice"), required=False, max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Public: name no person. The findings above are used when left empty."),
    )  # fmt: skip

    def clean_report(self) -> Any:
        report = self.cleaned_data.get("report")
        if report is not None and report.size > REPORT_MAX:
            raise forms.ValidationError(_("The report is larger than 10 MB."))
        return report

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("method") == InspectionMethod.LAB and not (data.get("lab_name") or "").strip():
            self.add_error("lab_name", _("Name the laboratory that tested the samples."))
        sample, defects = data.get("sample_size"), data.get("defects_found")
        if sample is not None and defects is not None and defects > sample:
            self.add_error("defects_found", _("More defective units than units sampled."))
        if data.get("result") == InspectionResult.FAIL and not (data.get("notes") or "").strip():
            self.add_error("notes", _("Say what the inspection found."))
        return data

    def payload(self) -> dict[str, Any]:
        data = self.cleaned_data
        payload: dict[str, Any] = {
            key: data[key]
            for key in ("sample_size", "defects_found", "method", "lab_name", "result", "notes")
        }
        if data["result"] == InspectionResult.FAIL:
            for key in ("penalty", "rectify_days", "request", "public_findings"):
                if data.get(key) not in (None, ""):
                    payload[key] = data[key]
        return payload


class ReasonForm(forms.Form):
    """Cancelling a task or dismissing an alert: always with a reason."""

    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Say why.")},
    )  # fmt: skip

    def clean_reason(self) -> str:
        text = str(self.cleaned_data["reason"]).strip()
        if not text:
            raise forms.ValidationError(_("Say why."))
        return text


class PlanForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    category = forms.ChoiceField(label=_("Category"))
    frequency = forms.ChoiceField(label=_("Frequency"), choices=PlanFrequency.choices)
    sample_skus = forms.IntegerField(
        label=_("Products per run"), min_value=1, max_value=50, initial=3
    )
    units_per_sku = forms.IntegerField(
        label=_("Units to sample per product"), min_value=1, max_value=1000, initial=5
    )
    method = forms.ChoiceField(label=_("Method"), choices=InspectionMethod.choices)
    next_run_at = forms.DateTimeField(
        label=_("Next run"), required=False,
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )  # fmt: skip
    active = forms.BooleanField(label=_("Active plan"), required=False, initial=True)

    def __init__(self, *args: Any, categories: list[tuple[str, str]], editing: bool = False,
                 **kwargs: Any) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = categories  # type: ignore[attr-defined]
        if editing:  # a plan keeps its category (its tasks were drawn from it)
            self.fields["category"].required = False
            self.fields["category"].disabled = True

    def payload(self, *, editing: bool = False) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        if editing:
            data.pop("category", None)
        if data.get("next_run_at") is None:
            data.pop("next_run_at", None)
        return data


class OpenTaskForm(forms.Form):
    """An inspector opens a task by hand for one product (shop code and SKU code)."""

    merchant = forms.CharField(label=_("Shop code"), max_length=40)
    sku = forms.CharField(label=_("SKU code"), max_length=64)
