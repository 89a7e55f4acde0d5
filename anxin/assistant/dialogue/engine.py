"""The dialogue manager: buttons first, then hand-off triggers, then the flow in progress,
then a fresh intent. Every reply is in the language of the message it answers."""

from __future__ import annotations

from collections.abc import Callable

from django.utils.translation import gettext as _
from django.utils.translation import override

from anxin.core.validation import whole_number

from ..choices import HandoffReason, SessionStatus
from ..nlu.intents import INTENTS, OUT_OF_SCOPE
from .context import Context
from .flows.answers import knowledge_answer
from .flows.handoff import handoff, relay
from .flows.orders import order_status
from .flows.policy import policy_question
from .flows.requests import TYPE_OF_INTENT, request_flow
from .flows.status import case_status, refund_status
from .replies import Reply, Turn
from .sentiment import STRONGLY_NEGATIVE, negativity

SWITCH_CONFIDENCE = 0.6  # a message this sure of another intent leaves the flow in progress
NOT_UNDERSTOOD_LIMIT = 2
KNOWLEDGE_INTENTS = frozenset(
    {"cancel_order", "change_address", "invoice", "payment_issue", "product_question", "account"}
)
STEP_CHOICES = {"order", "line", "reason", "qty", "confirm", "type"}


def starters(reply: Reply) -> Reply:
    reply.button(_("Where is my parcel?"), "intent:order_status")
    reply.button(_("Return or refund"), "intent:return_request")
    reply.button(_("My refund"), "intent:refund_status")
    reply.button(_("Return rules"), "intent:policy_question")
    reply.button(_("Talk to a person"), "human:yes")
    return reply


def greeting(ctx: Context, turn: Turn) -> None:
    starters(
        turn.say(
            _(
                "Hello! I am the Anxin assistant. I can find your parcel, start a return or refund, check a refund and explain the rules for your order. What can I do for you?"
            )
        )
    )


def thanks(ctx: Context, turn: Turn) -> None:
    reply = turn.say(
        _(
            "You are welcome! How did I do? Tap a score, or just keep typing if there is anything else."
        )
    )
    for score in range(5, 0, -1):
        reply.button("★" * score, f"rate:{score}")
    ctx.conversation.state = {}
    turn.resolved = True


def not_understood(ctx: Context, turn: Turn) -> None:
    turn.fallback = True
    conversation = ctx.conversation
    conversation.not_understood_streak += 1
    if conversation.not_understood_streak >= NOT_UNDERSTOOD_LIMIT:
        handoff(ctx, turn, HandoffReason.NOT_UNDERSTOOD)
        return
    text = _(
        "Sorry, I did not understand that. I can help with orders, returns, refunds, exchanges, repairs and our rules; or I can pass you to a person."
    )
    starters(turn.say(text))


def _complaint(ctx: Context, turn: Turn) -> None:
    handoff(ctx, turn, HandoffReason.COMPLAINT)


def _human(ctx: Context, turn: Turn) -> None:
    handoff(ctx, turn, HandoffReason.ASKED)


def _request(ctx: Context, turn: Turn) -> None:
    ctx.conversation.state = {"said": ctx.heard.text[:500], "topic": ctx.heard.intent}
    request_flow(ctx, turn, intent=ctx.heard.intent)


def _knowledge(ctx: Context, turn: Turn) -> None:
    if not knowledge_answer(ctx, turn):
        handoff(ctx, turn, HandoffReason.NO_ANSWER)


HANDLERS: dict[str, Callable[[Context, Turn], None]] = {
    "greeting": greeting,
    "thanks_bye": thanks,
    "order_status": order_status,
    "refund_status": refund_status,
    "case_status": case_status,
    "policy_question": policy_question,
    "complaint": _complaint,
    "human_agent": _human,
    **{intent: _request for intent in TYPE_OF_INTENT},
    **{intent: _knowledge for intent in KNOWLEDGE_INTENTS},
}
FLOWS: dict[str, Callable[[Context, Turn], None]] = {
    "request": request_flow,
    "order_status": order_status,
    "policy": policy_question,
}


def _answers_step(ctx: Context) -> bool:
    """Does this message carry what the flow in progress waits for (or at least not clearly
    something else)?"""
    if ctx.choice and ctx.choice[0] in STEP_CHOICES:
        return True
    slots = ctx.heard.slots
    if any(k in slots for k in ("order_number", "order_suffix", "quantity", "reason", "product")):
        return True
    if ctx.ordinal() is not None or ctx.yes() or ctx.no():
        return True
    flow = ctx.state.get("flow")
    same = (flow == "request" and ctx.heard.intent in TYPE_OF_INTENT) or ctx.heard.intent == {
        "order_status": "order_status",
        "policy": "policy_question",
    }.get(str(flow))
    return same or ctx.heard.confidence < SWITCH_CONFIDENCE


def respond(ctx: Context) -> Turn:
    with override(ctx.lang):
        return _respond(ctx)


def _respond(ctx: Context) -> Turn:
    turn = Turn()
    conversation = ctx.conversation
    if conversation.status == SessionStatus.HANDED_OFF:
        if relay(ctx, turn):
            return turn
        conversation.status = SessionStatus.ACTIVE
    if ctx.chose("human"):
        _human(ctx, turn)
        return turn
    if ctx.chose("helped"):
        thanks(ctx, turn)
        return turn
    if (score := whole_number(ctx.chose("rate"))) and 1 <= score <= 5:
        from ..services import conversation_rate

        conversation_rate(conversation=conversation, score=int(score))
        turn.say(_("Thank you for your feedback!"))
        turn.resolved = True
        return turn
    if negativity(ctx.heard.normalised, raw=ctx.heard.text) >= STRONGLY_NEGATIVE:
        reason = (
            HandoffReason.COMPLAINT if ctx.heard.intent == "complaint" else HandoffReason.NEGATIVE
        )
        turn.say(_("I am sorry this went wrong. A person will take it from here."))
        handoff(ctx, turn, reason)
        return turn
    if ctx.heard.intent == "human_agent" and ctx.heard.confidence >= SWITCH_CONFIDENCE / 2:
        _human(ctx, turn)
        return turn
    flow = FLOWS.get(str(ctx.state.get("flow") or ""))
    if flow is not None and _answers_step(ctx):
        conversation.not_understood_streak = 0
        flow(ctx, turn)
        return turn
    intent = ctx.heard.intent
    if intent == OUT_OF_SCOPE or intent not in INTENTS:
        not_understood(ctx, turn)
        return turn
    conversation.not_understood_streak = 0
    HANDLERS[intent](ctx, turn)
    if intent not in ("greeting", "thanks_bye", "human_agent"):
        conversation.state = {**conversation.state, "topic": intent}
    return turn
