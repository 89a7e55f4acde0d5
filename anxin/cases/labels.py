"""Printable return labels (退货标签) as one-page PDFs.

Pure rendering: no models, no database, no Django. The caller gathers the data into a
:class:`ReturnLabel` (masking the customer's phone number and translating the instructions
itself) and gets the PDF bytes back from :func:`return_label_pdf`.

The page is 100 x 150 mm, the usual size of the thermal shipping labels used by Chinese
couriers. Chinese text is set in ReportLab's built-in CID font ``STSong-Light`` (no font
file to ship or download); runs of Latin text use Helvetica. When the variable blocks
(addresses, item, instructions) are too long for the page their type is scaled down, so the
label always stays on a single page.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from reportlab.graphics.barcode.code128 import Code128
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepInFrame, Paragraph, Spacer, Table, TableStyle

__all__ = ["LANGUAGES", "PAGE_SIZE", "ReturnLabel", "return_label_pdf"]

PAGE_SIZE: Final = (100 * mm, 150 * mm)
LANGUAGES: Final = ("zh-hans", "en")

SHANGHAI: Final = ZoneInfo("Asia/Shanghai")

CJK_FONT: Final = "STSong-Light"
LATIN_FONT: Final = "Helvetica"
LATIN_BOLD: Final = "Helvetica-Bold"

MARGIN: Final = 4 * mm
HEADER_H: Final = 10 * mm
QR_SIZE: Final = 25 * mm
BARCODE_H: Final = 11 * mm
FOOTER_H: Final = 6 * mm
GAP: Final = 2 * mm
MIN_SCALE: Final = 0.6

# The label's own headings. Everything else (instructions, reason, names) comes from the caller.
HEADINGS: Final[dict[str, dict[str, str]]] = {
    "zh-hans": {
        "title": "退货标签",
        "rma": "退货授权号 RMA",
        "case": "售后单号",
        "to_tag": "收",
        "to": "收件人（退货地址）",
        "from_tag": "寄",
        "from": "寄件人",
        "item": "退货商品",
        "quantity": "数量",
        "reason": "退货原因",
        "instructions": "寄回须知",
        "issued": "签发时间",
        "timezone": "北京时间",
        "colon": "：",
    },
    "en": {
        "title": "RETURN LABEL",
        "rma": "RMA no.",
        "case": "Case no.",
        "to_tag": "TO",
        "to": "Return to",
        "from_tag": "FROM",
        "from": "Sender",
        "item": "Item",
        "quantity": "Qty",
        "reason": "Reason",
        "instructions": "Instructions",
        "issued": "Issued",
        "timezone": "Beijing time, UTC+8",
        "colon": ": ",
    },
}


@dataclass(frozen=True)
class ReturnLabel:
    """Everything printed on one return label. ``sender_phone`` must already be masked."""

    rma: str
    case_number: str
    issued_at: datetime
    merchant_name: str
    return_to_name: str
    return_to_phone: str
    return_to_address: str
    sender_name: str
    sender_phone: str
    sender_address: str
    product_name: str
    quantity: int
    reason: str
    instructions: Sequence[str] = field(default_factory=tuple)
    language: str = "zh-hans"

    def __post_init__(self) -> None:
        if self.issued_at.tzinfo is None or self.issued_at.utcoffset() is None:
            raise ValueError("issued_at must be timezone-aware")
        if not self.case_number:
            raise ValueError("case_number is required (it is encoded in the barcodes)")
        # A tuple keeps the frozen dataclass hashable even when the caller passes a list.
        object.__setattr__(self, "instructions", tuple(self.instructions))
        object.__setattr__(self, "language", _normalise_language(self.language))


def _normalise_language(language: str) -> str:
    """``zh-hans``/``zh-Hans``/``zh-cn``/``zh`` -> ``zh-hans``; ``en``/``en-us`` -> ``en``."""
    code = language.strip().lower().replace("_", "-")
    if code.startswith("zh"):
        return "zh-hans"
    if code.startswith("en"):
        return "en"
    raise ValueError(f"unsupported label language {language!r}; expected one of {LANGUAGES}")


def _register_fonts() -> None:
    if CJK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(CJK_FONT))


# --- text helpers -------------------------------------------------------------------------


def _needs_cjk(char: str) -> bool:
    return not ("\x20" <= char <= "\x7e" or "\u00a0" <= char <= "\u00ff")


def _clean(text: str) -> str:
    """Collapse whitespace to single spaces and drop control/format characters."""
    text = " ".join(str(text).split())
    return "".join(ch for ch in text if not unicodedata.category(ch).startswith("C"))


def _markup(text: str, *, bold: bool = False) -> str:
    """Paragraph markup for user text: escaped, Latin runs in Helvetica, the rest in STSong.

    ``<b>x</b> & co`` comes out as ``&lt;b&gt;x&lt;/b&gt; &amp; co`` and prints literally.
    """
    return "".join(
        f'<font name="{font}">{escape(run)}</font>' for run, font in _runs(_clean(text), bold=bold)
    )


def _runs(text: str, *, bold: bool = False) -> list[tuple[str, str]]:
    """Split ``text`` into (run, font) pairs: Latin runs in Helvetica, the rest in STSong."""
    latin = LATIN_BOLD if bold else LATIN_FONT
    runs: list[tuple[str, str]] = []
    for char in text:
        font = CJK_FONT if _needs_cjk(char) else latin
        if runs and runs[-1][1] == font:
            runs[-1] = (runs[-1][0] + char, font)
        else:
            runs.append((char, font))
    return runs


def _width(runs: list[tuple[str, str]], size: float) -> float:
    return sum(pdfmetrics.stringWidth(run, font, size) for run, font in runs)


def _fitted_size(text: str, *, bold: bool, size: float, max_width: float, min_size: float) -> float:
    width = _width(_runs(_clean(text), bold=bold), size)
    return size if width <= max_width else max(min_size, size * max_width / width)


def _draw_string(
    c: Canvas,
    x: float,
    y: float,
    text: str,
    *,
    size: float,
    bold: bool = False,
    max_width: float,
    min_size: float = 6,
    align: str = "left",
    color: colors.Color = colors.black,
) -> None:
    """One line of mixed Latin/CJK text, shrunk (down to ``min_size``, then cut) to fit."""
    text = _clean(text)
    runs = _runs(text, bold=bold)
    size = _fitted_size(text, bold=bold, size=size, max_width=max_width, min_size=min_size)
    if _width(runs, size) > max_width:
        while text and _width(runs, size) > max_width:
            text = text[:-1]
            runs = _runs(text + "…", bold=bold)
    width = _width(runs, size)
    if align == "right":
        x -= width
    elif align == "center":
        x -= width / 2
    c.saveState()
    c.setFillColor(color)
    c.setStrokeColor(color)
    c.setLineWidth(size * 0.035)
    obj = c.beginText(x, y)
    for run, font in runs:
        obj.setFont(font, size)
        # STSong has no bold face: fill and stroke the outlines instead.
        obj.setTextRenderMode(2 if bold and font == CJK_FONT else 0)
        obj.textOut(run)
    c.drawText(obj)
    c.restoreState()


# --- layout -------------------------------------------------------------------------------


def _styles(scale: float) -> dict[str, ParagraphStyle]:
    def style(name: str, size: float, leading: float, **kwargs: Any) -> ParagraphStyle:
        return ParagraphStyle(
            name,
            fontName=LATIN_FONT,
            fontSize=size * scale,
            leading=leading * scale,
            wordWrap="CJK",
            **kwargs,
        )

    return {
        "heading": style("heading", 6.5, 8, textColor=colors.HexColor("#444444")),
        "name_big": style("name_big", 11, 13.5),
        "address_big": style("address_big", 10, 12.5),
        "name": style("name", 8.5, 10.5),
        "address": style("address", 8, 10),
        "body": style("body", 8, 10),
        "tag": style("tag", 16, 18, alignment=TA_CENTER),
        "tag_small": style("tag_small", 7.5, 9, alignment=TA_CENTER),
        "instruction": style(
            "instruction",
            7,
            8.8,
            leftIndent=3.5 * mm * scale,
            bulletIndent=0,
            bulletFontName=LATIN_BOLD,
            bulletFontSize=7 * scale,
        ),
    }


def _heading(text: str, st: dict[str, ParagraphStyle]) -> Paragraph:
    return Paragraph(_markup(text), st["heading"])


def _party_block(
    *,
    tag: str,
    heading: str,
    name: str,
    phone: str,
    address: str,
    width: float,
    prominent: bool,
    st: dict[str, ParagraphStyle],
) -> Table:
    """A boxed address block: a tag cell ("收"/"寄", "TO"/"FROM") and the address lines."""
    tag_style = (
        st["tag"] if len(tag) <= 2 and any(_needs_cjk(ch) for ch in tag) else st["tag_small"]
    )
    name_line = _markup(name, bold=True)
    if phone:
        name_line += "&nbsp;&nbsp;&nbsp;" + _markup(phone, bold=True)
    lines = [
        _heading(heading, st),
        Paragraph(name_line, st["name_big" if prominent else "name"]),
        Paragraph(_markup(address), st["address_big" if prominent else "address"]),
    ]
    tag_w = 11 * mm
    table = Table(
        [[Paragraph(_markup(tag, bold=True), tag_style), lines]],
        colWidths=[tag_w, width - tag_w],
    )
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 1.2 if prominent else 0.6, colors.black),
                ("LINEAFTER", (0, 0), (0, 0), 0.6, colors.black),
                ("VALIGN", (0, 0), (0, 0), "MIDDLE"),
                ("VALIGN", (1, 0), (1, 0), "TOP"),
                ("LEFTPADDING", (0, 0), (0, 0), 0.5 * mm),
                ("RIGHTPADDING", (0, 0), (0, 0), 0.5 * mm),
                ("LEFTPADDING", (1, 0), (1, 0), 1.5 * mm),
                ("RIGHTPADDING", (1, 0), (1, 0), 1.5 * mm),
                ("TOPPADDING", (0, 0), (-1, -1), 1 * mm),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.2 * mm),
            ]
        )
    )
    return table


def _body_flowables(label: ReturnLabel, width: float, scale: float) -> list[Flowable]:
    h = HEADINGS[label.language]
    st = _styles(scale)
    flow: list[Flowable] = [
        _party_block(
            tag=h["to_tag"],
            heading=h["to"],
            name=label.return_to_name,
            phone=label.return_to_phone,
            address=label.return_to_address,
            width=width,
            prominent=True,
            st=st,
        ),
        Spacer(0, 1.5 * mm * scale),
        _party_block(
            tag=h["from_tag"],
            heading=h["from"],
            name=label.sender_name,
            phone=label.sender_phone,
            address=label.sender_address,
            width=width,
            prominent=False,
            st=st,
        ),
        Spacer(0, 2 * mm * scale),
        _heading(h["item"], st),
        Paragraph(
            _markup(label.product_name, bold=True)
            + f'&nbsp;<font name="{LATIN_BOLD}">&#215;&nbsp;{int(label.quantity)}</font>',
            st["body"],
        ),
    ]
    if _clean(label.reason):
        flow += [
            Spacer(0, 1 * mm * scale),
            _heading(h["reason"], st),
            Paragraph(_markup(label.reason), st["body"]),
        ]
    steps = [_clean(text) for text in label.instructions if _clean(text)]
    if steps:
        flow += [Spacer(0, 1.5 * mm * scale), _heading(h["instructions"], st)]
        flow += [
            Paragraph(_markup(text), st["instruction"], bulletText=f"{number}.")
            for number, text in enumerate(steps, start=1)
        ]
    return flow


def _fit_body(label: ReturnLabel, width: float, height: float) -> list[Flowable]:
    """The body flowables at the largest scale that fits ``height``; shrink as a last resort."""
    scale = 1.0
    while True:
        flow = _body_flowables(label, width, scale)
        used = sum(f.wrap(width, height)[1] for f in flow)
        if used <= height:
            return flow
        if scale <= MIN_SCALE:
            # Absurdly long input: scale the whole block down rather than spill onto page 2.
            return [KeepInFrame(width, height, flow, mode="shrink", hAlign="LEFT")]
        scale = max(MIN_SCALE, scale - 0.05)


def _draw_header(c: Canvas, label: ReturnLabel, x: float, top: float, width: float) -> None:
    h = HEADINGS[label.language]
    c.setFillColor(colors.black)
    c.rect(x, top - HEADER_H, width, HEADER_H, stroke=0, fill=1)
    title_w = width * 0.5
    baseline = top - HEADER_H + 3 * mm
    _draw_string(
        c,
        x + 2 * mm,
        baseline,
        h["title"],
        size=15,
        bold=True,
        max_width=title_w,
        color=colors.white,
    )
    _draw_string(
        c,
        x + width - 2 * mm,
        baseline + 0.4 * mm,
        label.merchant_name,
        size=9,
        max_width=width - title_w - 6 * mm,
        align="right",
        color=colors.white,
    )


def _draw_codes(c: Canvas, label: ReturnLabel, x: float, top: float, width: float) -> float:
    """RMA number, case number and QR code, then the Code128 barcode. Returns the new top."""
    h = HEADINGS[label.language]

    # QR code of the case number, top right.
    qr = QrCodeWidget(label.case_number, barLevel="M")
    x1, y1, x2, y2 = qr.getBounds()
    qr_drawing = Drawing(
        QR_SIZE, QR_SIZE, transform=[QR_SIZE / (x2 - x1), 0, 0, QR_SIZE / (y2 - y1), 0, 0]
    )
    qr_drawing.add(qr)
    qr_drawing.drawOn(c, x + width - QR_SIZE, top - QR_SIZE)

    # RMA and case number, left of the QR code.
    text_w = width - QR_SIZE - 2 * mm
    y = top - 4 * mm
    _draw_string(c, x, y, h["rma"], size=7, max_width=text_w)
    rma = _clean(label.rma)
    rma_size = _fitted_size(rma, bold=True, size=20, max_width=text_w, min_size=9)
    y -= rma_size * 0.95 + 1.5 * mm
    _draw_string(c, x, y, rma, size=rma_size, bold=True, max_width=text_w, min_size=9)
    y -= 5 * mm
    _draw_string(c, x, y, h["case"], size=7, max_width=text_w)
    y -= 4.5 * mm
    _draw_string(c, x, y, label.case_number, size=11, bold=True, max_width=text_w)

    # Code128 of the case number, full width below.
    top -= QR_SIZE + GAP
    bar_width = 0.5 * mm
    barcode = Code128(
        label.case_number, barHeight=BARCODE_H, barWidth=bar_width, humanReadable=False
    )
    if barcode.width > width:
        bar_width *= width / barcode.width
        barcode = Code128(
            label.case_number, barHeight=BARCODE_H, barWidth=bar_width, humanReadable=False
        )
    barcode.drawOn(c, x + (width - barcode.width) / 2, top - BARCODE_H)
    top -= BARCODE_H + GAP
    c.setLineWidth(0.8)
    c.line(x, top, x + width, top)
    return top - GAP


def _draw_footer(c: Canvas, label: ReturnLabel, x: float, width: float) -> None:
    h = HEADINGS[label.language]
    issued = label.issued_at.astimezone(SHANGHAI)
    text = f"{h['issued']}{h['colon']}{issued:%Y-%m-%d %H:%M} ({h['timezone']})"
    grey = colors.HexColor("#333333")
    c.setLineWidth(0.5)
    c.line(x, MARGIN + FOOTER_H, x + width, MARGIN + FOOTER_H)
    baseline = MARGIN + 1.5 * mm
    _draw_string(c, x, baseline, text, size=6.5, max_width=width * 0.72, color=grey)
    _draw_string(
        c,
        x + width,
        baseline,
        label.case_number,
        size=6.5,
        max_width=width * 0.26,
        align="right",
        color=grey,
    )


def return_label_pdf(label: ReturnLabel) -> bytes:
    """Render ``label`` as a one-page 100 x 150 mm PDF and return its bytes."""
    _register_fonts()
    buffer = io.BytesIO()
    page_w, page_h = PAGE_SIZE
    c = Canvas(buffer, pagesize=PAGE_SIZE, invariant=True, pageCompression=1)
    c.setTitle(f"{HEADINGS[label.language]['title']} {label.rma}")
    c.setSubject(label.case_number)
    c.setCreator("Anxin")

    x = MARGIN
    width = page_w - 2 * MARGIN
    top = page_h - MARGIN
    _draw_header(c, label, x, top, width)
    top = _draw_codes(c, label, x, top - HEADER_H - GAP, width)
    _draw_footer(c, label, x, width)

    bottom = MARGIN + FOOTER_H + GAP
    y = top
    for flowable in _fit_body(label, width, top - bottom):
        _, height = flowable.wrapOn(c, width, top - bottom)
        y -= height
        flowable.drawOn(c, x, y)

    c.showPage()
    c.save()
    return buffer.getvalue()
