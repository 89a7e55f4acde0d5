"""The merchant's disputes at /shop/disputes/: the queue by nearest deadline, and one dispute with
everything the merchant answers — what is asked of it and by when, the proposals, the decisions,
carrying a decision out and the appeal (the words and rows: ``dispute_display``).

Every button comes from the dispute's table (``DISPUTE_WORKFLOW.available``); every post goes to a
disputes service (POST/redirect/GET): bad input re-renders the page with the field at fault (422),
a refused step with its message (its own status).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.db.models import BooleanField, Case, OuterRef, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from anxin.cases.images import DEFAULT_MAX_BYTES
from anxin.core import clock
from anxin.core.errors import DomainError, ValidationFailed
from anxin.disputes.choices import TERMINAL, WITH_AMOUNT, Level, Party, RoundStatus
from anxin.disputes.execution import refundable_cap
from anxin.disputes.models import Dispute, EvidenceRound
from anxin.disputes.selectors import (
    DisputeFilters,
    asked_of,
    dispute_get_for,
    disputes_for,
    waiting_for_merchant,
)
from anxin.disputes.services import dispute_act, dispute_evidence_add, proposal_answer
from anxin.disputes.workflow import APPEAL_WINDOW, DISPUTE_WORKFLOW

from ..common import MERCHANTS, actor, audience, flash_error
from .dispute_display import (
    FILTERS,
    PARTY_WORDS,
    PROPOSABLE,
    STATUS_TONES,
    PhotoRow,
    ask_of_merchant,
    due_label,
    due_urgency,
    execute_text,
    filtered,
    first_ruling,
    history,
    proposal_rows,
    remedy_text,
    ruling_rows,
    status_label,
    waiting_on,
)
from .queue import reason_label

PER_PAGE = 50
MAX_PHOTOS_PER_POST = 9


# --- the queue ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class QueueRow:
    dispute: Dispute
    status_label: str
    tone: str
    claim: str
    reason: str
    due_at: datetime | None
    due_label: str
    waiting: bool
    urgency: str

    @property
    def css(self) -> str:
        return self.urgency if self.waiting else ""


def _queue_row(dispute: Any, now: datetime) -> QueueRow:
    """A row of the queue (``dispute`` annotated with ``waiting`` and ``asked_party``)."""
    return QueueRow(
        dispute=dispute,
        status_label=status_label(dispute.status),
        tone=STATUS_TONES.get(dispute.status, ""),
        claim=remedy_text(dispute.claim, dispute.claim_amount, dispute.currency),
        reason=reason_label(dispute.case.reason),
        due_at=dispute.due_at,
        due_label=due_label(dispute, dispute.asked_party),
        waiting=bool(dispute.waiting),
        urgency=due_urgency(dispute, now),
    )


@audience(MERCHANTS)
def dispute_list(request: HttpRequest) -> HttpResponse:
    viewer = actor(request)
    key = request.GET.get("show", "waiting")
    if key not in FILTERS:
        key = "waiting"
    base = disputes_for(actor=viewer, filters=DisputeFilters())
    counts = {name: filtered(base, name).count() for name in FILTERS}
    asked = EvidenceRound.objects.filter(dispute=OuterRef("pk"), status=RoundStatus.OPEN)
    rows = (
        filtered(base, key)
        .select_related("case__reason", "case__line")
        .annotate(
            waiting=Case(
                When(waiting_for_merchant(), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
            asked_party=asked.values("party")[:1],
        )
    )
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    now = clock.now()
    return render(
        request,
        "web/merchant/disputes/list.html",
        {
            "nav": "disputes",
            "show": key,
            "tabs": [(name, str(label), counts[name]) for name, label in FILTERS.items()],
            "page": page,
            "rows": [_queue_row(d, now) for d in page.object_list],
        },
    )


def dispute_context(
    request: HttpRequest,
    dispute: Dispute,
    *,
    errors: dict[str, str] | None = None,
    failed: str = "",
    posted: Any = None,
) -> dict[str, Any]:
    viewer = actor(request)
    now = clock.now()
    available = {t.action for t in DISPUTE_WORKFLOW.available(dispute, viewer)}
    case = dispute.case
    asked = asked_of(dispute, Party.MERCHANT)
    open_round = dispute.rounds.filter(status=RoundStatus.OPEN).first()
    proposals = proposal_rows(dispute, available)
    rulings = ruling_rows(dispute)
    first = first_ruling(r.ruling for r in rulings)
    photos = [
        PhotoRow(
            public_id=link.evidence.public_id,
            party=link.party,
            note=link.note,
            round=link.round.number if link.round else None,
            for_appeal=link.for_appeal,
            at=link.created_at,
        )
        for link in dispute.evidence.select_related("evidence", "round")
    ]
    photo_groups = [
        (str(PARTY_WORDS[party]), [p for p in photos if p.party == party])
        for party in (Party.CONSUMER, Party.MERCHANT, Party.PLATFORM)
        if any(p.party == party for p in photos)
    ]
    execute = None
    if "execute" in available and first is not None:
        does, otherwise, confirm = execute_text(first, dispute.currency, dispute.due_at)
        execute = {"does": does, "otherwise": otherwise, "confirm": confirm}
    appeal_until = dispute.ruled_at + APPEAL_WINDOW if dispute.ruled_at else None
    new_photos = (
        sum(1 for p in photos if p.party == Party.MERCHANT and p.at >= dispute.ruled_at)
        if dispute.ruled_at
        else 0
    )
    cap = refundable_cap(case) if "propose" in available else Decimal(0)
    return {
        "nav": "disputes",
        "dispute": dispute,
        "case": case,
        "line": case.line,
        "reason": reason_label(case.reason),
        "status_label": status_label(dispute.status),
        "tone": STATUS_TONES.get(dispute.status, ""),
        "level_label": str(dict(Level.choices).get(dispute.level, "")),
        "claim": remedy_text(dispute.claim, dispute.claim_amount, dispute.currency),
        "ask": ask_of_merchant(dispute, asked, proposals, now),
        "asked_round": asked,
        "waiting_on": waiting_on(dispute, open_round.party if open_round else None),
        "due_label": due_label(dispute, open_round.party if open_round else None),
        "due_at": dispute.due_at,
        "due_urgency": due_urgency(dispute, now),
        "available": available,
        "proposals": proposals,
        "rulings": rulings,
        "execute": execute,
        "can_appeal": "appeal" in available,
        "appeal_until": appeal_until,
        "new_photos": new_photos,
        "photo_groups": photo_groups,
        "can_add_photos": dispute.status not in TERMINAL,
        "case_photos": list(
            case.evidence.filter(dispute_link__isnull=True).order_by("created_at", "pk")
        ),
        "history": history(dispute, list(dispute.events.all())),
        "remedies": [(r.value, r.label) for r in PROPOSABLE],
        "amount_remedies": " ".join(sorted(r.value for r in WITH_AMOUNT)),
        "refundable": cap,
        "max_photo_bytes": DEFAULT_MAX_BYTES,
        "max_photos": MAX_PHOTOS_PER_POST,
        "errors": errors or {},
        "form_error": (errors or {}).get("__all__", ""),
        "failed": failed,
        "posted": posted if failed and posted is not None else {},
    }


@audience(MERCHANTS)
def dispute_detail(request: HttpRequest, number: str) -> HttpResponse:
    dispute = dispute_get_for(actor=actor(request), number=number)
    return render(request, "web/merchant/disputes/detail.html", dispute_context(request, dispute))


# --- posts -------------------------------------------------------------------------------------

DONE: dict[str, Any] = {
    "submit": gettext_lazy("Your answer was sent to the platform."),
    "propose": gettext_lazy("Your proposal was sent."),
    "accept": gettext_lazy("You accepted the proposal."),
    "decline": gettext_lazy("You declined the proposal."),
    "execute": gettext_lazy("The decision was carried out."),
    "appeal": gettext_lazy("Your appeal was sent; a different arbitrator reviews it."),
    "agree": gettext_lazy(
        "You agreed to the platform's proposal; it settles the dispute when the consumer agrees too."
    ),
    "photos": gettext_lazy("Your photos were added to the dispute."),
}


def _photos(request: HttpRequest, dispute: Dispute, files: list[UploadedFile], note: str) -> None:
    """Add each posted photo; the first refusal stops (its message names the photo)."""
    if len(files) > MAX_PHOTOS_PER_POST:
        too_many = _("At most %(n)s photos at a time.") % {"n": MAX_PHOTOS_PER_POST}
        raise ValidationFailed(fields={"photos": too_many})
    for upload in files:
        try:
            dispute_evidence_add(actor=actor(request), dispute=dispute, stream=upload, note=note)  # type: ignore[arg-type]
        except ValidationFailed as error:
            if "note" in error.fields:
                raise
            why = " ".join(str(v) for v in error.fields.values()) or str(error.message)
            raise ValidationFailed(fields={"photos": f"{upload.name}: {why}"}) from error


def _text(request: HttpRequest, name: str) -> str:
    return request.POST.get(name, "").strip()


def _version(request: HttpRequest) -> dict[str, Any]:
    version = _text(request, "version")
    return {"version": version} if version else {}


def _act(request: HttpRequest, dispute: Dispute, action: str) -> str:
    """Run one posted step through its service and return the step taken (accepting the
    platform's proposal may be an ``agree``); raises the service's DomainError."""
    me = actor(request)
    files = request.FILES.getlist("photos")
    if action in ("submit", "appeal"):
        _photos(request, dispute, files, _text(request, "note"))
        dispute_act(actor=me, dispute=dispute, action=action,
                    payload={"statement": _text(request, "statement"), **_version(request)})  # fmt: skip
    elif action == "propose":
        payload: dict[str, Any] = {"remedy": _text(request, "remedy"), **_version(request)}
        if _text(request, "amount"):
            payload["amount"] = _text(request, "amount").replace(",", "")
        if _text(request, "note"):
            payload["note"] = _text(request, "note")
        dispute_act(actor=me, dispute=dispute, action="propose", payload=payload)
    elif action in ("accept", "decline"):
        result = proposal_answer(actor=me, dispute=dispute, accept=action == "accept",
                                 payload={"proposal": _text(request, "proposal"), **_version(request)})  # fmt: skip
        return result.action
    elif action == "execute":
        dispute_act(actor=me, dispute=dispute, action="execute", payload=_version(request))
    elif action == "photos":
        if not files:
            raise ValidationFailed(fields={"photos": _("Choose at least one photo.")})
        _photos(request, dispute, files, _text(request, "note"))
    else:
        dispute_act(actor=me, dispute=dispute, action=action, payload=_version(request))
    return action


@require_POST
@audience(MERCHANTS)
def dispute_post(request: HttpRequest, number: str) -> HttpResponse:
    """Every form of the dispute page posts here with its ``action``."""
    dispute = dispute_get_for(actor=actor(request), number=number)
    action = request.POST.get("action", "")
    try:
        done = _act(request, dispute, action)
    except DomainError as error:
        errors = flash_error(request, error) or {"__all__": str(error.message)}
        if "evidence" in errors:  # the appeal's new evidence is given in its photo field
            errors["photos"] = errors.pop("evidence")
        fresh = dispute_get_for(actor=actor(request), number=number)
        context = dispute_context(request, fresh, errors=errors, failed=action, posted=request.POST)
        status = 422 if set(errors) - {"__all__"} else error.status
        return render(request, "web/merchant/disputes/detail.html", context, status=status)
    messages.success(request, str(DONE.get(done, _("Done."))))
    return redirect("merchant_disputes:detail", number=dispute.number)
