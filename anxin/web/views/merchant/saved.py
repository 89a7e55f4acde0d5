"""Saved views of the merchant queue: a person names the current filters and finds them again.

Saved views are a page setting of one user (``anxin.web.models.SavedView``), not domain data;
``anxin.web.services`` holds their only writers and their limits.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anxin.core.errors import ValidationFailed
from anxin.web.services import saved_view_delete, saved_view_save

from ..common import MERCHANTS, actor, audience, flash_error
from .queue import filter_query, render_queue


def _queue_url(query: str) -> str:
    url = reverse("merchant:queue")
    return f"{url}?{query}" if query else url


@require_POST
@audience(MERCHANTS)
def view_save(request: HttpRequest) -> HttpResponse:
    """Save the posted filters under a name; a bad name re-renders the queue with the error."""
    query = filter_query(QueryDict(request.POST.get("query", "")))
    name = request.POST.get("name", "").strip()
    try:
        _view, created = saved_view_save(actor=actor(request), name=name, query=query)
    except ValidationFailed as error:
        return render_queue(
            request,
            QueryDict(query),
            status=422,
            extra={"errors": flash_error(request, error), "view_name": name},
        )
    if created:
        messages.success(request, _("View “%(name)s” saved.") % {"name": name})
    else:
        messages.success(request, _("View “%(name)s” updated.") % {"name": name})
    return redirect(_queue_url(query))


@require_POST
@audience(MERCHANTS)
def view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    name = saved_view_delete(actor=actor(request), pk=pk)
    messages.success(request, _("View “%(name)s” deleted.") % {"name": name})
    return redirect(_queue_url(filter_query(QueryDict(request.POST.get("query", "")))))
