"""The article machine, as data: one row per transition.

Writers submit drafts; a supervisor (an arbitrator, an administrator, or an agent who supervises
a team) publishes them or sends them back. Nobody reviews their own article, except an
administrator. Publishing stamps the reviewer and the time (``effects.py``, which also registers
the machine with its history table).
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from anxin.core.actors import Actor, Role
from anxin.core.workflow import Workflow, row
from anxin.tickets.permissions import is_supervisor

from .choices import ArticleStatus as S

WRITERS = (Role.AGENT, Role.ADMIN)
REVIEWERS = (Role.AGENT, Role.ARBITRATOR, Role.ADMIN)


def _complete(article: Any, actor: Actor) -> str | Promise | None:
    missing = [
        name
        for name in ("title_zh", "title_en", "body_zh", "body_en")
        if not getattr(article, name).strip()
    ]
    if article.category_id is None or missing:
        return _("Fill in the category and both languages before asking for a review.")
    return None


def _supervisor(article: Any, actor: Actor) -> str | Promise | None:
    if not is_supervisor(actor):
        return _("Only a supervisor may review articles.")
    return None


def _reviewer(article: Any, actor: Actor) -> str | Promise | None:
    problem = _supervisor(article, actor)
    if problem is not None:
        return problem
    if actor.role is not Role.ADMIN and article.author_id == actor.user_id:
        return _("Someone other than the author must review this article.")
    return None


# fmt: off
ARTICLE_TRANSITIONS = [
    #   action        from              to               roles       guard
    row("submit",     [S.DRAFT],        S.IN_REVIEW,     WRITERS,    _complete),
    row("approve",    [S.IN_REVIEW],    S.PUBLISHED,     REVIEWERS,  _reviewer),
    row("send_back",  [S.IN_REVIEW],    S.DRAFT,         REVIEWERS,  _supervisor),
    row("archive",    [S.PUBLISHED],    S.ARCHIVED,      REVIEWERS,  _supervisor),
    row("restore",    [S.ARCHIVED],     S.DRAFT,         REVIEWERS,  _supervisor),
]
# fmt: on


ARTICLE_WORKFLOW = Workflow(model_label="knowledge.article", transitions=ARTICLE_TRANSITIONS)
