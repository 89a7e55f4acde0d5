"""Every page of the UI, for the screenshot, translation and latency checks.

Each audience lists its pages in ``pages_<audience>.py`` as ``(name, username, url_of_world)``.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import polib
from django.conf import settings

AUDIENCES = (
    "consumer",
    "merchant",
    "console",
    "manage",
    "tickets",
    "knowledge",
    "feedback",
    "mail",
    "assistant",
    "reputation",
    "analytics",
)
Page = tuple[str, str, Callable[[Any], str]]


def all_pages() -> list[Page]:
    pages: list[Page] = [("login", "", lambda world: "/accounts/login/")]
    for audience in AUDIENCES:
        try:
            module = importlib.import_module(f"anxin.web.tests.pages_{audience}")
        except ModuleNotFoundError:
            continue
        pages.extend(module.PAGES)
    return pages


class _Text(HTMLParser):
    """Visible text nodes and the human-readable attributes of a page, except inside elements
    marked as English data (``lang="en"``) or not to be translated (``translate="no"``)."""

    ATTRIBUTES = frozenset({"placeholder", "title", "aria-label", "alt"})
    SKIP = frozenset({"script", "style", "template"})
    VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                      "source", "track", "wbr"})  # fmt: skip

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []
        self._stack: list[tuple[str, bool]] = []

    def _skipping(self) -> bool:
        return any(skip for _tag, skip in self._stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        data = values.get("lang") == "en" or values.get("translate") == "no"
        if tag not in self.VOID:
            self._stack.append((tag, tag in self.SKIP or data))
        if self._skipping() or data:
            return
        for name, value in attrs:
            if name in self.ATTRIBUTES and value:
                self.texts.append(value.strip())

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self._stack) - 1, -1, -1):
            if self._stack[index][0] == tag:
                del self._stack[index:]
                break

    def handle_data(self, data: str) -> None:
        if not self._skipping() and data.strip():
            self.texts.append(" ".join(data.split()))


def visible_texts(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.texts


def _msgids() -> set[str]:
    po = polib.pofile(
        str(Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    )
    return {e.msgid for e in po if not e.obsolete and e.msgstr != e.msgid and len(e.msgid) > 3}


MSGIDS: set[str] | None = None
# Two or more English words in a row: on a zh-Hans page that is an untranslated string, unless
# it is data (a shop's or a person's name, a product) listed by the caller.
ENGLISH_PHRASE = re.compile(r"\b[A-Za-z]{2,}(?:[ ,'-]+[A-Za-z]{2,})+\b")
ALWAYS_ALLOWED = {"Anxin", "English", "PDF", "CSV", "API", "Webhook", "SHA-256", "UTC+8"}


def untranslated(texts: list[str], data: set[str]) -> list[str]:
    """Texts of a zh-Hans page that are English msgids or English phrases not in ``data``."""
    global MSGIDS
    if MSGIDS is None:
        MSGIDS = _msgids()
    problems = []
    for text in texts:
        if text in data:
            continue
        remainder = text
        for value in sorted(data | ALWAYS_ALLOWED, key=len, reverse=True):
            if value:
                remainder = remainder.replace(value, " ")
        if (text in MSGIDS and text not in ALWAYS_ALLOWED) or ENGLISH_PHRASE.search(remainder):
            problems.append(text)
    return problems
