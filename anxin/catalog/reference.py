"""The platform's standard category tree with its PRC art. 6 / art. 7 flags (reference data)."""

from __future__ import annotations

from typing import Any

H, A, N = "unsealing_health", "activation_value", "near_expiry_defect"

# code, parent, 中文, English, flags
CATEGORIES: list[tuple[str, str | None, str, str, dict[str, Any]]] = [
    ("apparel", None, "服饰", "Apparel", {}),
    ("apparel-clothing", "apparel", "服装", "Clothing", {}),
    ("apparel-underwear", "apparel", "内衣袜子", "Underwear and socks", {"confirm_kinds": [H]}),
    ("apparel-shoes", "apparel", "鞋靴", "Shoes", {}),
    ("digital", None, "数码", "Electronics", {}),
    ("digital-phones", "digital", "手机", "Mobile phones", {"confirm_kinds": [A]}),
    ("digital-computers", "digital", "电脑", "Computers", {"confirm_kinds": [A]}),
    ("digital-accessories", "digital", "数码配件", "Accessories", {}),
    ("appliances", None, "家电", "Home appliances", {}),
    ("appliances-large", "appliances", "大家电", "Large appliances", {"confirm_kinds": [A]}),
    ("appliances-small", "appliances", "小家电", "Small appliances", {}),
    ("fresh", None, "生鲜", "Fresh food", {"is_perishable": True}),
    ("fresh-fruit", "fresh", "水果", "Fruit", {"is_perishable": True}),
    ("fresh-seafood", "fresh", "海鲜水产", "Seafood", {"is_perishable": True}),
    ("food", None, "食品", "Packaged food", {"confirm_kinds": [H, N]}),
    ("beauty", None, "美妆", "Beauty", {"confirm_kinds": [H]}),
    ("beauty-skincare", "beauty", "护肤", "Skincare", {"confirm_kinds": [H]}),
    ("beauty-makeup", "beauty", "彩妆", "Make-up", {"confirm_kinds": [H]}),
    ("books", None, "图书", "Books", {}),
    ("books-print", "books", "图书", "Printed books", {}),
    (
        "books-periodicals",
        "books",
        "报纸期刊",
        "Newspapers and periodicals",
        {"is_periodical": True},
    ),
    ("custom", None, "定制", "Custom-made", {"is_custom_made": True}),
    ("custom-engraved", "custom", "刻字定制", "Engraved items", {"is_custom_made": True}),
    ("custom-tailored", "custom", "量体定制", "Tailored clothing", {"is_custom_made": True}),
    ("virtual", None, "数字商品", "Digital goods", {"is_digital": True}),
    ("virtual-software", "virtual", "软件", "Software downloads", {"is_digital": True}),
    ("virtual-cards", "virtual", "充值卡券", "Top-up cards and e-vouchers", {"is_digital": True}),
    ("home", None, "家居", "Home and living", {}),
    ("home-bedding", "home", "床上用品", "Bedding", {"confirm_kinds": [H]}),
    ("baby", None, "母婴", "Mother and baby", {"confirm_kinds": [H]}),
    ("sports", None, "运动户外", "Sports and outdoors", {}),
]


def categories_install(category_model: Any) -> int:
    """Create or refresh the standard categories (works on a migration's historical model)."""
    created = 0
    by_code: dict[str, Any] = {}
    for code, parent, zh, en, flags in CATEGORIES:
        defaults = {
            "parent": by_code.get(parent) if parent else None,
            "name_zh": zh,
            "name_en": en,
            "is_custom_made": flags.get("is_custom_made", False),
            "is_perishable": flags.get("is_perishable", False),
            "is_digital": flags.get("is_digital", False),
            "is_periodical": flags.get("is_periodical", False),
            "confirm_kinds": flags.get("confirm_kinds", []),
        }
        obj, was_created = category_model.objects.update_or_create(code=code, defaults=defaults)
        by_code[code] = obj
        created += int(was_created)
    return created
