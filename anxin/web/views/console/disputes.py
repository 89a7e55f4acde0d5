"""Disputes in the console: the mediation queue (mine / unassigned / waiting for evidence / all)
and the workspace the mediator and the arbitrator share — both parties' evidence side by side,
the case's facts and rule, the history (协商历史), proposals, rounds, rulings, and a form for each
step the dispute's table allows the viewer now, every platform step with a reason."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anxin.cases.choices import EvidencePurpose, MessageAudience, MessageParty, RejectCondition
from anxin.cases.models import Case, Evidence
from anxin.cases.selectors import AT_RISK, OVERDUE, case_messages_for
from anxin.cases.services import case_message_post
from anxin.core import clock
from anxin.core.actors import SYSTEM, Actor, Role
from anxin.core.errors import DomainError
from anxin.disputes.burden import BURDENS, burden_for, burden_get
from anxin.disputes.choices import (
    MONEY_NOW,
    TERMINAL,
    DisputeStatus,
    Level,
    Party,
    Remedy,
    RoundKind,
    Vote,
)
from anxin.disputes.execution import paid_to_consumer, refundable_cap
from anxin.disputes.inputs import ACTION_INPUTS, ActIn
from anxin.disputes.models import Dispute, DisputeEvent, Ruling
from anxin.disputes.permissions import needs_reason
from anxin.disputes.selectors import (
    DisputeFilters,
    dispute_get_for,
    disputes_for,
    open_round,
    ruling_rationale,
)
from anxin.disputes.services import dispute_act
from anxin.disputes.workflow import DISPUTE_WORKFLOW
from anxin.web.case_display import (
    ROLE_LABELS,
    TimelineEntry,
    rule_label,
    usernames_of,
)
from anxin.web.templatetags.anxin_web import money

from ..common import actor, audience, flash_error
from .dispute_words import (
    AUTOMATIC_REASONS,
    AUTOMATIC_STEPS,
    BOOLEAN_FIELDS,
    DESTRUCTIVE,
    DETAIL_LABELS,
    DISPUTE_RULES,
    EVENT_LABELS,
    FORM_FIELDS,
    FORM_LABELS,
    FORM_ORDER,
    MONEY_DETAILS,
    PARTY_LABELS,
    QUEUE_TABS,
    RULE_SPLIT,
    THEN_WORDS,
    badge_class,
    label_of,
)
from .home import SERVICE_TARGETS, dispute_urgency, due_label, page, with_armed_at

# Who works on disputes in the console (quality inspectors do not).
HANDLER_ROLES = frozenset({Role.AGENT, Role.ARBITRATOR, Role.ADMIN})
PAGE_SIZE = 50

# --- the queue ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    dispute: Dispute
    due_label: str
    urgency: str  # "overdue", "at-risk" or ""
    badge: str
    handler: str  # who handles it at its level ("" in negotiation)
    mine: bool


def handler_of(dispute: Dispute) -> Any:
    """The mediator, arbitrator or appeal arbitrator of the dispute's level (None: negotiation)."""
    return {
        Level.MEDIATION: dispute.mediator,
        Level.ARBITRATION: dispute.arbitrator,
        Level.APPEAL: dispute.appeal_arbitrator,
    }.get(dispute.level)  # type: ignore[call-overload]


def queue_rows(rows: list[Dispute], viewer: Actor) -> list[QueueRow]:
    now = clock.now()
    result = []
    for d in rows:
        handler = handler_of(d)
        result.append(
            QueueRow(
                dispute=d,
                due_label=due_label(d.due_kind, d),
                urgency=dispute_urgency(d, now),
                badge=badge_class(d.status),
                handler=handler.get_username() if handler is not None else "",
                mine=handler is not None and handler.pk == viewer.user_id,
            )
        )
    return result


def queue_page(
    request: HttpRequest,
    *,
    tabs: list[tuple[str, Any]],
    default: str,
    ordered: Any,
    template: str,
    nav: str,
) -> HttpResponse:
    """A dispute queue with tabs (``?queue=``): an unknown tab is a 400 with the tabs to choose
    from, never an empty or a broken list."""
    viewer = actor(request)
    chosen = request.GET.get("queue") or default
    valid = dict(tabs)
    status = 200
    rows: list[QueueRow] | None = None
    page_obj = None
    error = ""
    if chosen not in valid:
        status, error = 400, _("Choose one of the queues above.")
    else:
        found = ordered(disputes_for(actor=viewer, filters=DisputeFilters(queue=chosen)))
        paginator = Paginator(
            with_armed_at(found.select_related("mediator", "arbitrator", "appeal_arbitrator")),
            PAGE_SIZE,
        )
        page_obj = paginator.get_page(request.GET.get("page"))
        rows = queue_rows(list(page_obj.object_list), viewer)
    counts = {
        code: disputes_for(actor=viewer, filters=DisputeFilters(queue=code)).count()
        for code, _label in tabs
    }
    context = {
        "tabs": [(code, label, counts[code]) for code, label in tabs],
        "tab": chosen,
        "rows": rows,
        "page_obj": page_obj,
        "queue_error": error,
    }
    return page(request, template, context, nav=nav, status=status)


@audience(HANDLER_ROLES)
def queue(request: HttpRequest) -> HttpResponse:
    """The mediation queue, nearest deadline first (disputes without one last)."""
    return queue_page(
        request,
        tabs=QUEUE_TABS,
        default="mine",
        ordered=lambda rows: rows,
        template="web/console/disputes/queue.html",
        nav="disputes",
    )


# --- the workspace ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Photo:
    url: str
    label: str
    note: str = ""
    at: datetime | None = None
    tag: str = ""  # "round 2", "with the appeal"

    @property
    def caption(self) -> str:
        """A caption such as "Photo 2 (round 3): the crack" when there is more than the label."""
        values = {"photo": self.label, "tag": self.tag, "note": self.note}
        if self.tag and self.note:
            return _("%(photo)s (%(tag)s): %(note)s") % values
        if self.tag:
            return _("%(photo)s (%(tag)s)") % values
        if self.note:
            return _("%(photo)s: %(note)s") % values
        return ""


@dataclass(frozen=True)
class Answer:
    number: int
    asked: str
    statement: str
    status: str
    at: datetime | None


@dataclass
class Side:
    """What one party has put forward, for the side-by-side columns."""

    party: str
    title: str
    statements: list[tuple[str, str]]  # (label, text)
    request_photos: list[Photo]
    answers: list[Answer]
    photos: list[Photo]


@dataclass(frozen=True)
class StepForm:
    code: str
    label: str
    destructive: bool
    needs_reason: bool


def _photo_url(case: Case, evidence: Evidence) -> str:
    return reverse("console:evidence", args=[case.number, evidence.public_id])


def _sides(dispute: Dispute, case: Case) -> tuple[Side, Side]:
    case_photos = list(
        case.evidence.exclude(purpose=EvidencePurpose.DISPUTE).order_by("created_at", "pk")
    )
    linked = list(dispute.evidence.select_related("evidence", "round").order_by("created_at"))
    rounds = list(dispute.rounds.all())
    reject = case.events.filter(action="reject").order_by("-created_at", "-pk").first()

    def numbered(items: list[Any]) -> list[Photo]:
        photos = []
        for index, link in enumerate(items, 1):
            tag = ""
            if link.for_appeal:
                tag = _("with the appeal")
            elif link.round is not None:
                tag = _("round %(n)s") % {"n": link.round.number}
            photos.append(
                Photo(
                    url=_photo_url(case, link.evidence),
                    label=_("Photo %(n)s") % {"n": index},
                    note=link.note,
                    at=link.created_at,
                    tag=tag,
                )
            )
        return photos

    def request_photos(parties: set[str]) -> list[Photo]:
        chosen = [e for e in case_photos if (e.party or MessageParty.CONSUMER) in parties]
        return [
            Photo(url=_photo_url(case, e), label=_("Photo %(n)s") % {"n": i}, at=e.created_at)
            for i, e in enumerate(chosen, 1)
        ]

    def answers(party: str) -> list[Answer]:
        return [
            Answer(
                number=r.number,
                asked=r.request or str(getattr(burden_get(r.template), "asks", "")),
                statement=r.statement,
                status=r.get_status_display(),
                at=r.closed_at,
            )
            for r in rounds
            if r.party == party
        ]

    consumer_statements = [(_("Statement with the dispute"), dispute.statement)]
    if case.description:
        consumer_statements.append((_("Description in the request"), case.description))
    merchant_statements = []
    if reject is not None:
        condition = (reject.data or {}).get("condition")
        if condition:
            merchant_statements.append(
                (_("Condition named"), label_of(RejectCondition, str(condition)))
            )
        merchant_statements.append((_("Reason for rejecting the request"), reject.reason or "—"))
    consumer = Side(
        party=Party.CONSUMER,
        title=_("Consumer"),
        statements=consumer_statements,
        request_photos=request_photos({MessageParty.CONSUMER}),
        answers=answers(Party.CONSUMER),
        photos=numbered([e for e in linked if e.party == Party.CONSUMER]),
    )
    merchant = Side(
        party=Party.MERCHANT,
        title=_("Merchant"),
        statements=merchant_statements,
        request_photos=request_photos({MessageParty.MERCHANT}),
        answers=answers(Party.MERCHANT),
        photos=numbered([e for e in linked if e.party == Party.MERCHANT]),
    )
    return consumer, merchant


def _event_details(event: DisputeEvent, currency: str) -> tuple[tuple[str, str], ...]:
    data = event.data or {}
    details = []
    for key, label in DETAIL_LABELS.items():
        value = data.get(key)
        if value in (None, "", []):
            continue
        if key == "remedy":
            text = label_of(Remedy, str(value))
        elif key in MONEY_DETAILS:
            if Decimal(str(value)) == 0:
                continue
            text = money(value, currency)
        elif key == "party":
            text = label_of(Party, str(value))
            label = PARTY_LABELS.get(event.action, label)
        elif key == "majority":
            text = label_of(Vote, str(value))
        else:
            text = str(value)
        details.append((str(label), text))
    return tuple(details)


def _automatic_reason(action: str, reason: str) -> str:
    if action in AUTOMATIC_STEPS:
        return str(AUTOMATIC_STEPS[action])
    code = reason.split(":", 1)[0].strip()
    return str(AUTOMATIC_REASONS.get(code, reason))


def history(dispute: Dispute) -> list[TimelineEntry]:
    """The dispute's history (协商历史), oldest first, with who (role · username) and when."""
    statuses = dict(DisputeStatus.choices)
    events = list(dispute.events.all())
    names = usernames_of(events)
    entries = []
    for event in events:
        automatic = event.actor == "system"
        role = str(ROLE_LABELS.get(event.actor_role, event.actor_role))
        who = role if automatic else f"{role} · {names.get(event.actor, event.actor)}"
        reason = _automatic_reason(event.action, event.reason) if automatic else event.reason
        entries.append(
            TimelineEntry(
                at=event.created_at,
                action=event.action,
                label=str(EVENT_LABELS.get(event.action, event.action)),
                who=who,
                role=event.actor_role,
                automatic=automatic and bool(reason),
                reason=reason,
                to_status=str(statuses.get(event.to_status, event.to_status)),
                details=_event_details(event, dispute.currency),
            )
        )
    return entries


def _authors(case: Case) -> dict[str, str]:
    """``user:<id>`` authors of the case's messages → usernames (staff read who wrote)."""
    authors = case.messages.values_list("author", flat=True)
    return usernames_of([SimpleNamespace(actor=author) for author in authors])


def _explanation(case: Case) -> dict[str, Any]:
    language = "zh-hans" if (translation.get_language() or "").startswith("zh") else "en"
    data = case.explanation or {}
    return data.get(language) or data.get("en") or {}


def _jury(dispute: Dispute) -> dict[str, Any] | None:
    """The panel's result once voting closed (counts and majority), or that it is voting."""
    closed = dispute.events.filter(action="close_jury").order_by("-created_at", "-pk").first()
    if dispute.status == DisputeStatus.JURY:
        return {"voting": True, "until": dispute.jury_until}
    if closed is None:
        return None
    votes = (closed.data or {}).get("votes") or {}
    majority = (closed.data or {}).get("majority") or ""
    return {
        "voting": False,
        "consumer": int(votes.get(Vote.CONSUMER, 0)),
        "merchant": int(votes.get(Vote.MERCHANT, 0)),
        "majority": label_of(Vote, majority) if majority else "",
        "tied": not majority,
        "at": closed.created_at,
    }


def _rule_choices(case: Case) -> list[tuple[str, str]]:
    """Checkboxes of the ruling form: the dispute rules and the case's own policy rule."""
    choices = [(code, f"{code} · {text}") for code, text in DISPUTE_RULES]
    own = (case.rule or "").split(" ", 1)[0]
    if own and own not in {code for code, _text in choices}:
        choices.append((own, rule_label(case.rule)))
    return choices


def _handlers(dispute: Dispute) -> list[tuple[str, str]]:
    rows = [
        (_("Mediator"), dispute.mediator),
        (_("Arbitrator"), dispute.arbitrator),
        (_("Appeal arbitrator"), dispute.appeal_arbitrator),
    ]
    return [(label, user.get_username()) for label, user in rows if user is not None]


@dataclass(frozen=True)
class DueView:
    """The dispute's next deadline: its words, what happens by itself when it passes ("" for a
    service target: nothing does), and how urgent it is."""

    kind: str
    label: str
    then: str
    due_at: datetime
    overdue: bool
    at_risk: bool
    target: bool


def automatic_step(dispute: Dispute) -> str:
    """The step the system takes when the dispute's next deadline passes ("" when none does):
    of the deadlines of its state, the one armed for its ``due_kind`` whose guard lets it act
    (negotiation steps in or lapses; an evidence round decides or goes back)."""
    starts = DISPUTE_WORKFLOW.state_deadlines.get(dispute.status, ())
    allowed = {t.action for t in DISPUTE_WORKFLOW.available(dispute, SYSTEM)}
    for start in starts:
        if start.action in allowed and start.delay(dispute) is not None:
            return start.action
    return ""


def _deadlines(dispute: Dispute, urgency: str) -> list[DueView]:
    """The dispute's next deadline and what happens by itself when it passes."""
    if dispute.due_at is None or dispute.status in TERMINAL:
        return []
    target = dispute.due_kind in SERVICE_TARGETS
    action = "" if target else automatic_step(dispute)
    then = THEN_WORDS.get(action) or EVENT_LABELS.get(action, "")
    return [
        DueView(
            kind=dispute.due_kind,
            label=due_label(dispute.due_kind, dispute),
            then=str(then),
            due_at=dispute.due_at,
            overdue=urgency == OVERDUE,
            at_risk=urgency == AT_RISK,
            target=target,
        )
    ]


def _step_forms(dispute: Dispute, viewer: Actor) -> list[StepForm]:
    codes = {t.action for t in DISPUTE_WORKFLOW.available(dispute, viewer)}
    return [
        StepForm(
            code=code,
            label=str(FORM_LABELS[code]),
            destructive=code in DESTRUCTIVE,
            needs_reason=needs_reason(viewer, code),
        )
        for code in FORM_ORDER
        if code in codes
    ]


def render_workspace(
    request: HttpRequest,
    dispute: Dispute,
    *,
    errors: dict[str, str] | None = None,
    open_action: str = "",
    posted: Any = None,
    status: int = 200,
) -> HttpResponse:
    viewer = actor(request)
    case = dispute.case
    errors = errors or {}
    consumer, merchant = _sides(dispute, case)
    rulings: list[Ruling] = list(dispute.rulings.all())
    found_round = open_round(dispute)
    # an appeal's award is the total the consumer gets, what the first decision paid included
    paid = paid_to_consumer(dispute) if dispute.level == Level.APPEAL else Decimal(0)
    cap = refundable_cap(case)
    fast_track_max = Decimal(settings.ANXIN_DISPUTE_FAST_TRACK_MAX)
    jury_max = Decimal(settings.ANXIN_DISPUTE_JURY_MAX)
    default_template = found_round.template if found_round else burden_for(case.reason.code).code
    first = next((r for r in rulings if r.level != "appeal"), None)
    appeal = dispute.events.filter(action="appeal").order_by("-created_at").first()
    shown_fields = set(FORM_FIELDS.get(open_action, ())) | {"reason", "__all__"}
    urgency = dispute_urgency(
        with_armed_at(Dispute.unscoped.filter(pk=dispute.pk)).get(), clock.now()
    )
    context = {
        "dispute": dispute,
        "case": case,
        "badge": badge_class(dispute.status),
        "due_label": due_label(dispute.due_kind, dispute),
        "urgency": urgency,
        "deadlines": _deadlines(dispute, urgency),
        "handlers": _handlers(dispute),
        "consumer": consumer,
        "merchant": merchant,
        "history": history(dispute),
        "proposals": list(dispute.proposals.all()),
        "rounds": list(dispute.rounds.all()),
        "open_round": found_round,
        "open_burden": burden_get(found_round.template) if found_round else None,
        "rulings": [(r, ruling_rationale(r)) for r in rulings],
        "first_ruling": first,
        "appeal": appeal,
        "jury": _jury(dispute),
        "explanation": _explanation(case),
        "refundable": cap,
        "ruling_max": refundable_cap(case, paid=paid) if paid else cap,
        "paid": paid,
        "messages_thread": list(case_messages_for(actor=viewer, case=case)),
        "message_names": _authors(case),
        "is_open": dispute.status not in TERMINAL,
        "can_message": dispute.status not in TERMINAL,
        "audiences": MessageAudience.choices,
        "step_forms": _step_forms(dispute, viewer),
        "burdens": BURDENS,
        "default_template": default_template,
        "parties": [(Party.CONSUMER, Party.CONSUMER.label), (Party.MERCHANT, Party.MERCHANT.label)],
        "round_kinds": RoundKind.choices,
        "remedies": [(r.value, r.label) for r in Remedy if r is not Remedy.REJECT],
        "ruling_remedies": Remedy.choices,
        "appeal_remedies": [
            (r.value, r.label)
            for r in Remedy
            if r in MONEY_NOW or r is Remedy.REJECT or (first is not None and r == first.remedy)
        ],
        "rule_choices": _rule_choices(case),
        "fast_track_max": fast_track_max,
        "fast_track_ok": dispute.claim in MONEY_NOW and dispute.claim_amount <= fast_track_max,
        "jury_max": jury_max,
        "jury_ok": dispute.claim_amount <= jury_max,
        "jury_photos": [
            (link.evidence.public_id, _photo_url(case, link.evidence), link.get_party_display())
            for link in dispute.evidence.select_related("evidence")
        ],
        "errors": errors,
        "general_error": errors.get("__all__", ""),
        "other_errors": [text for name, text in errors.items() if name not in shown_fields],
        "open_action": open_action,
        "posted": posted if posted is not None else {},
        "posted_rules": posted.getlist("rules") if hasattr(posted, "getlist") else [],
    }
    nav = "arbitration" if viewer.role is Role.ARBITRATOR else "disputes"
    return page(request, "web/console/disputes/workspace.html", context, nav=nav, status=status)


@audience(HANDLER_ROLES)
def workspace(request: HttpRequest, number: str) -> HttpResponse:
    return render_workspace(request, dispute_get_for(actor=actor(request), number=number))


def payload_from_post(request: HttpRequest, action: str) -> dict[str, Any]:
    """The step's fields from the form; empty inputs are left out (the defaults apply). The rules
    cited are the ticked boxes plus what was typed, split on commas or semicolons."""
    schema = ACTION_INPUTS.get(action, ActIn)
    payload: dict[str, Any] = {}
    for name in schema.model_fields:
        if name in BOOLEAN_FIELDS:
            payload[name] = request.POST.get(name) in {"on", "1", "true"}
        elif name == "photos":
            payload[name] = request.POST.getlist("photos")
        elif name == "rules":
            typed = [r.strip() for r in RULE_SPLIT.split(request.POST.get("rules_other", ""))]
            rules = [r for r in [*request.POST.getlist("rules"), *typed] if r.strip()]
            payload[name] = list(dict.fromkeys(rules))
        elif request.POST.get(name, "") != "":
            payload[name] = request.POST.get(name)
    return payload


def _failed(request: HttpRequest, number: str, error: DomainError, action: str) -> HttpResponse:
    errors = flash_error(request, error) or {"__all__": str(error.message)}
    dispute = dispute_get_for(actor=actor(request), number=number)  # as it is now
    fielded = set(errors) - {"__all__"}
    status = 422 if fielded else (error.status if 400 <= error.status < 500 else 409)
    return render_workspace(
        request, dispute, errors=errors, open_action=action, posted=request.POST, status=status
    )


@require_POST
@audience(HANDLER_ROLES)
def act(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Take a step for the platform (the table decides whether the viewer may); on failure the
    workspace comes back with the message and the field at fault, the form still open."""
    viewer = actor(request)
    dispute = dispute_get_for(actor=viewer, number=number)
    try:
        dispute_act(
            actor=viewer,
            dispute=dispute,
            action=action,
            payload=payload_from_post(request, action),
        )
    except DomainError as error:
        return _failed(request, number, error, action)
    label = FORM_LABELS.get(action) or EVENT_LABELS.get(action, action)
    messages.success(request, _("Done: %(action)s.") % {"action": label})
    return redirect("console_disputes:dispute", number=dispute.number)


@require_POST
@audience(HANDLER_ROLES)
def message(request: HttpRequest, number: str) -> HttpResponse:
    """A message on the dispute's case to both sides or to one (the other never reads it)."""
    viewer = actor(request)
    dispute = dispute_get_for(actor=viewer, number=number)
    try:
        case_message_post(
            actor=viewer,
            case=dispute.case,
            body=request.POST.get("body", ""),
            visible_to=request.POST.get("visible_to", MessageAudience.BOTH),
        )
    except DomainError as error:
        return _failed(request, number, error, "message")
    messages.success(request, _("Message sent."))
    return redirect("console_disputes:dispute", number=dispute.number)
