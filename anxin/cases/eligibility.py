"""What a case keeps of the eligibility engine's answer, and how a refusal reads to the requester
(used when a request is opened and when it is revised)."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from anxin.core.errors import ValidationFailed
from anxin.policies.eligibility import Decision


def decision_explanation(decision: Decision) -> dict[str, Any]:
    """The decision in both languages, stored on the case so its page can show why."""
    return {lang: decision.as_dict(lang) for lang in ("zh-hans", "en")}


def not_eligible(decision: Decision) -> ValidationFailed:
    """The refusal, on the field the requester can change (the quantity or the type)."""
    field = "quantity" if decision.claimable_quantity < decision.quantity else "type"
    with translation.override(translation.get_language()):
        reasons = " ".join(decision.explain()) or str(_("This request is not possible."))
    return ValidationFailed(
        _("This after-sales request is not possible."),
        code="case.not_eligible",
        fields={field: reasons},
        data={"explanation": decision.as_dict()},
    )
