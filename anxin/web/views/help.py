"""The public help center at /help/: search, shelves, articles and "was this helpful?".

Anyone may read and vote. A reader's vote key is their user id, or a hash of their session key
(so the raw session key never reaches the database as data).
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anxin.core.errors import DomainError, NotFound
from anxin.knowledge import selectors
from anxin.knowledge.services import article_vote
from anxin.knowledge.text import blocks

CONTACT_URL = "/contact/"


def _zh() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


def voter_key(request: HttpRequest, *, create: bool) -> str:
    if request.user.is_authenticated:
        return f"u:{request.user.pk}"
    if not request.session.session_key:
        if not create:
            return ""
        request.session["help_reader"] = True
        request.session.save()
    digest = hashlib.sha256(str(request.session.session_key).encode()).hexdigest()
    return f"s:{digest[:40]}"


def _render(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    base = {"zh": _zh(), "contact_url": CONTACT_URL, "query": ""}
    return render(request, f"web/help/{template}", {**base, **context})


def home(request: HttpRequest) -> HttpResponse:
    """Search box, the shelves and the articles readers found most helpful."""
    return _render(
        request,
        "home.html",
        {
            "categories": selectors.categories_public(),
            "popular": selectors.articles_popular(limit=6),
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    language = "zh-hans" if _zh() else "en"
    results = selectors.article_search(query=query, language=language) if query else []
    return _render(request, "search.html", {"query": query, "results": results})


def category(request: HttpRequest, code: str) -> HttpResponse:
    try:
        shelf, articles = selectors.category_get_public(code)
    except NotFound as error:
        raise Http404(str(error.message)) from error
    return _render(request, "category.html", {"category": shelf, "articles": articles})


def article(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        found = selectors.article_get_public(slug)
    except NotFound as error:
        raise Http404(str(error.message)) from error
    zh = _zh()
    return _render(
        request,
        "article.html",
        {
            "article": found,
            "title": found.title(zh),
            "blocks": blocks(found.body(zh)),
            "related": selectors.articles_related(article=found),
            "my_vote": selectors.article_vote_of(
                article=found, voter_key=voter_key(request, create=False)
            ),
        },
    )


@require_POST
def vote(request: HttpRequest, slug: str) -> HttpResponse:
    """Record the reader's answer; a second answer replaces the first."""
    try:
        found = selectors.article_get_public(slug)
    except NotFound as error:
        raise Http404(str(error.message)) from error
    answer = request.POST.get("helpful", "")
    if answer not in {"yes", "no"}:
        messages.error(request, _("Choose Yes or No."))
    else:
        try:
            article_vote(
                article=found,
                voter_key=voter_key(request, create=True),
                helpful=answer == "yes",
            )
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("Thank you for your feedback."))
    return redirect(reverse("help:article", args=[found.slug]) + "#feedback")
