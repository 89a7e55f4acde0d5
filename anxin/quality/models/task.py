"""Quality tasks (inspections of one SKU), their history, inspection records and the
rectifications (整改) asked of the merchant after a failed inspection."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxin.core.fields import MoneyField
from anxin.core.models import PublicModel
from anxin.core.scoping import Scope, ScopedManager

from ..choices import (
    InspectionMethod,
    InspectionResult,
    RectificationStatus,
    TaskOrigin,
    TaskStatus,
)


class QualityTask(PublicModel):
    """An inspection of one SKU, opened by an alert or a sampling plan; ``status`` changes only
    through ``QUALITY_TASK_WORKFLOW`` (``workflow.py``). ``round`` counts inspections (1 the
    first, 2+ re-inspections after a rectification)."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    merchant = models.ForeignKey(
        "catalog.Merchant", on_delete=models.PROTECT, related_name="+", verbose_name=_("merchant")
    )
    sku = models.ForeignKey(
        "catalog.Sku", on_delete=models.PROTECT, related_name="+", verbose_name=_("SKU")
    )
    origin = models.CharField(_("origin"), max_length=12, choices=TaskOrigin.choices)
    alert = models.OneToOneField(
        "quality.QualityAlert",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="task",
        verbose_name=_("alert"),
    )
    plan = models.ForeignKey(
        "quality.SamplingPlan",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("sampling plan"),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=TaskStatus.choices, default=TaskStatus.OPEN
    )
    state_version = models.PositiveIntegerField(_("state version"), default=0)
    round = models.PositiveSmallIntegerField(_("inspection round"), default=1)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inspector"),
    )
    # The open rectification's deadline while the task waits on the merchant.
    due_at = models.DateTimeField(_("rectification due"), null=True, blank=True)
    penalty = MoneyField(_("penalty"), default=0)
    delisted = models.BooleanField(_("SKU taken off sale by this task"), default=False)
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    objects = ScopedManager["QualityTask"]()
    unscoped = models.Manager["QualityTask"]()
    scope = Scope(merchant="merchant_id")

    class Meta:
        verbose_name = _("quality task")
        verbose_name_plural = _("quality tasks")
        ordering = ["-opened_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "opened_at"]),
            models.Index(fields=["merchant", "status"]),
        ]

    def __str__(self) -> str:
        return self.number


class QualityTaskEvent(models.Model):
    """The task's history: one row per transition (who, when, why)."""

    task = models.ForeignKey(
        QualityTask, on_delete=models.CASCADE, related_name="events", verbose_name=_("task")
    )
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16)
    actor = models.CharField(_("actor"), max_length=64)
    actor_role = models.CharField(_("actor role"), max_length=32)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("quality task event")
        verbose_name_plural = _("quality task events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.action}"


class InspectionRecord(PublicModel):
    """One sampling inspection of a task's round: how many units, how, by which laboratory, the
    report (a validated PDF or image) and the result."""

    task = models.ForeignKey(
        QualityTask, on_delete=models.PROTECT, related_name="inspections", verbose_name=_("task")
    )
    merchant = models.ForeignKey(
        "catalog.Merchant", on_delete=models.PROTECT, related_name="+", verbose_name=_("merchant")
    )
    round = models.PositiveSmallIntegerField(_("inspection round"))
    sample_size = models.PositiveIntegerField(_("units sampled"))
    method = models.CharField(_("method"), max_length=16, choices=InspectionMethod.choices)
    lab_name = models.CharField(_("laboratory"), max_length=120, blank=True)
    report = models.FileField(_("report"), upload_to="quality/reports/%Y/%m/", blank=True)
    report_content_type = models.CharField(_("report type"), max_length=40, blank=True)
    report_size = models.PositiveIntegerField(_("report size"), default=0)
    report_sha256 = models.CharField(_("report SHA-256"), max_length=64, blank=True)
    result = models.CharField(_("result"), max_length=8, choices=InspectionResult.choices)
    defects_found = models.PositiveIntegerField(_("defective units found"), default=0)
    notes = models.TextField(_("findings"), max_length=4000, blank=True)
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inspector"),
    )
    inspected_by = models.CharField(_("inspected by"), max_length=64)
    inspected_at = models.DateTimeField(_("inspected at"))

    objects = ScopedManager["InspectionRecord"]()
    unscoped = models.Manager["InspectionRecord"]()
    scope = Scope(merchant="merchant_id")

    class Meta:
        verbose_name = _("inspection record")
        verbose_name_plural = _("inspection records")
        ordering = ["-inspected_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(defects_found__lte=models.F("sample_size")),
                name="quality_inspection_defects_lte_sample",
            )
        ]

    def __str__(self) -> str:
        return f"{self.task_id}/{self.round}: {self.result}"


class Rectification(PublicModel):
    """What the merchant is asked to put right after a failed inspection (整改), by when, and what
    it says it changed (with an optional file); a re-inspection accepts or rejects it."""

    task = models.ForeignKey(
        QualityTask, on_delete=models.PROTECT, related_name="rectifications", verbose_name=_("task")
    )
    merchant = models.ForeignKey(
        "catalog.Merchant", on_delete=models.PROTECT, related_name="+", verbose_name=_("merchant")
    )
    round = models.PositiveSmallIntegerField(_("after inspection round"))
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=RectificationStatus.choices,
        default=RectificationStatus.REQUESTED,
    )
    request = models.TextField(_("what to put right"), max_length=4000)
    # The aspects consumers complained about (lexicon), as the merchant reads them.
    aspects = models.JSONField(_("what consumers said"), default=list, blank=True)
    requested_at = models.DateTimeField(_("requested at"))
    due_at = models.DateTimeField(_("due"))
    response = models.TextField(_("what the merchant changed"), max_length=4000, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_by = models.CharField(_("submitted by"), max_length=64, blank=True)
    # What the shop attached to its answer (a supplier certificate, a test report, photos of the
    # corrected listing): a checked PDF or a re-encoded image, as inspection reports are.
    file = models.FileField(
        _("attached file"), upload_to="quality/rectifications/%Y/%m/", blank=True
    )
    file_name = models.CharField(_("file name"), max_length=200, blank=True)
    file_content_type = models.CharField(_("file type"), max_length=40, blank=True)
    file_size = models.PositiveIntegerField(_("file size"), default=0)
    file_sha256 = models.CharField(_("file SHA-256"), max_length=64, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    objects = ScopedManager["Rectification"]()
    unscoped = models.Manager["Rectification"]()
    scope = Scope(merchant="merchant_id")

    class Meta:
        verbose_name = _("rectification request")
        verbose_name_plural = _("rectification requests")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["task", "round"], name="quality_rectification_round")
        ]

    def __str__(self) -> str:
        return f"{self.task_id}/{self.round}: {self.status}"
