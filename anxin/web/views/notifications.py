"""The notification inbox, shared by every audience.

Each audience mounts these views in its own URL namespace, naming the routes ``notifications``,
``notification_read`` and ``notifications_read_all``, and passes its layout (and, optionally,
the route of its case page) as view kwargs::

    path("notifications/", notifications.inbox,
         {"layout": "web/consumer/layout.html", "case_url": "consumer:case"}, name="notifications")

Who may open the inbox follows the namespace (``consumer`` → consumers …); the list shows only
the signed-in person's own notifications.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anxin.core.actors import Role
from anxin.core.errors import ValidationFailed
from anxin.notifications import selectors, services
from anxin.notifications.models import Notification

from .common import ADMINS, CONSUMERS, MERCHANTS, PLATFORM_STAFF, actor, audience

PER_PAGE = 30
ROLES_BY_NAMESPACE: dict[str, frozenset[Role]] = {
    "consumer": CONSUMERS,
    "merchant": MERCHANTS,
    "console": PLATFORM_STAFF,
    "manage": ADMINS,
}
EVERYONE = frozenset(Role)


def _namespace(request: HttpRequest) -> str:
    match = request.resolver_match
    return match.namespace if match else ""


def _gated(request: HttpRequest, view: Callable[..., HttpResponse], *args: Any) -> HttpResponse:
    """Run ``view`` behind the audience gate of the namespace it is mounted in."""
    roles = ROLES_BY_NAMESPACE.get(_namespace(request), EVERYONE)
    return audience(roles)(view)(request, *args)


def _inbox_url(request: HttpRequest) -> str:
    namespace = _namespace(request)
    return reverse(f"{namespace}:notifications" if namespace else "notifications")


def _back(request: HttpRequest) -> HttpResponse:
    """To the ``next`` page when it is one of ours, else to the inbox."""
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(_inbox_url(request))


# Where a notification about a dispute opens, per audience.
DISPUTE_URLS = {"consumer": "consumer_disputes:dispute", "merchant": "merchant_disputes:detail"}


def inbox(
    request: HttpRequest, layout: str, case_url: str = "", dispute_url: str = ""
) -> HttpResponse:
    def view(request: HttpRequest) -> HttpResponse:
        who = actor(request)
        unread_only = request.GET.get("show") == "unread"
        cursor = request.GET.get("after") or None
        try:
            result = selectors.notification_list_for(
                actor=who, unread=True if unread_only else None, cursor=cursor, limit=PER_PAGE
            )
        except ValidationFailed:  # a damaged cursor: start at the newest
            cursor = None
            result = selectors.notification_list_for(
                actor=who, unread=True if unread_only else None, cursor=None, limit=PER_PAGE
            )
        namespace = _namespace(request)
        prefix = f"{namespace}:" if namespace else ""
        return render(
            request,
            "web/partials/notifications_list.html",
            {
                "layout": layout,
                "case_url": case_url,
                "dispute_url": dispute_url,
                "nav": "notifications",
                "notifications": result.items,
                "next_cursor": result.next_cursor,
                "paged": bool(cursor),
                "unread_only": unread_only,
                "unread_count": (
                    Notification.objects.for_actor(who).filter(read_at__isnull=True).count()
                ),
                "read_url": f"{prefix}notification_read",
                "read_all_url": f"{prefix}notifications_read_all",
                "inbox_url": _inbox_url(request),
            },
        )

    return _gated(request, view)


@require_POST
def read(request: HttpRequest, notification_id: uuid.UUID) -> HttpResponse:
    def view(request: HttpRequest, notification_id: uuid.UUID) -> HttpResponse:
        who = actor(request)
        found = selectors.notification_get_for(actor=who, notification_id=notification_id)
        services.notification_mark_read(actor=who, notification=found)
        return _back(request)

    return _gated(request, view, notification_id)


@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    def view(request: HttpRequest) -> HttpResponse:
        if services.notification_mark_all_read(actor=actor(request)):
            messages.success(request, _("All notifications are marked as read."))
        return _back(request)

    return _gated(request, view)


def routes(audience: str) -> list[URLPattern]:
    """The inbox routes of an audience's URL module (its layout, its case pages)."""
    return [
        path(
            "notifications/",
            inbox,
            {
                "layout": f"web/{audience}/layout.html",
                "case_url": f"{audience}:case",
                "dispute_url": DISPUTE_URLS.get(audience, ""),
            },
            name="notifications",
        ),
        path("notifications/<uuid:notification_id>/read/", read, name="notification_read"),
        path("notifications/read-all/", read_all, name="notifications_read_all"),
    ]
