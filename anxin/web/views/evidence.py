"""Serving a case's evidence photo, the same way on every portal (media is never served publicly)."""

from __future__ import annotations

import uuid

from django.http import HttpResponse

from anxin.cases.selectors import evidence_get_for
from anxin.core.actors import Actor
from anxin.core.errors import NotFound
from anxin.core.responses import photo_response


def evidence_response(*, actor: Actor, number: str, evidence_id: uuid.UUID | str) -> HttpResponse:
    """A photo of a case ``actor`` may see, streamed and kept out of shared caches.

    A photo of another case, a case out of scope, a photo of a message addressed to the other
    side or a malformed id are all ``NotFound`` (404 behind the ``audience`` gate). One query: the
    case's history is not loaded for a photo."""
    try:
        public_id = evidence_id if isinstance(evidence_id, uuid.UUID) else uuid.UUID(evidence_id)
    except ValueError:
        raise NotFound() from None
    return photo_response(evidence_get_for(actor=actor, number=number, public_id=public_id))
