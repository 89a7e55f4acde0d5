from django.db import models
from django.utils.translation import gettext_lazy as _


class DeadlineState(models.TextChoices):
    PENDING = "pending", _("pending")
    FIRED = "fired", _("fired")
    NOOP = "noop", _("not applicable when due")
    CANCELLED = "cancelled", _("cancelled")
    FAILED = "failed", _("failed")


class Calendar(models.TextChoices):
    NATURAL = "natural", _("natural time")
    BUSINESS = "business", _("business hours")


class Deadline(models.Model):
    """A durable timer: when ``due_at`` passes, the sweeper applies ``action`` to the subject once.

    The action is a workflow action of the subject's workflow, applied by actor ``system``;
    ``rule`` names the policy that set the deadline, for the subject's history.
    """

    subject_type = models.CharField(_("subject type"), max_length=64)
    subject_id = models.BigIntegerField(_("subject id"))
    kind = models.CharField(_("kind"), max_length=64)
    action = models.CharField(_("action"), max_length=64)
    rule = models.CharField(_("rule"), max_length=200, blank=True)
    calendar = models.CharField(
        _("calendar"), max_length=16, choices=Calendar.choices, default=Calendar.NATURAL
    )
    due_at = models.DateTimeField(_("due at"))
    state = models.CharField(
        _("state"), max_length=16, choices=DeadlineState.choices, default=DeadlineState.PENDING
    )
    cancel_on_transition = models.BooleanField(_("cancelled by any transition"), default=True)
    armed_version = models.PositiveIntegerField(_("subject version when armed"), null=True)
    created_at = models.DateTimeField(_("created at"))
    fired_at = models.DateTimeField(_("fired at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    outcome = models.CharField(_("outcome"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        indexes = [
            models.Index(
                fields=["due_at"],
                name="core_deadline_pending_due",
                condition=models.Q(state="pending"),
            ),
            models.Index(fields=["subject_type", "subject_id", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.subject_type}:{self.subject_id} {self.kind} @ {self.due_at:%Y-%m-%d %H:%M}"
