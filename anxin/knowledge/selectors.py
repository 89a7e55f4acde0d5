"""Reads of the knowledge base: the public help center, the console, and canned replies."""

from __future__ import annotations

import math
from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from anxin.core.actors import Actor, Role
from anxin.core.errors import NotFound
from anxin.tickets.models import Team

from .choices import ArticleStatus
from .models import Article, ArticleCategory, CannedReply
from .permissions import can_read_drafts, can_write
from .text import tokens

MAX_TERMS = 24  # a pasted paragraph must not become a query with hundreds of OR branches
TITLE_WEIGHT = 3.0


def published_articles() -> QuerySet[Article]:
    return Article.objects.filter(status=ArticleStatus.PUBLISHED).select_related("category")


def article_search(*, query: str, language: str, limit: int = 10) -> list[Article]:
    """Published articles matching ``query`` in either language, best first.

    The query is cut like the articles (jieba words, character bigrams, English words); the
    database narrows the candidates to articles sharing a term, then each candidate scores the
    terms it has, weighted by rarity (idf) and three times more in the title. Every article
    holding a term is a candidate, so the document frequencies are exact.
    """
    terms = tokens(query[:200])[:MAX_TERMS]
    if not terms or limit <= 0:
        return []
    published = published_articles()
    match = reduce(
        or_,
        (Q(search_title__contains=f" {t} ") | Q(search_body__contains=f" {t} ") for t in terms),
    )
    candidates = list(published.filter(match))
    if not candidates:
        return []
    total = published.count()
    titles = {a.pk: set(a.search_title.split()) for a in candidates}
    bodies = {a.pk: set(a.search_body.split()) for a in candidates}
    idf = {
        t: math.log(
            1 + total / max(1, sum(t in titles[a.pk] or t in bodies[a.pk] for a in candidates))
        )
        for t in terms
    }
    scored: list[tuple[float, Article]] = []
    for article in candidates:
        score = 0.0
        for term in terms:
            if term in titles[article.pk]:
                score += TITLE_WEIGHT * idf[term]
            elif term in bodies[article.pk]:
                score += idf[term]
        article.score = score  # type: ignore[attr-defined]
        scored.append((score, article))
    zh = language.lower().startswith("zh")
    scored.sort(key=lambda pair: (-pair[0], -pair[1].helpful_yes, pair[1].title(zh)))
    return [article for _score, article in scored[:limit]]


def article_get_public(slug: str) -> Article:
    """A published article by its slug; anything else is not found."""
    found = published_articles().filter(slug=slug).first()
    if found is None:
        raise NotFound()
    return found


def articles_popular(*, limit: int = 6) -> list[Article]:
    """The published articles readers found most helpful."""
    return list(published_articles().order_by("-helpful_yes", "helpful_no", "slug")[:limit])


def categories_public() -> list[ArticleCategory]:
    """Categories with at least one published article, in their order."""
    return list(
        ArticleCategory.objects.filter(articles__status=ArticleStatus.PUBLISHED)
        .distinct()
        .order_by("order", "code")
    )


def category_get_public(code: str) -> tuple[ArticleCategory, list[Article]]:
    """A category and its published articles; a category with none is not found."""
    category = ArticleCategory.objects.filter(code=code).first()
    if category is None:
        raise NotFound()
    articles = list(published_articles().filter(category=category).order_by("slug"))
    if not articles:
        raise NotFound()
    return category, articles


def articles_for_console(*, actor: Actor, status: str = "") -> QuerySet[Article]:
    """Every article for platform staff (optionally one status); nobody else sees drafts."""
    if not can_read_drafts(actor):
        return Article.objects.none()
    found = Article.objects.select_related("category", "author").order_by("-updated_at", "-pk")
    if status in ArticleStatus.values:
        found = found.filter(status=status)
    return found


def article_get_for_console(*, actor: Actor, slug: str) -> Article:
    found = articles_for_console(actor=actor).filter(slug=slug).first()
    if found is None:
        raise NotFound()
    return found


def canned_replies_for(*, actor: Actor, language: str) -> QuerySet[CannedReply]:
    """The active canned replies an agent may use: everyone's, and their teams' own.
    Arbitrators and administrators get all; anyone outside the desk gets none."""
    if not can_write(actor):
        return CannedReply.objects.none()
    replies = CannedReply.objects.filter(active=True)
    if actor.workflow_role is Role.AGENT:
        teams = Team.objects.filter(
            Q(agents__user_id=actor.user_id) | Q(supervisor_id=actor.user_id)
        ).values_list("code", flat=True)
        replies = replies.filter(Q(team_code="") | Q(team_code__in=list(teams)))
    zh = language.lower().startswith("zh")
    return replies.order_by("title_zh" if zh else "title_en", "pk")


def canned_replies_for_console(*, actor: Actor) -> QuerySet[CannedReply]:
    """Every canned reply, active or not, for the console's list."""
    if not can_write(actor):
        return CannedReply.objects.none()
    return CannedReply.objects.order_by("-active", "title_en", "pk")


def canned_reply_get_for(*, actor: Actor, pk: int) -> CannedReply:
    found = canned_replies_for_console(actor=actor).filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def article_vote_of(*, article: Article, voter_key: str) -> bool | None:
    """What this reader answered for this article (None: nothing yet)."""
    if not voter_key:
        return None
    from .models import ArticleVote

    return (
        ArticleVote.objects.filter(article=article, voter_key=voter_key)
        .values_list("helpful", flat=True)
        .first()
    )


def articles_related(*, article: Article, limit: int = 5) -> list[Article]:
    """Other published articles on the same shelf."""
    if article.category_id is None:
        return []
    return list(
        published_articles()
        .filter(category_id=article.category_id)
        .exclude(pk=article.pk)
        .order_by("-helpful_yes", "slug")[:limit]
    )
