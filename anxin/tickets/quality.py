"""Quality review of closed tickets and the agent a ticket's service is credited to.

The scorecards and samples are feedback's tables, but every rule here reads tickets, so it lives
on the desk's side: feedback sits below tickets (docs/decisions/0013-layers.md). The same goes for
the ``SurveySubject`` a closed ticket hands to feedback's satisfaction survey.
"""

from __future__ import annotations

import math
import random
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, QuerySet
from django.utils.translation import gettext_lazy as _

from anxin.core import clock
from anxin.core.actors import Actor
from anxin.core.audit import audit_record
from anxin.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from anxin.feedback.choices import SubjectType
from anxin.feedback.errors import FeedbackErrorCode
from anxin.feedback.hooks import SurveySubject
from anxin.feedback.models import QaSample, QaScorecard
from anxin.feedback.services import comment_clean, qa_criteria_check

from .choices import AuthorKind, TicketStatus, Visibility
from .models import Ticket, TicketMessage
from .permissions import is_supervisor


def can_review_quality(actor: Actor) -> bool:
    """Team supervisors, arbitrators and administrators sample and score tickets."""
    return is_supervisor(actor)


def handling_agent(ticket: Ticket) -> int | None:
    """The agent a ticket's service is credited to: whoever sent the most public replies (an
    escalation hands the ticket to a supervisor, who may only have signed it off), the latest
    replier on a tie; the assignee when no agent replied."""
    top = (
        TicketMessage.objects.filter(
            ticket=ticket,
            visibility=Visibility.PUBLIC,
            author_kind=AuthorKind.AGENT,
            author__isnull=False,
        )
        .values("author_id")
        .annotate(replies=Count("pk"), last=Max("created_at"))
        .order_by("-replies", "-last")
        .first()
    )
    if top is not None:
        return int(top["author_id"])
    return ticket.assignee_id


def ticket_survey_subject(ticket: Ticket) -> SurveySubject | None:
    """Whom the satisfaction survey of a closed ticket asks: its active requester, else its contact
    e-mail; none for a ticket merged into another (that one is surveyed)."""
    if ticket.merged_into_id is not None:
        return None
    requester = ticket.requester
    user = requester if requester is not None and requester.is_active else None
    return SurveySubject(
        subject_type=SubjectType.TICKET,
        subject_id=ticket.pk,
        number=ticket.number,
        recipient=user,
        email=ticket.contact_email or (user.email if user is not None else ""),
        language=user.language if user is not None else ticket.language,
        merchant_id=ticket.merchant_id,
        agent_id=handling_agent(ticket),
    )


# --- reads -----------------------------------------------------------------------------------------


def _require_reviewer(actor: Actor) -> None:
    if not can_review_quality(actor):
        raise Forbidden(_("Only supervisors review quality."))


def qa_queue_for(*, actor: Actor) -> QuerySet[QaSample]:
    """Sampled tickets waiting for a scorecard, oldest sample first."""
    _require_reviewer(actor)
    return (
        QaSample.objects.filter(ticket__qa_scorecard__isnull=True)
        .select_related("ticket", "ticket__assignee", "ticket__team")
        .order_by("sampled_at", "pk")
    )


def qa_ticket_get_for(*, actor: Actor, number: str) -> Ticket:
    """A closed ticket a reviewer may score or read the scorecard of."""
    _require_reviewer(actor)
    found = (
        Ticket.unscoped.filter(number=number, status=TicketStatus.CLOSED)
        .select_related("assignee", "team", "merchant")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def qa_public_messages(ticket: Ticket) -> QuerySet[TicketMessage]:
    """What the customer saw: the reviewer scores the public conversation only."""
    return (
        TicketMessage.objects.filter(ticket=ticket, visibility=Visibility.PUBLIC)
        .select_related("author")
        .order_by("created_at", "pk")
    )


def scorecards_for(*, actor: Actor, agent_id: int | None = None) -> QuerySet[QaScorecard]:
    """Scorecards, newest first, optionally of one agent (reviewers only)."""
    _require_reviewer(actor)
    cards = QaScorecard.objects.select_related("ticket", "agent", "reviewer")
    if agent_id is not None:
        cards = cards.filter(agent_id=agent_id)
    return cards.order_by("-created_at", "-pk")


# --- writes ----------------------------------------------------------------------------------------


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
        Ticket.unscoped.filter(
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
    qa_criteria_check(values)
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
                comment=comment_clean(comment),
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
