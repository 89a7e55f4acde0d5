"""The thresholds that act, the steps they took (sanctions) and the merchants' appeals."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxin.core.models import PublicModel
from anxin.core.scoping import Scope, ScopedManager

from ..choices import AppealDecision, SanctionStatus, Step, Tier


class CreditThreshold(models.Model):
    """A policy row of the ladder: take ``step`` once a merchant's score has stayed below
    ``below`` for ``days`` days running (seeded by a data migration, edited by administrators).
    After a step is overturned on appeal or lifted, it is not taken again for ``grace_days``."""

    step = models.CharField(_("step"), max_length=20, choices=Step.choices, unique=True)
    below = models.DecimalField(
        _("score below"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    days = models.PositiveSmallIntegerField(
        _("days in a row"), default=1, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    deposit_factor = models.DecimalField(
        _("deposit multiplied by"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    grace_days = models.PositiveSmallIntegerField(_("grace days after an overturn"), default=30)
    enabled = models.BooleanField(_("enabled"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.CharField(_("updated by"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("credit threshold")
        verbose_name_plural = _("credit thresholds")
        ordering = ["-below"]
        constraints = [
            models.CheckConstraint(
                condition=Q(below__gte=0, below__lte=100), name="credit_threshold_0_100"
            ),
            models.CheckConstraint(
                condition=Q(deposit_factor__isnull=True) | Q(deposit_factor__gte=1),
                name="credit_threshold_factor_gte_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.step} < {self.below}"


class Sanction(PublicModel):
    """A step the ladder took against a merchant (or proposed, for an exit), with the score and
    the factors that led to it. ``data`` keeps what undoing it needs (the deposit before)."""

    merchant = models.ForeignKey(
        "catalog.Merchant",
        on_delete=models.PROTECT,
        related_name="credit_sanctions",
        verbose_name=_("merchant"),
    )
    step = models.CharField(_("step"), max_length=20, choices=Step.choices)
    status = models.CharField(_("status"), max_length=16, choices=SanctionStatus.choices)
    day = models.DateField(_("day"))
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2)
    tier = models.CharField(_("tier"), max_length=16, choices=Tier.choices)
    factors = models.JSONField(_("factors at the time"), default=dict)
    reason = models.TextField(_("reason"), max_length=1000)
    data = models.JSONField(_("data"), default=dict, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=64, blank=True)
    decision_note = models.TextField(_("decision note"), max_length=1000, blank=True)

    objects = ScopedManager["Sanction"]()
    unscoped = models.Manager["Sanction"]()  # the daily job reads every shop's
    scope = Scope(merchant="merchant_id")

    class Meta:
        verbose_name = _("credit sanction")
        verbose_name_plural = _("credit sanctions")
        ordering = ["-created_at", "-pk"]
        constraints = [
            # one step of a kind per merchant per day: recomputing a day takes nothing twice
            models.UniqueConstraint(fields=["merchant", "step", "day"], name="credit_sanction_once")
        ]
        indexes = [models.Index(fields=["merchant", "step", "status"])]

    def __str__(self) -> str:
        return f"{self.merchant_id} {self.step} {self.day}"


class Appeal(PublicModel):
    """The merchant's one appeal of a sanction: a statement and an optional file, decided by a
    platform administrator (uphold, or overturn — which undoes what can be undone)."""

    sanction = models.OneToOneField(
        Sanction, on_delete=models.CASCADE, related_name="appeal", verbose_name=_("sanction")
    )
    merchant = models.ForeignKey(
        "catalog.Merchant", on_delete=models.PROTECT, related_name="+", verbose_name=_("merchant")
    )
    statement = models.TextField(_("statement"), max_length=2000)
    file = models.FileField(_("file"), upload_to="credit/appeals/%Y/%m/", blank=True)
    file_name = models.CharField(_("file name"), max_length=120, blank=True)
    filed_by = models.CharField(_("filed by"), max_length=64)
    filed_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("filed by user"),
    )
    decision = models.CharField(
        _("decision"), max_length=16, choices=AppealDecision.choices, blank=True
    )
    decision_note = models.TextField(_("decision note"), max_length=1000, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=64, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ScopedManager["Appeal"]()
    unscoped = models.Manager["Appeal"]()
    scope = Scope(merchant="merchant_id")

    class Meta:
        verbose_name = _("credit appeal")
        verbose_name_plural = _("credit appeals")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"appeal {self.sanction_id}"
