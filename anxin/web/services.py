"""Writes of the web app's own rows: saved queue views, a page setting of one user.

Saved views are not domain data (no audit row, no notification): a person names the current
filters of the merchant queue and finds them again. These functions are their only writers.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from anxin.core.actors import Actor
from anxin.core.errors import NotFound, ValidationFailed

from .models import SavedView
from .selectors import saved_view_list_for

SAVED_VIEWS_MAX = 30
NAME_MAX = 60  # SavedView.name
QUERY_MAX = 500  # SavedView.query


@transaction.atomic
def saved_view_save(*, actor: Actor, name: str, query: str) -> tuple[SavedView, bool]:
    """Save (or overwrite) the actor's view of this name, at most 30 per person; returns (view,
    created). A name or filters it cannot keep raise ``ValidationFailed`` on ``view_name``."""
    error = ""
    if not name:
        error = _("Give the view a name.")
    elif len(query) > QUERY_MAX:
        error = _("These filters are too long to save; shorten the search text.")
    elif len(name) > NAME_MAX:
        error = _("At most %(n)s characters.") % {"n": NAME_MAX}
    else:
        views = saved_view_list_for(actor=actor)
        if views.count() >= SAVED_VIEWS_MAX and not views.filter(name=name).exists():
            error = _("You can keep at most %(n)s views; delete one first.") % {
                "n": SAVED_VIEWS_MAX
            }
    if error:
        raise ValidationFailed(_("The view was not saved."), fields={"view_name": error})
    return SavedView.objects.update_or_create(
        user_id=actor.user_id, name=name, defaults={"query": query}
    )


@transaction.atomic
def saved_view_delete(*, actor: Actor, pk: int) -> str:
    """Delete one of the actor's views (anyone else's is ``NotFound``); returns its name."""
    view = saved_view_list_for(actor=actor).filter(pk=pk).first()
    if view is None:
        raise NotFound()
    view.delete()
    return view.name
