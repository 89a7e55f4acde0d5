"""Satisfaction (CSAT) and recommendation (NPS) surveys, the feedback-points ledger (积分) and
quality-review (QA) samples and scorecards."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxin.core import clock
from anxin.core.fields import EncryptedTextField
from anxin.core.models import PublicModel
from anxin.core.scoping import Scope, ScopedManager

from .choices import QA_CRITERIA, AnswerChannel, PointsReason, SubjectType, SurveyKind

COMMENT_MAX = 2000


class Survey(PublicModel):
    """One satisfaction survey per closed ticket or finished case, answered once (1–5 and a
    comment) in the app or through the signed link of its e-mail, within 30 days."""

    kind = models.CharField(
        _("kind"), max_length=8, choices=SurveyKind.choices, default=SurveyKind.CSAT
    )
    subject_type = models.CharField(_("subject type"), max_length=32, choices=SubjectType.choices)
    subject_id = models.BigIntegerField(_("subject id"))
    subject_number = models.CharField(_("number"), max_length=20)
    merchant = models.ForeignKey(
        "catalog.Merchant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merchant"),
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="surveys",
        verbose_name=_("recipient"),
    )
    email = EncryptedTextField(_("e-mail"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="zh-hans")
    # The agent who handled the ticket when it closed: the CSAT is theirs.
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("agent"),
    )
    sent_at = models.DateTimeField(_("sent at"))
    expires_at = models.DateTimeField(_("expires at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX, blank=True)
    channel = models.CharField(
        _("answered"), max_length=12, choices=AnswerChannel.choices, blank=True
    )
    points = models.PositiveIntegerField(_("points credited"), default=0)

    objects = ScopedManager["Survey"]()
    unscoped = models.Manager["Survey"]()  # reads that deliberately cross tenants
    scope = Scope(owner="recipient_id", platform=False)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id"], name="feedback_survey_one_per_subject"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=1, score__lte=5),
                name="feedback_survey_score_1_5",
            ),
            models.CheckConstraint(
                condition=Q(answered_at__isnull=True, score__isnull=True)
                | Q(answered_at__isnull=False, score__isnull=False),
                name="feedback_survey_answer_has_score",
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "answered_at"], name="feedback_survey_recipient"),
            models.Index(fields=["agent", "sent_at"], name="feedback_survey_agent"),
            # Analytics reads the answers since its watermark (anxin/analytics).
            models.Index(fields=["answered_at"], name="feedback_survey_answered"),
        ]

    def __str__(self) -> str:
        return f"CSAT {self.subject_number}"

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    @property
    def expired(self) -> bool:
        return self.answered_at is None and clock.now() >= self.expires_at


class NpsSurvey(PublicModel):
    """A consumer's "would you recommend us?" (0–10), once per period (e.g. 2026Q4)."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="nps_surveys",
        verbose_name=_("recipient"),
    )
    period = models.CharField(_("period"), max_length=8)
    sent_at = models.DateTimeField(_("invited at"))
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    score = models.PositiveSmallIntegerField(_("score"), null=True, blank=True)
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX, blank=True)
    points = models.PositiveIntegerField(_("points credited"), default=0)

    objects = ScopedManager["NpsSurvey"]()
    unscoped = models.Manager["NpsSurvey"]()  # reads that deliberately cross tenants
    scope = Scope(owner="recipient_id", platform=False)

    class Meta:
        verbose_name = _("recommendation survey")
        verbose_name_plural = _("recommendation surveys")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "period"], name="feedback_nps_one_per_period"
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | Q(score__gte=0, score__lte=10),
                name="feedback_nps_score_0_10",
            ),
        ]

    def __str__(self) -> str:
        return f"NPS {self.period}"


class PointsEntry(models.Model):
    """One line of a user's feedback-points ledger (append-only). ``seq`` counts a user's
    entries 1, 2, 3…: two writers that read the same last entry cannot both append, and the
    balance can never go below zero (both kept by the database)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="points_entries",
        verbose_name=_("user"),
    )
    seq = models.PositiveIntegerField(_("sequence"))
    delta = models.IntegerField(_("points"))
    balance_after = models.IntegerField(_("balance"))
    reason = models.CharField(_("reason"), max_length=16, choices=PointsReason.choices)
    ref = models.CharField(_("reference"), max_length=100, unique=True)
    created_at = models.DateTimeField(_("time"), default=clock.now)

    objects = ScopedManager["PointsEntry"]()
    unscoped = models.Manager["PointsEntry"]()  # reads that deliberately cross tenants
    scope = Scope(owner="user_id", platform=False)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points entries")
        ordering = ["user", "-seq"]
        constraints = [
            models.UniqueConstraint(fields=["user", "seq"], name="feedback_points_user_seq"),
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="feedback_points_never_negative"
            ),
            models.CheckConstraint(condition=~Q(delta=0), name="feedback_points_nonzero"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}#{self.seq} {self.delta:+d}"


class QaSample(models.Model):
    """A closed ticket picked at random for quality review."""

    ticket = models.OneToOneField(
        "tickets.Ticket",
        on_delete=models.CASCADE,
        related_name="qa_sample",
        verbose_name=_("ticket"),
    )
    sampled_at = models.DateTimeField(_("sampled at"))
    sampled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sampled by"),
    )

    class Meta:
        verbose_name = _("quality sample")
        verbose_name_plural = _("quality samples")
        ordering = ["-sampled_at", "-pk"]

    def __str__(self) -> str:
        return f"QA sample {self.ticket_id}"


def _one_to_five(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{name}__gte": 1, f"{name}__lte": 5}), name=f"feedback_qa_{name}_1_5"
    )


class QaScorecard(models.Model):
    """A supervisor's review of one closed ticket (once per ticket): four criteria, 1–5 each,
    credited to the agent who handled it."""

    ticket = models.OneToOneField(
        "tickets.Ticket",
        on_delete=models.CASCADE,
        related_name="qa_scorecard",
        verbose_name=_("ticket"),
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="qa_scorecards",
        verbose_name=_("agent"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("reviewer"),
    )
    professionalism = models.PositiveSmallIntegerField(_("professionalism"))
    accuracy = models.PositiveSmallIntegerField(_("accuracy"))
    empathy = models.PositiveSmallIntegerField(_("empathy"))
    policy_compliance = models.PositiveSmallIntegerField(_("policy compliance"))
    comment = models.TextField(_("comment"), max_length=COMMENT_MAX, blank=True)
    created_at = models.DateTimeField(_("time"), default=clock.now)

    class Meta:
        verbose_name = _("quality scorecard")
        verbose_name_plural = _("quality scorecards")
        ordering = ["-created_at", "-pk"]
        constraints = [_one_to_five(name) for name in QA_CRITERIA]
        indexes = [models.Index(fields=["agent", "created_at"], name="feedback_qa_agent")]

    def __str__(self) -> str:
        return f"QA {self.ticket_id}"

    @property
    def total(self) -> int:
        return sum(int(getattr(self, name)) for name in QA_CRITERIA)

    @property
    def average(self) -> Decimal:
        return (Decimal(self.total) / len(QA_CRITERIA)).quantize(Decimal("0.01"))
