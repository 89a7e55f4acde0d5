"""What an article transition does besides changing the status (same transaction), and the
registration of ``ARTICLE_WORKFLOW`` with it: one ``ArticleEvent`` row per transition."""

from __future__ import annotations

from anxin.core.workflow import History, StepContext, register

from .models import Article
from .workflow import ARTICLE_WORKFLOW


def effect_approve(step: StepContext) -> None:
    """Publishing stamps the reviewer and the time."""
    article: Article = step.subject
    article.published_at = step.at
    article.reviewer_id = step.actor.user_id
    article.save(update_fields=["published_at", "reviewer", "updated_at"])


register(
    ARTICLE_WORKFLOW,
    history=History("knowledge.articleevent", subject_field="article"),
    effects={"approve": effect_approve},
)
