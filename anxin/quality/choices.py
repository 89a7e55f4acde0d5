"""The quality app's states and kinds (stored values in English, labels translated)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Metric(models.TextChoices):
    """What a control chart counts: units returned for one group of reasons per unit delivered."""

    DEFECT = "defect", _("Defective")
    NOT_AS_DESCRIBED = "not_as_described", _("Not as described")
    DAMAGED = "damaged", _("Damaged in transit")


# The after-sales reasons (policies.Reason codes) each chart counts. Counterfeit claims count as
# defects: both are quality failures of the goods themselves.
METRIC_REASONS: dict[str, tuple[str, ...]] = {
    Metric.DEFECT: ("quality", "quality/defect", "quality/counterfeit"),
    Metric.NOT_AS_DESCRIBED: ("quality/not_as_described",),
    Metric.DAMAGED: ("logistics/damaged_in_transit",),
}
NOT_AS_DESCRIBED_REASON = "quality/not_as_described"


class AlertStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("quality alert status", "Open")
    CLOSED = "closed", pgettext_lazy("quality alert status", "Closed")


class BaselineSource(models.TextChoices):
    """Where a chart's centre line came from: the SKU's own history (shrunk toward its category)
    or, for a young SKU, its category alone."""

    SKU = "sku", _("The product's own history")
    CATEGORY = "category", _("Its category")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Waiting for an inspector")
    INSPECTING = "inspecting", _("Being inspected")
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed: rectification requested")
    OVERDUE = "overdue", _("Rectification overdue")
    REINSPECTING = "reinspecting", _("Rectified: being re-inspected")
    CANCELLED = "cancelled", _("Cancelled")


TASK_TERMINAL = frozenset({TaskStatus.PASSED, TaskStatus.CANCELLED})


class TaskOrigin(models.TextChoices):
    ALERT = "alert", _("Quality alert")
    SAMPLING = "sampling", _("Routine sampling")
    MANUAL = "manual", _("Opened by an inspector")


class InspectionMethod(models.TextChoices):
    VISUAL = "visual", _("Visual and dimensional check")
    FUNCTIONAL = "functional", _("Functional test")
    LAB = "lab", _("Third-party laboratory test")
    AUTHENTICITY = "authenticity", _("Authenticity check")


class InspectionResult(models.TextChoices):
    PASS = "pass", pgettext_lazy("inspection result", "Pass")
    FAIL = "fail", pgettext_lazy("inspection result", "Fail")


class RectificationStatus(models.TextChoices):
    REQUESTED = "requested", pgettext_lazy("rectification status", "Requested")
    SUBMITTED = "submitted", pgettext_lazy("rectification status", "Submitted")
    ACCEPTED = "accepted", pgettext_lazy("rectification status", "Accepted")
    REJECTED = "rejected", pgettext_lazy("rectification status", "Rejected")
    OVERDUE = "overdue", pgettext_lazy("rectification status", "Overdue")


class PlanFrequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")
    QUARTERLY = "quarterly", _("Quarterly")
