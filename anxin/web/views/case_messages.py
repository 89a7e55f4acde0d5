"""The message thread (留言) on the consumer's, the merchant's and the console's case pages: what a
reader sees (oldest first, each author named from the reader's side), and the post of a new
message with its photos (POST/redirect/GET; a refused post shows the page again with the errors)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from anxin.cases.choices import MessageAudience, MessageParty
from anxin.cases.images import DEFAULT_MAX_BYTES
from anxin.cases.models import Case, CaseMessage, Evidence
from anxin.cases.permissions import can_post_message, party_of
from anxin.cases.selectors import case_get_for, case_messages_for
from anxin.cases.services import MESSAGE_MAX, PHOTOS_PER_MESSAGE, case_message_post
from anxin.core.actors import Role
from anxin.core.errors import DomainError, Forbidden
from anxin.web.case_display import usernames_of_labels

from .common import CONSUMERS, MERCHANTS, PLATFORM_STAFF, actor, audience, flash_error

PARTY_LABELS: dict[str, Any] = {
    MessageParty.CONSUMER: gettext_lazy("Consumer"),
    MessageParty.MERCHANT: gettext_lazy("Merchant"),
    MessageParty.PLATFORM: gettext_lazy("Platform"),
}
YOU = gettext_lazy("You")
FORM_STATE = "_case_message_form"  # a refused post's errors and input, for the page shown again


@dataclass(frozen=True)
class ThreadItem:
    message: CaseMessage
    who: str
    mine: bool
    photos: list[Evidence]
    only_for: str  # "" for both sides, else who alone reads it


def _who(message: CaseMessage, reader_party: str | None, names: dict[str, str]) -> str:
    if message.party == reader_party:
        return str(YOU)
    label = str(PARTY_LABELS.get(message.party, message.party))
    # Platform staff see who wrote it; the parties see sides, not staff names.
    if reader_party == MessageParty.PLATFORM and message.author in names:
        return f"{label} · {names[message.author]}"
    return label


def case_thread(request: HttpRequest, case: Case, *, portal: str) -> dict[str, Any]:
    """The context of ``web/partials/case_messages.html`` for a case page of ``portal``
    (consumer, merchant or console): the thread as this reader may read it, and the form."""
    reader = actor(request)
    party = party_of(reader)
    thread = list(case_messages_for(actor=reader, case=case))
    names = usernames_of_labels(m.author for m in thread) if party == MessageParty.PLATFORM else {}
    audiences = dict(MessageAudience.choices)
    form = getattr(request, FORM_STATE, {})
    return {
        "thread": [
            ThreadItem(
                message=m,
                who=_who(m, party, names),
                mine=m.party == party,
                photos=list(m.photos.all()),
                only_for=""
                if m.visible_to == MessageAudience.BOTH
                else str(audiences[m.visible_to]),
            )
            for m in thread
        ],
        "message_post_url": reverse(f"{portal}:case_message", args=[case.number]),
        "message_evidence_url": f"{portal}:evidence",
        "message_can_post": can_post_message(reader),
        "message_audiences": MessageAudience.choices if party == MessageParty.PLATFORM else [],
        "message_max": MESSAGE_MAX,
        "message_max_photos": PHOTOS_PER_MESSAGE,
        "message_max_photo_bytes": DEFAULT_MAX_BYTES,
        "message_errors": form.get("errors", {}),
        "message_form": form.get("posted", {}),
    }


def _post_view(
    roles: frozenset[Role], portal: str, page: Callable[..., HttpResponse]
) -> Callable[..., HttpResponse]:
    @require_POST
    @audience(roles)
    def post(request: HttpRequest, number: str) -> HttpResponse:
        who = actor(request)
        case = case_get_for(actor=who, number=number)
        try:
            case_message_post(
                actor=who,
                case=case,
                body=request.POST.get("body", ""),
                photos=request.FILES.getlist("photos"),  # type: ignore[arg-type]
                visible_to=request.POST.get("visible_to") or MessageAudience.BOTH,
            )
        except Forbidden:
            raise PermissionDenied from None  # a reader who writes no messages (inspectors)
        except DomainError as error:
            errors = flash_error(request, error) or {"body": str(error.message)}
            setattr(request, FORM_STATE, {"errors": errors, "posted": request.POST.dict()})
            response = page(request, number)  # the case page as it is, with the form's errors
            response.status_code = 422
            return response
        messages.success(request, _("Message sent."))
        return redirect(reverse(f"{portal}:case", args=[number]) + "#messages")

    return post


def message_post_for(portal: str, page: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The POST view writing a message from ``portal``'s case page (``page`` shows it again)."""
    roles = {"consumer": CONSUMERS, "merchant": MERCHANTS, "console": PLATFORM_STAFF}[portal]
    return _post_view(roles, portal, page)
