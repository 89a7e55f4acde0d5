"""The assistant's console pages, for the screenshot and translation runs: a conversation with a
return question, a miss and a hand-off, made through the services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse


def conversation(world: Any) -> Any:
    from anxin.assistant.models import Conversation
    from anxin.assistant.nlu.understand import model_reset
    from anxin.assistant.services import conversation_start, message_post
    from anxin.assistant.tests.conftest import trained_model

    found = Conversation.objects.filter(user=world.consumer).first()
    if found is not None:
        return found
    model_reset(trained_model())
    me = world.actor(world.consumer)
    found, _greeting = conversation_start(actor=me, language="zh-hans")
    for text in ("你好，我的快递到哪了？", "asdfgh qwerty", "我的手机号13812345678，转人工"):
        message_post(actor=me, conversation=found, text=text)
    found.refresh_from_db()
    return found


def _list(world: Any) -> str:
    conversation(world)
    return reverse("console_assistant:list")


def _detail(world: Any) -> str:
    return reverse("console_assistant:detail", args=[conversation(world).public_id])


PAGES: list[tuple[str, str, Callable[[Any], str]]] = [
    ("console-assistant", "agent", _list),
    ("console-assistant-conversation", "agent", _detail),
]
