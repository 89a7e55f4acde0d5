"""The merchant's deposit (保证金) at /shop/deposit/: balance, required minimum, what is owed, the
open top-up request, whether the settlement is held and why, and the ledger.

``deposit_context`` is shared with the administrators' page of one merchant's deposit
(``views/manage/deposit.py``), which shows the same figures and records top-ups.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from anxin.catalog.models import Merchant
from anxin.core.actors import Actor, Role
from anxin.core.errors import NotFound
from anxin.disputes.choices import DepositKind
from anxin.disputes.models import Dispute
from anxin.disputes.selectors import DepositView, deposit_for
from anxin.web.case_display import ROLE_LABELS, usernames_of
from anxin.web.templatetags.anxin_web import money

from ..common import MERCHANTS, actor, audience


@dataclass(frozen=True)
class LedgerRow:
    at: datetime
    kind: str
    kind_label: str
    amount: str  # signed, formatted: "−¥80.00" / "+¥2,000.00"
    balance_after: Decimal
    dispute: str  # the dispute's number, or ""
    note: str
    by: str


def held_reasons(view: DepositView) -> list[str]:
    """Why the settlement is held (what the open top-up request pays for)."""
    account = view.account
    currency = account.currency
    reasons = []
    if account.owed > 0:
        reasons.append(
            _(
                "Advance compensation of %(owed)s paid to consumers was more than the deposit "
                "could cover."
            )
            % {"owed": money(account.owed, currency)}
        )
    if account.balance < account.required:
        reasons.append(
            _("The balance is below the required minimum of %(required)s.")
            % {"required": money(account.required, currency)}
        )
    return reasons


def ledger_rows(view: DepositView, *, show_people: bool) -> list[LedgerRow]:
    """The ledger, newest first; the platform's people are named on the administrators' page."""
    entries = view.entries
    dispute_ids = {e.dispute_id for e in entries if e.dispute_id}
    # the entries were read for the reader, so the numbers of their disputes are the reader's too
    numbers = dict(Dispute.unscoped.filter(pk__in=dispute_ids).values_list("pk", "number"))
    names = usernames_of(entries) if show_people else {}
    kinds = dict(DepositKind.choices)
    currency = view.account.currency
    rows = []
    for entry in entries:
        sign = "−" if entry.kind == DepositKind.DEDUCTION else "+"
        number = numbers.get(entry.dispute_id or 0, "")
        if entry.actor == "system":
            by = str(ROLE_LABELS[Role.SYSTEM])
        else:
            by = names.get(entry.actor, str(_("Platform")))
        rows.append(
            LedgerRow(
                at=entry.created_at,
                kind=entry.kind,
                kind_label=str(kinds.get(entry.kind, entry.kind)),
                amount=f"{sign}{money(entry.amount, currency)}",
                balance_after=entry.balance_after,
                dispute=number,
                note="" if number and entry.note == number else entry.note,
                by=by,
            )
        )
    return rows


def deposit_context(view: DepositView, *, show_people: bool = False) -> dict[str, Any]:
    account = view.account
    need = account.owed + max(account.required - account.balance, Decimal(0))
    return {
        "account": account,
        "top_up": view.open_request,
        "need": need,
        "held_reasons": held_reasons(view),
        "rows": ledger_rows(view, show_people=show_people),
    }


def _shop(viewer: Actor, code: str) -> Merchant:
    """The shop asked for (``?shop=``), else the merchant's first shop."""
    shops = Merchant.objects.for_actor(viewer).order_by("code")
    shop = shops.filter(code=code).first() if code else shops.first()
    if shop is None:
        raise NotFound()
    return shop


@audience(MERCHANTS)
def deposit(request: HttpRequest) -> HttpResponse:
    viewer = actor(request)
    shop = _shop(viewer, request.GET.get("shop", "").strip()[:40])
    view = deposit_for(actor=viewer, merchant_id=shop.pk)
    context = {
        "nav": "disputes",
        "shop": shop,
        "shops": list(Merchant.objects.for_actor(viewer).order_by("code").values("code", "name")),
        **deposit_context(view),
    }
    return render(request, "web/merchant/disputes/deposit.html", context)
