"""Serving a dispute's photo: streamed, private, never cached by shared caches."""

from typing import cast

from django.http import FileResponse, HttpResponse

from anxin.cases.models import Evidence


def photo_response(photo: Evidence) -> HttpResponse:
    response = cast(
        HttpResponse, FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response
