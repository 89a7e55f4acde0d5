"""Serving a case's evidence photo, the same way on every portal (media is never served publicly)."""

from __future__ import annotations

import uuid
from typing import cast

from django.http import FileResponse, HttpResponse

from anxin.cases.selectors import evidence_get_for
from anxin.core.actors import Actor
from anxin.core.errors import NotFound


def evidence_response(*, actor: Actor, number: str, evidence_id: uuid.UUID | str) -> HttpResponse:
    """A photo of a case ``actor`` may see, streamed and kept out of shared caches.

    A photo of another case, a case out of scope, a photo of a message addressed to the other
    side or a malformed id are all ``NotFound`` (404 behind the ``audience`` gate). One query: the
    case's history is not loaded for a photo."""
    try:
        public_id = evidence_id if isinstance(evidence_id, uuid.UUID) else uuid.UUID(evidence_id)
    except ValueError:
        raise NotFound() from None
    photo = evidence_get_for(actor=actor, number=number, public_id=public_id)
    # Streamed; typed as HttpResponse for the audience decorator (both are responses).
    response = cast(
        HttpResponse, FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response
