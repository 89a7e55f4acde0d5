"""Small builders for the knowledge tests (the seeded articles come from migration 0002)."""

from __future__ import annotations

from typing import Any

from anxin.accounts.services import actor_for_user
from anxin.knowledge.models import Article
from anxin.knowledge.text import token_field


def article(
    slug: str = "kb-test", status: str = "draft", author: Any = None, **fields: Any
) -> Article:
    """An article in any state, written directly (tests of the machine start from every state)."""
    texts = {
        "title_zh": "测试文章",
        "title_en": "A test article",
        "body_zh": "这是正文。",
        "body_en": "This is the text.",
    }
    texts.update({k: v for k, v in fields.items() if k in texts})
    extra = {k: v for k, v in fields.items() if k not in texts}
    from anxin.knowledge.models import ArticleCategory

    return Article.objects.create(
        slug=slug,
        status=status,
        author=author,
        category=extra.pop("category", ArticleCategory.objects.get(code="returns")),
        search_title=token_field(texts["title_zh"], texts["title_en"]),
        search_body=token_field(texts["body_zh"], texts["body_en"]),
        **texts,
        **extra,
    )


def actor(user: Any) -> Any:
    return actor_for_user(user)
