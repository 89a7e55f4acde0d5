"""Words of the demo cases: reasons per request type, what consumers write, what merchants and
agents answer (data only, no logic)."""

from __future__ import annotations

from ..choices import CaseType

T = CaseType
CONSUMER_CHOICE = frozenset({"no_reason/changed_mind", "no_reason/bought_wrong", "size_fit"})
# Reasons per request type, with weights (size_fit is used for clothes and shoes only).
REASONS: dict[str, list[tuple[str, int]]] = {
    T.REFUND_ONLY: [
        ("quality/defect", 3),
        ("quality/not_as_described", 2),
        ("logistics/missing_item", 2),
        ("wrong_item", 1),
        ("logistics/damaged_in_transit", 1),
    ],
    T.RETURN_REFUND: [
        ("no_reason/changed_mind", 6),
        ("no_reason/bought_wrong", 2),
        ("quality/defect", 3),
        ("quality/not_as_described", 2),
        ("wrong_item", 1),
    ],
    T.EXCHANGE: [("no_reason/bought_wrong", 2), ("quality/defect", 2), ("wrong_item", 1)],
    T.REPAIR: [("quality/defect", 1)],
    T.WARRANTY: [("quality/defect", 1)],
}
DESCRIPTIONS: dict[str, list[str]] = {
    "no_reason/changed_mind": ["不太喜欢，想退掉", "买了之后发现用不上", "家里已经有一个了", ""],
    "no_reason/bought_wrong": ["拍错颜色了", "不小心多拍了一件", "下单时选错了规格"],
    "size_fit": ["尺码偏小，穿着紧", "偏大一码，想换小一码", "鞋子有点挤脚"],
    "quality/defect": ["收到后发现有破损", "用了两天就坏了", "有明显划痕", "开线了，做工有问题"],
    "quality/not_as_described": ["颜色和图片差别很大", "材质和描述不一致"],
    "quality/counterfeit": ["防伪码查询不到"],
    "wrong_item": ["发来的颜色不对", "收到的不是我买的型号"],
    "logistics/missing_item": ["少发了一件", "包裹里少了配件"],
    "logistics/damaged_in_transit": ["外包装压坏，商品变形"],
    "logistics/not_received": ["物流一直没更新，还没收到"],
}
REJECTIONS = [
    "商品吊牌已剪，影响二次销售",
    "请补充商品问题的照片后再提交",
    "经检测商品无质量问题",
    "超出无理由退货期限",
]
REJECTIONS_AFTER_INSPECTION = ["退回商品缺少配件，不符合退货条件", "退回商品有明显使用痕迹"]
ESCALATIONS = ["商家拒绝理由不成立，请平台介入", "商品确实有质量问题，照片已上传"]
AGENT_DECISIONS = ["经核实商品存在质量问题，支持退货", "商家未能举证，按平台规则支持消费者"]
WITHDRAWALS = ["已和商家协商解决", "不想退了", ""]
REVISIONS = ["已补充问题照片和详细说明", "补充：收到时外包装已经破损"]
NOTES_OK = ["商品完好，配件齐全", "已验收", ""]
NOTES_ISSUE = ["外包装轻微破损，不影响二次销售"]
CONTACTS = ["王仓管", "李主管", "张师傅", "陈小姐", "刘经理"]
