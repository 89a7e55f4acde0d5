"""Conversations with the assistant: start, post a message (understand → respond → record),
rate, and agents' intent corrections."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import BinaryIO

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from anxin.cases.images import image_clean
from anxin.core import clock
from anxin.core.actors import Actor
from anxin.core.audit import audit_record
from anxin.core.errors import Forbidden, ValidationFailed

from .choices import Role, SessionChannel, SessionStatus
from .dialogue.context import Context
from .dialogue.engine import greeting, respond
from .dialogue.replies import Turn
from .models import MESSAGE_MAX, Conversation, IntentCorrection, Message, Photo
from .nlu.intents import INTENTS, OUT_OF_SCOPE
from .nlu.understand import Understanding, understand
from .permissions import can_talk_with_assistant

CHOICE = re.compile(
    r"^(intent|order|line|reason|qty|confirm|type|human|helped|rate):([\w./-]{1,64})$", re.ASCII
)
LANGUAGES = ("zh-hans", "en")
NOT_YOURS = _("The assistant talks with customers: sign in with a customer account.")


def _require_customer(actor: Actor) -> None:
    if not can_talk_with_assistant(actor):
        raise Forbidden(NOT_YOURS)


def _record(conversation: Conversation, turn: Turn, lang: str) -> list[Message]:
    now = clock.now()
    return [
        Message.objects.create(
            conversation=conversation,
            role=Role.BOT,
            text=reply.text,
            lang=lang,
            payload=reply.payload(),
            created_at=now,
        )
        for reply in turn.replies
    ]


@transaction.atomic
def conversation_start(
    *, actor: Actor, channel: str = SessionChannel.API, language: str = "zh-hans"
) -> tuple[Conversation, list[Message]]:
    """A new conversation with the assistant's greeting."""
    _require_customer(actor)
    language = language if language in LANGUAGES else "zh-hans"
    assert actor.user_id is not None
    conversation = Conversation.objects.create(
        user_id=actor.user_id, channel=channel, language=language
    )
    heard = Understanding("", "", "en" if language == "en" else "zh-Hans", "greeting", 1.0)
    turn = Turn()
    ctx = Context(actor=actor, conversation=conversation, heard=heard)
    from django.utils.translation import override

    with override(language):
        greeting(ctx, turn)
    return conversation, _record(conversation, turn, heard.lang)


def _parse_choice(choice: str) -> tuple[str, str] | None:
    if not choice:
        return None
    match = CHOICE.match(choice.strip())
    if not match:
        raise ValidationFailed(fields={"choice": _("Not a choice the assistant offered.")})
    return match.group(1), match.group(2)


def message_post(
    *, actor: Actor, conversation: Conversation, text: str, choice: str = ""
) -> tuple[Understanding, list[Message]]:
    """Understand the customer's message, answer it and keep both; a long message is cut to
    2,000 characters, an empty one is refused (422)."""
    _require_customer(actor)
    picked = _parse_choice(choice)
    text = (text or "").replace("\x00", "").strip()[:MESSAGE_MAX]
    if not text and picked is None:
        raise ValidationFailed(fields={"text": _("Type a message.")})
    default_lang = "en" if conversation.language == "en" else "zh-Hans"
    heard = understand(text, default_lang=default_lang)
    if picked and picked[0] == "intent" and picked[1] in INTENTS:
        heard = replace(heard, intent=picked[1], confidence=1.0)
    elif heard.intent == OUT_OF_SCOPE:
        # keyboard mash and the like have no language: answer in the conversation's
        heard = replace(heard, lang=default_lang)
    with transaction.atomic():
        # the row alone is locked (PostgreSQL refuses FOR UPDATE across the nullable ticket join)
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if conversation.status == SessionStatus.CLOSED:
            raise ValidationFailed(
                fields={"text": _("This conversation has ended; start a new one.")}
            )
        now = clock.now()
        Message.objects.create(
            conversation=conversation,
            role=Role.USER,
            text=text or choice,
            lang=heard.lang,
            intent=heard.intent,
            confidence=heard.confidence,
            slots=heard.slots,
            created_at=now,
        )
        ctx = Context(actor=actor, conversation=conversation, heard=heard, choice=picked)
        turn = respond(ctx)
        user_message = (
            conversation.messages.filter(role=Role.USER).order_by("-created_at", "-id").first()
        )
        if turn.fallback and user_message is not None:
            Message.objects.filter(pk=user_message.pk).update(fallback=True)
        conversation.user_messages += 1
        conversation.fallbacks += int(turn.fallback)
        conversation.language = ctx.lang
        conversation.last_message_at = now
        conversation.save()
        return heard, _record(conversation, turn, heard.lang)


def conversation_rate(*, conversation: Conversation, score: int) -> Conversation:
    if not 1 <= score <= 5:
        raise ValidationFailed(fields={"score": _("Give a score from 1 to 5.")})
    conversation.rating = score
    conversation.rated_at = clock.now()
    conversation.save(update_fields=["rating", "rated_at", "updated_at"])
    return conversation


def intent_correct(*, actor: Actor, message: Message, intent: str) -> IntentCorrection:
    """An agent says what a customer message meant; ``assistant_train`` learns from it."""
    from .permissions import can_review

    if not can_review(actor):
        raise Forbidden()
    if intent not in INTENTS:
        raise ValidationFailed(fields={"intent": _("Not one of the assistant's intents.")})
    if message.role != Role.USER:
        raise ValidationFailed(fields={"message": _("Only customer messages have an intent.")})
    assert actor.user_id is not None
    correction = IntentCorrection.objects.create(
        message=message, intent=intent, corrected_by_id=actor.user_id
    )
    audit_record(
        actor=actor,
        action="assistant.intent.correct",
        subject_type="assistant.message",
        subject_id=message.pk,
        data={"from": message.intent, "to": intent},
    )
    return correction


PHOTOS_PER_CONVERSATION = 9


def photo_add(*, actor: Actor, conversation: Conversation, stream: BinaryIO | bytes) -> int:
    """Keep a photo for the request this chat opens next; returns how many are waiting."""
    _require_customer(actor)
    clean = image_clean(stream)
    with transaction.atomic():
        Conversation.objects.select_for_update().filter(pk=conversation.pk).exists()
        waiting = Photo.objects.filter(conversation=conversation, case_number="")
        if waiting.count() >= PHOTOS_PER_CONVERSATION:
            raise ValidationFailed(
                fields={"file": _("At most %(n)s photos.") % {"n": PHOTOS_PER_CONVERSATION}}
            )
        photo = Photo(conversation=conversation, sha256=clean.sha256)
        photo.file.save(f"{clean.sha256}.{clean.extension}", ContentFile(clean.content), save=False)
        photo.save()
        return waiting.count()
