"""Inbound webhooks: carrier tracking pushes (Kuaidi100-style and a generic signed JSON)."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import Router

from anxin.core.errors import NotFound

from .. import services
from ..tracking import (
    KUAIDI100_OK,
    SOURCE_GENERIC,
    SOURCE_KUAIDI100,
    parse_generic,
    parse_kuaidi100,
)

router = Router(tags=["webhooks"], auth=None)


@router.post("/inbound/tracking/{source}", summary="Carrier tracking push (signed)")
def tracking_inbound(request: HttpRequest, source: str) -> Any:
    """Authenticated by its signature, not by a token. A replayed event changes nothing."""
    secrets = settings.ANXIN_TRACKING_SECRETS
    if source == SOURCE_KUAIDI100 and source in secrets:
        event = parse_kuaidi100(request.POST, salt=secrets[source])
        services.tracking_event_apply(event=event)
        return KUAIDI100_OK
    if source == SOURCE_GENERIC and source in secrets:
        event = parse_generic(request.body, request.headers, secret=secrets[source])
        outcome = services.tracking_event_apply(event=event)
        return {"status": "ok", "outcome": outcome}
    raise NotFound()
