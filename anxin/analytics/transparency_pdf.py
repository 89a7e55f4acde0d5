"""A published transparency report as a PDF (A4), in Chinese or English.

The figures are the report's frozen ones, laid out as on its page: the platform and each
category, merchants by credit tier, quality notices and the note on hidden cells. Chinese text is
set in ReportLab's built-in CID font ``STSong-Light`` (nothing to ship or download, as the return
labels do), Latin runs in Helvetica.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any, Final
from xml.sax.saxutils import escape

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .models import TransparencyReport
from .transparency import column_label, hidden_note, report_rows, tier_rows

CJK_FONT: Final = "STSong-Light"
LATIN_FONT: Final = "Helvetica"
LATIN_BOLD: Final = "Helvetica-Bold"
MARGIN: Final = 14 * mm


def _register_fonts() -> None:
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


def _latin(char: str) -> bool:
    return "\x20" <= char <= "\x7e" or "\u00a0" <= char <= "\u00ff"


def _markup(text: str, *, bold: bool = False) -> str:
    """Paragraph markup: the text escaped, Latin runs in Helvetica, the rest in STSong."""
    latin = LATIN_BOLD if bold else LATIN_FONT
    runs: list[tuple[str, str]] = []
    for char in " ".join(str(text).split()):
        font = latin if _latin(char) else CJK_FONT
        if runs and runs[-1][1] == font:
            runs[-1] = (runs[-1][0] + char, font)
        else:
            runs.append((char, font))
    return "".join(f'<font name="{font}">{escape(run)}</font>' for run, font in runs)


def _styles(*, zh: bool) -> dict[str, ParagraphStyle]:
    # Chinese wraps between any two characters; English only between words.
    base = ParagraphStyle(
        "base", fontName=LATIN_FONT, fontSize=8.5, leading=11, wordWrap="CJK" if zh else None
    )
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=16, leading=20, spaceAfter=4),
        "h2": ParagraphStyle(
            "h2", parent=base, fontSize=11, leading=14, spaceBefore=8, spaceAfter=4
        ),
        "body": base,
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        "num": ParagraphStyle("num", parent=base, fontSize=8, leading=10, alignment=2),
        "small": ParagraphStyle("small", parent=base, fontSize=7, leading=9, textColor=colors.grey),
    }


def _p(text: str, style: ParagraphStyle, *, bold: bool = False) -> Paragraph:
    return Paragraph(_markup(text, bold=bold), style)


def _grid(rows: list[list[Any]], widths: list[float]) -> Table:
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.3, colors.HexColor("#c8ccd0")),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e7f3f2")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def transparency_pdf(report: TransparencyReport, *, language: str) -> bytes:
    """The report as PDF bytes, its words in ``language`` ("zh-hans" or "en")."""
    _register_fonts()
    with translation.override(language):
        return _render(report.data, report, zh=language.lower().startswith("zh"))


def _render(data: Mapping[str, Any], report: TransparencyReport, *, zh: bool) -> bytes:
    s = _styles(zh=zh)
    buffer = io.BytesIO()
    page = landscape(A4)
    doc = SimpleDocTemplate(
        buffer,
        pagesize=page,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=_("Transparency report %(month)s") % {"month": data.get("month", "")},
        author=_("Anxin"),
    )
    width = page[0] - 2 * MARGIN
    published = formats.date_format(timezone.localtime(report.published_at), "DATE_FORMAT")
    story: list[Any] = [
        _p(
            _("Transparency report %(month)s") % {"month": data.get("month", "")},
            s["title"],
            bold=True,
        ),
        _p(
            _(
                "After-sales figures of the requests opened from %(start)s to %(end)s, for the "
                "whole platform and by product category. Published on %(published)s; the figures "
                "do not change afterwards."
            )
            % {"start": data.get("start", ""), "end": data.get("end", ""), "published": published},
            s["body"],
        ),
        Spacer(1, 4 * mm),
    ]
    columns = list(data.get("columns", []))
    header = [_p(_("Category"), s["cell"], bold=True)]
    header += [_p(column_label(key), s["cell"], bold=True) for key in columns]
    header.append(_p(_("Quality notices"), s["cell"], bold=True))
    body = [header]
    for row in report_rows(data, zh=zh):
        line: list[Any] = [_p(row.name, s["cell"], bold=not row.code)]
        line += [_p(cell.text, s["num"]) for cell in row.cells]
        line.append(_p(str(row.notices or 0), s["num"]))
        body.append(line)
    first = width * 0.2
    rest = (width - first) / (len(columns) + 1)
    story.append(_grid(body, [first] + [rest] * (len(columns) + 1)))
    story.append(Spacer(1, 2 * mm))
    story.append(_p(hidden_note(data), s["small"]))
    story.append(_p(_("Shops by credit tier"), s["h2"], bold=True))
    tiers = [
        [
            _p(_("Tier"), s["cell"], bold=True),
            _p(pgettext("transparency", "Shops"), s["cell"], bold=True),
        ]
    ]
    tiers += [[_p(label, s["cell"]), _p(text, s["num"])] for label, text, _n in tier_rows(data)]
    story.append(_grid(tiers, [width * 0.25, width * 0.12]))
    doc.build(story)
    return buffer.getvalue()
