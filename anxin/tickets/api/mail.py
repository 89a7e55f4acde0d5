"""Inbound e-mail webhook (common inbound-mail services JSON shapes), signed with HMAC-SHA256."""

from typing import Any

from django.http import HttpRequest
from ninja import Router

from anxin.core.errors import NotFound

from ..mail.inbound import mail_receive
from ..mail.webhook import SIGNATURE_HEADER, inbound_secret, mail_from_webhook, verify

router = Router(tags=["webhooks"], auth=None)


@router.post("/inbound/mail", summary="Inbound e-mail push (signed)")
def mail_inbound(request: HttpRequest) -> Any:
    """Authenticated by its signature, not by a token. The same Message-ID pushed again returns
    the first outcome and opens nothing new."""
    secret = inbound_secret()
    if not secret:
        raise NotFound()
    body = request.body
    verify(body, request.headers.get(SIGNATURE_HEADER), secret=secret)
    mail = mail_receive(raw=mail_from_webhook(body), source="webhook")
    return {
        "status": mail.status,
        "reason": mail.reason,
        "ticket": mail.ticket.number if mail.ticket is not None else "",
    }
