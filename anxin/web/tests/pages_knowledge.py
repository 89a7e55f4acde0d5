"""The help center and the knowledge-base console, for the screenshot and translation runs.

The seeded articles and canned replies (migration 0002 of the knowledge app) give every page
real content; the console's article page shows a draft in review so its actions appear.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse


def review_draft(world: Any) -> Any:
    """A complete draft by the agent, submitted for review (the admin may approve it)."""
    from anxin.accounts.services import actor_for_user
    from anxin.knowledge.models import Article
    from anxin.knowledge.services import article_act, article_create

    found = Article.objects.filter(slug="parcel-damaged-in-transit").first()
    if found is not None:
        return found
    agent = actor_for_user(world.agent)
    draft = article_create(
        actor=agent,
        slug="parcel-damaged-in-transit",
        category="delivery",
        title_zh="包裹在运输途中损坏怎么办",
        title_en="What to do if your parcel arrives damaged",
        body_zh="请在签收时检查外包装。\n\n## 已经签收\n- 拍下外箱和商品的照片\n- 在 7 天内申请退货，运费由商家承担",
        body_en="Check the box when you sign for it.\n\n## Already signed for\n- Take photos of the box and the item\n- Ask for a return within 7 days; the merchant pays the shipping",
    )
    return article_act(actor=agent, article=draft, action="submit")


def _console_article(world: Any) -> str:
    return reverse("console_kb:article", args=[review_draft(world).slug])


def _canned_edit(world: Any) -> str:
    from anxin.knowledge.models import CannedReply

    return reverse("console_kb:canned_edit", args=[CannedReply.objects.order_by("pk").first().pk])


PAGES: list[tuple[str, str, Callable[[Any], str]]] = [
    ("help-home", "", lambda world: reverse("help:home")),
    ("help-search", "", lambda world: reverse("help:search") + "?q=%E9%80%80%E6%AC%BE"),
    ("help-category", "", lambda world: reverse("help:category", args=["returns"])),
    (
        "help-article",
        "consumer",
        lambda world: reverse("help:article", args=["seven-day-no-reason-returns"]),
    ),
    ("console-kb", "agent", lambda world: reverse("console_kb:articles")),
    ("console-kb-new", "agent", lambda world: reverse("console_kb:article_new")),
    ("console-kb-article", "admin", _console_article),
    ("console-kb-canned", "agent", lambda world: reverse("console_kb:canned")),
    ("console-kb-canned-edit", "admin", _canned_edit),
]
