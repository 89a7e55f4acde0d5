"""One way to read rows for an actor: ``Model.objects.for_actor(actor)``.

Each scoped model declares once, as ``scope = Scope(...)``, which of its fields names the merchant,
the shop customer, the requesting user or the owner, and whether platform staff see every row. The
queryset method reads that declaration, so the hand-written ``*_visible_to`` copies it replaced
cannot drift apart again. A read that deliberately crosses tenants (the sweeper, a service after its own
permission check) says so with ``Model.unscoped`` (see docs/decisions/0011-scoping.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Self, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q

from .actors import Actor, Role

_M = TypeVar("_M", bound=models.Model)


@dataclass(frozen=True)
class Scope:
    """Who reads which rows of one model; checked in this order, the first that applies wins.

    ``only``: a condition every reader is held to (e.g. webhook deliveries only).
    ``platform``: platform staff, platform tokens and the system see every row.
    ``merchant``: the field holding the merchant; merchant users and tokens see their merchants'.
    ``customer``: the path to the shop customer; a consumer sees their customer records' rows.
    ``requester``: the field holding the user who asked; a consumer sees what they asked for.
    ``owner``: the field holding the user the row belongs to; anyone with a user sees their own.
    Nobody else sees anything.
    """

    merchant: str | None = None
    customer: str | None = None
    requester: str | None = None
    owner: str | None = None
    platform: bool = True
    only: Q | None = None

    def __post_init__(self) -> None:
        # An owner's rows are personal: mixing them with tenant rows would need an OR nobody wrote.
        if self.owner is not None and (self.merchant or self.customer or self.requester):
            raise ImproperlyConfigured("Scope(owner=…) stands alone.")

    def condition(self, actor: Actor) -> Q | None:
        """The filter ``actor`` reads under (an empty ``Q`` is every row), or None for no rows."""
        if self.platform and actor.platform:
            return Q()
        if self.merchant is not None and actor.merchant_ids:
            return Q(**{f"{self.merchant}__in": actor.merchant_ids})
        if actor.role is Role.CONSUMER:
            if self.customer is not None and actor.customer_ids:
                return Q(**{f"{self.customer}__in": actor.customer_ids})
            if self.requester is not None and actor.user_id is not None:
                return Q(**{self.requester: actor.user_id})
        if self.owner is not None and actor.user_id is not None:
            return Q(**{self.owner: actor.user_id})
        return None


def scope_of(model: type[models.Model]) -> Scope:
    """The model's declaration; a model without one cannot be read for an actor."""
    scope = getattr(model, "scope", None)
    if not isinstance(scope, Scope):
        raise ImproperlyConfigured(f"{model.__name__} declares no scope = Scope(...).")
    return scope


class ScopedQuerySet(models.QuerySet[_M]):
    """A queryset that can narrow itself to what an actor may read."""

    def for_actor(self, actor: Actor) -> Self:
        """The rows of this queryset ``actor`` may read, per the model's ``scope``."""
        scope = scope_of(self.model)
        rows = self.filter(scope.only) if scope.only is not None else self
        condition = scope.condition(actor)
        if condition is None:
            return rows.none()
        return rows.filter(condition) if condition else rows


class ScopedManager(models.Manager[_M]):
    """The default manager of a scoped model: ``Model.objects.for_actor(actor)``."""

    def get_queryset(self) -> ScopedQuerySet[_M]:
        return ScopedQuerySet(self.model, using=self._db)

    def for_actor(self, actor: Actor) -> ScopedQuerySet[_M]:
        """The rows ``actor`` may read, per the model's ``scope``."""
        return self.get_queryset().for_actor(actor)
