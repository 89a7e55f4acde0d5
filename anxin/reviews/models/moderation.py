"""The moderation queue: what waits for a person, why, and every decision taken on it."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxin.core.scoping import Scope, ScopedManager

from ..choices import ModerationAction, Part
from .review import Review
from .service import ServiceReview


class ModerationItem(models.Model):
    """One part (a review, its 追评, the shop's reply, a service review) waiting for a moderator.

    ``reasons`` are content reasons (the part is held until decided) and fraud signals (the part
    stays published; the moderator reads ``signals``, each ``{"code", "params"}`` explained in words
    by ``selectors.signal_explanations``). One open item per part: a new finding joins it."""

    part = models.CharField(_("part"), max_length=16, choices=Part.choices)
    review = models.ForeignKey(
        Review,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="moderation_items",
        verbose_name=_("review"),
    )
    service_review = models.ForeignKey(
        ServiceReview,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="moderation_items",
        verbose_name=_("service review"),
    )
    merchant = models.ForeignKey(
        "catalog.Merchant", on_delete=models.PROTECT, related_name="+", verbose_name=_("merchant")
    )
    reasons = models.JSONField(_("reasons"), default=list)
    signals = models.JSONField(_("signals"), default=list, blank=True)
    held = models.BooleanField(_("held until decided"), default=False)
    created_at = models.DateTimeField(_("created at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision = models.CharField(
        _("decision"), max_length=16, choices=ModerationAction.choices, blank=True
    )
    decided_by = models.CharField(_("decided by"), max_length=64, blank=True)
    decision_reason = models.TextField(_("reason of the decision"), blank=True)

    objects = ScopedManager["ModerationItem"]()
    unscoped = models.Manager["ModerationItem"]()
    scope = Scope()  # platform staff only

    class Meta:
        verbose_name = _("moderation item")
        verbose_name_plural = _("moderation items")
        constraints = [
            models.UniqueConstraint(
                fields=["part", "review"],
                condition=Q(decided_at__isnull=True, review__isnull=False),
                name="reviews_one_open_item_per_part",
            ),
            models.UniqueConstraint(
                fields=["service_review"],
                condition=Q(decided_at__isnull=True, service_review__isnull=False),
                name="reviews_one_open_item_per_service_review",
            ),
            models.CheckConstraint(
                condition=Q(part=Part.SERVICE, service_review__isnull=False, review__isnull=True)
                | (~Q(part=Part.SERVICE) & Q(review__isnull=False, service_review__isnull=True)),
                name="reviews_item_names_its_part",
            ),
        ]
        indexes = [
            models.Index(
                fields=["-created_at", "-id"],
                name="reviews_open_queue",
                condition=Q(decided_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.part} {self.review_id or self.service_review_id}"


class ModerationEvent(models.Model):
    """One row per decision (and per finding that opened or joined an item): the history a
    moderator and an auditor read."""

    item = models.ForeignKey(
        ModerationItem, on_delete=models.CASCADE, related_name="events", verbose_name=_("item")
    )
    action = models.CharField(_("action"), max_length=16)  # flag, publish, hide, reject
    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16, blank=True)
    actor = models.CharField(_("actor"), max_length=64)
    actor_role = models.CharField(_("actor role"), max_length=32)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("moderation event")
        verbose_name_plural = _("moderation events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.action}"
