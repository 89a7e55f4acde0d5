"""What the assistant says: text, buttons (a choice the client sends back) and links."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

CJK_GAP = re.compile(r"([。！？；：）])\s+")


@dataclass
class Reply:
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)
    links: list[dict[str, str]] = field(default_factory=list)

    def button(self, label: Any, choice: str) -> Reply:
        """A button: the client shows ``label`` as the customer's message and sends ``choice``."""
        self.buttons.append({"label": str(label), "choice": choice})
        return self

    def link(self, label: Any, url: str) -> Reply:
        self.links.append({"label": str(label), "url": url})
        return self

    def payload(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.buttons:
            out["buttons"] = self.buttons
        if self.links:
            out["links"] = self.links
        return out


@dataclass
class Turn:
    """Everything the assistant answers to one message, and what it did."""

    replies: list[Reply] = field(default_factory=list)
    fallback: bool = False
    resolved: bool = False

    def say(self, text: Any) -> Reply:
        # sentences are joined with a space; Chinese full stops need none
        reply = Reply(CJK_GAP.sub(r"\1", str(text)).strip())
        self.replies.append(reply)
        return reply
