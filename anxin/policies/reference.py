"""Seed rows: the platform default policy (docs/domain.md numbers), category rules and reason codes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

PLATFORM_DEFAULT: dict[str, Any] = {
    "no_reason_days": 7,  # art. 10, from the day after signing
    "quality_return_days": 7,  # CPL art. 24
    "exchange_days": 15,  # 三包
    "repair_days": 90,
    "merchant_review_hours": 48,  # deadlines #2 and #3
    "return_ship_days": 7,  # #4
    "receipt_confirm_days": 7,  # #5, art. 13
    "refund_hours": 7 * 24,  # #6: forced after 7 days (the 48 h target is a service level)
    "rejected_close_days": 15,  # #7
    "completion_days": 10,  # #14
    "restocking_fee_percent": Decimal("0"),
    "intact_conditions_zh": "商品能够保持原有品质、功能，商品本身、配件、商标标识齐全即视为完好；为检查商品而拆封不影响完好。",
    "intact_conditions_en": (
        "Goods are intact when their quality and function are preserved and the item, accessories "
        "and labels are complete; opening the package to inspect the goods does not break this."
    ),
}

CATEGORY_POLICIES: dict[str, dict[str, Any]] = {
    "digital": {"repair_days": 365},  # 三包: 7-day return, 15-day exchange, 1-year repair
    "appliances": {"repair_days": 365},
    "apparel": {
        "intact_conditions_zh": "吊牌完整、未洗涤、未穿着（试穿除外），不影响二次销售。",
        "intact_conditions_en": "Tags attached, not washed and not worn beyond trying on.",
    },
    "beauty": {
        "intact_conditions_zh": "未拆封（包装塑封、防伪标签完整）。已拆封的化妆品如购买时已确认不适用无理由退货，则不予退货。",
        "intact_conditions_en": (
            "Unopened, with the shrink-wrap and anti-counterfeit seal intact. Opened cosmetics "
            "are not returnable without reason if you confirmed this when buying."
        ),
    },
    "food": {
        "intact_conditions_zh": "包装密封完好。",
        "intact_conditions_en": "The sealed packaging is unbroken.",
    },
}

# code, parent, 中文, English, fault, quality
REASONS: list[tuple[str, str | None, str, str, str, bool]] = [
    ("no_reason", None, "七天无理由", "No reason (7-day return)", "consumer", False),
    ("no_reason/changed_mind", "no_reason", "不想要了", "Changed my mind", "consumer", False),
    ("no_reason/bought_wrong", "no_reason", "拍错/多拍", "Ordered by mistake", "consumer", False),
    ("size_fit", None, "尺码不合适", "Size or fit", "consumer", False),
    ("quality", None, "质量问题", "Quality problem", "merchant", True),
    ("quality/defect", "quality", "商品故障/破损", "Defective or broken", "merchant", True),
    ("quality/not_as_described", "quality", "与描述不符", "Not as described", "merchant", True),
    ("quality/counterfeit", "quality", "疑似假冒", "Suspected counterfeit", "merchant", True),
    ("wrong_item", None, "商家发错货", "Wrong item sent", "merchant", False),
    ("logistics", None, "物流问题", "Delivery problem", "carrier", False),
    (
        "logistics/damaged_in_transit",
        "logistics",
        "运输途中损坏",
        "Damaged in transit",
        "carrier",
        False,
    ),
    ("logistics/missing_item", "logistics", "少件/漏发", "Missing item", "merchant", False),
    ("logistics/not_received", "logistics", "未收到货", "Not received", "carrier", False),
]


def reference_install(policy_model: Any, reason_model: Any, category_model: Any) -> None:
    """Create or refresh the seed rows (works on a migration's historical models)."""
    defaults = dict(PLATFORM_DEFAULT)
    policy_model.objects.update_or_create(
        code="P-platform", defaults={"scope": "platform", **defaults}
    )
    for code, values in CATEGORY_POLICIES.items():
        category = category_model.objects.filter(code=code).first()
        if category is not None:
            policy_model.objects.update_or_create(
                code=f"P-cat-{code}", defaults={"scope": "category", "category": category, **values}
            )
    by_code: dict[str, Any] = {}
    for code, parent, zh, en, fault, quality in REASONS:
        obj, _ = reason_model.objects.update_or_create(
            code=code,
            defaults={
                "parent": by_code.get(parent) if parent else None,
                "name_zh": zh,
                "name_en": en,
                "fault": fault,
                "is_quality": quality,
                "selectable": parent is not None or code in {"size_fit", "wrong_item"},
            },
        )
        by_code[code] = obj
