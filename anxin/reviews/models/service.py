"""The after-sales service review: one per closed case, by its consumer."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxin.core.models import PublicModel
from anxin.core.scoping import Scope, ScopedManager

from ..choices import ReviewStatus


class ServiceReview(PublicModel):
    """Was the merchant fair, fast and polite in handling the request (1–5 each), with a comment.
    The scores count for the merchant's credit whatever happens to the comment; a comment held by
    moderation is only not shown."""

    case = models.OneToOneField(
        "cases.Case",
        on_delete=models.PROTECT,
        related_name="service_review",
        verbose_name=_("case"),
    )
    merchant = models.ForeignKey(
        "catalog.Merchant", on_delete=models.PROTECT, related_name="+", verbose_name=_("merchant")
    )
    customer = models.ForeignKey(
        "catalog.Customer", on_delete=models.PROTECT, related_name="+", verbose_name=_("customer")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    fair = models.PositiveSmallIntegerField(_("fair"))
    fast = models.PositiveSmallIntegerField(_("fast"))
    polite = models.PositiveSmallIntegerField(_("polite"))
    comment = models.TextField(_("comment"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.PUBLISHED
    )

    objects = ScopedManager["ServiceReview"]()
    unscoped = models.Manager["ServiceReview"]()  # figures for credit read across tenants
    scope = Scope(merchant="merchant_id", customer="customer_id")

    class Meta:
        verbose_name = _("service review")
        verbose_name_plural = _("service reviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(fair__gte=1, fair__lte=5)
                & Q(fast__gte=1, fast__lte=5)
                & Q(polite__gte=1, polite__lte=5),
                name="reviews_service_scores_1_5",
            )
        ]
        indexes = [models.Index(fields=["merchant", "-created_at"], name="reviews_service_by_shop")]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.fair}/{self.fast}/{self.polite}"
