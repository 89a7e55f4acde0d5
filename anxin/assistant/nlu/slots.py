"""Slot extraction: order and case numbers (full, masked or by their last digits), quantity,
money amount, product mention and reason code. Works on the normalised text."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

ORDER = re.compile(r"(?<![a-z0-9])od(\d{14})(?!\d)")
CASE = re.compile(r"(?<![a-z0-9])as(\d{14})(?!\d)")
MASKED_ORDER = re.compile(r"(?<![a-z0-9])od([\d*]{0,10}\*[\d*]*?)(\d{2,6})(?!\d)")
SUFFIX = re.compile(
    r"(?:尾号|后四位|末四位|ending(?: in| with)?|ends(?: in| with)?|last (?:4|four) digits?)"
    r"\s*(?:是|为|:)?\s*(\d{3,6})(?!\d)"
)
ZH_NUMBERS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8}
ZH_NUMBERS.update({"九": 9, "十": 10})
ZH_QUANTITY = re.compile(
    r"(\d{1,3}|[一两二三四五六七八九十])\s*(?:件|个|双|台|条|套|瓶|盒|只|部|份|包|支)"
)
EN_QUANTITY = re.compile(
    r"(?:(?<![\w.])x\s?(\d{1,3})\b|\b(\d{1,3})\s?(?:pcs|pieces?|items?|units?|pairs?|boxes|bottles)\b)"
)
EN_WORD_QUANTITY = re.compile(
    r"\b(both|two|three|four|five) (?:of them|items|pairs|units|pieces)\b"
)
EN_WORDS = {"both": 2, "two": 2, "three": 3, "four": 4, "five": 5}
AMOUNT = re.compile(
    r"(?:[¥￥]\s?(\d{1,7}(?:\.\d{1,2})?))|(?:(\d{1,7}(?:\.\d{1,2})?)\s?(?:元|块钱|块|rmb|yuan|cny)(?![a-z]))"
)

# Reason codes of ``policies.reference.REASONS``, most specific first.
REASON_WORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "quality/counterfeit",
        ("假货", "假的", "仿品", "高仿", "山寨", "fake", "counterfeit", "knock-off", "knockoff"),
    ),
    (
        "logistics/damaged_in_transit",
        (
            "压坏",
            "运输中",
            "路上坏",
            "外包装破",
            "快递摔",
            "damaged in transit",
            "damaged in shipping",
            "crushed",
            "box was smashed",
        ),
    ),
    (
        "logistics/missing_item",
        (
            "少件",
            "漏发",
            "少发",
            "少了一",
            "缺件",
            "missing item",
            "missing part",
            "missing piece",
            "only got one",
            "something missing",
        ),
    ),
    (
        "logistics/not_received",
        (
            "没收到",
            "未收到",
            "没到货",
            "收不到",
            "not received",
            "never arrived",
            "didn't arrive",
            "didnt arrive",
            "never got",
            "haven't received",
            "havent received",
        ),
    ),
    (
        "wrong_item",
        (
            "发错",
            "错发",
            "寄错",
            "不是我买的",
            "wrong item",
            "wrong product",
            "wrong colour sent",
            "wrong color sent",
            "sent the wrong",
            "sent me the wrong",
        ),
    ),
    (
        "quality/not_as_described",
        (
            "不符",
            "色差",
            "和图片不一样",
            "跟图片不一样",
            "货不对板",
            "描述不",
            "not as described",
            "different from the picture",
            "doesn't match the description",
            "not what was advertised",
            "looks different",
        ),
    ),
    (
        "quality/defect",
        (
            "坏了",
            "坏的",
            "破损",
            "破了",
            "故障",
            "不能用",
            "用不了",
            "开不了机",
            "质量问题",
            "质量差",
            "漏水",
            "裂",
            "开线",
            "掉色",
            "broken",
            "defective",
            "doesn't work",
            "doesnt work",
            "not working",
            "stopped working",
            "cracked",
            "faulty",
            "torn",
            "leaks",
            "won't turn on",
            "wont turn on",
            "dead on arrival",
        ),
    ),
    (
        "size_fit",
        (
            "尺码",
            "太大",
            "太小",
            "偏大",
            "偏小",
            "不合身",
            "不合脚",
            "码数",
            "大了",
            "小了",
            "doesn't fit",
            "doesnt fit",
            "too small",
            "too big",
            "too large",
            "too tight",
            "wrong size",
            "size",
        ),
    ),
    (
        "no_reason/bought_wrong",
        (
            "拍错",
            "多拍",
            "买错",
            "下错",
            "ordered by mistake",
            "bought by mistake",
            "ordered twice",
            "wrong order",
        ),
    ),
    (
        "no_reason/changed_mind",
        (
            "不想要",
            "不要了",
            "不喜欢",
            "七天无理由",
            "7天无理由",
            "无理由",
            "changed my mind",
            "don't want",
            "dont want",
            "don't like",
            "dont like",
            "no longer need",
            "no reason",
        ),
    ),
)

PRODUCTS: tuple[str, ...] = (
    "空气炸锅",
    "蓝牙耳机",
    "耳机",
    "羊毛衫",
    "毛衣",
    "羽绒服",
    "外套",
    "衬衫",
    "t恤",
    "裤子",
    "牛仔裤",
    "裙子",
    "连衣裙",
    "运动鞋",
    "跑鞋",
    "鞋子",
    "鞋",
    "靴子",
    "袜子",
    "内衣",
    "帽子",
    "包包",
    "背包",
    "手机壳",
    "手机",
    "平板",
    "笔记本电脑",
    "电脑",
    "键盘",
    "鼠标",
    "显示器",
    "充电器",
    "数据线",
    "充电宝",
    "手表",
    "手环",
    "音箱",
    "电视",
    "冰箱",
    "洗衣机",
    "空调",
    "吹风机",
    "电饭煲",
    "热水壶",
    "水壶",
    "榨汁机",
    "咖啡机",
    "扫地机器人",
    "吸尘器",
    "台灯",
    "床单",
    "被子",
    "枕头",
    "毛巾",
    "口红",
    "面霜",
    "面膜",
    "洗发水",
    "香水",
    "奶粉",
    "尿不湿",
    "玩具",
    "书",
    "零食",
    "茶叶",
    "水果",
    "保温杯",
    "杯子",
    "锅",
    "刀",
    "行李箱",
    "眼镜",
    "项链",
    "戒指",
    "air fryer",
    "earbuds",
    "headphones",
    "earphones",
    "sweater",
    "jumper",
    "down jacket",
    "jacket",
    "coat",
    "shirt",
    "t-shirt",
    "jeans",
    "trousers",
    "pants",
    "dress",
    "skirt",
    "running shoes",
    "sneakers",
    "trainers",
    "shoes",
    "boots",
    "socks",
    "hat",
    "backpack",
    "handbag",
    "bag",
    "phone case",
    "phone",
    "tablet",
    "laptop",
    "keyboard",
    "mouse",
    "monitor",
    "charger",
    "cable",
    "power bank",
    "watch",
    "smartwatch",
    "speaker",
    "tv",
    "fridge",
    "washing machine",
    "hair dryer",
    "rice cooker",
    "kettle",
    "blender",
    "coffee machine",
    "robot vacuum",
    "vacuum",
    "lamp",
    "bed sheet",
    "duvet",
    "pillow",
    "towel",
    "lipstick",
    "face cream",
    "shampoo",
    "perfume",
    "toy",
    "book",
    "snacks",
    "tea",
    "thermos",
    "mug",
    "pan",
    "knife",
    "suitcase",
    "glasses",
    "necklace",
    "ring",
)
_PRODUCT = re.compile(
    "|".join(
        (
            rf"{re.escape(p)}(?!号|码)"
            if re.search(r"[\u4e00-\u9fff]", p)
            else rf"\b{re.escape(p)}s?\b"
        )
        for p in sorted(PRODUCTS, key=len, reverse=True)
    )
)


def _quantity(text: str) -> int | None:
    match = ZH_QUANTITY.search(text)
    if match:
        raw = match.group(1)
        return int(raw) if raw.isdigit() else ZH_NUMBERS[raw]
    match = EN_QUANTITY.search(text)
    if match:
        return int(match.group(1) or match.group(2))
    match = EN_WORD_QUANTITY.search(text)
    return EN_WORDS[match.group(1)] if match else None


def _amount(text: str) -> str | None:
    match = AMOUNT.search(text)
    if not match:
        return None
    try:
        return str(Decimal(match.group(1) or match.group(2)).quantize(Decimal("0.01")))
    except InvalidOperation:
        return None


def reason_of(text: str) -> str | None:
    for code, words in REASON_WORDS:
        if any(word in text for word in words):
            return code
    return None


def extract_slots(text: str) -> dict[str, Any]:
    """The slots found in a normalised message; absent slots are left out."""
    slots: dict[str, Any] = {}
    if match := ORDER.search(text):
        slots["order_number"] = "OD" + match.group(1)
    elif match := MASKED_ORDER.search(text):
        slots["order_suffix"] = match.group(2)
    if "order_number" not in slots and (match := SUFFIX.search(text)):
        slots["order_suffix"] = match.group(1)
    if match := CASE.search(text):
        slots["case_number"] = "AS" + match.group(1)
    scrubbed = CASE.sub(" ", ORDER.sub(" ", text))
    if (quantity := _quantity(scrubbed)) is not None and 0 < quantity <= 100:
        slots["quantity"] = quantity
    if (amount := _amount(scrubbed)) is not None:
        slots["amount"] = amount
    if match := _PRODUCT.search(scrubbed):
        slots["product"] = match.group(0)
    if reason := reason_of(scrubbed):
        slots["reason"] = reason
    return slots
