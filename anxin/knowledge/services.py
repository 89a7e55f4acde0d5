"""Every write of the knowledge base: articles, their workflow and votes, canned replies."""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from anxin.core import clock
from anxin.core.actors import Actor
from anxin.core.audit import audit_record
from anxin.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from anxin.core.workflow import transition
from anxin.tickets.models import Team, Ticket
from anxin.tickets.proposals import ticket_kb_propose

from .choices import ArticleStatus
from .models import Article, ArticleCategory, ArticleEvent, ArticleVote, CannedReply
from .permissions import can_manage_canned, can_write
from .text import token_field
from .workflow import ARTICLE_WORKFLOW

EDITABLE = frozenset({ArticleStatus.DRAFT, ArticleStatus.IN_REVIEW})
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
LIMITS = {"title_zh": 200, "title_en": 200, "body_zh": 20000, "body_en": 20000}
CANNED_LIMITS = {"title_zh": 120, "title_en": 120, "body_zh": 5000, "body_en": 5000}


def _event(article: Article, *, actor: Actor, action: str) -> None:
    ArticleEvent.objects.create(
        article=article,
        action=action,
        to_status=article.status,
        actor=actor.audit_label(),
        actor_role=str(actor.role),
        created_at=clock.now(),
    )


def _require_writer(actor: Actor) -> None:
    if not can_write(actor):
        raise Forbidden()


def _texts(limits: dict[str, int], values: dict[str, str]) -> dict[str, str]:
    cleaned = {name: (values.get(name) or "").strip() for name in limits}
    errors = {
        name: _("At most %(limit)d characters.") % {"limit": limit}
        for name, limit in limits.items()
        if len(cleaned[name]) > limit
    }
    if errors:
        raise ValidationFailed(fields=errors)  # type: ignore[arg-type]
    return cleaned


def _category(code: str) -> ArticleCategory | None:
    if not code:
        return None
    found = ArticleCategory.objects.filter(code=code).first()
    if found is None:
        raise ValidationFailed(fields={"category": _("Choose a category from the list.")})
    return found


def _index(article: Article) -> None:
    article.search_title = token_field(article.title_zh, article.title_en)
    article.search_body = token_field(article.body_zh, article.body_en)


@transaction.atomic
def article_create(
    *,
    actor: Actor,
    slug: str,
    category: str = "",
    title_zh: str = "",
    title_en: str = "",
    body_zh: str = "",
    body_en: str = "",
    source_ticket_number: str = "",
) -> Article:
    """A new draft by a writer; the slug is its public address and never changes."""
    _require_writer(actor)
    slug = slug.strip().lower()
    if not SLUG.match(slug) or len(slug) > 80:
        raise ValidationFailed(
            fields={"slug": _("Use lower-case letters, digits and hyphens (at most 80).")}
        )
    texts = _texts(
        LIMITS, {"title_zh": title_zh, "title_en": title_en, "body_zh": body_zh, "body_en": body_en}
    )
    if not (texts["title_zh"] or texts["title_en"]):
        raise ValidationFailed(fields={"title_zh": _("Give the article a title.")})
    if Article.objects.filter(slug=slug).exists():
        raise ValidationFailed(fields={"slug": _("Another article already uses this address.")})
    article = Article(
        slug=slug,
        category=_category(category),
        author_id=actor.user_id,
        source_ticket_number=source_ticket_number,
        **texts,
    )
    _index(article)
    try:
        with transaction.atomic():
            article.save()
    except IntegrityError as error:  # a concurrent create took the slug
        raise ValidationFailed(
            fields={"slug": _("Another article already uses this address.")}
        ) from error
    _event(article, actor=actor, action="create")
    audit_record(
        actor=actor,
        action="knowledge.article.create",
        subject_type="knowledge.article",
        subject_id=article.pk,
        data={"slug": slug},
    )
    return article


@transaction.atomic
def article_update(
    *,
    actor: Actor,
    article: Article,
    category: str = "",
    title_zh: str = "",
    title_en: str = "",
    body_zh: str = "",
    body_en: str = "",
) -> Article:
    """Edit a draft or an article in review; a published one is archived and restored first."""
    _require_writer(actor)
    locked = Article.objects.select_for_update().filter(pk=article.pk).first()
    if locked is None:
        raise NotFound()
    if locked.status not in EDITABLE:
        raise Conflict(_("Only drafts and articles in review can be edited."))
    texts = _texts(
        LIMITS, {"title_zh": title_zh, "title_en": title_en, "body_zh": body_zh, "body_en": body_en}
    )
    if not (texts["title_zh"] or texts["title_en"]):
        raise ValidationFailed(fields={"title_zh": _("Give the article a title.")})
    locked.category = _category(category)
    for name, value in texts.items():
        setattr(locked, name, value)
    _index(locked)
    fields = ["category", *texts, "search_title", "search_body", "updated_at"]
    locked.save(update_fields=fields)
    _event(locked, actor=actor, action="edit")
    audit_record(
        actor=actor,
        action="knowledge.article.edit",
        subject_type="knowledge.article",
        subject_id=locked.pk,
    )
    return locked


def article_act(
    *, actor: Actor, article: Article, action: str, reason: str = "", version: int | None = None
) -> Article:
    """Move an article through its workflow (submit, approve, send_back, archive, restore)."""
    result = transition(
        ARTICLE_WORKFLOW,
        subject=article,
        action=action,
        actor=actor,
        reason=reason,
        expected_version=version,
    )
    subject: Article = result.subject
    return subject


@transaction.atomic
def article_vote(*, article: Article, voter_key: str, helpful: bool) -> Article:
    """One answer per reader and article: repeating it changes nothing, changing it moves the
    counters. Votes are anonymous reader feedback, so they are not audited."""
    if not voter_key or len(voter_key) > 80:
        raise ValidationFailed(fields={"voter_key": _("Unknown reader.")})
    locked = (
        Article.objects.select_for_update()
        .filter(pk=article.pk, status=ArticleStatus.PUBLISHED)
        .first()
    )
    if locked is None:
        raise NotFound()
    vote = ArticleVote.objects.filter(article=locked, voter_key=voter_key).first()
    yes, no = (
        (F("helpful_yes") + 1, F("helpful_no"))
        if helpful
        else (F("helpful_yes"), F("helpful_no") + 1)
    )
    if vote is None:
        ArticleVote.objects.create(article=locked, voter_key=voter_key, helpful=helpful)
    elif vote.helpful == helpful:
        return locked
    else:
        vote.helpful = helpful
        vote.updated_at = clock.now()
        vote.save(update_fields=["helpful", "updated_at"])
        if helpful:
            yes, no = F("helpful_yes") + 1, F("helpful_no") - 1
        else:
            yes, no = F("helpful_yes") - 1, F("helpful_no") + 1
    Article.objects.filter(pk=locked.pk).update(helpful_yes=yes, helpful_no=no)
    locked.refresh_from_db(fields=["helpful_yes", "helpful_no"])
    return locked


@transaction.atomic
def article_propose_from_ticket(*, actor: Actor, ticket: Ticket) -> Article:
    """Turn a resolved or closed ticket into a draft (its subject and the last public agent
    reply); a ticket is proposed once."""
    _require_writer(actor)
    proposal = ticket_kb_propose(ticket=ticket)
    zh = proposal.language.lower().startswith("zh")
    text = {"title": proposal.subject[:200], "body": proposal.reply[:20000]}
    article = article_create(
        actor=actor,
        slug=f"ticket-{proposal.number.lower()}"[:80].strip("-"),
        title_zh=text["title"] if zh else "",
        title_en="" if zh else text["title"],
        body_zh=text["body"] if zh else "",
        body_en="" if zh else text["body"],
        source_ticket_number=proposal.number,
    )
    audit_record(
        actor=actor,
        action="knowledge.article.propose",
        merchant_id=proposal.merchant_id,
        subject_type="tickets.ticket",
        subject_id=proposal.ticket_id,
        data={"article": article.slug},
    )
    return article


def _canned_fields(values: dict[str, str], team_code: str) -> dict[str, str]:
    texts = _texts(CANNED_LIMITS, values)
    missing = {name: _("This field is required.") for name, value in texts.items() if not value}
    if missing:
        raise ValidationFailed(fields=missing)  # type: ignore[arg-type]
    team_code = team_code.strip()
    if team_code and not Team.objects.filter(code=team_code).exists():
        raise ValidationFailed(fields={"team_code": _("Choose a team from the list.")})
    return {**texts, "team_code": team_code}


@transaction.atomic
def canned_reply_create(
    *,
    actor: Actor,
    title_zh: str,
    title_en: str,
    body_zh: str,
    body_en: str,
    team_code: str = "",
    active: bool = True,
) -> CannedReply:
    """A canned reply in both languages, by a supervisor or an administrator."""
    if not can_manage_canned(actor):
        raise Forbidden()
    fields = _canned_fields(
        {"title_zh": title_zh, "title_en": title_en, "body_zh": body_zh, "body_en": body_en},
        team_code,
    )
    reply = CannedReply.objects.create(created_by_id=actor.user_id, active=active, **fields)
    audit_record(
        actor=actor,
        action="knowledge.canned.create",
        subject_type="knowledge.cannedreply",
        subject_id=reply.pk,
    )
    return reply


@transaction.atomic
def canned_reply_update(
    *,
    actor: Actor,
    reply: CannedReply,
    title_zh: str,
    title_en: str,
    body_zh: str,
    body_en: str,
    team_code: str = "",
    active: bool = True,
) -> CannedReply:
    """Change a canned reply's texts, team or whether it is offered at all."""
    if not can_manage_canned(actor):
        raise Forbidden()
    fields = _canned_fields(
        {"title_zh": title_zh, "title_en": title_en, "body_zh": body_zh, "body_en": body_en},
        team_code,
    )
    locked = CannedReply.objects.select_for_update().filter(pk=reply.pk).first()
    if locked is None:
        raise NotFound()
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.active = active
    locked.save(update_fields=[*fields, "active", "updated_at"])
    audit_record(
        actor=actor,
        action="knowledge.canned.edit",
        subject_type="knowledge.cannedreply",
        subject_id=locked.pk,
        data={"active": active},
    )
    return locked


PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def _value(ticket: Any, path: str) -> str:
    value: Any = ticket
    for name in path.split("."):
        value = getattr(value, name, None) if value is not None else None
    return str(value) if value else ""


def canned_reply_render(*, reply: CannedReply, ticket: Any, language: str, agent_name: str) -> str:
    """The reply's text in ``language`` with the ticket's values in its placeholders.

    A placeholder without a value (no order on the ticket) or unknown to us stays as written, so
    the agent sees what to fill in before sending; substituted values are never re-read as
    placeholders. Never raises on a template.
    """
    zh = language.lower().startswith("zh")
    text = (reply.body_zh or reply.body_en) if zh else (reply.body_en or reply.body_zh)
    values = {
        "order_number": _value(ticket, "order.number"),
        "ticket_number": _value(ticket, "number"),
        "customer_name": _value(ticket, "contact_name"),
        "case_number": _value(ticket, "case.number"),
        "agent_name": agent_name,
    }

    def fill(match: re.Match[str]) -> str:
        return values.get(match.group(1)) or match.group(0)

    return PLACEHOLDER.sub(fill, text)
