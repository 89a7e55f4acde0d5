"""API tokens of integrators: list, issue (the plain token is shown once, on the response to the
form, and never stored), revoke."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anxin.accounts.models import ApiToken
from anxin.accounts.services import api_token_create, api_token_revoke
from anxin.catalog.models import Merchant

from ..common import ADMINS, actor, audience
from .common import INVALID, page

PER_PAGE = 50
MAX_NAME = 100


@audience(ADMINS)
def tokens(request: HttpRequest) -> HttpResponse:
    form = {"name": "", "merchant": ""}
    errors: dict[str, str] = {}
    issued = None
    status = 200
    merchants = list(Merchant.unscoped.order_by("code").values_list("code", "name"))
    if request.method == "POST":
        form = {
            "name": request.POST.get("name", "").strip(),
            "merchant": request.POST.get("merchant", "").strip(),
        }
        merchant = None
        if not form["name"]:
            errors["name"] = _("Name the token after the system that uses it.")
        elif len(form["name"]) > MAX_NAME:
            errors["name"] = _("At most %(n)s characters.") % {"n": MAX_NAME}
        if form["merchant"]:
            merchant = Merchant.unscoped.filter(code=form["merchant"]).first()
            if merchant is None:
                errors["merchant"] = _("Unknown merchant.")
        if errors:
            messages.error(request, _("Some fields are not valid."))
            status = INVALID
        else:
            issued = api_token_create(
                actor=actor(request),
                name=form["name"],
                merchant_id=merchant.pk if merchant else None,
                created_by=request.user,  # type: ignore[arg-type]
            )
            form = {"name": "", "merchant": ""}
            status = 201
    query = ApiToken.objects.select_related("merchant", "created_by").order_by("-created_at", "-pk")
    page_obj = Paginator(query, PER_PAGE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "page_obj": page_obj,
        "form": form,
        "errors": errors,
        "merchants": merchants,
        "issued": issued,
    }
    response = page(request, "web/manage/tokens.html", context, nav="tokens", status=status)
    if issued is not None:
        add_never_cache_headers(response)  # the plain token must not sit in any cache
    return response


@audience(ADMINS)
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk)
    api_token_revoke(actor=actor(request), token=token)
    messages.success(request, _("Token %(name)s revoked.") % {"name": token.name})
    return redirect("manage:tokens")
