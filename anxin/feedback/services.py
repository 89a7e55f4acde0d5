"""Writes of the feedback app: answering surveys, the points ledger, NPS invitations and quality
review. The survey sent on close is in ``hooks.py``."""

from __future__ import annotations

import math
import random
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from anxin.core import clock
from anxin.core.actors import SYSTEM, Actor, Role
from anxin.core.audit import audit_record
from anxin.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from anxin.notifications.models import Notification
from anxin.tickets.choices import TicketStatus
from anxin.tickets.models import Ticket

from .choices import QA_CRITERIA, AnswerChannel, PointsReason
from .errors import FeedbackErrorCode, SurveyExpired
from .models import COMMENT_MAX, NpsSurvey, PointsEntry, QaSample, QaScorecard, Survey
from .permissions import can_review_quality
from .rules import csat_points, nps_lookback_days, nps_period, nps_points
from .selectors import handling_agent, points_balance

__all__ = [
    "nps_answer",
    "nps_invite_due",
    "points_balance",
    "points_credit",
    "points_debit",
    "qa_sample",
    "qa_score",
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


def _comment(value: str) -> str:
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
        same = PointsEntry.objects.filter(ref=ref).first()
        if same is not None:
            return same  # the same credit, written by a concurrent call
        raise Conflict(
            _("Your points changed at the same moment; please try again."),
            code=FeedbackErrorCode.POINTS_BUSY,
        ) from exc


def _points_write(*, user_id: int, delta: int, reason: str, ref: str) -> PointsEntry:
    if not ref or len(ref) > 100:
        raise ValidationFailed(fields={"ref": _("Give a reference of at most 100 characters.")})
    existing = PointsEntry.objects.filter(ref=ref).first()
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
    locked.comment = _comment(comment)
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


def _served_since(cutoff: datetime) -> set[int]:
    """Consumers whose ticket closed or whose case finished since ``cutoff``."""
    from anxin.cases.choices import TERMINAL
    from anxin.cases.models import CaseEvent

    ticket_users = Ticket.objects.filter(
        status=TicketStatus.CLOSED, closed_at__gte=cutoff, requester__isnull=False
    ).values_list("requester_id", flat=True)
    case_users = CaseEvent.objects.filter(
        to_status__in=list(TERMINAL), created_at__gte=cutoff, case__customer__user__isnull=False
    ).values_list("case__customer__user_id", flat=True)
    return {int(u) for u in ticket_users} | {int(u) for u in case_users}


def nps_invite_due(*, now: datetime | None = None, period: str | None = None) -> int:
    """Invite every active consumer served in the last 90 days who has no NPS survey for the
    period yet (idempotent: run it as often as you like). Returns how many were invited."""
    now = now or clock.now()
    period = period or nps_period(now)
    served = _served_since(now - timedelta(days=nps_lookback_days()))
    if not served:
        return 0
    asked = set(
        NpsSurvey.objects.filter(period=period, recipient_id__in=served).values_list(
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
                with translation.override(user.language or settings.LANGUAGE_CODE):
                    Notification.objects.create(
                        recipient=user,
                        kind="nps",
                        title=str(NPS_TITLE),
                        body=str(NPS_BODY) % {"points": nps_points()},
                        created_at=now,
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
    locked.comment = _comment(comment)
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


# --- quality review --------------------------------------------------------------------------------


def _require_reviewer(actor: Actor) -> None:
    if not can_review_quality(actor):
        raise Forbidden(_("Only supervisors review quality."))


@transaction.atomic
def qa_sample(
    *, actor: Actor, share: Decimal, since: datetime, seed: int | None = None
) -> list[QaSample]:
    """Put a random ``share`` (0–1) of the tickets closed since ``since`` that were never
    sampled or scored into the review queue (at least one when there are any)."""
    _require_reviewer(actor)
    if not isinstance(share, Decimal) or not Decimal("0") < share <= Decimal("1"):
        raise ValidationFailed(fields={"share": _("Choose a share between 1 and 100 percent.")})
    candidates = sorted(
        Ticket.objects.filter(
            status=TicketStatus.CLOSED,
            closed_at__gte=since,
            merged_into__isnull=True,
            qa_sample__isnull=True,
            qa_scorecard__isnull=True,
        ).values_list("pk", flat=True)
    )
    if not candidates:
        return []
    count = min(len(candidates), max(1, math.ceil(share * len(candidates))))
    picked = random.Random(seed).sample(candidates, count)
    now = clock.now()
    samples = QaSample.objects.bulk_create(
        [QaSample(ticket_id=pk, sampled_at=now, sampled_by_id=actor.user_id) for pk in picked],
        ignore_conflicts=True,
    )
    audit_record(
        actor=actor,
        action="feedback.qa.sample",
        subject_type="tickets.ticket",
        data={"share": str(share), "since": since.isoformat(), "tickets": sorted(picked)},
    )
    return samples


@transaction.atomic
def qa_score(
    *,
    actor: Actor,
    ticket: Ticket,
    professionalism: int,
    accuracy: int,
    empathy: int,
    policy_compliance: int,
    comment: str = "",
) -> QaScorecard:
    """A supervisor's scorecard of a closed ticket, once per ticket, credited to the agent who
    handled it (most public replies, else the assignee); nobody scores their own work."""
    _require_reviewer(actor)
    locked = Ticket.objects.select_for_update().get(pk=ticket.pk)
    if locked.status != TicketStatus.CLOSED:
        raise Conflict(_("Only closed tickets are reviewed."), code=FeedbackErrorCode.QA_NOT_CLOSED)
    if QaScorecard.objects.filter(ticket=locked).exists():
        raise Conflict(
            _("This ticket already has a scorecard."), code=FeedbackErrorCode.QA_ALREADY_SCORED
        )
    values = {
        "professionalism": professionalism,
        "accuracy": accuracy,
        "empathy": empathy,
        "policy_compliance": policy_compliance,
    }
    problems = {}
    for name in QA_CRITERIA:
        try:
            _score(values[name], 1, 5, field=name)
        except ValidationFailed as error:
            problems.update(error.fields)
    if problems:
        raise ValidationFailed(fields=problems)
    agent_id = handling_agent(locked)
    if agent_id is None:
        raise Conflict(
            _("Nobody handled this ticket, so there is nobody to score."),
            code=FeedbackErrorCode.QA_NO_AGENT,
        )
    if agent_id == actor.user_id:
        raise Forbidden(
            _("You handled this ticket; another supervisor reviews it."),
            code=FeedbackErrorCode.QA_OWN_WORK,
        )
    try:
        with transaction.atomic():
            card = QaScorecard.objects.create(
                ticket=locked,
                agent_id=agent_id,
                reviewer_id=actor.user_id,
                comment=_comment(comment),
                created_at=clock.now(),
                **values,
            )
    except IntegrityError as exc:
        raise Conflict(
            _("This ticket already has a scorecard."), code=FeedbackErrorCode.QA_ALREADY_SCORED
        ) from exc
    audit_record(
        actor=actor,
        action="feedback.qa.score",
        subject_type="tickets.ticket",
        subject_id=locked.pk,
        data={**values, "agent": agent_id},
    )
    return card
