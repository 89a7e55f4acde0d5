"""Screening of review texts (no database): the maintained word lists and personal data."""

import pytest

from anxin.reviews.screening import screen, word_lists


@pytest.mark.parametrize(
    ("text", "reasons"),
    [
        ("质量很好，穿着舒服，尺码偏小，颜色和图片一样，物流很快，客服态度好，下次还来", []),
        ("丝袜质量不错，按摩仪也很好用，限量款到货很快", []),  # goods a chat-room list would flag
        ("垃圾商品，差劲，再也不买了", []),  # criticism of the goods is a review's right
        ("好评返现，加 微-信 领红包", ["ads"]),  # noise inside a word does not hide it
        ("你个傻逼商家", ["abuse"]),
        ("賣家是個傻逼", ["abuse"]),  # traditional characters
        ("ｆｕｃｋｉｎｇ terrible seller", ["abuse"]),  # full-width letters
        ("This is a classic assessment", []),  # no match inside words
        ("电话13812345678", ["personal_data"]),
        ("电话 +86 138-1234-5678", ["personal_data"]),
        ("座机 021-55550000", ["personal_data"]),
        ("身份证110101199003071234", ["personal_data"]),
        ("邮箱 zhang.san@example.com", ["personal_data"]),
        ("寄到上海市浦东新区世纪大道100号", ["personal_data"]),
        ("住在杭州市西湖区某小区3栋", ["personal_data"]),
        ("买了3件，第2号尺码，订单号202611051234", []),  # numbers that are not personal data
        ("<script>alert(1)</script>很好", []),  # markup is text: escaped when shown, not screened
    ],
)
def test_screening(text: str, reasons: list[str]) -> None:
    assert screen(text).reasons == reasons


def test_the_maintained_lists_are_loaded_not_a_handful_of_words() -> None:
    lists = word_lists()
    assert len(lists.latin_reason) > 300  # better-profanity's English list

    def count(node: dict) -> int:
        return sum(1 if key == "\x00" else count(child) for key, child in node.items())  # type: ignore[arg-type]

    assert count(lists.trie) > 1000  # the Chinese lists, less the allowed shopping words
