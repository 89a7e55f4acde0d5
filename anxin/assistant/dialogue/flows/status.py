"""Refund and case status, from the customer's own cases and refunds."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext as _

from anxin.cases.choices import CaseStatus, CaseType
from anxin.cases.models import Case
from anxin.cases.models.ledger import RefundStatus

from ..context import Context
from ..lookups import case_from, recent_cases, recent_refunds
from ..replies import Turn
from .common import day, money, when


def describe_case(case: Case) -> str:
    text = _(
        "Request %(number)s (%(type)s, %(product)s × %(quantity)s): %(status)s, opened %(opened)s."
    ) % {
        "number": case.number,
        "type": CaseType(case.type).label,
        "product": case.line.product_name,
        "quantity": case.quantity,
        "status": CaseStatus(case.status).label,
        "opened": day(case.created_at),
    }
    if case.refund_amount:
        text += " " + _("Refund: %(amount)s.") % {
            "amount": money(case.refund_amount, case.currency)
        }
    return str(text)


def case_status(ctx: Context, turn: Turn) -> None:
    case = case_from(ctx)
    cases = [case] if case else recent_cases(ctx.actor)
    if ctx.heard.slots.get("case_number") and case is None:
        turn.say(
            _("I cannot find request %(number)s on your account.")
            % {"number": ctx.heard.slots["case_number"]}
        )
    if not cases:
        turn.say(
            _(
                "You have no after-sales requests yet. I can help you start one: just tell me what is wrong."
            )
        )
        return
    if case is None:
        turn.say(_("Your latest after-sales requests:"))
    for found in cases:
        turn.say(describe_case(found)).link(
            found.number, reverse("consumer:case", args=[found.number])
        )
    ctx.conversation.state = {"last_case": cases[0].number}
    turn.resolved = True


def refund_status(ctx: Context, turn: Turn) -> None:
    case = case_from(ctx)
    refunds = [
        r for r in recent_refunds(ctx.actor, limit=10) if case is None or r.case_id == case.pk
    ][:3]
    if not refunds:
        pending = [c for c in ([case] if case else recent_cases(ctx.actor)) if c.refund_amount]
        if not pending:
            turn.say(
                _(
                    "There is no refund on your account yet. A refund starts once a request is approved (and, for returns, once the shop has the parcel)."
                )
            )
            return
        for found in pending:
            turn.say(describe_case(found)).link(
                found.number, reverse("consumer:case", args=[found.number])
            )
        turn.resolved = True
        return
    for refund in refunds:
        number = refund.case.number if refund.case is not None else "—"
        facts = {
            "amount": money(refund.amount, refund.currency),
            "number": number,
            "status": RefundStatus(refund.status).label,
            "when": when(refund.settled_at or refund.created_at),
        }
        if refund.status == RefundStatus.SUCCEEDED:
            text = (
                _(
                    "Refund of %(amount)s for request %(number)s: paid back on %(when)s. It reaches your account by the original payment method (card refunds can take 1–3 working days to show)."
                )
                % facts
            )
        else:
            text = (
                _("Refund of %(amount)s for request %(number)s: %(status)s (since %(when)s).")
                % facts
            )
        reply = turn.say(text)
        if refund.case is not None:
            reply.link(number, reverse("consumer:case", args=[number]))
    turn.resolved = True
