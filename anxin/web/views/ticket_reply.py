"""The public reply form shared by the consumer's and the merchant's ticket pages."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from pydantic import ValidationError as PydanticError

from anxin.core.errors import DomainError
from anxin.tickets import selectors, services
from anxin.tickets.inputs import ReplyIn

from .common import actor, flash_error, flash_invalid


def public_reply_from_post(request: HttpRequest, number: str) -> None:
    """Post the form's message on the ticket as the signed-in person; flash the outcome."""
    me = actor(request)
    ticket = selectors.ticket_get_for(actor=me, number=number)
    try:
        data = ReplyIn.model_validate({"body": request.POST.get("body", "")})
        services.ticket_reply(actor=me, ticket=ticket, body=data.body)
    except PydanticError as error:
        flash_invalid(request, error)
    except DomainError as error:
        flash_error(request, error)
    else:
        messages.success(request, _("Message sent."))
