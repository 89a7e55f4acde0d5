"""Policy questions answered with the numbers that apply to *this* customer's order: the
eligibility engine's windows and notes for the line, plus the best help-centre article."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from anxin.cases.choices import CaseType
from anxin.cases.selectors import decision_for, reason_get
from anxin.catalog.models import Order

from ..context import Context
from ..lookups import claimable_lines, line_from, order_by_number, order_from
from ..replies import Turn
from .answers import best_article
from .common import ask_order, day

WINDOW_LABELS = {
    "no_reason": _("7-day no-reason return"),
    "quality": _("return for a quality problem"),
    "exchange": _("exchange"),
    "repair": _("repair under warranty"),
}


def policy_question(ctx: Context, turn: Turn) -> None:
    order = order_from(ctx) or order_by_number(ctx.actor, ctx.state.get("last_order"))
    if order is None:
        article = best_article(ctx)
        if article is not None:
            turn.say(article.summary_text).link(article.title_text, article.url)
        ask_order(ctx, turn, "policy")
        return
    ctx.conversation.state = {"last_order": order.number}
    _answer_for(ctx, turn, order)
    article = best_article(ctx)
    if article is not None:
        turn.replies[-1].link(article.title_text, article.url)
    turn.resolved = True


def _answer_for(ctx: Context, turn: Turn, order: Order) -> None:
    lines = claimable_lines(order)
    line = line_from(ctx, order) or (lines[0] if lines else None)
    if line is None:
        turn.say(_("Order %(number)s has nothing that can be returned.") % {"number": order.number})
        return
    reason = reason_get(ctx.heard.slots.get("reason") or "no_reason/changed_mind")
    _row, decision = decision_for(
        line_id=line.pk, quantity=1, request_type=CaseType.RETURN_REFUND, reason=reason
    )
    now_text = " ".join(decision.explain(ctx.lang))
    windows = []
    for key, label in WINDOW_LABELS.items():
        end = decision.windows.get(key)
        if end is not None:
            windows.append(_("%(label)s until %(end)s") % {"label": label, "end": day(end)})
    text = _("For %(product)s in order %(number)s (rule %(rule)s): %(notes)s") % {
        "product": line.product_name,
        "number": order.number,
        "rule": decision.rule,
        "notes": now_text,
    }
    if windows:
        text += " " + _("Your dates: %(windows)s.") % {
            "windows": "; ".join(str(w) for w in windows)
        }
    allowed = [str(CaseType(o.type).label) for o in decision.options.values() if o.allowed]
    if allowed:
        text += " " + _("You can still ask for: %(types)s.") % {"types": ", ".join(allowed)}
    turn.say(text).link(_("Open the order"), reverse("consumer:order", args=[order.public_id]))
