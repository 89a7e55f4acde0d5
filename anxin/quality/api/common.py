"""Helpers the quality routes share: the merchant a request is about, a task rendered whole."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from anxin.catalog.models import Merchant
from anxin.core.actors import Actor
from anxin.core.errors import Forbidden, NotFound, ValidationFailed

from .. import selectors
from ..permissions import can_read_quality


def reader(actor: Actor) -> Actor:
    """Quality data is for platform staff and merchants; consumers get 403."""
    if not can_read_quality(actor):
        raise Forbidden()
    return actor


def merchant_for(actor: Actor, code: str | None) -> Merchant:
    """The merchant named by ``code`` if ``actor`` may see it (else 404); without a code, the
    actor's only merchant (platform staff and members of several shops must name one)."""
    shops = Merchant.objects.for_actor(actor)
    if code:
        found = shops.filter(code=code).first()
    elif len(actor.merchant_ids) == 1:
        found = shops.filter(pk=next(iter(actor.merchant_ids))).first()
    elif actor.platform or actor.merchant_ids:
        raise ValidationFailed(fields={"merchant": _("Name the merchant (its code).")})
    else:
        found = None
    if found is None:
        raise NotFound()
    return found


def task_detail(actor: Actor, number: str) -> Any:
    """The task with what ``actor`` may do now (``TaskDetailOut`` reads it)."""
    task = selectors.task_get_for(actor=actor, number=number)
    task.actions_now = selectors.task_actions_for(actor=actor, task=task)  # type: ignore[attr-defined]
    return task
