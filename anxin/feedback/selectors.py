"""Reads of the feedback app: one's own surveys and points, and the figures of the
agent-performance page (CSAT and QA per agent, NPS per period). The QA queue reads tickets, so it
is ``anxin.tickets.quality``."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Avg, Count, F, Q, QuerySet

from anxin.core import clock
from anxin.core.actors import Actor
from anxin.core.errors import NotFound

from .choices import QA_CRITERIA, SubjectType
from .errors import FeedbackErrorCode
from .models import NpsSurvey, PointsEntry, QaScorecard, Survey
from .tokens import BadSurveyLink, survey_id_from_token

CENT = Decimal("0.01")


# --- surveys ---------------------------------------------------------------------------------------


def survey_get_by_token(*, token: str) -> Survey:
    """The survey a signed link names: NotFound when the link was tampered with."""
    try:
        public_id = survey_id_from_token(token)
    except BadSurveyLink as exc:
        raise NotFound(code=FeedbackErrorCode.SURVEY_LINK_INVALID) from exc
    found = Survey.unscoped.filter(public_id=public_id).first()
    if found is None:
        raise NotFound(code=FeedbackErrorCode.SURVEY_LINK_INVALID)
    return found


def survey_get_for(*, actor: Actor, survey_id: uuid.UUID | str) -> Survey:
    """One of the actor's own surveys; anyone else's is NotFound, like a missing one."""
    found = Survey.objects.for_actor(actor).filter(public_id=survey_id).first()
    if found is None:
        raise NotFound()
    return found


def surveys_open_for(*, actor: Actor) -> QuerySet[Survey]:
    """The actor's surveys still waiting for an answer, oldest expiry first."""
    return (
        Survey.objects.for_actor(actor)
        .filter(answered_at__isnull=True, expires_at__gt=clock.now())
        .order_by("expires_at", "pk")
    )


def nps_open_for(*, actor: Actor) -> NpsSurvey | None:
    """The actor's latest NPS invitation still waiting for an answer, if any."""
    return (
        NpsSurvey.objects.for_actor(actor)
        .filter(answered_at__isnull=True)
        .order_by("-sent_at")
        .first()
    )


def nps_get_for(*, actor: Actor, nps_id: uuid.UUID | str) -> NpsSurvey:
    """One of the actor's own NPS surveys; anyone else's is NotFound."""
    found = NpsSurvey.objects.for_actor(actor).filter(public_id=nps_id).first()
    if found is None:
        raise NotFound()
    return found


# --- points ----------------------------------------------------------------------------------------


def points_balance(user_id: int) -> int:
    """The balance after the user's latest ledger entry (0 without any)."""
    last = PointsEntry.unscoped.filter(user_id=user_id).order_by("-seq").first()
    return last.balance_after if last is not None else 0


def points_ledger_for(*, actor: Actor, limit: int = 50) -> list[PointsEntry]:
    """The actor's own ledger, newest first."""
    return list(PointsEntry.objects.for_actor(actor).order_by("-seq")[:limit])


# --- figures for the agent-performance page --------------------------------------------------------


def _decimal(value: float | Decimal | None) -> Decimal:
    return Decimal(str(value or 0)).quantize(CENT)


def csat_by_agent(*, since: datetime) -> dict[int, tuple[Decimal, int]]:
    """Average CSAT (1–5) and number of answers per handling agent, for tickets closed since."""
    rows = (
        Survey.unscoped.filter(
            subject_type=SubjectType.TICKET,
            sent_at__gte=since,
            answered_at__isnull=False,
            agent__isnull=False,
        )
        .values("agent_id")
        .annotate(avg=Avg("score"), n=Count("pk"))
    )
    return {int(r["agent_id"]): (_decimal(r["avg"]), int(r["n"])) for r in rows}


def qa_by_agent(*, since: datetime) -> dict[int, tuple[Decimal, int]]:
    """Average QA score (1–5, the mean of the four criteria) and scorecards per agent."""
    total = F(QA_CRITERIA[0]) + F(QA_CRITERIA[1]) + F(QA_CRITERIA[2]) + F(QA_CRITERIA[3])
    rows = (
        QaScorecard.objects.filter(created_at__gte=since, agent__isnull=False)
        .values("agent_id")
        .annotate(avg_total=Avg(total), n=Count("pk"))
    )
    return {
        int(r["agent_id"]): (
            (Decimal(str(r["avg_total"] or 0)) / len(QA_CRITERIA)).quantize(CENT),
            int(r["n"]),
        )
        for r in rows
    }


@dataclass(frozen=True)
class NpsScore:
    """Net promoter score of a period: % promoters (9–10) minus % detractors (0–6)."""

    period: str
    responses: int
    promoters: int
    passives: int
    detractors: int
    invited: int

    @property
    def score(self) -> int | None:
        if not self.responses:
            return None
        return round((self.promoters - self.detractors) * 100 / self.responses)


def nps_score(*, period: str) -> NpsScore:
    """Invitations, answers and the net promoter score of one period (e.g. "2026Q4")."""
    answered = Q(answered_at__isnull=False)
    figures = NpsSurvey.unscoped.filter(period=period).aggregate(
        invited=Count("pk"),
        responses=Count("pk", filter=answered),
        promoters=Count("pk", filter=answered & Q(score__gte=9)),
        passives=Count("pk", filter=answered & Q(score__in=[7, 8])),
        detractors=Count("pk", filter=answered & Q(score__lte=6)),
    )
    return NpsScore(period=period, **{k: int(v or 0) for k, v in figures.items()})
