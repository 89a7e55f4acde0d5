"""The merchant's own after-sales policy: what the shop inherits from the platform and the law, and
the more generous values it offers on top (merchant administrators edit, staff read).

A value is "more generous" in the direction that favours the consumer (``POLICY_FIELDS``): longer
windows for the consumer, shorter waits on the merchant, a lower restocking fee. A stricter value is
refused by ``policy_save`` with the reason next to the field (status 422). Routed by the merchant
URL module as ``path("policy/", policy.merchant_policy, name="policy")``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from anxin.catalog.models import Merchant
from anxin.core.errors import DomainError, NotFound
from anxin.policies.choices import PolicyScope
from anxin.policies.models import POLICY_FIELDS, Policy
from anxin.policies.permissions import can_edit_shop_policy
from anxin.policies.resolve import policy_resolve
from anxin.policies.services import amount_text, generous_text, policy_save, stricter_problem

from ..common import MERCHANTS, actor, audience
from ..manage.common import INVALID, name_of, posted, refused
from ..policy_rows import field_rows, label, legal_text, overrides, row_values, shown

# Module constants so that a test (or a later layout change) can switch them.
TEMPLATE = "web/policy/merchant.html"
LAYOUT = "web/merchant/layout.html"


def _shop(request: HttpRequest, shops: list[Merchant]) -> Merchant:
    """The shop chosen with ?merchant=<code> among the viewer's, or their first."""
    wanted = request.POST.get("merchant") or request.GET.get("merchant")
    if not shops:
        raise NotFound()
    if not wanted:
        return shops[0]
    for shop in shops:
        if shop.code == wanted:
            return shop
    raise NotFound()


def _overview(
    row: Policy | None, platform: dict[str, Any], in_force: dict[str, Any]
) -> list[dict[str, Any]]:
    """The documentation table: each rule, which way is generous, the platform, the law, yours."""
    lines = []
    for name in POLICY_FIELDS:
        own = getattr(row, name) if row is not None else None
        lines.append(
            {
                "name": name,
                "label": label(name),
                "direction": generous_text(name),
                "platform": shown(name, platform.get(name)),
                "legal": legal_text(name),
                "own": shown(name, own),
                "in_force": shown(name, in_force.get(name)),
                "ignored": bool(stricter_problem(name, own, platform.get(name))),
            }
        )
    return lines


def _category_rules() -> list[dict[str, Any]]:
    """Category rows, which apply to products of those categories where they are more generous."""
    rows = Policy.objects.filter(scope=PolicyScope.CATEGORY).select_related("category")
    return [
        {"category": name_of(row.category), "values": values}
        for row in sorted(rows, key=lambda r: r.category.code if r.category else "")
        if row.category is not None and (values := overrides(row))
    ]


@audience(MERCHANTS)
def merchant_policy(request: HttpRequest) -> HttpResponse:
    viewer = actor(request)
    shops = list(Merchant.objects.for_actor(viewer).order_by("code"))
    shop = _shop(request, shops)
    can_edit = can_edit_shop_policy(viewer)
    row = Policy.objects.filter(scope=PolicyScope.MERCHANT, merchant=shop).first()
    values = row_values(row)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        values = posted(request, POLICY_FIELDS)
        try:
            policy_save(
                actor=viewer,
                data={**values, "scope": PolicyScope.MERCHANT, "merchant": shop.code},
            )
        except DomainError as error:
            errors, status = refused(request, error), INVALID
        else:
            messages.success(request, _("Your policy is saved."))
            return redirect(f"{request.path}?merchant={shop.code}")
    platform = policy_resolve(merchant_id=None, category=None)
    in_force = policy_resolve(merchant_id=shop.pk, category=None).values
    lines = _overview(row, platform.values, in_force)
    context = {
        "layout": LAYOUT,
        "nav": "policy",
        "shop": shop,
        "shops": shops,
        "row": row,
        "can_edit": can_edit,
        "lines": lines,
        "ignored": [line["label"] for line in lines if line["ignored"]],
        "fields": field_rows(values=values, errors=errors, inherited=platform.values),
        "errors": errors,
        "categories": _category_rules(),
        "example": amount_text("no_reason_days", 15),
    }
    return render(request, TEMPLATE, context, status=status)
