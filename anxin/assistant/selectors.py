"""Reading conversations: the customer's own, the review list for agents, training
corrections, and the assistant's figures (containment, hand-off, fallback, CSAT, misses)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from django.db.models import Avg, Count, Q, QuerySet

from anxin.core.actors import Actor
from anxin.core.errors import Forbidden, NotFound

from .choices import Role
from .masking import mask
from .models import Conversation, IntentCorrection, Message
from .permissions import can_review


def conversation_get_for_customer(*, actor: Actor, public_id: UUID) -> Conversation:
    found = (
        Conversation.objects.select_related("ticket")
        .filter(public_id=public_id, user_id=actor.user_id)
        .first()
        if actor.user_id is not None
        else None
    )
    if found is None:
        raise NotFound()
    return found


def conversations_for_review(
    *, actor: Actor, handed_off: bool | None = None, fallback: bool | None = None
) -> QuerySet[Conversation]:
    if not can_review(actor):
        raise Forbidden()
    conversations = Conversation.objects.select_related("user", "ticket").filter(
        user_messages__gt=0
    )
    if handed_off is not None:
        conversations = conversations.filter(handed_off_at__isnull=not handed_off)
    if fallback is not None:
        conversations = (
            conversations.filter(fallbacks__gt=0) if fallback else conversations.filter(fallbacks=0)
        )
    return conversations.order_by("-last_message_at", "-id")


def conversation_get_for_review(*, actor: Actor, public_id: UUID) -> Conversation:
    found = conversations_for_review(actor=actor).filter(public_id=public_id).first()
    if found is None:
        raise NotFound()
    return found


@dataclass(frozen=True)
class ReviewMessage:
    id: int
    role: str
    text: str
    intent: str
    confidence: float | None
    slots: dict[str, object]
    fallback: bool
    corrected_intent: str
    created_at: datetime


def review_messages(conversation: Conversation) -> list[ReviewMessage]:
    """The transcript with personal data masked, and each message's newest correction."""
    messages = list(
        conversation.messages.prefetch_related("corrections").order_by("created_at", "id")
    )
    rows = []
    for message in messages:
        corrections = list(message.corrections.all())
        rows.append(
            ReviewMessage(
                id=message.pk,
                role=message.role,
                text=mask(message.text),
                intent=message.intent,
                confidence=message.confidence,
                slots={
                    k: (mask(str(v)) if isinstance(v, str) else v) for k, v in message.slots.items()
                },
                fallback=message.fallback,
                corrected_intent=corrections[0].intent if corrections else "",
                created_at=message.created_at,
            )
        )
    return rows


def message_get_for_review(*, actor: Actor, conversation: Conversation, message_id: int) -> Message:
    if not can_review(actor):
        raise Forbidden()
    found = conversation.messages.filter(pk=message_id, role=Role.USER).first()
    if found is None:
        raise NotFound()
    return found


def corrections_for_training() -> list[tuple[str, str, str]]:
    """(text, intent, lang) of every corrected customer message, newest correction winning."""
    newest: dict[int, tuple[str, str, str]] = {}
    for correction in IntentCorrection.objects.select_related("message").order_by(
        "created_at", "id"
    ):
        message = correction.message
        newest[message.pk] = (message.text, correction.intent, message.lang)
    return list(newest.values())


@dataclass(frozen=True)
class AssistantFigures:
    conversations: int
    contained: int
    handed_off: int
    user_messages: int
    fallbacks: int
    rated: int
    csat: float | None  # share of ratings of 4 or 5
    average_rating: float | None
    top_unrecognised: list[tuple[str, int]]

    @property
    def containment_rate(self) -> float | None:
        return self.contained / self.conversations if self.conversations else None

    @property
    def handoff_rate(self) -> float | None:
        return self.handed_off / self.conversations if self.conversations else None

    @property
    def fallback_rate(self) -> float | None:
        return self.fallbacks / self.user_messages if self.user_messages else None


def assistant_figures(
    *, since: datetime | None = None, until: datetime | None = None, top: int = 10
) -> AssistantFigures:
    conversations = Conversation.objects.filter(user_messages__gt=0)
    if since is not None:
        conversations = conversations.filter(created_at__gte=since)
    if until is not None:
        conversations = conversations.filter(created_at__lt=until)
    totals = conversations.aggregate(
        total=Count("id"),
        handed_off=Count("id", filter=Q(handed_off_at__isnull=False)),
        rated=Count("id", filter=Q(rating__isnull=False)),
        happy=Count("id", filter=Q(rating__gte=4)),
        average=Avg("rating"),
    )
    messages = Message.objects.filter(conversation__in=conversations, role=Role.USER)
    counts = messages.aggregate(total=Count("id"), fallbacks=Count("id", filter=Q(fallback=True)))
    misses: Counter[str] = Counter()
    for message in messages.filter(fallback=True).order_by("-created_at")[:2000]:
        key = " ".join(mask(message.text).lower().split())[:80]
        if key:
            misses[key] += 1
    rated = totals["rated"] or 0
    return AssistantFigures(
        conversations=totals["total"] or 0,
        contained=(totals["total"] or 0) - (totals["handed_off"] or 0),
        handed_off=totals["handed_off"] or 0,
        user_messages=counts["total"] or 0,
        fallbacks=counts["fallbacks"] or 0,
        rated=rated,
        csat=(totals["happy"] or 0) / rated if rated else None,
        average_rating=float(totals["average"]) if totals["average"] is not None else None,
        top_unrecognised=misses.most_common(top),
    )
