"""The category tree and its exclusion flags: art. 6 (excluded outright from no-reason returns)
and art. 7 (excluded only when the consumer confirmed it at purchase)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from anxin.catalog.choices import ConfirmationKind
from anxin.catalog.models import Category
from anxin.core.errors import DomainError
from anxin.policies.models import Policy
from anxin.policies.services import category_flags_set

from ..common import ADMINS, actor, audience
from .common import INVALID, name_of, page, refused

ART6 = [
    ("is_custom_made", gettext_lazy("Custom-made")),
    ("is_perishable", gettext_lazy("Fresh or perishable")),
    ("is_digital", gettext_lazy("Digital goods")),
    ("is_periodical", gettext_lazy("Newspapers and periodicals")),
]


def _render(
    request: HttpRequest, *, errors: dict[str, dict[str, str]] | None = None, status: int = 200
) -> HttpResponse:
    categories = list(Category.objects.order_by("code"))
    rows_of = dict(Policy.objects.filter(scope="category").values_list("category_id", "pk"))
    by_pk = {c.pk: c for c in categories}
    rows: list[dict[str, Any]] = []
    for category in categories:
        depth = 0
        parent_id = category.parent_id
        while parent_id is not None and depth < 10:
            depth += 1
            parent_id = by_pk[parent_id].parent_id if parent_id in by_pk else None
        rows.append(
            {
                "category": category,
                "name": name_of(category),
                "depth": depth,
                "flags": [(name, label, getattr(category, name)) for name, label in ART6],
                "kinds": [
                    (value, label, value in (category.confirm_kinds or []))
                    for value, label in ConfirmationKind.choices
                ],
                "policy_pk": rows_of.get(category.pk),
                "errors": (errors or {}).get(category.code, {}),
            }
        )
    context = {"rows": rows, "art6": ART6, "kinds": ConfirmationKind.choices}
    return page(request, "web/manage/categories.html", context, nav="categories", status=status)


@audience(ADMINS)
def categories(request: HttpRequest) -> HttpResponse:
    return _render(request)


@audience(ADMINS)
@require_POST
def category_flags(request: HttpRequest, code: str) -> HttpResponse:
    category = get_object_or_404(Category, code=code)
    data: dict[str, Any] = {name: request.POST.get(name) == "on" for name, _label in ART6}
    data["confirm_kinds"] = request.POST.getlist("confirm_kinds")
    try:
        category_flags_set(actor=actor(request), category=category, data=data)
    except DomainError as error:
        return _render(request, errors={category.code: refused(request, error)}, status=INVALID)
    messages.success(request, _("Flags of %(name)s saved.") % {"name": name_of(category)})
    return redirect(f"{reverse('manage:categories')}#cat-{category.code}")
