"""A customer chatting through the HTTP API, for the dialogue tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from conftest import ApiClient


@dataclass
class Chat:
    api: ApiClient
    lang: str
    id: str = ""
    last: dict[str, Any] = field(default_factory=dict)

    def start(self) -> Chat:
        response = self.api.post("/assistant/sessions", {"language": self.lang})
        assert response.status_code == 201, response.content
        self.last = response.json()
        self.id = self.last["id"]
        return self

    def say(self, text: str, choice: str = "") -> dict[str, Any]:
        response = self.api.post(
            f"/assistant/sessions/{self.id}/messages", {"text": text, "choice": choice}
        )
        assert response.status_code == 200, response.content
        self.last = response.json()
        return self.last

    @property
    def text(self) -> str:
        return "\n".join(m["text"] for m in self.last["messages"])

    @property
    def buttons(self) -> list[dict[str, str]]:
        return [b for m in self.last["messages"] for b in m["buttons"]]

    @property
    def links(self) -> list[str]:
        return [link["url"] for m in self.last["messages"] for link in m["links"]]

    def press(self, choice_prefix: str) -> dict[str, Any]:
        button = next(b for b in self.buttons if b["choice"].startswith(choice_prefix))
        return self.say(button["label"], button["choice"])
