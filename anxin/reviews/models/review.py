"""A verified-purchase review of an order line, its photos, its 追评 and the shop's public reply."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxin.core.models import PublicModel
from anxin.core.scoping import Scope, ScopedManager

from ..choices import Part, ReviewStatus

STARS = Q(stars__gte=1, stars__lte=5)


class Review(PublicModel):
    """One review per order line, by the order's consumer after delivery. ``merchant`` and ``sku``
    are copied from the line so that the public lists read one table; ``has_photos`` and
    ``has_appended`` (a published 追评) are kept for the 有图/追评 tabs. The text is plain text:
    it is stored as written and escaped wherever it is shown."""

    line = models.OneToOneField(
        "catalog.OrderLine",
        on_delete=models.PROTECT,
        related_name="review",
        verbose_name=_("order line"),
    )
    order = models.ForeignKey(
        "catalog.Order", on_delete=models.PROTECT, related_name="+", verbose_name=_("order")
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
    merchant = models.ForeignKey(
        "catalog.Merchant", on_delete=models.PROTECT, related_name="+", verbose_name=_("merchant")
    )
    sku = models.ForeignKey(
        "catalog.Sku", on_delete=models.PROTECT, related_name="+", verbose_name=_("SKU")
    )
    stars = models.PositiveSmallIntegerField(_("stars"))
    description_stars = models.PositiveSmallIntegerField(
        _("as described (stars)"), null=True, blank=True
    )
    text = models.TextField(_("text"), max_length=500, blank=True)
    anonymous = models.BooleanField(_("anonymous"), default=False)
    status = models.CharField(
        _("status"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.PUBLISHED
    )
    has_photos = models.BooleanField(_("with photos"), default=False)
    has_appended = models.BooleanField(_("with a published appended review"), default=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    # Keyed hashes only (never the address or the device string): what the cluster signal compares.
    address_hash = models.CharField(_("address hash"), max_length=64, blank=True)
    device_hash = models.CharField(_("device hash"), max_length=64, blank=True)

    objects = ScopedManager["Review"]()
    unscoped = models.Manager["Review"]()  # public lists and figures read across tenants
    scope = Scope(merchant="merchant_id", customer="customer_id")

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.CheckConstraint(condition=STARS, name="reviews_review_stars_1_5"),
            models.CheckConstraint(
                condition=Q(description_stars__isnull=True)
                | Q(description_stars__gte=1, description_stars__lte=5),
                name="reviews_review_description_stars_1_5",
            ),
        ]
        indexes = [
            # the public lists: one SKU's / one shop's published reviews, newest first
            models.Index(fields=["sku", "status", "-created_at", "-id"], name="reviews_sku_list"),
            models.Index(
                fields=["merchant", "status", "-created_at", "-id"], name="reviews_merchant_list"
            ),
            models.Index(
                fields=["sku", "-created_at", "-id"],
                name="reviews_sku_photos",
                condition=Q(status="published", has_photos=True),
            ),
            models.Index(
                fields=["sku", "-created_at", "-id"],
                name="reviews_sku_appended",
                condition=Q(status="published", has_appended=True),
            ),
            models.Index(
                fields=["sku", "-created_at", "-id"],
                name="reviews_sku_negative",
                condition=Q(status="published", stars__lte=2),
            ),
            models.Index(fields=["customer", "-created_at"], name="reviews_by_customer"),
            models.Index(fields=["address_hash", "created_at"], name="reviews_by_address"),
            models.Index(fields=["device_hash", "created_at"], name="reviews_by_device"),
        ]

    def __str__(self) -> str:
        return f"{self.sku_id}: {self.stars}★"


class AppendedReview(models.Model):
    """The 追评: one per review, within 180 days of it, moderated on its own."""

    review = models.OneToOneField(
        Review, on_delete=models.CASCADE, related_name="appended", verbose_name=_("review")
    )
    text = models.TextField(_("text"), max_length=500)
    status = models.CharField(
        _("status"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.PUBLISHED
    )
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("appended review")
        verbose_name_plural = _("appended reviews")

    def __str__(self) -> str:
        return f"{self.review_id} +"


class MerchantReply(models.Model):
    """The shop's one public answer to a review. It may be edited (each edit is screened again and
    audited); ``author`` is who wrote the current text."""

    review = models.OneToOneField(
        Review, on_delete=models.CASCADE, related_name="reply", verbose_name=_("review")
    )
    text = models.TextField(_("text"), max_length=500)
    status = models.CharField(
        _("status"), max_length=16, choices=ReviewStatus.choices, default=ReviewStatus.PUBLISHED
    )
    author = models.CharField(_("author"), max_length=64)  # the actor's audit label
    author_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author (user)"),
    )
    replied_at = models.DateTimeField(_("replied at"))
    edited_at = models.DateTimeField(_("edited at"), null=True, blank=True)

    class Meta:
        verbose_name = _("merchant reply")
        verbose_name_plural = _("merchant replies")

    def __str__(self) -> str:
        return f"{self.review_id} reply"


class ReviewPhoto(PublicModel):
    """A photo of a review or of its 追评: checked and re-encoded without metadata, as evidence is."""

    review = models.ForeignKey(
        Review, on_delete=models.CASCADE, related_name="photos", verbose_name=_("review")
    )
    part = models.CharField(
        _("part"),
        max_length=16,
        choices=[(Part.REVIEW, Part.REVIEW.label), (Part.APPENDED, Part.APPENDED.label)],
        default=Part.REVIEW,
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    file = models.FileField(_("file"), upload_to="reviews/%Y/%m/")
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size"))
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("review photo")
        verbose_name_plural = _("review photos")
        ordering = ["part", "position", "pk"]
        indexes = [models.Index(fields=["review", "part", "position"])]

    def __str__(self) -> str:
        return f"{self.review_id}: {self.sha256[:12]}"
