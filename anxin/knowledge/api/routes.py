"""/api/v1/kb: the published help articles, for apps and the assistant; no sign-in needed."""

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import get_language
from ninja import Query, Router, Schema
from pydantic import Field

from .. import selectors
from ..models import Article
from .schemas import ArticleDetailOut, ArticleList

router = Router(tags=["knowledge"], auth=None)


LANG = r"^(|zh|zh-hans|zh-Hans|en)$"


class LangQuery(Schema):
    lang: str = Field(default="", max_length=16, pattern=LANG)


class SearchQuery(LangQuery):
    q: str = Field(default="", max_length=200)
    limit: int = Field(default=10, ge=1, le=50)


def _zh(lang: str) -> bool:
    return (lang or get_language() or "zh-hans").lower().startswith("zh")


def _row(article: Article, zh: bool) -> dict[str, Any]:
    return {
        "slug": article.slug,
        "category": article.category.code if article.category else None,
        "title": article.title(zh),
        "url": reverse("help:article", args=[article.slug]),
        "helpful_yes": article.helpful_yes,
        "helpful_no": article.helpful_no,
        "published_at": article.published_at,
    }


@router.get("/kb/articles", response=ArticleList, summary="Search the help articles")
def article_list(request: HttpRequest, query: Query[SearchQuery]) -> dict[str, Any]:
    """Published articles matching ``q`` (Chinese or English), best first; without ``q``, the
    most helpful ones. ``lang`` picks the language of the titles (default: Accept-Language)."""
    zh = _zh(query.lang)
    language = "zh-hans" if zh else "en"
    if query.q.strip():
        found = selectors.article_search(query=query.q, language=language, limit=query.limit)
    else:
        found = selectors.articles_popular(limit=query.limit)
    return {"items": [_row(a, zh) for a in found]}


@router.get("/kb/articles/{slug}", response=ArticleDetailOut, summary="One help article")
def article_detail(request: HttpRequest, slug: str, query: Query[LangQuery]) -> dict[str, Any]:
    article = selectors.article_get_public(slug[:80])
    zh = _zh(query.lang)
    return {
        **_row(article, zh),
        "title_zh": article.title_zh,
        "title_en": article.title_en,
        "body": article.body(zh),
        "body_zh": article.body_zh,
        "body_en": article.body_en,
    }
