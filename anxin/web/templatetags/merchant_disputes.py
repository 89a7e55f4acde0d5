"""``{% disputes_waiting as n %}``: how many of the signed-in merchant's disputes wait for it (the
workbench nav's badge; one count query)."""

from __future__ import annotations

from typing import Any

from django import template

from anxin.disputes.selectors import waiting_count
from anxin.web.views.common import actor

register = template.Library()


@register.simple_tag(takes_context=True)
def disputes_waiting(context: dict[str, Any]) -> int:
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    return waiting_count(actor(request))
