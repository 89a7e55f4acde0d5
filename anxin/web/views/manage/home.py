"""Administration (/manage/): the overview of the areas an administrator maintains, with counts.

Each area has its own module in this package: ``policies``, ``calendar``, ``reasons``,
``categories``, ``merchants``, ``users``, ``tokens``, ``webhooks``. The Django admin (/admin/)
stays available for rare repairs.
"""

from __future__ import annotations

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse

from anxin.accounts.models import ApiToken, User
from anxin.catalog.models import Category, Merchant
from anxin.core import clock
from anxin.notifications.choices import Channel, OutboxStatus
from anxin.notifications.models import OutboxMessage, WebhookEndpoint
from anxin.policies.models import CalendarDay, Policy, Reason

from ..common import ADMINS, audience
from .common import page


def _counts() -> dict[str, object]:
    year = clock.now().year
    policies = Policy.objects.aggregate(
        platform=Count("pk", filter=Q(scope="platform")),
        category=Count("pk", filter=Q(scope="category")),
        merchant=Count("pk", filter=Q(scope="merchant")),
    )
    days = CalendarDay.objects.filter(date__year__in=[year, year + 1]).aggregate(
        holidays=Count("pk", filter=Q(kind=CalendarDay.HOLIDAY, date__year=year)),
        workdays=Count("pk", filter=Q(kind=CalendarDay.WORKDAY, date__year=year)),
        next_year=Count("pk", filter=Q(date__year=year + 1)),
        provisional=Count("pk", filter=Q(provisional=True)),
    )
    excluded = (
        Q(is_custom_made=True) | Q(is_perishable=True) | Q(is_digital=True) | Q(is_periodical=True)
    )
    merchants = dict(
        Merchant.unscoped.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    reasons = Reason.objects.aggregate(
        total=Count("pk"), selectable=Count("pk", filter=Q(selectable=True))
    )
    categories = Category.objects.aggregate(
        total=Count("pk"), excluded=Count("pk", filter=excluded)
    )
    users = User.objects.aggregate(total=Count("pk"), admins=Count("pk", filter=Q(role="admin")))
    # The platform administrators' overview counts every merchant's rows.
    webhooks = OutboxMessage.unscoped.filter(channel=Channel.WEBHOOK).aggregate(
        failed=Count("pk", filter=Q(status__in=[OutboxStatus.FAILED, OutboxStatus.DEAD])),
        pending=Count("pk", filter=Q(status=OutboxStatus.PENDING)),
    )
    return {
        "year": year,
        "policies": policies,
        "days": days,
        "reasons": reasons["total"],
        "reasons_selectable": reasons["selectable"],
        "categories": categories["total"],
        "categories_excluded": categories["excluded"],
        "merchants": sum(merchants.values()),
        "merchants_active": merchants.get("active", 0),
        "merchants_attention": merchants.get("warned", 0)
        + merchants.get("restricted", 0)
        + merchants.get("applying", 0),
        "users": users["total"],
        "admins": users["admins"],
        "tokens": ApiToken.objects.filter(revoked_at__isnull=True).count(),
        "endpoints": WebhookEndpoint.unscoped.filter(active=True).count(),
        "webhooks": webhooks,
    }


@audience(ADMINS)
def home(request: HttpRequest) -> HttpResponse:
    return page(request, "web/manage/home.html", {"counts": _counts()}, nav="home")
