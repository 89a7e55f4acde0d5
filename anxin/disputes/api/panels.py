"""/api/v1/panels: the public review panel (大众评审), anonymised.

A panel member reads the claim, the consumer's statement, the reason, the amounts, the sides'
answers to evidence rounds labelled only "Consumer" / "Merchant", and the photos (through a URL
that checks the member may still vote). Never names, phone numbers, addresses, order or case
numbers, nor the merchant's name: those are also blanked out of the free text.
"""

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from ninja import Router, Status

from anxin.accounts.api.auth import API_AUTH, actor_of
from anxin.core.api.idempotency import idempotent
from anxin.core.responses import photo_response

from .. import selectors, services
from ..choices import Party, Remedy, RoundStatus
from ..models import Dispute
from .schemas import DisputePanelOut, DisputeVoteBody, DisputeVoteOut, Key

router = Router(tags=["disputes: public review panel"], auth=API_AUTH)

HIDDEN = "***"
PATTERNS = (
    re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),  # e-mail addresses
    re.compile(r"\b[A-Z]{2}\d{14}\b"),  # platform numbers: orders, cases, tickets, disputes
    re.compile(r"(?<![\dA-Za-z])\+?\d[\d\s-]{6,}\d(?!\d)"),  # phone, ID-card, card numbers
)


def _exactly(known: str) -> re.Pattern[str]:
    """``known`` as a whole word when it is Latin text (a short shop code must not eat into other
    words), anywhere when it is Chinese (no spaces between words)."""
    body = re.escape(known.strip())
    if known.isascii():
        body = rf"(?<![A-Za-z0-9]){body}(?![A-Za-z0-9])"
    return re.compile(body, re.IGNORECASE)


def anonymised(text: str, identifiers: list[str]) -> str:
    """``text`` without anything shaped like contact details or platform numbers, and without
    the dispute's own identifiers (names, numbers, the shop's name and code)."""
    for pattern in PATTERNS:
        text = pattern.sub(HIDDEN, text)
    for known in sorted(identifiers, key=len, reverse=True):
        text = _exactly(known).sub(HIDDEN, text)
    return text


def _by(party: str) -> str:
    return str(Party(party).label)


def panel_view(dispute: Dispute) -> dict[str, Any]:
    hide = selectors.panel_identifiers(dispute)
    reason = dispute.case.reason
    zh = (translation.get_language() or "").startswith("zh")
    answers = [
        {"by": _by(r.party), "statement": anonymised(r.statement, hide)}
        for r in dispute.rounds.filter(status=RoundStatus.ANSWERED)
        if r.statement
    ]
    offers = [
        {"by": _by(p.by_party), "remedy": p.remedy, "remedy_label": str(Remedy(p.remedy).label),
         "amount": p.amount}
        for p in dispute.proposals.all()
    ]  # fmt: skip
    photos = [
        {
            "by": _by(link.party),
            "url": reverse(
                "api:panel_photo",
                kwargs={"number": dispute.number, "evidence_id": link.evidence.public_id},
            ),
            "content_type": link.evidence.content_type,
            "width": link.evidence.width,
            "height": link.evidence.height,
        }
        for link in dispute.evidence.filter(panel_ok=True).select_related("evidence")
    ]
    return {
        "number": dispute.number,
        "claim": dispute.claim,
        "claim_label": str(Remedy(dispute.claim).label),
        "claim_amount": dispute.claim_amount,
        "currency": dispute.currency,
        "reason": reason.name_zh if zh else reason.name_en,
        "statement": anonymised(dispute.statement, hide),
        "answers": answers,
        "offers": offers,
        "evidence": photos,
        "votes_until": dispute.jury_until,
    }


@router.get(
    "/panels",
    response=list[DisputePanelOut],
    summary="Disputes this consumer may vote on (anonymised)",
)
def panel_list(request: HttpRequest) -> Any:
    return [panel_view(d) for d in selectors.panels_for(actor=actor_of(request))]


@router.get(
    "/panels/{number}", response=DisputePanelOut, summary="One dispute on a panel (anonymised)"
)
def panel_get(request: HttpRequest, number: Key) -> Any:
    return panel_view(selectors.panel_dispute(actor=actor_of(request), number=number))


@router.post(
    "/panels/{number}/votes",
    response={201: DisputeVoteOut},
    summary="Vote once: is the consumer or the merchant right?",
)
@idempotent(DisputeVoteOut)
def panel_vote(request: HttpRequest, number: Key, payload: DisputeVoteBody) -> Status[Any]:
    actor = actor_of(request)
    dispute = selectors.panel_dispute(actor=actor, number=number)
    vote = services.jury_vote(actor=actor, dispute=dispute, payload=payload.model_dump())
    return Status(201, vote)


@router.get(
    "/panels/{number}/evidence/{evidence_id}",
    url_name="panel_photo",
    summary="A photo of a dispute on a panel",
)
def panel_photo(request: HttpRequest, number: Key, evidence_id: Key) -> HttpResponse:
    photo = selectors.panel_photo_for(actor=actor_of(request), number=number, public_id=evidence_id)
    return photo_response(photo)
