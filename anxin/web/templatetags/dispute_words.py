"""``{{ dispute|dispute_due_label }}``: a dispute's next deadline in the console's words (the same
words as its queues, workspace and board; never the ``due_kind`` code)."""

from __future__ import annotations

from typing import Any

from django import template

from anxin.web.views.console.home import due_label

register = template.Library()


@register.filter
def dispute_due_label(dispute: Any) -> str:
    if dispute is None:
        return ""
    return due_label(dispute.due_kind, dispute)
