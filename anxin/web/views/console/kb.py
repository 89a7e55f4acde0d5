"""The knowledge base in the console at /console/kb/: articles (write, review, publish) and the
canned replies agents insert into tickets."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anxin.core.actors import Role
from anxin.core.errors import DomainError
from anxin.core.validation import whole_number
from anxin.knowledge import selectors, services
from anxin.knowledge.choices import ArticleStatus
from anxin.knowledge.models import Article
from anxin.knowledge.permissions import can_manage_canned, can_write
from anxin.knowledge.text import blocks
from anxin.knowledge.workflow import ARTICLE_WORKFLOW

from ..common import actor, audience, flash_error
from .home import page
from .kb_forms import STATUS_CHOICES, ArticleForm, CannedReplyForm

KB_STAFF = frozenset({Role.AGENT, Role.ARBITRATOR, Role.ADMIN})
ACTION_LABELS = {
    "submit": gettext_lazy("Submit for review"),
    "approve": gettext_lazy("Approve and publish"),
    "send_back": gettext_lazy("Send back to the author"),
    "archive": gettext_lazy("Archive"),
    "restore": gettext_lazy("Restore as a draft"),
}
ARTICLE_FIELDS = ("category", "title_zh", "title_en", "body_zh", "body_en")
CANNED_FIELDS = ("title_zh", "title_en", "body_zh", "body_en", "team_code")


def _zh() -> bool:
    return (get_language() or "zh-hans").lower().startswith("zh")


@audience(KB_STAFF)
def article_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    status = status if status in ArticleStatus.values else ""
    articles = list(selectors.articles_for_console(actor=actor(request), status=status)[:200])
    return page(
        request,
        "web/console/kb/articles.html",
        {
            "articles": articles,
            "status": status,
            "statuses": STATUS_CHOICES,
            "zh": _zh(),
            "can_write": can_write(actor(request)),
        },
        nav="kb",
    )


@audience(KB_STAFF)
def article_new(request: HttpRequest) -> HttpResponse:
    me = actor(request)
    form = ArticleForm(request.POST or None, zh=_zh(), with_slug=True)
    errors: dict[str, str] = {}
    if request.method == "POST" and form.is_valid():
        try:
            created = services.article_create(actor=me, **form.cleaned_data)
        except DomainError as error:
            errors = flash_error(request, error)
        else:
            messages.success(request, _("Draft saved."))
            return redirect("console_kb:article", slug=created.slug)
    status = 422 if request.method == "POST" else 200
    return page(
        request,
        "web/console/kb/article_form.html",
        {"form": form, "errors": errors, "article": None},
        nav="kb",
        status=status,
    )


def _article_page(
    request: HttpRequest,
    found: Article,
    form: ArticleForm | None,
    errors: dict[str, str],
    status: int = 200,
) -> HttpResponse:
    me = actor(request)
    zh = _zh()
    editable = found.status in services.EDITABLE and can_write(me)
    if editable and form is None:
        initial = {name: getattr(found, name) for name in ARTICLE_FIELDS[1:]}
        initial["category"] = found.category.code if found.category else ""
        form = ArticleForm(initial=initial, zh=zh, with_slug=False)
    actions = [
        (t.action, ACTION_LABELS.get(t.action, t.action))
        for t in ARTICLE_WORKFLOW.available(found, me)
    ]
    context: dict[str, Any] = {
        "article": found,
        "form": form if editable else None,
        "errors": errors,
        "actions": actions,
        "events": list(found.events.all()),
        "preview_zh": blocks(found.body_zh),
        "preview_en": blocks(found.body_en),
        "zh": zh,
    }
    return page(request, "web/console/kb/article.html", context, nav="kb", status=status)


@audience(KB_STAFF)
def article_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """An article's texts, its history and the actions the viewer may take; drafts and articles
    in review are edited here."""
    me = actor(request)
    found = selectors.article_get_for_console(actor=me, slug=slug)
    if request.method != "POST":
        return _article_page(request, found, None, {})
    form = ArticleForm(request.POST, zh=_zh(), with_slug=False)
    if not form.is_valid():
        return _article_page(request, found, form, {}, status=422)
    try:
        services.article_update(actor=me, article=found, **form.cleaned_data)
    except DomainError as error:
        errors = flash_error(request, error)
        found = selectors.article_get_for_console(actor=me, slug=slug)
        return _article_page(request, found, form, errors, status=error.status)
    messages.success(request, _("Changes saved."))
    return redirect("console_kb:article", slug=found.slug)


@require_POST
@audience(KB_STAFF)
def article_act(request: HttpRequest, slug: str, action: str) -> HttpResponse:
    me = actor(request)
    found = selectors.article_get_for_console(actor=me, slug=slug)
    version = request.POST.get("version", "")
    try:
        services.article_act(
            actor=me,
            article=found,
            action=action,
            reason=request.POST.get("reason", "").strip()[:2000],
            version=whole_number(version),
        )
    except DomainError as error:
        flash_error(request, error)
    else:
        messages.success(request, str(ACTION_LABELS.get(action, action)))
    return redirect("console_kb:article", slug=found.slug)


@audience(KB_STAFF)
def canned_list(request: HttpRequest) -> HttpResponse:
    me = actor(request)
    return page(
        request,
        "web/console/kb/canned.html",
        {
            "replies": list(selectors.canned_replies_for_console(actor=me)),
            "can_manage": can_manage_canned(me),
            "zh": _zh(),
        },
        nav="kb",
    )


def _canned_form(
    request: HttpRequest, form: CannedReplyForm, reply: Any, errors: dict[str, str], status: int
) -> HttpResponse:
    context = {"form": form, "reply": reply, "errors": errors}
    return page(request, "web/console/kb/canned_form.html", context, nav="kb", status=status)


@audience(KB_STAFF)
def canned_new(request: HttpRequest) -> HttpResponse:
    me = actor(request)
    if not can_manage_canned(me):
        messages.error(request, _("Only supervisors and administrators manage canned replies."))
        return redirect("console_kb:canned")
    form = CannedReplyForm(request.POST or None, zh=_zh(), initial={"active": True})
    errors: dict[str, str] = {}
    if request.method == "POST" and form.is_valid():
        try:
            services.canned_reply_create(actor=me, **form.cleaned_data)
        except DomainError as error:
            errors = flash_error(request, error)
        else:
            messages.success(request, _("Canned reply saved."))
            return redirect("console_kb:canned")
    return _canned_form(request, form, None, errors, 422 if request.method == "POST" else 200)


@audience(KB_STAFF)
def canned_edit(request: HttpRequest, pk: int) -> HttpResponse:
    me = actor(request)
    reply = selectors.canned_reply_get_for(actor=me, pk=pk)
    if not can_manage_canned(me):
        messages.error(request, _("Only supervisors and administrators manage canned replies."))
        return redirect("console_kb:canned")
    initial = {name: getattr(reply, name) for name in CANNED_FIELDS}
    initial["active"] = reply.active
    form = CannedReplyForm(request.POST or None, zh=_zh(), initial=initial)
    errors: dict[str, str] = {}
    if request.method == "POST" and form.is_valid():
        try:
            services.canned_reply_update(actor=me, reply=reply, **form.cleaned_data)
        except DomainError as error:
            errors = flash_error(request, error)
        else:
            messages.success(request, _("Canned reply saved."))
            return redirect("console_kb:canned")
    return _canned_form(request, form, reply, errors, 422 if request.method == "POST" else 200)
