"""The dialogue's view of one message: who writes, what was understood, the memory, the choice."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from anxin.core.actors import Actor

from ..models import Conversation
from ..nlu.understand import Understanding

ORDINALS = {
    "1": 0,
    "2": 1,
    "3": 2,
    "4": 3,
    "5": 4,
    "第一": 0,
    "第二": 1,
    "第三": 2,
    "第四": 3,
    "第五": 4,
    "first": 0,
    "second": 1,
    "third": 2,
    "fourth": 3,
    "fifth": 4,
}
YES = re.compile(
    r"^(好|好的|是|是的|对|确认|确定|可以|行|嗯|没问题|提交|yes|y|yep|yeah|ok|okay|sure|confirm|go ahead|please do)\b"
)
NO = re.compile(r"^(不|不要|不用|算了|取消|否|no|n|nope|cancel|stop|never ?mind)\b")


@dataclass
class Context:
    actor: Actor
    conversation: Conversation
    heard: Understanding
    choice: tuple[str, str] | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def state(self) -> dict[str, Any]:
        return self.conversation.state

    @property
    def lang(self) -> str:
        """The Django language code of the reply: the language of this message."""
        return "en" if self.heard.lang == "en" else "zh-hans"

    def chose(self, kind: str) -> str | None:
        """The value of a button of ``kind`` the customer pressed, if that is what they did."""
        if self.choice and self.choice[0] == kind:
            return self.choice[1]
        return None

    def ordinal(self) -> int | None:
        text = self.heard.normalised.strip(" .。!！个")
        for word, index in ORDINALS.items():
            if text == word or text.startswith(word + "个") or text.startswith("the " + word):
                return index
        return None

    def yes(self) -> bool:
        return self.chose("confirm") == "yes" or bool(YES.match(self.heard.normalised))

    def no(self) -> bool:
        return self.chose("confirm") == "no" or bool(NO.match(self.heard.normalised))
