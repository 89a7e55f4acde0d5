"""The front door: send each signed-in user to the home of their audience; language choice."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from anxin.accounts.services import user_language_set
from anxin.core.actors import Role

from .common import actor

HOMES = {
    Role.CONSUMER: "consumer:home",
    Role.MERCHANT_STAFF: "merchant:home",
    Role.MERCHANT_ADMIN: "merchant:home",
    Role.AGENT: "console:home",
    Role.ARBITRATOR: "console_disputes:arbitration",
    Role.QUALITY_INSPECTOR: "console_quality:home",
    Role.ADMIN: "console:home",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect(HOMES.get(actor(request).role, "consumer:home"))


@require_POST
def language(request: HttpRequest) -> HttpResponse:
    """Django's set_language (cookie, safe ``next``), remembered on the user's profile too."""
    response = set_language(request)
    chosen = request.POST.get("language", "")
    user = request.user
    if user.is_authenticated and chosen in {"zh-hans", "en"}:
        user_language_set(user=user, language=chosen)
    return response
