"""Inspection report files: PDFs without active content, or images (re-encoded)."""

import pytest

from anxin.cases.tests.builders import png_bytes
from anxin.core.errors import ValidationFailed
from anxin.quality.files import MAX_BYTES, report_clean

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_a_plain_pdf_is_kept_as_it_is() -> None:
    clean = report_clean(PDF)
    assert (clean.content, clean.content_type, clean.extension) == (PDF, "application/pdf", "pdf")


def test_an_image_is_re_encoded() -> None:
    clean = report_clean(png_bytes())
    assert clean.content_type == "image/png"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"%PDF-1.4\n1 0 obj << /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\n%%EOF",
        b"%PDF-1.4\n<< /Type /EmbeddedFile >>\n%%EOF",
        b"%PDF-1.4\ntruncated",
        b"%PDF-9.9\n%%EOF",
        b"<html><script>alert(1)</script></html>",
        b"%PDF-1.4\n" + b"0" * MAX_BYTES + b"\n%%EOF",
    ],
)
def test_refused(content: bytes) -> None:
    with pytest.raises(ValidationFailed) as refused:
        report_clean(content)
    assert set(refused.value.fields) == {"report"}
