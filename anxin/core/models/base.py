"""Abstract bases: integer primary keys inside, UUID public ids outside."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from anxin.core import clock


class TimeStampedModel(models.Model):
    """Creation and last-change times (aware, UTC in the database)."""

    # From the injectable clock, so a frozen test clock reaches creation times too.
    created_at = models.DateTimeField(
        _("created at"), default=clock.now, editable=False, db_index=True
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class PublicModel(TimeStampedModel):
    """A model whose rows are named outside by an unguessable UUID, never by the integer key."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True
