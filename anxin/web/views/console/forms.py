"""Input of the platform console's GET pages: the case list filters and the lookup box.

Both are plain Django forms used for validation only (the templates lay the fields out), so a bad
value is answered with the page, status 400 and the message next to the field.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from anxin.cases.choices import CaseStatus, CaseType
from anxin.cases.queues import ConsoleCaseFilters
from anxin.catalog.models import Merchant
from anxin.policies.models import Reason
from anxin.web.lookup import MAX_QUERY

SORT_CHOICES = [
    ("deadline", _("Nearest deadline")),
    ("newest", _("Newest first")),
    ("oldest", _("Oldest first")),
]
DATE_FORMATS = ["%Y-%m-%d"]


def reason_label(reason: Reason) -> str:
    zh = (translation.get_language() or "").startswith("zh")
    name = reason.name_zh if zh else reason.name_en
    return f"— {name}" if reason.parent_id else name


# Filter dates a person could mean; anything else is a 400, not an overflow.
DATE_BOUNDS = [MinValueValidator(date(2000, 1, 1)), MaxValueValidator(date(2100, 12, 31))]


class CaseFilterForm(forms.Form):
    merchant = forms.ChoiceField(label=_("Merchant"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Any")), *CaseStatus.choices]
    )
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Any")), *CaseType.choices]
    )
    reason = forms.ChoiceField(label=_("Reason"), required=False)
    created_from = forms.DateField(
        label=_("Opened from"), required=False, validators=DATE_BOUNDS, input_formats=DATE_FORMATS
    )
    created_to = forms.DateField(
        label=_("Opened until"), required=False, validators=DATE_BOUNDS, input_formats=DATE_FORMATS
    )
    q = forms.CharField(label=_("Case or order number"), required=False, max_length=MAX_QUERY)
    sort = forms.ChoiceField(label=_("Sort"), required=False, choices=SORT_CHOICES)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        merchants = Merchant.unscoped.order_by("code").values_list("code", "name")
        self.fields["merchant"].choices = [  # type: ignore[attr-defined]
            ("", _("All merchants")),
            *((code, f"{code} · {name}") for code, name in merchants),
        ]
        reasons = Reason.objects.order_by("code")
        self.fields["reason"].choices = [  # type: ignore[attr-defined]
            ("", _("Any")),
            *((r.code, reason_label(r)) for r in reasons),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("created_from"), data.get("created_to")
        if start and end and end < start:
            self.add_error("created_to", _("The end date is before the start date."))
        return data

    def filters(self) -> ConsoleCaseFilters:
        data = self.cleaned_data
        return ConsoleCaseFilters(
            merchant=data.get("merchant") or "",
            status=data.get("status") or "",
            type=data.get("type") or "",
            reason=data.get("reason") or "",
            created_from=data.get("created_from"),
            created_to=data.get("created_to"),
            q=(data.get("q") or "").strip(),
            sort=data.get("sort") or "deadline",
        )

    def active(self) -> bool:
        """Whether any filter narrows the list (for the empty state's wording)."""
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in self.fields if name != "sort")


class LookupForm(forms.Form):
    q = forms.CharField(
        label=_("Order id, case number or phone number"), max_length=MAX_QUERY, strip=True
    )
