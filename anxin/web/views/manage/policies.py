"""Policy rows: the platform default, category rows and merchant rows — list, add, edit.

Every value is checked by ``policies.services.policy_save`` (the law's floors and ceilings; a
merchant row never stricter than the platform); a refused form comes back with status 422 and the
message next to each field.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _

from anxin.catalog.models import Category, Merchant
from anxin.core.errors import DomainError
from anxin.policies.choices import PolicyScope
from anxin.policies.models import POLICY_FIELDS, Policy
from anxin.policies.resolve import LEGAL_LIMITS, ResolvedPolicy, policy_resolve
from anxin.policies.services import platform_values, policy_save, stricter_problem

from ..common import ADMINS, actor, audience
from ..policy_rows import (
    CONDITION_FIELDS,
    field_rows,
    label,
    legal_text,
    overrides,
    row_values,
)
from .common import INVALID, name_of, page, posted, refused

SCOPE_ORDER = {PolicyScope.PLATFORM: 0, PolicyScope.CATEGORY: 1, PolicyScope.MERCHANT: 2}
VALUE_FIELDS = (*POLICY_FIELDS, *CONDITION_FIELDS)


def _target_name(row: Policy) -> str:
    if row.category is not None:
        return name_of(row.category)
    if row.merchant is not None:
        return row.merchant.name
    return _("Every shop and category")


def _ignored(row: Policy, baseline: dict[str, Any]) -> list[str]:
    """Labels of a merchant row's values that are not more generous than the platform (any more),
    so they do not apply."""
    if row.scope != PolicyScope.MERCHANT:
        return []
    return [
        label(name)
        for name in POLICY_FIELDS
        if stricter_problem(name, getattr(row, name), baseline.get(name))
    ]


@audience(ADMINS)
def policies(request: HttpRequest) -> HttpResponse:
    rows = sorted(
        Policy.objects.select_related("category", "merchant"),
        key=lambda p: (SCOPE_ORDER.get(PolicyScope(p.scope), 3), p.code),
    )
    baseline = platform_values()
    table = [
        {
            "row": row,
            "scope": PolicyScope(row.scope).label,
            "target": _target_name(row),
            "overrides": overrides(row),
            "ignored": _ignored(row, baseline),
        }
        for row in rows
    ]
    law = [(label(name), legal_text(name)) for name in LEGAL_LIMITS]
    return page(request, "web/manage/policies.html", {"table": table, "law": law}, nav="policies")


def _inherited(row_scope: str, category: Category | None) -> ResolvedPolicy | None:
    """What a row of this layer falls back to where it leaves a field empty."""
    if row_scope == PolicyScope.PLATFORM:
        return None
    parent = category.parent if category is not None else None
    return policy_resolve(merchant_id=None, category=parent)


def _form_context(
    *,
    scope: str,
    values: dict[str, Any],
    errors: dict[str, str],
    row: Policy | None = None,
    category: Category | None = None,
) -> dict[str, Any]:
    return {
        "row": row,
        "scope": scope,
        "scope_label": PolicyScope(scope).label,
        "fields": field_rows(values=values, errors=errors, inherited=_inherited(scope, category)),
        "conditions": {name: values.get(name) or "" for name in CONDITION_FIELDS},
        "errors": errors,
        "required": scope == PolicyScope.PLATFORM,
    }


def _payload(request: HttpRequest) -> dict[str, Any]:
    data = posted(request, VALUE_FIELDS)
    for name in CONDITION_FIELDS:
        data[name] = data[name] or ""
    return data


@audience(ADMINS)
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    row = get_object_or_404(Policy.objects.select_related("category", "merchant"), pk=pk)
    values, errors, status = row_values(row), {}, 200
    if request.method == "POST":
        values = _payload(request)
        data = {
            **values,
            "scope": row.scope,
            "category": row.category.code if row.category else None,
            "merchant": row.merchant.code if row.merchant else None,
        }
        try:
            policy_save(actor=actor(request), data=data)
        except DomainError as error:
            errors, status = refused(request, error), INVALID
        else:
            messages.success(request, _("Policy %(code)s saved.") % {"code": row.code})
            return redirect("manage:policy_edit", pk=row.pk)
    context = _form_context(
        scope=row.scope, values=values, errors=errors, row=row, category=row.category
    )
    context["target"] = _target_name(row)
    return page(request, "web/manage/policy_form.html", context, nav="policies", status=status)


def _targets(scope: str) -> list[tuple[str, str]]:
    """Categories or merchants that have no row of their own yet."""
    if scope == PolicyScope.CATEGORY:
        categories = Policy.objects.filter(scope=scope).values("category_id")
        return [
            (c.code, f"{c.code} · {name_of(c)}")
            for c in Category.objects.exclude(pk__in=categories).order_by("code")
        ]
    merchants = Policy.objects.filter(scope=scope).values("merchant_id")
    return [
        (m.code, f"{m.code} · {m.name}")
        for m in Merchant.unscoped.exclude(pk__in=merchants).order_by("code")
    ]


@audience(ADMINS)
def policy_new(request: HttpRequest) -> HttpResponse:
    """Add a category row or a merchant row (?scope=category|merchant)."""
    scope = request.GET.get("scope") or request.POST.get("scope") or PolicyScope.CATEGORY
    if scope not in (PolicyScope.CATEGORY, PolicyScope.MERCHANT):
        scope = PolicyScope.CATEGORY
    target_field = "category" if scope == PolicyScope.CATEGORY else "merchant"
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    status = 200
    chosen = request.GET.get(target_field, "").strip()
    if request.method == "POST":
        values = _payload(request)
        chosen = request.POST.get(target_field, "").strip()
        try:
            row = policy_save(
                actor=actor(request),
                data={**values, "scope": scope, target_field: chosen or None},
                expect_new=True,
            )
        except DomainError as error:
            errors, status = refused(request, error), INVALID
        else:
            messages.success(request, _("Policy %(code)s added.") % {"code": row.code})
            return redirect("manage:policy_edit", pk=row.pk)
    context = _form_context(scope=scope, values=values, errors=errors)
    context.update(
        target_field=target_field,
        target_error=errors.get(target_field, ""),
        targets=_targets(scope),
        chosen=chosen,
    )
    return page(request, "web/manage/policy_form.html", context, nav="policies", status=status)
