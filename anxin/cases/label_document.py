"""The return label of a case: gathers the case's facts into a ``ReturnLabel`` and renders it.

Shared by the API (``GET /cases/{number}/label.pdf``) and the consumer's case page, so both hand
out the same document. The caller checks ``services.label_check(case)`` first.
"""

from __future__ import annotations

from anxin.core.crypto import mask_phone

from .labels import ReturnLabel, return_label_pdf
from .models import Case
from .services import label_instructions


def label_language(language: str | None) -> str:
    """The label language for an active UI language: Chinese for any ``zh*``, else English."""
    return "zh-hans" if (language or "").startswith("zh") else "en"


def label_pdf_for(case: Case, language: str) -> bytes:
    """The case's return label as PDF bytes, in ``language`` (``zh-hans`` or ``en``).

    The instructions are translated in the active language, as the API always did."""
    address = case.return_address or {}
    label = ReturnLabel(
        rma=case.rma,
        case_number=case.number,
        issued_at=case.updated_at,
        merchant_name=case.merchant.name,
        return_to_name=address.get("contact_name", ""),
        return_to_phone=address.get("phone", ""),
        return_to_address=address.get("address", ""),
        sender_name=case.customer.name or "",
        sender_phone=mask_phone(case.customer.phone or ""),
        sender_address=case.customer.address or "",
        product_name=case.line.product_name,
        quantity=case.quantity,
        reason=case.reason.name_zh if language == "zh-hans" else case.reason.name_en,
        instructions=tuple(label_instructions(case)),
        language=language,
    )
    return return_label_pdf(label)
