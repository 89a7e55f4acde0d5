"""Writes of the feedback app: answering surveys, the points ledger, NPS invitations and the checks
of a QA scorecard. The survey sent on close is in ``hooks.py``; sampling and scoring tickets read
tickets, so they are ``anxin.tickets.quality`` (docs/decisions/0013-layers.md)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from anxin.core import clock
from anxin.core.actors import SYSTEM, Actor, Role
from anxin.core.audit import audit_record
from anxin.core.errors import Conflict, NotFound, ValidationFailed
from anxin.notifications.outbox import notify

from .choices import QA_CRITERIA, AnswerChannel, PointsReason
from .errors import FeedbackErrorCode, SurveyExpired
from .models import COMMENT_MAX, NpsSurvey, PointsEntry, Survey
from .rules import csat_points, nps_period, nps_points
from .selectors import points_balance

__all__ = [
    "nps_answer",
    "nps_invite_due",
    "points_balance",
    "points_credit",
    "points_debit",
    "survey_answer",
]


def _score(value: object, low: int, high: int, field: str = "score") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationFailed(
            fields={
                field: _("Choose a score from %(low)s to %(high)s.") % {"low": low, "high": high}
            }
        )
    return value


def comment_clean(value: str) -> str:
    """A survey's or scorecard's comment, trimmed; at most COMMENT_MAX characters."""
    text = (value or "").strip()
    if len(text) > COMMENT_MAX:
        raise ValidationFailed(
            fields={"comment": _("At most %(n)s characters, please.") % {"n": f"{COMMENT_MAX:,}"}}
        )
    return text


# --- points ----------------------------------------------------------------------------------------


def _append(*, user_id: int, delta: int, reason: str, ref: str) -> PointsEntry:
    """Add one ledger line after the user's last one, locked so that writers take turns.

    The lock is the rule; the database keeps it too: ``(user, seq)`` is unique, so two writers
    that read the same last line cannot both append, and a balance below zero is refused."""
    last = PointsEntry.objects.select_for_update().filter(user_id=user_id).order_by("-seq").first()
    balance = (last.balance_after if last is not None else 0) + delta
    if balance < 0:
        raise ValidationFailed(
            _("Not enough points."),
            code=FeedbackErrorCode.POINTS_INSUFFICIENT,
            fields={
                "amount": _("You have %(balance)s points.")
                % {"balance": last.balance_after if last is not None else 0}
            },
        )
    try:
        with transaction.atomic():
            return PointsEntry.objects.create(
                user_id=user_id,
                seq=(last.seq if last is not None else 0) + 1,
                delta=delta,
                balance_after=balance,
                reason=reason,
                ref=ref,
                created_at=clock.now(),
            )
    except IntegrityError as exc:
        same = PointsEntry.unscoped.filter(ref=ref).first()
        if same is not None:
            return same  # the same credit, written by a concurrent call
        raise Conflict(
            _("Your points changed at the same moment; please try again."),
            code=FeedbackErrorCode.POINTS_BUSY,
        ) from exc


def _points_write(*, user_id: int, delta: int, reason: str, ref: str) -> PointsEntry:
    if not ref or len(ref) > 100:
        raise ValidationFailed(fields={"ref": _("Give a reference of at most 100 characters.")})
    existing = PointsEntry.unscoped.filter(ref=ref).first()
    if existing is not None:
        return existing  # idempotent: the same reference is one entry, however often it is sent
    entry = _append(user_id=user_id, delta=delta, reason=reason, ref=ref)
    audit_record(
        actor=SYSTEM,
        action="feedback.points.credit" if delta > 0 else "feedback.points.debit",
        subject_type="accounts.user",
        subject_id=user_id,
        data={"delta": delta, "balance": entry.balance_after, "reason": reason, "ref": ref},
    )
    return entry


def _amount(amount: int) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise ValidationFailed(fields={"amount": _("Give a whole number of points above zero.")})
    return amount


@transaction.atomic
def points_credit(*, user_id: int, amount: int, reason: str, ref: str) -> PointsEntry:
    """Add points; ``ref`` (e.g. "survey:<uuid>") makes a repeated call the same single entry."""
    return _points_write(user_id=user_id, delta=_amount(amount), reason=reason, ref=ref)


@transaction.atomic
def points_debit(*, user_id: int, amount: int, reason: str, ref: str) -> PointsEntry:
    """Take points away; never below zero (ValidationFailed), idempotent by ``ref``."""
    return _points_write(user_id=user_id, delta=-_amount(amount), reason=reason, ref=ref)


# --- satisfaction surveys --------------------------------------------------------------------------


@transaction.atomic
def survey_answer(
    *,
    survey: Survey,
    score: int,
    comment: str = "",
    channel: str,
    actor: Actor | None = None,
) -> Survey:
    """Record the one answer a survey takes (in the app, or through its signed link with no
    actor) and credit the recipient's feedback points in the same transaction."""
    if channel not in AnswerChannel.values:
        raise ValidationFailed(fields={"channel": _("Unknown answer channel.")})
    locked = Survey.objects.select_for_update().get(pk=survey.pk)
    if actor is not None and (actor.user_id is None or actor.user_id != locked.recipient_id):
        raise NotFound()
    if locked.answered_at is not None:
        raise Conflict(
            _("You have already answered this survey. Thank you!"),
            code=FeedbackErrorCode.SURVEY_ANSWERED,
        )
    now = clock.now()
    if now >= locked.expires_at:
        raise SurveyExpired()
    locked.score = _score(score, 1, 5)
    locked.comment = comment_clean(comment)
    locked.channel = channel
    locked.answered_at = now
    if locked.recipient_id is not None:
        entry = points_credit(
            user_id=locked.recipient_id,
            amount=csat_points(),
            reason=PointsReason.CSAT,
            ref=f"survey:{locked.public_id}",
        )
        locked.points = entry.delta
    locked.save(
        update_fields=["score", "comment", "channel", "answered_at", "points", "updated_at"]
    )
    audit_record(
        actor=actor or "survey-link",
        action="feedback.survey.answer",
        subject_type="feedback.survey",
        subject_id=locked.pk,
        data={"score": locked.score, "channel": channel, "number": locked.subject_number},
    )
    return locked


# --- NPS -------------------------------------------------------------------------------------------

NPS_TITLE = _("Would you recommend Anxin?")
NPS_BODY = _(
    "How likely are you to recommend us to a friend, from 0 to 10? Answer under “Points” "
    "and earn %(points)s feedback points."
)


def nps_invite_due(
    *, served: Collection[int], now: datetime | None = None, period: str | None = None
) -> int:
    """Invite every active consumer among ``served`` (the users served in the last 90 days, which
    the desk gathers: ``anxin.tickets.nps``) who has no NPS survey for the period yet (idempotent:
    run it as often as you like). Returns how many were invited."""
    now = now or clock.now()
    period = period or nps_period(now)
    served = set(served)
    if not served:
        return 0
    asked = set(
        NpsSurvey.unscoped.filter(period=period, recipient_id__in=served).values_list(
            "recipient_id", flat=True
        )
    )
    people = get_user_model().objects.filter(
        pk__in=served - asked, is_active=True, role=Role.CONSUMER
    )
    invited = 0
    for user in people.order_by("pk"):
        try:
            with transaction.atomic():
                nps = NpsSurvey.objects.create(recipient=user, period=period, sent_at=now)
                notify(
                    recipients=[user],
                    kind="nps",
                    render=lambda: (str(NPS_TITLE), str(NPS_BODY) % {"points": nps_points()}),
                    at=now,
                )
                audit_record(
                    actor=SYSTEM,
                    action="feedback.nps.invite",
                    subject_type="feedback.npssurvey",
                    subject_id=nps.pk,
                    data={"period": period},
                )
        except IntegrityError:
            continue  # invited by a concurrent run
        invited += 1
    return invited


@transaction.atomic
def nps_answer(*, actor: Actor, nps: NpsSurvey, score: int, comment: str = "") -> NpsSurvey:
    """The recipient's one answer (0–10) to their NPS survey; credits feedback points."""
    locked = NpsSurvey.objects.select_for_update().get(pk=nps.pk)
    if actor.user_id is None or actor.user_id != locked.recipient_id:
        raise NotFound()
    if locked.answered_at is not None:
        raise Conflict(
            _("You have already answered this survey. Thank you!"),
            code=FeedbackErrorCode.NPS_ANSWERED,
        )
    locked.score = _score(score, 0, 10)
    locked.comment = comment_clean(comment)
    locked.answered_at = clock.now()
    entry = points_credit(
        user_id=locked.recipient_id,
        amount=nps_points(),
        reason=PointsReason.NPS,
        ref=f"nps:{locked.public_id}",
    )
    locked.points = entry.delta
    locked.save(update_fields=["score", "comment", "answered_at", "points", "updated_at"])
    audit_record(
        actor=actor,
        action="feedback.nps.answer",
        subject_type="feedback.npssurvey",
        subject_id=locked.pk,
        data={"score": locked.score, "period": locked.period},
    )
    return locked


# --- quality review (the ticket side is ``anxin.tickets.quality``) --------------------------------


def qa_criteria_check(values: dict[str, int]) -> None:
    """Every criterion of a QA scorecard is scored 1 to 5 (ValidationFailed names each bad one)."""
    problems = {}
    for name in QA_CRITERIA:
        try:
            _score(values[name], 1, 5, field=name)
        except ValidationFailed as error:
            problems.update(error.fields)
    if problems:
        raise ValidationFailed(fields=problems)
