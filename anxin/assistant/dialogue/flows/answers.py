"""Answers from the help centre: the article an intent is about, else the best search hit."""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext as _

from anxin.knowledge.models import Article
from anxin.knowledge.selectors import article_search, published_articles

from ..context import Context
from ..replies import Turn

# The help-centre article that answers an intent, when one was written for it.
ARTICLE_OF_INTENT = {
    "invoice": "invoices",
    "change_address": "change-delivery-address",
    "account": "account-security",
    "refund_status": "refund-timing",
    "exchange_request": "exchanges",
    "repair_request": "repairs-and-warranty",
    "complaint": "complaints-and-escalation",
}
MIN_SCORE = 2.0  # a search hit weaker than this (one common word) is no answer
MARKUP = re.compile(r"[#*_>`\[\]]+")
SUMMARY_CHARS = 220


@dataclass(frozen=True)
class Answer:
    title_text: str
    summary_text: str
    url: str


def _answer(article: Article, zh: bool) -> Answer:
    body = MARKUP.sub("", article.body(zh)).strip()
    summary = " ".join(body.split())
    if len(summary) > SUMMARY_CHARS:
        summary = summary[:SUMMARY_CHARS].rstrip() + "…"
    return Answer(article.title(zh), summary, reverse("help:article", args=[article.slug]))


def best_article(ctx: Context) -> Answer | None:
    zh = ctx.lang != "en"
    slug = ARTICLE_OF_INTENT.get(ctx.heard.intent)
    if slug:
        article = published_articles().filter(slug=slug).first()
        if article is not None:
            return _answer(article, zh)
    hits = article_search(query=ctx.heard.normalised, language=ctx.lang, limit=1)
    if hits and getattr(hits[0], "score", 0.0) >= MIN_SCORE:
        return _answer(hits[0], zh)
    return None


def knowledge_answer(ctx: Context, turn: Turn) -> bool:
    """Answer from the help centre; False when it has nothing (the caller hands off)."""
    answer = best_article(ctx)
    if answer is None:
        return False
    reply = turn.say(f"{answer.title_text}: {answer.summary_text}")
    reply.link(_("Read the whole article"), answer.url)
    reply.button(_("That helps, thanks"), "helped:yes").button(_("Talk to a person"), "human:yes")
    ctx.conversation.state = {k: v for k, v in ctx.state.items() if k.startswith("last_")}
    turn.resolved = True
    return True
