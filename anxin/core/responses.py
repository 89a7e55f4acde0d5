"""Serving a stored photo (evidence, a dispute's files): streamed, typed, shown inline, and kept out
of shared caches — the same headers from the web pages and the API. Media is never served publicly;
the caller has checked who may see the file."""

from __future__ import annotations

from typing import Any, cast

from django.http import FileResponse, HttpResponse


def photo_response(photo: Any, *, cache: str = "private, max-age=3600") -> HttpResponse:
    """``photo`` has a ``file`` and a ``content_type`` (a cases.Evidence row)."""
    # Typed as HttpResponse for the views' decorators (both are responses).
    response = cast(
        HttpResponse, FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    )
    response["Cache-Control"] = cache
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response
