"""Return label PDFs: pure rendering, no database.

pypdf extracts the STSong-Light (CID) text fine, so Chinese is asserted on directly.
"""

from __future__ import annotations

import dataclasses
import io
from datetime import UTC, datetime, timedelta, timezone

import pytest
from pypdf import PdfReader
from reportlab.lib.units import mm

from anxin.cases import labels
from anxin.cases.labels import ReturnLabel, return_label_pdf

CASE = "AS20261123000001"
RMA = "RMA-AS20261123000001"
RETURN_ADDRESS = "广东省深圳市南山区粤海街道科技园南区高新南七道数字技术园B2栋3楼301室"


def make_label(**overrides) -> ReturnLabel:
    values = {
        "rma": RMA,
        "case_number": CASE,
        "issued_at": datetime(2026, 11, 23, 6, 5, tzinfo=UTC),
        "merchant_name": "安心数码旗舰店",
        "return_to_name": "安心售后中心",
        "return_to_phone": "0755-88886666",
        "return_to_address": RETURN_ADDRESS,
        "sender_name": "张三",
        "sender_phone": "138****1234",
        "sender_address": "上海市浦东新区张江镇碧波路690号 Room 1203, Building 5",
        "product_name": "无线降噪耳机 Pro 2",
        "quantity": 2,
        "reason": "左耳无声音",
        "instructions": ["请将商品放入原包装。", "将本标签贴在包裹外侧。"],
        "language": "zh-hans",
    }
    values.update(overrides)
    return ReturnLabel(**values)


def read(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def text_of(pdf: bytes) -> str:
    reader = read(pdf)
    assert len(reader.pages) == 1
    # &nbsp; separators come out as U+00A0; normalise them for simple substring checks.
    return reader.pages[0].extract_text().replace("\xa0", " ")


def test_is_a_one_page_pdf_of_label_size():
    pdf = return_label_pdf(make_label())
    assert pdf.startswith(b"%PDF")
    reader = read(pdf)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(100 * mm)
    assert float(box.height) == pytest.approx(150 * mm)


def test_chinese_label_text():
    text = text_of(return_label_pdf(make_label()))
    assert CASE in text
    assert RMA in text
    assert RETURN_ADDRESS in text.replace("\n", "")
    for heading in ("退货标签", "收件人", "寄件人", "退货商品", "退货原因", "寄回须知", "签发时间"):
        assert heading in text
    assert "安心数码旗舰店" in text
    assert "张三" in text
    assert "138****1234" in text
    assert "0755-88886666" in text
    assert "Room 1203, Building 5" in text
    assert "左耳无声音" in text
    assert "RETURN LABEL" not in text


def test_english_headings():
    label = make_label(
        language="en",
        merchant_name="Anxin Digital Store",
        instructions=["Pack the item in its original box.", "Stick this label on the parcel."],
    )
    text = text_of(return_label_pdf(label))
    for heading in ("RETURN LABEL", "RMA no.", "Case no.", "Return to", "Sender", "Item"):
        assert heading in text
    for heading in ("Reason", "Instructions", "Issued"):
        assert heading in text
    assert "退货标签" not in text
    assert "寄件人" not in text
    assert CASE in text
    assert RMA in text
    # The addresses stay as written (Chinese), whatever the label language.
    assert RETURN_ADDRESS in text.replace("\n", "")


def test_instructions_are_numbered_in_order():
    steps = ["Pack it.", "Label it.", "Ship it."]
    text = text_of(return_label_pdf(make_label(language="en", instructions=steps)))
    positions = [text.index(f"{n}. {step}") for n, step in enumerate(steps, start=1)]
    assert positions == sorted(positions)


def test_item_line_shows_product_and_quantity():
    text = text_of(return_label_pdf(make_label(quantity=3)))
    assert "无线降噪耳机 Pro 2 × 3" in text


def test_issue_time_is_shown_in_shanghai_time():
    # 2026-11-23 22:30 in New York (UTC-5) is 2026-11-24 11:30 in Shanghai.
    issued = datetime(2026, 11, 23, 22, 30, tzinfo=timezone(timedelta(hours=-5)))
    text = text_of(return_label_pdf(make_label(issued_at=issued, language="en")))
    assert "2026-11-24 11:30" in text
    assert "Beijing time" in text


def test_markup_in_user_text_is_printed_literally():
    label = make_label(
        product_name="<b>x</b> & co",
        merchant_name="A&B <shop>",
        reason="<font size=40>big</font>",
        sender_address='<para>路 1号 & "quoted"</para>',
        instructions=["<br/>step & <i>one</i>"],
    )
    text = text_of(return_label_pdf(label))
    assert "<b>x</b> & co" in text
    assert "A&B <shop>" in text
    assert "<font size=40>big</font>" in text
    assert '<para>路 1号 & "quoted"</para>' in text.replace("\n", "")
    assert "<br/>step & <i>one</i>" in text


def test_markup_helper_escapes_and_splits_fonts():
    markup = labels._markup("<b>x</b> & 公司")
    assert "<b>" not in markup
    assert "&lt;b&gt;x&lt;/b&gt; &amp; " in markup
    assert '<font name="STSong-Light">公司</font>' in markup


def test_long_address_wraps_and_stays_on_one_page():
    long_address = RETURN_ADDRESS * 6
    pdf = return_label_pdf(make_label(return_to_address=long_address))
    text = text_of(pdf)
    lines = [line for line in text.splitlines() if "科技园" in line or "数字技术园" in line]
    assert len(lines) >= 4  # wrapped over several lines, not one clipped line
    assert long_address in text.replace("\n", "")  # nothing lost when wrapping


def test_long_latin_words_wrap_too():
    address = "https://example.com/" + "a" * 150
    text = text_of(return_label_pdf(make_label(return_to_address=address, language="en")))
    assert address in text.replace("\n", "")


def test_absurdly_long_input_still_fits_one_page():
    label = make_label(
        return_to_address="很长的地址" * 400,
        sender_address="x " * 500,
        product_name="p" * 300,
        reason="r " * 300,
        instructions=["步骤" * 40] * 30,
        merchant_name="M" * 80,
    )
    pdf = return_label_pdf(label)
    assert len(read(pdf).pages) == 1
    assert CASE in text_of(pdf)


def test_codes_encode_the_case_number(monkeypatch):
    seen: dict[str, str] = {}
    real_qr, real_code128 = labels.QrCodeWidget, labels.Code128

    def qr(value, *args, **kwargs):
        seen["qr"] = value
        return real_qr(value, *args, **kwargs)

    def code128(value, *args, **kwargs):
        seen["code128"] = value
        return real_code128(value, *args, **kwargs)

    monkeypatch.setattr(labels, "QrCodeWidget", qr)
    monkeypatch.setattr(labels, "Code128", code128)
    return_label_pdf(make_label())
    assert seen == {"qr": CASE, "code128": CASE}


def test_output_is_deterministic():
    assert return_label_pdf(make_label()) == return_label_pdf(make_label())


def test_label_is_frozen_and_hashable_with_list_instructions():
    label = make_label(instructions=["a", "b"])
    assert label.instructions == ("a", "b")
    hash(label)
    with pytest.raises(dataclasses.FrozenInstanceError):
        label.rma = "other"  # type: ignore[misc]


@pytest.mark.parametrize(
    ("given", "expected"), [("zh-hans", "zh-hans"), ("zh-Hans", "zh-hans"), ("en-us", "en")]
)
def test_language_is_normalised(given, expected):
    assert make_label(language=given).language == expected


def test_unknown_language_is_rejected():
    with pytest.raises(ValueError, match="language"):
        make_label(language="fr")


def test_naive_issue_time_is_rejected():
    with pytest.raises(ValueError, match="timezone-aware"):
        make_label(issued_at=datetime(2026, 11, 23, 14, 5))


def test_control_characters_do_not_break_rendering():
    label = make_label(product_name="耳机\x00\x1b[31m Pro\u200b", sender_address="路\r\n1号\t2室")
    text = text_of(return_label_pdf(label))
    assert "耳机[31m Pro" in text
    assert "路 1号 2室" in text
