"""Refund / return / exchange / repair by chat: choose the order and line, show what the rules
allow and the amount, collect reason and quantity, confirm, then open the case via
``case_open`` and give the next steps with the label link."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _

from anxin.cases.choices import CaseChannel, CaseStatus, CaseType
from anxin.cases.inputs import CaseOpenIn
from anxin.cases.models import Case
from anxin.cases.selectors import decision_for, reason_get
from anxin.cases.services import LABEL_STATES, case_open, evidence_add, label_instructions
from anxin.catalog.models import Order, OrderLine
from anxin.core.errors import DomainError
from anxin.core.validation import whole_number
from anxin.policies.models import Reason

from ...models import Photo
from ..context import Context
from ..lookups import line_from, line_open_quantity, order_by_number, order_from
from ..replies import Turn
from .common import ask_order, money

TYPE_OF_INTENT = {
    "refund_request": CaseType.REFUND_ONLY,
    "return_request": CaseType.RETURN_REFUND,
    "exchange_request": CaseType.EXCHANGE,
    "repair_request": CaseType.REPAIR,
}
REASONS = (
    "no_reason/changed_mind",
    "size_fit",
    "quality/defect",
    "quality/not_as_described",
    "wrong_item",
    "logistics/damaged_in_transit",
    "logistics/missing_item",
    "logistics/not_received",
)
QUALITY_REASONS = ("quality/defect", "quality/not_as_described")


def _reason_name(reason: Reason, lang: str) -> str:
    return reason.name_en if lang == "en" else reason.name_zh


def _type_name(kind: str) -> str:
    return str(CaseType(kind).label)


def request_flow(ctx: Context, turn: Turn, *, intent: str | None = None) -> None:
    memory: dict[str, Any] = (
        dict(ctx.state)
        if ctx.state.get("flow") == "request"
        else {"said": ctx.state.get("said", "")}
    )
    if intent in TYPE_OF_INTENT:
        memory["type"] = str(TYPE_OF_INTENT[intent])
    memory.setdefault("type", str(CaseType.RETURN_REFUND))
    if (chosen_type := ctx.chose("type")) and chosen_type in CaseType.values:
        memory["type"] = chosen_type
        memory.pop("step", None)
    memory["flow"] = "request"
    if not memory.get("reason"):
        reason = ctx.chose("reason") or ctx.heard.slots.get("reason")
        if reason in REASONS or (
            reason and reason.split("/")[0] in ("quality", "no_reason", "logistics")
        ):
            memory["reason"] = reason
    if not memory.get("quantity"):
        chosen = ctx.chose("qty")
        quantity = whole_number(chosen) or ctx.heard.slots.get("quantity")
        if not quantity and memory.get("step") == "quantity":
            bare = ctx.heard.normalised.strip(" .。件个")
            quantity = n if (n := whole_number(bare)) and 0 < n <= 100 else None
        if quantity:
            memory["quantity"] = int(quantity)

    order = order_by_number(ctx.actor, memory.get("order")) or order_from(ctx)
    if order is None:
        ask_order(
            ctx,
            turn,
            "request",
            **{k: v for k, v in memory.items() if k in ("type", "reason", "quantity", "said")},
        )
        return
    memory["order"] = order.number
    line = _line(ctx, order, memory)
    if line is None:
        _ask_line(ctx, turn, order, memory)
        return
    memory["line"] = line.external_id
    open_quantity = line_open_quantity(line)
    if open_quantity == 0:
        turn.say(
            _(
                "Every unit of %(product)s is already in an after-sales request; I can show you its status."
            )
            % {"product": line.product_name}
        )
        ctx.conversation.state = {"last_order": order.number}
        return
    if not memory.get("reason"):
        _ask_reason(ctx, turn, memory)
        return
    if not memory.get("quantity"):
        if open_quantity == 1:
            memory["quantity"] = 1
        else:
            _ask_quantity(ctx, turn, memory, line, open_quantity)
            return
    memory["quantity"] = min(int(memory["quantity"]), open_quantity)
    try:
        reason = reason_get(memory["reason"])
    except DomainError:
        memory.pop("reason")
        _ask_reason(ctx, turn, memory)
        return
    if memory.get("step") == "confirm":
        if ctx.yes():
            _open(ctx, turn, order, line, reason, memory)
            return
        if ctx.no():
            turn.say(_("All right, I have not opened anything. Anything else I can do?"))
            ctx.conversation.state = {"last_order": order.number}
            turn.resolved = True
            return
    _offer(ctx, turn, order, line, reason, memory)


def _line(ctx: Context, order: Order, memory: dict[str, Any]) -> OrderLine | None:
    if memory.get("line"):
        return next(
            (line for line in order.lines.all() if line.external_id == memory["line"]), None
        )
    return line_from(ctx, order)


def _ask_line(ctx: Context, turn: Turn, order: Order, memory: dict[str, Any]) -> None:
    reply = turn.say(_("Which item of order %(number)s is it about?") % {"number": order.number})
    for line in order.lines.all():
        if not line.is_gift:
            reply.button(f"{line.product_name} × {line.quantity}", f"line:{line.external_id}")
    ctx.conversation.state = {**memory, "step": "line"}


def _ask_reason(ctx: Context, turn: Turn, memory: dict[str, Any]) -> None:
    reply = turn.say(_("What is the reason?"))
    codes = QUALITY_REASONS if memory["type"] in (CaseType.REPAIR, CaseType.WARRANTY) else REASONS
    names = {r.code: r for r in Reason.objects.filter(code__in=codes)}
    for code in codes:
        if code in names:
            reply.button(_reason_name(names[code], ctx.lang), f"reason:{code}")
    ctx.conversation.state = {**memory, "step": "reason"}


def _ask_quantity(
    ctx: Context, turn: Turn, memory: dict[str, Any], line: OrderLine, open_quantity: int
) -> None:
    reply = turn.say(
        _("How many of the %(count)s × %(product)s?")
        % {"count": open_quantity, "product": line.product_name}
    )
    for quantity in range(1, min(open_quantity, 5) + 1):
        reply.button(str(quantity), f"qty:{quantity}")
    ctx.conversation.state = {**memory, "step": "quantity"}


def _offer(
    ctx: Context, turn: Turn, order: Order, line: OrderLine, reason: Reason, memory: dict[str, Any]
) -> None:
    kind = memory["type"]
    _line_row, decision = decision_for(
        line_id=line.pk, quantity=memory["quantity"], request_type=kind, reason=reason
    )
    notes = " ".join(decision.explain(ctx.lang))
    facts = {
        "type": _type_name(kind),
        "quantity": memory["quantity"],
        "product": line.product_name,
        "order": order.number,
        "reason": _reason_name(reason, ctx.lang),
    }
    if decision.allowed:
        text = (
            _("%(type)s for %(quantity)s × %(product)s (order %(order)s), reason: %(reason)s.")
            % facts
        )
        if kind != CaseType.EXCHANGE and kind not in (CaseType.REPAIR, CaseType.WARRANTY):
            text += " " + _("Refund: %(amount)s.") % {
                "amount": money(decision.refundable_amount, decision.currency)
            }
        waiting = Photo.objects.filter(conversation=ctx.conversation, case_number="")
        if reason.is_quality and not waiting.exists():
            text += " " + _(
                "Photos of the problem help: send them with the 📎 button before you confirm."
            )
        reply = turn.say(f"{text} {notes} " + _("Shall I open this request?"))
        reply.button(_("Yes, open it"), "confirm:yes").button(_("No"), "confirm:no")
        ctx.conversation.state = {**memory, "step": "confirm"}
        return
    reply = turn.say(
        _("%(type)s is not possible for %(product)s: %(notes)s") % {**facts, "notes": notes}
    )
    for option in decision.options.values():
        if option.allowed and option.type != kind:
            reply.button(
                _("Ask for: %(type)s") % {"type": _type_name(option.type)}, f"type:{option.type}"
            )
    reply.button(_("Talk to a person"), "human:yes")
    ctx.conversation.state = {**memory, "step": "alternative"}


def _open(
    ctx: Context, turn: Turn, order: Order, line: OrderLine, reason: Reason, memory: dict[str, Any]
) -> None:
    said = ctx.state.get("said", "")
    data = CaseOpenIn(
        order=str(order.public_id),
        line=line.external_id,
        type=memory["type"],
        reason=reason.code,
        quantity=memory["quantity"],
        description=(str(_("Opened in a chat with the assistant.")) + (" " + said if said else ""))[
            :2000
        ],
    )
    try:
        case = case_open(actor=ctx.actor, data=data, channel=CaseChannel.ASSISTANT)
    except DomainError as error:
        details = " ".join(str(v) for v in error.fields.values())
        turn.say(f"{error.message} {details}".strip()).button(_("Talk to a person"), "human:yes")
        ctx.conversation.state = {"last_order": order.number}
        return
    ctx.conversation.state = {"last_order": order.number, "last_case": case.number}
    turn.resolved = True
    attached = _attach_photos(ctx, case)
    _opened(ctx, turn, case, attached)


def _attach_photos(ctx: Context, case: Case) -> int:
    """The photos sent in this chat become the new case's evidence."""
    attached = 0
    for photo in Photo.objects.filter(conversation=ctx.conversation, case_number=""):
        with photo.file.open("rb") as handle:
            try:
                evidence_add(actor=ctx.actor, case=case, stream=handle.read())
            except DomainError:
                continue
        photo.case_number = case.number
        photo.save(update_fields=["case_number"])
        attached += 1
    return attached


def _opened(ctx: Context, turn: Turn, case: Case, photos: int = 0) -> None:
    text = _("Done: request %(number)s is open (%(status)s).") % {
        "number": case.number,
        "status": CaseStatus(case.status).label,
    }
    if case.refund_amount:
        text += " " + _("Refund due: %(amount)s.") % {
            "amount": money(case.refund_amount, case.currency)
        }
    if photos:
        text += " " + _("Photos attached: %(n)s.") % {"n": photos}
    reply = turn.say(text)
    reply.link(_("Open the request"), reverse("consumer:case", args=[case.number]))
    if case.type == CaseType.REFUND_ONLY:
        return
    steps = " ".join(label_instructions(case))
    if case.status in LABEL_STATES:
        turn.say(_("How to send it back:") + " " + steps).link(
            _("Return label (PDF)"), reverse("consumer:case_label", args=[case.number])
        )
    else:
        turn.say(
            _("Once the shop approves, the return label and address appear on the request page.")
            + " "
            + steps
        ).link(
            _("Return label (once approved)"), reverse("consumer:case_label", args=[case.number])
        )
    if case.reason.is_quality and not photos:
        turn.say(
            _("Photos of the problem help the shop decide quickly: add them on the request page.")
        )
