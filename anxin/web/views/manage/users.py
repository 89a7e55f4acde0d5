"""Users and roles: find people, create a user, change a role and the merchants someone works for.

Passwords of existing users are reset in the Django admin (rare, and it has the right forms).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from anxin.accounts.models import Membership, User, UserRole
from anxin.accounts.services import user_create, user_create_check, user_role_set
from anxin.catalog.models import Merchant
from anxin.core.actors import Role
from anxin.core.errors import DomainError, ValidationFailed

from ..common import ADMINS, actor, audience
from .common import INVALID, page, refused

PER_PAGE = 50
MAX_QUERY = 64
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]


def _merchant_ids(request: HttpRequest) -> tuple[list[int], bool]:
    """The posted merchant ids, and whether any was not a number."""
    ids, bad = [], False
    for raw in request.POST.getlist("merchants"):
        try:
            value = int(raw)
        except ValueError:
            bad = True
            continue
        if 0 < value < 2**63:
            ids.append(value)
        else:
            bad = True
    return ids, bad


def _role(raw: str, *, bad_merchants: bool) -> Role:
    """The posted role; ValidationFailed if it is not one, or if a merchant id was garbage."""
    errors: dict[str, str | Promise] = {}
    if raw not in UserRole.values:
        errors["role"] = _("Choose a role.")
    if bad_merchants:
        errors["merchants"] = _("Unknown merchant.")
    if errors:
        raise ValidationFailed(fields=errors)
    return Role(raw)


def _merchant_choices() -> list[tuple[int, str]]:
    return [
        (pk, f"{code} · {name}")
        for pk, code, name in Merchant.unscoped.order_by("code").values_list("pk", "code", "name")
    ]


BLANK = {"username": "", "email": "", "role": "consumer", "language": "zh-hans", "merchants": []}


@audience(ADMINS)
def users(request: HttpRequest) -> HttpResponse:
    form: dict[str, Any] = dict(BLANK)
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        merchant_ids, bad = _merchant_ids(request)
        form = {
            "username": request.POST.get("username", "").strip(),
            "email": request.POST.get("email", "").strip(),
            "role": request.POST.get("role", ""),
            "language": request.POST.get("language", "zh-hans"),
            "merchants": merchant_ids,
        }
        password = request.POST.get("password", "")
        try:
            role = _role(form["role"], bad_merchants=bad)
            user_create_check(
                username=form["username"],
                password=password,
                role=role,
                merchant_ids=merchant_ids,
                email=form["email"],
            )
            user = user_create(
                actor=actor(request),
                username=form["username"],
                password=password,
                role=role,
                merchant_ids=merchant_ids,
                language=form["language"] if form["language"] in dict(LANGUAGES) else "zh-hans",
                email=form["email"],
            )
        except DomainError as error:
            errors, status = refused(request, error), INVALID
        else:
            messages.success(request, _("User %(name)s created.") % {"name": user.username})
            return redirect("manage:user_edit", pk=user.pk)
    q = request.GET.get("q", "").strip()[:MAX_QUERY]
    role_filter = request.GET.get("role", "")
    query = User.objects.prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("merchant"))
    )
    if q:
        query = query.filter(Q(username__icontains=q) | Q(email__icontains=q))
    if role_filter in UserRole.values:
        query = query.filter(role=role_filter)
    else:
        role_filter = ""
    page_obj = Paginator(query.order_by("username"), PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "q": q,
        "role": role_filter,
        "roles": UserRole.choices,
        "page_obj": page_obj,
        "filtered": bool(q or role_filter),
        "form": form,
        "errors": errors,
        "languages": LANGUAGES,
        "merchant_choices": _merchant_choices(),
    }
    return page(request, "web/manage/users.html", context, nav="users", status=status)


@audience(ADMINS)
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_object_or_404(User, pk=pk)
    current = list(Membership.objects.filter(user=person).values_list("merchant_id", flat=True))
    form: dict[str, Any] = {"role": person.role, "merchants": current}
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        merchant_ids, bad = _merchant_ids(request)
        form = {"role": request.POST.get("role", ""), "merchants": merchant_ids}
        try:
            role = _role(form["role"], bad_merchants=bad)
            user_role_set(actor=actor(request), user=person, role=role, merchant_ids=merchant_ids)
        except DomainError as error:
            errors, status = refused(request, error), INVALID
        else:
            messages.success(request, _("%(name)s saved.") % {"name": person.username})
            return redirect("manage:user_edit", pk=person.pk)
    context = {
        "person": person,
        "form": form,
        "errors": errors,
        "roles": UserRole.choices,
        "merchant_choices": _merchant_choices(),
        "is_self": person.pk == request.user.pk,
    }
    return page(request, "web/manage/user_form.html", context, nav="users", status=status)
