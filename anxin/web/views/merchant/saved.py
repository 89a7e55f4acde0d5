"""Saved views of the merchant queue: a person names the current filters and finds them again.

Saved views are a page setting of one user (``anxin.web.models.SavedView``), not domain data;
the small functions below are their only writers.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anxin.core.errors import NotFound, ValidationFailed
from anxin.web.models import SavedView

from ..common import MERCHANTS, audience, flash_error
from .queue import filter_query, render_queue

MAX_VIEWS = 30
NAME_MAX = 60  # SavedView.name
QUERY_MAX = 500  # SavedView.query


def saved_views_for(user: Any) -> QuerySet[SavedView]:
    return SavedView.objects.filter(user=user).order_by("name")


def saved_view_save(*, user: Any, name: str, query: str) -> tuple[SavedView, bool]:
    """Save (or overwrite) the user's view of this name; returns (view, created). A name or
    filters it cannot keep raise ``ValidationFailed`` on the ``view_name`` field."""
    error = ""
    if not name:
        error = _("Give the view a name.")
    elif len(query) > QUERY_MAX:
        error = _("These filters are too long to save; shorten the search text.")
    elif len(name) > NAME_MAX:
        error = _("At most %(n)s characters.") % {"n": NAME_MAX}
    else:
        views = saved_views_for(user)
        if views.count() >= MAX_VIEWS and not views.filter(name=name).exists():
            error = _("You can keep at most %(n)s views; delete one first.") % {"n": MAX_VIEWS}
    if error:
        raise ValidationFailed(_("The view was not saved."), fields={"view_name": error})
    return SavedView.objects.update_or_create(user=user, name=name, defaults={"query": query})


def saved_view_delete(*, user: Any, pk: int) -> str:
    """Delete one of the user's views (anyone else's is ``NotFound``); returns its name."""
    view = saved_views_for(user).filter(pk=pk).first()
    if view is None:
        raise NotFound()
    view.delete()
    return view.name


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
        _view, created = saved_view_save(user=request.user, name=name, query=query)
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
    name = saved_view_delete(user=request.user, pk=pk)
    messages.success(request, _("View “%(name)s” deleted.") % {"name": name})
    return redirect(_queue_url(filter_query(QueryDict(request.POST.get("query", "")))))
