"""Consumer disputes (纠纷), phone-first: open one from a rejected or stalled request, my disputes
by nearest deadline, and one dispute — what is asked of me and by when, proposals to accept or
decline, asking the platform to step in, evidence of both sides, the decisions and an appeal.

Every step goes through the disputes services; a page shows only the steps the dispute's workflow
offers me now (``DISPUTE_WORKFLOW.available``). The history reads in the reader's language: who
("You", "Merchant", "Platform") and when, never ids, rule codes alone or staff names.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST
from pydantic import ValidationError as PydanticError

from anxin.cases.models import Case
from anxin.cases.selectors import case_get_for
from anxin.cases.workflow import CASE_WORKFLOW
from anxin.core.actors import Actor
from anxin.core.errors import DomainError, ValidationFailed
from anxin.core.validation import localized_field_errors
from anxin.disputes.choices import (
    TERMINAL,
    WITH_AMOUNT,
    DisputeStatus,
    Party,
    Remedy,
)
from anxin.disputes.execution import refundable_cap
from anxin.disputes.inputs import ACTION_INPUTS, ActIn, DisputeOpenIn
from anxin.disputes.models import Dispute
from anxin.disputes.selectors import (
    consumer_turns,
    dispute_get_for,
    dispute_of_case,
    disputes_for,
)
from anxin.disputes.services import (
    dispute_act,
    dispute_evidence_add,
    dispute_open,
    proposal_answer,
)
from anxin.disputes.workflow import APPEAL_WINDOW, NEGOTIATION
from anxin.web.case_display import actions_for

from ..common import CONSUMERS, actor, audience, flash_error
from .dispute_display import (
    TONES,
    DisputeRow,
    asked_view,
    available_to,
    claim_choices,
    dispute_row,
    due_of,
    evidence_groups,
    history,
    proposal_views,
    ruling_views,
    solution,
    status_label,
)
from .home import page, reason_name
from .request import MAX_PHOTO_BYTES, MAX_PHOTOS, photo_errors

DISPUTES_PER_PAGE = 50
# The steps a consumer takes from the dispute page (answering a proposal has its own route).
CONSUMER_STEPS = frozenset({"propose", "request_intervention", "submit", "withdraw", "appeal"})
NOTE_MAX = 300  # DisputeEvidence.note
# Where a form sits on the dispute page: an upload re-opens (and scrolls to) its own section.
SECTIONS = frozenset({"asked", "appeal", "evidence"})

DONE: dict[str, Any] = {
    "propose": gettext_lazy("Your proposal was sent to the merchant."),
    "request_intervention": gettext_lazy(
        "The platform is stepping in. The merchant has 24 hours to answer."
    ),
    "submit": gettext_lazy("Your answer was sent. Thank you."),
    "withdraw": gettext_lazy("You withdrew the dispute."),
    "appeal": gettext_lazy("Your appeal was sent. A different arbitrator will review it."),
}


# --- the dispute page ----------------------------------------------------------------------------


def _detail(
    request: HttpRequest,
    dispute: Dispute,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    open_action: str = "",
    form: dict[str, Any] | None = None,
) -> HttpResponse:
    who = actor(request)
    case = dispute.case
    available = available_to(dispute, who)
    events = list(dispute.events.order_by("created_at", "pk"))
    asked = asked_view(dispute)
    rulings = ruling_views(dispute)
    intervention_from = None
    if dispute.status == DisputeStatus.NEGOTIATING and "request_intervention" not in available:
        intervention_from = dispute.opened_at + NEGOTIATION
    appeal_until = fresh = None
    if "appeal" in available and dispute.ruled_at is not None:
        appeal_until = dispute.ruled_at + APPEAL_WINDOW
        fresh = dispute.evidence.filter(
            party=Party.CONSUMER, created_at__gte=dispute.ruled_at
        ).count()
    cap = refundable_cap(case)
    proposals = proposal_views(dispute)
    return page(
        request,
        "web/consumer/disputes/dispute.html",
        {
            "dispute": dispute,
            "case": case,
            "status_label": status_label(dispute),
            "tone": TONES.get(dispute.status, ""),
            "claim": solution(dispute.claim, dispute.claim_amount, dispute.currency),
            "reason_label": reason_name(case.reason),
            "available": available,
            "asked": asked,
            "due": due_of(
                dispute, asked.round if asked else None, events[-1].created_at if events else None
            ),
            "proposals": proposals,
            "to_answer": [p for p in proposals if not p.mine and not p.agreed],
            "can_accept": bool({"accept", "agree"} & available),
            "can_decline": "decline" in available,
            "remedies": claim_choices(cap, dispute.currency),
            "cap": cap,
            "rulings": rulings,
            "intervention_from": intervention_from,
            "appeal_until": appeal_until,
            "fresh_evidence": fresh,
            "photo_groups": evidence_groups(dispute, case),
            "can_add_evidence": dispute.status not in TERMINAL,
            "history": history(dispute, events),
            "errors": errors or {},
            "open_action": open_action,
            "form": form or {},
            "max_photos": MAX_PHOTOS,
            "max_photo_bytes": MAX_PHOTO_BYTES,
            "note_max": NOTE_MAX,
        },
        nav="disputes",
        status=status,
    )


def error_status(error: DomainError, fields: dict[str, str]) -> int:
    """A form's bad input is a 400 with the field at fault; a refused step keeps its 4xx."""
    if fields or isinstance(error, ValidationFailed):
        return 400
    return error.status if 400 <= error.status < 500 else 409


def _back(number: str, section: str = "") -> HttpResponse:
    url = reverse("consumer_disputes:dispute", args=[number])
    return redirect(f"{url}#{section}" if section in SECTIONS else url)


@audience(CONSUMERS)
def dispute_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _detail(request, dispute_get_for(actor=actor(request), number=number))


def _payload(request: HttpRequest, action: str) -> dict[str, Any]:
    """The step's fields from the form; empty inputs are left out (defaults apply)."""
    schema = ACTION_INPUTS.get(action, ActIn)
    payload: dict[str, Any] = {}
    for name in schema.model_fields:
        value = request.POST.get(name, "").strip()
        if value:
            payload[name] = value
    return payload


@require_POST
@audience(CONSUMERS)
def dispute_step(request: HttpRequest, number: str, action: str) -> HttpResponse:
    """Take one step on my dispute: it must be one the workflow offers me now."""
    who = actor(request)
    dispute = dispute_get_for(actor=who, number=number)
    if action not in CONSUMER_STEPS or action not in available_to(dispute, who):
        messages.error(request, _("This step is not open to you in this dispute now."))
        return _detail(request, dispute, status=409)
    try:
        dispute_act(actor=who, dispute=dispute, action=action, payload=_payload(request, action))
    except DomainError as error:
        fields = flash_error(request, error)
        fresh = dispute_get_for(actor=who, number=number)
        return _detail(
            request,
            fresh,
            status=error_status(error, fields),
            errors=fields,
            open_action=action,
            form=request.POST.dict(),
        )
    messages.success(request, str(DONE[action]))
    return _back(number)


@require_POST
@audience(CONSUMERS)
def proposal_reply(request: HttpRequest, number: str, proposal: int, answer: str) -> HttpResponse:
    """Accept or decline a proposal of the merchant or the platform."""
    if answer not in {"accept", "decline"}:
        raise Http404
    who = actor(request)
    dispute = dispute_get_for(actor=who, number=number)
    accept = answer == "accept"
    if not ({"accept", "agree"} if accept else {"decline"}) & available_to(dispute, who):
        messages.error(request, _("This step is not open to you in this dispute now."))
        return _detail(request, dispute, status=409)
    payload = {**_payload(request, "decline"), "proposal": proposal}
    try:
        result = proposal_answer(actor=who, dispute=dispute, payload=payload, accept=accept)
    except DomainError as error:
        fields = flash_error(request, error)
        fresh = dispute_get_for(actor=who, number=number)
        return _detail(
            request,
            fresh,
            status=error_status(error, fields),
            errors=fields,
            open_action="" if accept else "decline",
            form={**request.POST.dict(), "proposal": str(proposal)},
        )
    if not accept:
        messages.success(request, _("You declined the proposal."))
    elif result.action == "agree":
        messages.success(
            request,
            _("You accepted the platform's proposal. It applies once the merchant accepts it too."),
        )
    else:
        messages.success(request, _("You accepted the proposal. The dispute is settled."))
    return _back(number)


def _upload_errors(files: list[UploadedFile], note: str) -> dict[str, str]:
    errors: dict[str, str] = {}
    problem = photo_errors(files) if files else _("Choose at least one photo.")
    if problem:
        errors["photos"] = problem
    if len(note) > NOTE_MAX:
        errors["note"] = _("At most %(n)s characters.") % {"n": NOTE_MAX}
    return errors


@require_POST
@audience(CONSUMERS)
def evidence_upload(request: HttpRequest, number: str) -> HttpResponse:
    """Photos or scans for my dispute, checked and stripped like every case photo; they join the
    evidence round that asks me, or back an appeal."""
    who = actor(request)
    dispute = dispute_get_for(actor=who, number=number)
    section = request.POST.get("section", "")
    section = section if section in SECTIONS else "evidence"
    files = request.FILES.getlist("photos")
    note = request.POST.get("note", "").strip()
    errors = _upload_errors(files, note)
    if errors:
        messages.error(request, " ".join(errors.values()))
        return _detail(
            request, dispute, status=400, errors=errors, open_action=section,
            form=request.POST.dict(),
        )  # fmt: skip
    refused, added = [], 0
    for upload in files:
        try:
            dispute_evidence_add(actor=who, dispute=dispute, stream=upload, note=note)  # type: ignore[arg-type]
        except DomainError as error:
            why = " ".join(str(v) for v in error.fields.values()) or str(error.message)
            refused.append(f"{upload.name}: {why}")
        else:
            added += 1
    if added:
        messages.success(request, _("Evidence added: %(n)s.") % {"n": added})
    if refused:
        messages.error(request, " ".join(refused))
        fresh = dispute_get_for(actor=who, number=number)
        return _detail(
            request, fresh, status=400, errors={"photos": " ".join(refused)},
            open_action=section,
        )  # fmt: skip
    return _back(number, section)


# --- my disputes ---------------------------------------------------------------------------------


@audience(CONSUMERS)
def dispute_list(request: HttpRequest) -> HttpResponse:
    """My disputes, the nearest deadline first (those without one, closed ones, last)."""
    who = actor(request)
    rows = list(disputes_for(actor=who).select_related("case__line")[:DISPUTES_PER_PAGE])
    turns = consumer_turns(actor=who, case_ids=[d.case_id for d in rows])
    return page(
        request,
        "web/consumer/disputes/list.html",
        {"rows": [dispute_row(d, turns) for d in rows], "tab": "mine"},
        nav="disputes",
    )


def case_dispute(who: Actor, case: Case) -> DisputeRow | None:
    """The dispute of a request, for the panel on the request's page."""
    dispute = dispute_of_case(actor=who, case=case)
    if dispute is None:
        return None
    return dispute_row(dispute, consumer_turns(actor=who, case_ids=[case.pk]))


# --- opening a dispute ---------------------------------------------------------------------------


def _why_not(case: Case, who: Actor) -> str:
    """Why this request cannot be disputed now ("" when it can)."""
    if "escalate" in actions_for(case, who):
        return ""
    for step in CASE_WORKFLOW.transitions:
        if step.action == "escalate" and case.status in step.sources and step.guard is not None:
            refusal = step.guard(case, who)
            if refusal:
                return str(refusal)
    return _(
        "A dispute can be opened when the merchant rejected the request or stopped acting on it."
    )


def _rejection(case: Case) -> str:
    """The merchant's reason for rejecting the request, as the consumer was told it."""
    event = case.events.filter(action="reject").order_by("-created_at", "-pk").first()
    return event.reason if event is not None else ""


def _open_page(
    request: HttpRequest,
    case: Case,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
) -> HttpResponse:
    who = actor(request)
    cap = refundable_cap(case)
    return page(
        request,
        "web/consumer/disputes/open.html",
        {
            "case": case,
            "reason_label": reason_name(case.reason),
            "rejection": _rejection(case),
            "why_not": _why_not(case, who),
            "claims": claim_choices(cap, case.currency),
            "cap": cap,
            "errors": errors or {},
            "form": form or {"claim": Remedy.FULL_REFUND},
            "max_photos": MAX_PHOTOS,
            "max_photo_bytes": MAX_PHOTO_BYTES,
        },
        nav="cases",
        status=status,
    )


def _open_payload(form: dict[str, str]) -> dict[str, Any]:
    payload: dict[str, Any] = {"claim": form["claim"], "statement": form["statement"]}
    # only a partial refund and a return-first refund take the amount typed
    if form["amount"] and form["claim"] in WITH_AMOUNT and form["claim"] != Remedy.FULL_REFUND:
        payload["amount"] = form["amount"]
    return payload


def _open_submit(request: HttpRequest, case: Case) -> HttpResponse:
    who = actor(request)
    form = {
        "claim": request.POST.get("claim", "").strip(),
        "amount": request.POST.get("amount", "").strip(),
        "statement": request.POST.get("statement", ""),
    }
    files = request.FILES.getlist("photos")
    payload = _open_payload(form)
    errors: dict[str, str] = {}
    try:
        DisputeOpenIn.model_validate(payload)
    except PydanticError as error:
        errors.update(localized_field_errors(list(error.errors())))  # type: ignore[arg-type]
    if files:
        problem = photo_errors(files)
        if problem:
            errors["photos"] = problem
    if errors:
        messages.error(request, _("Please check the marked fields."))
        return _open_page(request, case, status=400, errors=errors, form=form)
    try:
        dispute = dispute_open(actor=who, case=case, payload=payload)
    except DomainError as error:
        fields = flash_error(request, error)
        fresh = case_get_for(actor=who, number=case.number)
        return _open_page(
            request, fresh, status=error_status(error, fields), errors=fields, form=form
        )
    refused = []
    for upload in files:
        try:
            dispute_evidence_add(actor=who, dispute=dispute, stream=upload)  # type: ignore[arg-type]
        except DomainError as error:
            why = " ".join(str(v) for v in error.fields.values()) or str(error.message)
            refused.append(f"{upload.name}: {why}")
    if refused:
        messages.error(request, " ".join(refused))
    messages.success(
        request,
        _("Your dispute %(number)s is open. The merchant has 24 hours to answer.")
        % {"number": dispute.number},
    )
    return redirect("consumer_disputes:dispute", number=dispute.number)


@require_http_methods(["GET", "POST"])
@audience(CONSUMERS)
def dispute_new(request: HttpRequest, number: str) -> HttpResponse:
    """The dispute form of a rejected (or stalled) request: the claim, the amount where it
    applies, a statement and photos. A request already in dispute leads to its dispute."""
    who = actor(request)
    case = case_get_for(actor=who, number=number)
    existing = dispute_of_case(actor=who, case=case)
    if existing is not None:
        return redirect("consumer_disputes:dispute", number=existing.number)
    if request.method == "POST":
        if _why_not(case, who):
            messages.error(request, _why_not(case, who))
            return _open_page(request, case, status=409)
        return _open_submit(request, case)
    return _open_page(request, case)
