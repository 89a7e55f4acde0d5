"""One merchant's deposit for platform administrators at /manage/merchants/<code>/deposit/: the same
figures and ledger the merchant sees, and the form that records a top-up the merchant paid in.

The merchant page's own deposit form (the deposit amount on the merchant's record) posts to the
same address; those posts carry ``deposit_amount`` and go to ``merchants.merchant_deposit``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from anxin.catalog.models import Merchant
from anxin.core.errors import DomainError
from anxin.disputes.selectors import deposit_for
from anxin.disputes.services import deposit_top_up_record
from anxin.web.templatetags.anxin_web import money

from ..common import ADMINS, actor, audience
from ..merchant.deposit import deposit_context
from . import merchants
from .common import INVALID, page, refused


def _render(
    request: HttpRequest,
    merchant: Merchant,
    *,
    form: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    view = deposit_for(actor=actor(request), merchant_id=merchant.pk)
    context: dict[str, Any] = {
        "merchant": merchant,
        "form": form or {"amount": "", "reference": ""},
        "errors": errors or {},
        **deposit_context(view, show_people=True),
    }
    return page(request, "web/manage/deposit.html", context, nav="merchants", status=status)


@audience(ADMINS)
def merchant_deposit(request: HttpRequest, code: str) -> HttpResponse:
    if request.method == "POST" and "deposit_amount" in request.POST:
        return merchants.merchant_deposit(request, code)
    merchant = get_object_or_404(Merchant.unscoped, code=code)
    if request.method != "POST":
        return _render(request, merchant)
    form = {
        "amount": request.POST.get("amount", "").strip().replace(",", ""),
        "reference": request.POST.get("reference", "").strip(),
    }
    try:
        deposit_top_up_record(actor=actor(request), merchant_id=merchant.pk, payload=form)
    except DomainError as error:
        status = INVALID if error.fields else error.status
        return _render(request, merchant, form=form, errors=refused(request, error), status=status)
    messages.success(
        request,
        _("Top-up of %(amount)s recorded for %(name)s.")
        % {"amount": money(form["amount"], merchant.currency), "name": merchant.name},
    )
    return redirect("manage:merchant_deposit", code=merchant.code)
