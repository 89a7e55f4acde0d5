"""The public transparency pages (no login): the latest report with the archive, each month at a
stable address that keeps its frozen figures after the data change, the CSV (UTF-8 with BOM,
numbers as numbers, hidden cells empty with a note) and the PDF in both languages."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from anxin.analytics import transparency
from anxin.analytics.models import PlatformDay
from anxin.analytics.tests.test_transparency import AFTER, OCT, _category, _month_rows, _world
from anxin.analytics.transparency import transparency_publish

pytestmark = pytest.mark.django_db

TIERS = {"excellent": 12, "good": 30, "fair": 3, "warning": 0, "poor": 7}


@pytest.fixture(autouse=True)
def _tiers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(transparency, "tier_counts", lambda actor: dict(TIERS))


@pytest.fixture
def published() -> None:
    """October published: A 40 requests (4.0 %), B 25, and C with 4 (hidden, B with it)."""
    _world()
    _month_rows(_category("tx-c"), cases=4, orders=100, refunded=2, csat_n=2, csat_sum=2)
    transparency_publish(OCT, now=AFTER)


def test_without_a_report_the_page_says_so() -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("public_transparency:home"))
    assert response.status_code == 200
    assert "No transparency report has been published yet." in response.content.decode()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_latest_report_and_the_archive_without_login(published: None, language: str) -> None:
    # when an anonymous visitor opens the page
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get(reverse("public_transparency:home"))

    # then October's figures, the hidden cells and a stable link to the month
    page = response.content.decode()
    assert response.status_code == 200
    assert ("Cat tx-a" if language == "en" else "tx-a类") in page  # names in the reader's language
    # A's after-sales rate: 40 / 1,000 (Chinese sets the per cent sign without a space)
    assert ("4.0 %" if language == "en" else "4.0%") in page
    assert page.count("hidden-cell") == 2 * 7  # B and C, every column
    assert reverse("public_transparency:month", args=["2026-10"]) in page
    assert reverse("public_transparency:csv", args=["2026-10"]) in page
    assert 'data-chart="chart-rate"' in page and "style=" not in page


def test_a_months_address_keeps_its_frozen_figures_after_the_data_change(
    published: None,
) -> None:
    url = reverse("public_transparency:month", args=["2026-10"])
    assert url == "/transparency/2026-10/"
    before = Client(HTTP_ACCEPT_LANGUAGE="en").get(url).content.decode()
    assert ">69<" in before  # the platform's requests

    # when late rows arrive for October
    PlatformDay.objects.create(
        day=date(2026, 10, 9), category_id=PlatformDay.objects.first().category_id,  # type: ignore[union-attr]
        type="return_refund", reason_id=1, channel="web", cases=500,
    )  # fmt: skip

    # then the month's page shows the same figures
    after = Client(HTTP_ACCEPT_LANGUAGE="en").get(url).content.decode()
    assert ">69<" in after and ">569<" not in after


def test_an_unpublished_or_malformed_month_is_404(published: None) -> None:
    client = Client()
    assert client.get("/transparency/2026-09/").status_code == 404
    assert client.get("/transparency/2026-13/").status_code == 404
    assert client.get("/transparency/2026-09.csv").status_code == 404
    assert client.get("/transparency/2026-9/").status_code == 404


def test_the_csv_has_a_bom_numbers_as_numbers_and_notes_for_hidden_cells(
    published: None,
) -> None:
    # when
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/transparency/2026-10.csv")

    # then UTF-8 with BOM, one row per category after the platform
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows[0]
    assert header[:2] == ["Category code", "Category"] and header[-1] == "Note"
    assert "After-sales rate (%)" in header
    by_code = {row[0]: row for row in rows[1:5]}
    rate = header.index("After-sales rate (%)")
    assert by_code["tx-a"][rate] == "4.0"  # 40 / 1,000, in per cent, a plain number
    assert by_code["tx-a"][header.index("Requests")] == "40"
    assert by_code["tx-c"][rate] == "" and by_code["tx-b"][rate] == ""
    assert by_code["tx-c"][-1].startswith("Hidden:") and by_code["tx-a"][-1] == ""
    assert by_code[""][header.index("Requests")] == "69"


@pytest.mark.parametrize(
    ("language", "words"), [("en", "Transparency report"), ("zh-hans", "类目")]
)
def test_the_pdf_is_a_pdf_with_the_figures(published: None, language: str, words: str) -> None:
    # when
    response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/transparency/2026-10.pdf")

    # then a readable PDF holding A's after-sales rate and the platform's requests
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert ("4.0 %" if language == "en" else "4.0%") in text and "69" in text
    assert words in text
    assert f"-{language}.pdf" in response["Content-Disposition"]
