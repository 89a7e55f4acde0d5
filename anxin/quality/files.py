"""Inspection report files (and the files shops attach to rectifications): a PDF (checked, not rendered) or a photo of the report (validated and
re-encoded without metadata by the evidence image cleaner).

A PDF is accepted when it starts with ``%PDF-1.x``/``%PDF-2.0``, ends with ``%%EOF`` and holds no
active content (JavaScript, launch actions, embedded files, forms that submit) — the report is
served to merchants' and inspectors' browsers, so nothing in it may run.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import BinaryIO, Final

from django.utils.translation import gettext_lazy as _

from anxin.cases.images import image_clean
from anxin.core.errors import ValidationFailed

MAX_BYTES: Final = 10 * 1024 * 1024
_PDF_HEAD: Final = re.compile(rb"^%PDF-(1\.[0-7]|2\.0)")
_ACTIVE: Final = re.compile(
    rb"/(JavaScript|JS|Launch|EmbeddedFile|SubmitForm|RichMedia|OpenAction)\b"
)


@dataclass(frozen=True)
class CleanReport:
    content: bytes
    content_type: str
    extension: str
    sha256: str


def _refuse(message: object, field: str = "report") -> ValidationFailed:
    return ValidationFailed(fields={field: message})  # type: ignore[dict-item]


def _read(stream: BinaryIO | bytes, field: str) -> bytes:
    data = bytes(stream) if isinstance(stream, bytes | bytearray) else stream.read(MAX_BYTES + 1)
    if not data:
        raise _refuse(_("The file is empty."), field)
    if len(data) > MAX_BYTES:
        raise _refuse(_("The file is too large."), field)
    return data


def report_clean(stream: BinaryIO | bytes, *, field: str = "report") -> CleanReport:
    """Validate an uploaded report (or a rectification's file, ``field="file"``);
    ValidationFailed(fields={field: …}) when refused."""
    data = _read(stream, field)
    if data.startswith(b"%PDF"):
        if not _PDF_HEAD.match(data) or b"%%EOF" not in data[-1024:]:
            raise _refuse(_("The PDF is damaged or incomplete."), field)
        if _ACTIVE.search(data):
            raise _refuse(
                _(
                    "The PDF contains scripts, actions or attachments; export it again as a plain PDF."
                ),
                field,
            )
        return CleanReport(data, "application/pdf", "pdf", hashlib.sha256(data).hexdigest())
    try:
        image = image_clean(data, max_bytes=MAX_BYTES)
    except ValidationFailed:
        raise _refuse(
            _("Upload the report as a PDF or a JPEG, PNG or WebP image.")
            if field == "report"
            else _("Upload a PDF or a JPEG, PNG or WebP image."),
            field,
        ) from None
    return CleanReport(image.content, image.content_type, image.extension, image.sha256)
