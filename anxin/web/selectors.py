"""Reads of the web app's own rows: the page settings a person keeps (saved queue views)."""

from __future__ import annotations

from django.db.models import QuerySet

from anxin.core.actors import Actor

from .models import SavedView


def saved_view_list_for(*, actor: Actor) -> QuerySet[SavedView]:
    """The saved views of the actor's own user, by name (nobody sees anyone else's)."""
    if actor.user_id is None:  # a token acts for no person, so it keeps no page settings
        return SavedView.objects.none()
    return SavedView.objects.filter(user_id=actor.user_id).order_by("name")
