"""The public review panel (大众评审) for consumers: the disputes I may vote on, one dispute as a
panel member reads it, and my one vote.

A panel member reads the claim, what each side said (labelled "Consumer" and "Merchant"), the
reason, the amounts and the photos — never a name, a phone number, an address, an order or request
number or the shop's name. Who may sit on a panel is the disputes app's rule (``panels_for``,
``panel_dispute``); anyone else gets a 404, the same as for a dispute that does not exist.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from anxin.core.errors import DomainError
from anxin.core.responses import photo_response
from anxin.disputes.choices import Party, Vote
from anxin.disputes.models import Dispute, JuryVote
from anxin.disputes.selectors import (
    panel_dispute,
    panel_identifiers,
    panel_photo_for,
    panels_for,
)
from anxin.disputes.services import jury_vote

from ..common import CONSUMERS, actor, audience, flash_error
from .dispute_display import party_of_role, solution, who_label
from .disputes import error_status
from .home import in_language, page, reason_name

# What each side said, in the order it was said (the platform's own words are not evidence).
SAID = ("propose", "decline", "submit", "appeal")


@dataclass(frozen=True)
class PanelRow:
    dispute: Dispute
    claim: str
    reason: str
    until: datetime | None


@audience(CONSUMERS)
def panel_list(request: HttpRequest) -> HttpResponse:
    """Disputes whose panel I may vote on and have not voted on yet, closing soonest first."""
    rows = [
        PanelRow(
            dispute=d,
            claim=solution(d.claim, d.claim_amount, d.currency),
            reason=reason_name(d.case.reason),
            until=d.jury_until,
        )
        for d in panels_for(actor=actor(request))
    ]
    return page(
        request,
        "web/consumer/disputes/panel_list.html",
        {"rows": rows, "tab": "panel"},
        nav="disputes",
    )


@dataclass(frozen=True)
class Said:
    who: str
    party: str
    what: str
    text: str


HIDDEN = "***"


def hide(text: str, identifiers: list[str]) -> str:
    """``text`` without the names, numbers and addresses that identify the people and the
    purchase (the longest first, so a name inside an address goes with the address)."""
    for found in sorted(identifiers, key=len, reverse=True):
        text = text.replace(found, HIDDEN)
    return text


def _said(dispute: Dispute) -> list[Said]:
    """The statements of both sides, anonymised: the side, never the person, and none of the
    names or numbers that identify them in what they wrote."""
    identifiers = panel_identifiers(dispute)
    return [
        Said(row.who, row.party, row.what, hide(row.text, identifiers))
        for row in _statements(dispute)
    ]


def _statements(dispute: Dispute) -> list[Said]:
    consumer = _("Consumer")
    rows = [Said(consumer, Party.CONSUMER, _("Statement with the claim"), dispute.statement)]
    rejection = dispute.case.events.filter(action="reject").order_by("-created_at").first()
    if rejection is not None and rejection.reason:
        rows.append(
            Said(_("Merchant"), Party.MERCHANT, _("Why the request was rejected"), rejection.reason)
        )
    for event in dispute.events.filter(action__in=SAID).order_by("created_at", "pk"):
        party = party_of_role(event.actor_role)
        if party == Party.PLATFORM:
            continue
        data = event.data or {}
        if event.action == "propose":
            what = _("Proposal")
            text = solution(data.get("remedy", ""), data.get("amount"), dispute.currency)
            if data.get("note"):
                text = f"{text} — {data['note']}"
        elif event.action == "decline":
            what, text = _("Declined a proposal"), event.reason
        elif event.action == "submit":
            what, text = _("Answer to the evidence request"), str(data.get("statement", ""))
        else:
            what, text = _("Appeal"), str(data.get("statement", ""))
        if text:
            rows.append(Said(who_label(party, consumer=consumer), str(party), what, text))
    return rows


def _photos(dispute: Dispute) -> list[tuple[str, str, list[str]]]:
    """(party, heading, photo URLs) of each side: the photos of the dispute the arbitrator shared
    with the panel (those a panel member may open, ``panel_photo_for``)."""
    by_party: dict[str, list[str]] = {Party.CONSUMER: [], Party.MERCHANT: []}
    links = (
        dispute.evidence.filter(panel_ok=True)
        .select_related("evidence")
        .order_by("created_at", "pk")
    )
    for link in links:
        if link.party in by_party:
            by_party[link.party].append(
                reverse(
                    "consumer_disputes:panel_photo",
                    args=[dispute.number, link.evidence.public_id],
                )
            )
    return [
        (Party.CONSUMER, _("Photos from the consumer"), by_party[Party.CONSUMER]),
        (Party.MERCHANT, _("Photos from the merchant"), by_party[Party.MERCHANT]),
    ]


def _category(dispute: Dispute) -> str:
    category = dispute.case.line.sku.category
    return in_language(category.name_zh, category.name_en)


def _panel_page(
    request: HttpRequest,
    dispute: Dispute,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
) -> HttpResponse:
    who = actor(request)
    mine = JuryVote.objects.filter(dispute=dispute, voter_id=who.user_id).first()
    return page(
        request,
        "web/consumer/disputes/panel.html",
        {
            "dispute": dispute,
            "claim": solution(dispute.claim, dispute.claim_amount, dispute.currency),
            "reason_label": reason_name(dispute.case.reason),
            "category": _category(dispute),
            "said": _said(dispute),
            "photo_groups": _photos(dispute),
            "my_vote": mine,
            "my_vote_label": dict(Vote.choices).get(mine.vote, "") if mine else "",
            "votes": Vote.choices,
            "errors": errors or {},
            "form": form or {},
        },
        nav="disputes",
        status=status,
    )


@audience(CONSUMERS)
def panel_detail(request: HttpRequest, number: str) -> HttpResponse:
    return _panel_page(request, panel_dispute(actor=actor(request), number=number))


@require_POST
@audience(CONSUMERS)
def panel_vote(request: HttpRequest, number: str) -> HttpResponse:
    """My one vote: the consumer is right, or the merchant is; why, if I want to say."""
    who = actor(request)
    dispute = panel_dispute(actor=who, number=number)
    form = {"vote": request.POST.get("vote", ""), "note": request.POST.get("note", "")}
    try:
        jury_vote(actor=who, dispute=dispute, payload=form)
    except DomainError as error:
        fields = flash_error(request, error)
        return _panel_page(
            request, dispute, status=error_status(error, fields), errors=fields, form=form
        )
    messages.success(request, _("Thank you. Your vote is recorded."))
    return redirect("consumer_disputes:panel")


@audience(CONSUMERS)
def panel_photo(request: HttpRequest, number: str, evidence_id: uuid.UUID) -> HttpResponse:
    """A photo of a dispute on my panel (a photo of anything else: 404), kept out of caches."""
    photo = panel_photo_for(actor=actor(request), number=number, public_id=evidence_id)
    return photo_response(photo, cache="private, no-store")
