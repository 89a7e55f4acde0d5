"""Where each demo dispute stands today and how it got there, as data: who did what, how many hours
before now, and what they wrote (some in Chinese, some in English).

A step's time is counted back from the moment the demo is built, so every dispute that waits on a
person waits on a live deadline; ``FIRE`` is a deadline falling due (the sweeper's step, a couple of
minutes after it was due). The timelines respect every dispute deadline (DOMAIN.md P-8…P-13, J-1):
no one acts after a deadline that would have acted first. ``{item}`` is the product's name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from anxin.cases.choices import CaseType

from ..choices import DisputeStatus, Party, Remedy, RoundKind, Vote

T = CaseType
S = DisputeStatus
R = Remedy


@dataclass(frozen=True)
class Step:
    """``action`` by ``who`` ``ago`` hours before now (None: when the pending deadline fires).

    ``who``: consumer, merchant, agent (the demo agent), arbitrator (the dispute's, at its level),
    juror1, juror2 or system. ``data`` is the action's payload; ``share`` in it is an amount as a
    share of the amount claimed."""

    ago: float | None
    who: str
    action: str
    data: dict[str, Any] = field(default_factory=dict)


def at(ago: float, who: str, action: str, **data: Any) -> Step:
    return Step(ago, who, action, data)


FIRE = Step(None, "system", "fire")


@dataclass(frozen=True)
class Story:
    """One dispute: whose it is (``pool``: the demo consumer's orders, the demo merchant's shop or
    anyone else's), the request it grew out of, the claim, and the steps after it was opened."""

    name: str
    status: str  # where it stands today
    next: str  # who acts next (printed by the command)
    pool: str  # consumer | demo | others
    requests: tuple[tuple[str, str], ...]  # (case type, reason) to try, in order
    rejection: str  # the merchant's reason for rejecting the request
    opened: float  # hours before now
    claim: str
    statement: str
    steps: tuple[Step, ...]
    claim_share: float = 1.0  # of what can still be refunded (partial and return-first claims)
    claim_max: Decimal | None = None
    roots: tuple[str, ...] = ()  # the kinds of goods the texts are about (root categories)


QUALITY = ((T.RETURN_REFUND, "quality/defect"), (T.REFUND_ONLY, "quality/defect"),
           (T.EXCHANGE, "quality/defect"), (T.REPAIR, "quality/defect"),
           (T.WARRANTY, "quality/defect"))  # fmt: skip
NOT_AS_DESCRIBED = ((T.RETURN_REFUND, "quality/not_as_described"),
                    (T.REFUND_ONLY, "quality/not_as_described"), *QUALITY)  # fmt: skip
COUNTERFEIT = ((T.RETURN_REFUND, "quality/counterfeit"), (T.REFUND_ONLY, "quality/counterfeit"),
               *QUALITY)  # fmt: skip
WRONG_ITEM = ((T.RETURN_REFUND, "wrong_item"), (T.EXCHANGE, "wrong_item"), *QUALITY)
MISSING = ((T.REFUND_ONLY, "logistics/missing_item"), (T.EXCHANGE, "logistics/missing_item"),
           *QUALITY)  # fmt: skip

# Photos people attach (the note shown with each).
PHOTO_DEFECT = "故障部位特写和商品整体照片"
PHOTO_QC = "出库前质检记录和发货前实拍"
DURABLE = ("digital", "appliances")  # goods that break down and get repaired


# fmt: off
STORIES: tuple[Story, ...] = (
    # --- negotiation -------------------------------------------------------------------------
    Story(
        "negotiating: the shop's offer waits for the demo consumer",
        S.NEGOTIATING,
        "consumer login: accept or decline the shop's offer",
        "consumer",
        QUALITY,
        "经仓库核实，商品出库前质检合格，照片中的问题疑似使用不当造成，不支持售后。",
        10,
        R.FULL_REFUND,
        "收到的{item}用了不到两天就出现明显的质量问题，已经无法正常使用，照片已上传。"
        "商家说是人为损坏，拒绝售后。我要求全额退款。",
        (
            at(9.5, "consumer", "photo", note=PHOTO_DEFECT),
            at(8, "merchant", "propose", remedy=R.PARTIAL_REFUND, share=0.2,
               note="亲，给您补偿两成货款表示歉意，商品不用寄回，您看可以吗？"),
            at(7.5, "consumer", "decline", reason="补偿太少了，问题不是我造成的。"),
            at(5, "merchant", "propose", remedy=R.PARTIAL_REFUND, share=0.5,
               note="我们再让一步：退一半货款，商品您留着。这是我们能给的最大诚意了。"),
        ),
    ),
    Story(
        "negotiating: waiting for the demo merchant's answer",
        S.NEGOTIATING,
        "merchant login: answer the dispute or make an offer (P-8: 24 h)",
        "demo",
        NOT_AS_DESCRIBED,
        "商品与页面描述一致，色差属于正常范围，不支持退货。",
        3,
        R.RETURN_REFUND,
        "The item does not match the listing: the material on the label is not what the product "
        "page says, and the colour is clearly different from the photos. I would like to return "
        "it for a full refund. Photos of the item next to the listing are attached.",
        (at(2.5, "consumer", "photo", note="Item next to the product page"),),
    ),
    # --- evidence rounds ---------------------------------------------------------------------
    Story(
        "awaiting evidence: the merchant's answer round, due in a few hours",
        S.AWAITING_EVIDENCE,
        "merchant login: give the sourcing documents (P-9: 24 h, a few hours left)",
        "demo",
        COUNTERFEIT,
        "本店所有商品均为品牌授权正品，不接受无依据的假货指控。",
        44,
        R.FULL_REFUND,
        "{item}吊牌上的防伪码在品牌官网查询提示“该码不存在”，做工和专柜的也明显不同，"
        "怀疑不是正品。商家拒绝提供进货凭证，要求全额退款。",
        (
            at(43, "consumer", "photo", note="官网防伪查询结果截图"),
            FIRE,  # P-8: the merchant never answered, the platform steps in
        ),
    ),
    Story(
        "awaiting evidence: a supplementary round asks the demo consumer for photos",
        S.AWAITING_EVIDENCE,
        "consumer login: upload the photos asked for (P-10: 4 business hours)",
        "consumer",
        QUALITY,
        "请提供商品问题的清晰照片，目前无法判断是质量问题。",
        50,
        R.RETURN_REFUND,
        "{item}收到时外观正常，用了三天就出故障，无法正常使用。商家只让我寄回维修，"
        "新买的东西我不想修，要求退货退款。",
        (
            at(45, "merchant", "propose", remedy=R.REPAIR,
               note="可以为您免费维修，寄回的运费由我们承担。"),
            at(44, "consumer", "decline", reason="新买的东西不想修，要求退货。"),
            at(20, "consumer", "request_intervention", reason="商家只同意维修，请平台介入。"),
            at(10, "merchant", "photo", note=PHOTO_QC),
            at(9.5, "merchant", "submit",
               statement="商品出库前经过质检（见质检记录），消费者至今没有提供故障照片或视频，"
               "无法确认是质量问题。我们仍同意免费维修。"),
            at(0.6, "agent", "open_round", party=Party.CONSUMER, template="B-1",
               kind=RoundKind.SUPPLEMENTARY,
               request="请上传故障部位的清晰照片（或演示故障的视频截图），以及商品整体和外包装"
               "快递面单的照片。"),
        ),
        roots=DURABLE,
    ),
    # --- mediation ---------------------------------------------------------------------------
    Story(
        "mediation: the demo agent mediates",
        S.MEDIATION,
        "agent login: mediate (propose, ask for evidence or refer to arbitration)",
        "demo",
        QUALITY,
        "Returns are accepted only in unused condition; the item shows signs of use.",
        60,
        R.PARTIAL_REFUND,
        "After a week of normal use the item started falling apart (photos attached). I followed "
        "the care instructions exactly. I don't want to send it back, but I'd like a partial "
        "refund for the defect.",
        (
            # (mediation's 48-hour service target, counted from the intervention, is still ahead)
            at(59, "consumer", "photo", note="The damage after one week"),
            at(40, "agent", "intervene",
               reason="The consumer called the hotline; the shop has not answered for 20 hours."),
            at(30, "merchant", "photo", note=PHOTO_QC),
            at(29.5, "merchant", "submit",
               statement="每件商品出库前都经过检查（见附图），照片中的损坏更像是正常磨损，"
               "不属于质量问题。可以给予10元优惠券作为补偿。"),
        ),
        claim_share=0.4,
    ),
    Story(
        "mediation: the mediator's proposal, agreed by the shop, waits for the demo consumer",
        S.MEDIATION,
        "consumer login: agree to the mediator's proposal (the shop has agreed)",
        "consumer",
        NOT_AS_DESCRIBED,
        "商品与描述一致，不支持退款。",
        70,
        R.FULL_REFUND,
        "收到的{item}和详情页写的参数对不上（材质、规格都和页面不一样），"
        "我已经把实物和详情页截图放在一起拍了照片。要求全额退款。",
        (
            at(69, "consumer", "photo", note="实物与详情页参数对比"),
            at(60, "merchant", "propose", remedy=R.EXCHANGE,
               note="可以给您换一件，来回运费我们出。"),
            at(55, "consumer", "decline", reason="换了也是同一批货，不换。"),
            at(40, "consumer", "request_intervention", reason="协商不成，请平台介入。"),
            at(30, "merchant", "submit",
               statement="详情页参数与实物一致，厚薄属于个人感受差异。"),
            at(8, "agent", "propose", remedy=R.PARTIAL_REFUND, share=0.6,
               note="经核对，详情页部分参数的描述与实物确有差异，但商品可以正常使用。"
               "调解方案：商家退还60%货款，商品无需退回。"),
            at(3, "merchant", "accept", reason="同意调解方案。"),
        ),
    ),
    # --- arbitration (the demo arbitrator's queue) -------------------------------------------
    Story(
        "arbitration: referred after a declined mediation proposal",
        S.ARBITRATION,
        "arbitrator login: decide",
        "demo",
        QUALITY,
        "消费者提供的照片无法证明是质量问题。",
        150,
        R.FULL_REFUND,
        "{item}第一次使用就出现了质量问题，照片都已上传。商家只肯补偿一成货款，"
        "要求全额退款。",
        (
            at(149, "consumer", "photo", note=PHOTO_DEFECT),
            at(140, "merchant", "propose", remedy=R.PARTIAL_REFUND, share=0.1,
               note="补偿10%，商品不用退回。"),
            at(139, "consumer", "decline", reason="补偿太少，不接受。"),
            at(120, "consumer", "request_intervention", reason="商家拒不承认质量问题。"),
            at(100, "merchant", "photo", note="出厂质检报告"),
            at(99, "merchant", "submit", statement="附出厂质检报告，该批次商品检验合格。"),
            at(75, "agent", "propose", remedy=R.PARTIAL_REFUND, share=0.5,
               note="调解方案：商家退还50%货款，商品无需退回。"),
            at(70, "consumer", "decline", reason="商品完全不能用，要求全额退款。"),
            at(50, "agent", "refer", reason="双方对调解方案无法达成一致，转交仲裁。"),
        ),
    ),
    Story(
        "arbitration: the label photos and the shop's weight record conflict",
        S.ARBITRATION,
        "arbitrator login: decide",
        "others",
        WRONG_ITEM,
        "仓库出库记录显示发货型号与订单一致。",
        130,
        R.RETURN_REFUND,
        "I ordered one variant and received a different one: the model and colour on the label "
        "do not match my order (photo of the label next to my order page). The shop says I "
        "ordered the wrong one. I want to return it for a full refund.",
        (
            at(129, "consumer", "photo", note="Label next to my order page"),
            FIRE,  # P-8
            at(90, "merchant", "submit",
               statement="订单系统显示发货型号与订单一致，仓库有出库称重记录，不存在发错货。"),
            at(80, "agent", "open_round", party=Party.CONSUMER, template="B-1",
               kind=RoundKind.SUPPLEMENTARY,
               request="Please upload readable photos of the product label and of the parcel's "
               "shipping label."),
            at(78, "consumer", "photo", note="Product label and shipping label"),
            at(77.5, "consumer", "submit",
               statement="Both labels are in the photos: the model code on the product label "
               "differs from the one in my order."),
            at(30, "agent", "refer",
               reason="The shop's weight record and the consumer's label photos conflict; "
               "referred to arbitration."),
        ),
    ),
    Story(
        "arbitration: the arbitrator asked the shop for an inspection report",
        S.ARBITRATION,
        "arbitrator login: decide (the report is in)",
        "others",
        QUALITY,
        "商品为正常使用损耗，不属于质量问题。",
        170,
        R.FULL_REFUND,
        "{item}三个月内坏了两次，第一次已经修过，现在又出现同样的问题。"
        "不想再修了，要求全额退款。",
        (
            at(165, "merchant", "propose", remedy=R.REPAIR, note="可以再次寄回检修。"),
            at(150, "consumer", "decline", reason="已经修过一次了，不想再修。"),
            at(140, "consumer", "request_intervention", reason="同一问题反复出现，请平台介入。"),
            at(120, "merchant", "submit", statement="故障属于正常使用损耗，建议维修。"),
            at(100, "agent", "refer",
               reason="维修还是退款分歧较大，且涉及是否为隐蔽质量问题，转交仲裁。"),
            at(30, "arbitrator", "open_round", party=Party.MERCHANT, template="B-2",
               kind=RoundKind.SUPPLEMENTARY,
               request="请提供该商品的检测报告，或厂家出具的质量合格证明。"),
            at(28, "merchant", "photo", note="第三方检测报告"),
            at(27.5, "merchant", "submit", statement="附第三方检测报告，结论为使用不当导致。"),
        ),
        roots=DURABLE,
    ),
    Story(
        "public review panel: two votes in",
        S.JURY,
        "panel members (the consumer login may vote); the arbitrator decides after J-1",
        "others",
        NOT_AS_DESCRIBED,
        "图片仅供参考，以实物为准。",
        160,
        R.PARTIAL_REFUND,
        "收到的{item}和详情页图片差别很大，材质也不是页面上写的那种。"
        "不想退货，要求退一部分差价。",
        (
            at(159, "consumer", "photo", note="实物与详情页对比"),
            at(150, "merchant", "propose", remedy=R.PARTIAL_REFUND, share=0.2,
               note="可以补偿一点差价。"),
            at(148, "consumer", "decline", reason="补偿太少。"),
            at(130, "consumer", "request_intervention", reason="商家只愿意象征性补偿。"),
            at(110, "merchant", "submit", statement="页面已注明“图片仅供参考”，材质描述无误。"),
            at(72, "agent", "refer", reason="双方各执一词，转交仲裁。"),
            at(20, "arbitrator", "send_to_jury",
               reason="小额争议，事实清楚，但双方对“与描述不符”的程度认识不同，提交大众评审。"),
            at(15, "juror1", "vote", vote=Vote.CONSUMER,
               note="详情页写明的材质和实物照片明显不一样。"),
            at(6, "juror2", "vote", vote=Vote.MERCHANT,
               note="The difference looks minor; the listing photos are close enough."),
        ),
        claim_share=0.5,
        claim_max=Decimal("450.00"),
    ),
    # --- decided -----------------------------------------------------------------------------
    Story(
        "ruled: the demo merchant must carry the decision out",
        S.RULED,
        "merchant login: carry out the decision (P-11: 24 h, under 24 h left)",
        "demo",
        QUALITY,
        "商品已过无理由退货期，且无法证明是质量问题。",
        200,
        R.FULL_REFUND,
        "{item}收到后不久就出现了明显的质量问题，照片已上传。商家以过了七天为由拒绝处理。",
        (
            at(199, "consumer", "photo", note=PHOTO_DEFECT),
            at(190, "merchant", "propose", remedy=R.PARTIAL_REFUND, share=0.3,
               note="退三成货款，商品不用寄回。"),
            at(189, "consumer", "decline", reason="质量问题不是无理由退货，不接受。"),
            at(170, "consumer", "request_intervention", reason="请平台介入。"),
            at(150, "merchant", "submit", statement="已超过七天无理由退货期。"),
            at(120, "agent", "refer", reason="商家未就质量问题举证，转交仲裁。"),
            at(6, "arbitrator", "rule", remedy=R.PARTIAL_REFUND, share=0.7,
               rationale="依据平台规则R-4和举证规则B-1：消费者的照片清楚显示商品存在质量瑕疵，"
               "商家以“超过七天无理由退货期”为由拒绝，但质量问题不适用该期限，且商家未提供"
               "相反证据。考虑到商品仍可部分使用，裁定商家退还70%货款，商品无需退回。",
               rules=["R-4", "B-1"], template="B-1", merchant_at_fault=True),
        ),
    ),
    Story(
        "executed: carried out, inside the appeal window",
        S.EXECUTED,
        "either side may appeal with new evidence (P-12: 7 days), the merchant login too",
        "demo",
        QUALITY,
        "Photos do not show a manufacturing defect.",
        260,
        R.PARTIAL_REFUND,
        "The item arrived with a visible defect (photos attached). I'm willing to keep it, but "
        "I ask for a partial refund.",
        (
            at(259, "consumer", "photo", note="Defect on arrival"),
            FIRE,  # P-8
            at(215, "merchant", "submit", statement="商品发货前完好，瑕疵可能是运输或使用造成的。"),
            at(150, "agent", "refer", reason="The parties disagree on the cause; referred."),
            at(50, "arbitrator", "rule", remedy=R.PARTIAL_REFUND, share=1.0,
               rationale="Under R-4 and burden-of-proof rule B-1 the consumer's photos show a "
               "defect present on delivery, and the shop's answer does not address it. The "
               "partial refund claimed is proportionate, so it is granted in full.",
               rules=["R-4", "B-1"], template="B-1", merchant_at_fault=True),
            at(30, "merchant", "execute"),
        ),
        claim_share=0.5,
    ),
    Story(
        "appealed: waiting for a second arbitrator",
        S.APPEALED,
        "arbitrator login (a different arbitrator decided first): decide the appeal",
        "others",
        QUALITY,
        "The fault is caused by improper use.",
        400,
        R.FULL_REFUND,
        "The item stopped working within two weeks. The shop says it was misused; it was not. "
        "I want a full refund.",
        (
            at(399, "consumer", "photo", note="The item not powering on"),
            at(390, "merchant", "propose", remedy=R.PARTIAL_REFUND, share=0.3,
               note="We can refund 30% as a goodwill gesture."),
            at(385, "consumer", "decline", reason="It is a defect, not a goodwill matter."),
            at(370, "consumer", "request_intervention", reason="Please step in."),
            at(350, "merchant", "photo", note=PHOTO_QC),
            at(349, "merchant", "submit",
               statement="出厂检测正常，返修记录显示存在进液痕迹，属于使用不当。"),
            at(250, "agent", "refer", reason="Cause of the fault disputed; referred."),
            at(150, "arbitrator", "rule", remedy=R.PARTIAL_REFUND, share=0.4,
               rationale="依据R-6和举证规则B-2：商家提供了出厂检测记录，但未能说明进液痕迹的"
               "来源；消费者也未提供独立检测。双方证据均不充分，裁定商家退还40%货款。",
               rules=["R-6", "B-2"], template="B-2"),
            at(140, "merchant", "execute"),
            at(30, "consumer", "photo", note="Independent repair shop's written assessment"),
            at(29, "consumer", "appeal",
               statement="New evidence: an independent repair shop confirms in writing that the "
               "fault is a manufacturing defect of the power board, with no sign of liquid. "
               "I ask for the full refund."),
        ),
        roots=DURABLE,
    ),
    # --- ended -------------------------------------------------------------------------------
    Story(
        "settled: the consumer accepted the shop's offer",
        S.SETTLED,
        "nobody (refunded)",
        "demo",
        QUALITY,
        "需要寄回检测后才能确定是否为质量问题。",
        300,
        R.PARTIAL_REFUND,
        "{item}有明显瑕疵，不想来回寄了，希望退部分货款。",
        (
            at(299, "consumer", "photo", note=PHOTO_DEFECT),
            at(290, "merchant", "propose", remedy=R.PARTIAL_REFUND, share=0.8,
               note="同意退还大部分货款，商品无需寄回，给您添麻烦了。"),
            at(280, "consumer", "accept", reason="可以，谢谢。"),
        ),
        claim_share=0.5,
    ),
    Story(
        "withdrawn: the demo consumer withdrew",
        S.WITHDRAWN,
        "nobody (closed)",
        "consumer",
        MISSING,
        "缺件属于签收后遗失，不予处理。",
        200,
        R.EXCHANGE,
        "{item}收到时包裹里少了东西，商家说是签收后我自己弄丢的，要求补发或换一件完整的。",
        (
            at(190, "merchant", "propose", remedy=R.EXCHANGE, note="核实了一下确实漏发了，给您补发。"),
            at(185, "consumer", "withdraw",
               reason="商家电话联系后同意补发，问题已经解决，撤回纠纷。"),
        ),
    ),
    Story(
        "final: the shop missed its round, the platform paid, no appeal",
        S.FINAL,
        "nobody (final)",
        "others",
        QUALITY,
        "不支持退款。",
        600,
        R.PARTIAL_REFUND,
        "{item}有质量问题，商家拒绝后一直不回复消息，要求退还一半货款。",
        (
            at(599, "consumer", "photo", note=PHOTO_DEFECT),
            FIRE,  # P-8: the merchant never answered, the platform steps in
            FIRE,  # P-9: the merchant's round missed, decided for the consumer
            FIRE,  # P-11: not carried out, the platform pays (先行赔付)
            FIRE,  # P-12: no appeal, final
        ),
        claim_share=0.5,
    ),
    Story(
        "fast track: paid by the platform, recovered from the demo merchant's deposit",
        S.EXECUTED,
        "either side may appeal (P-12); the demo merchant's deposit is short, top-up requested",
        "demo",
        QUALITY,
        "已超过售后期限。",
        70,
        R.PARTIAL_REFUND,
        "{item}收到就有破损，照片很清楚，只要求退一小部分钱。",
        (
            at(69, "consumer", "photo", note="收货时的破损照片"),
            FIRE,  # P-8
            at(30, "merchant", "submit", statement="发货前商品完好，可能是快递途中造成的。"),
            at(20, "agent", "fast_track",
               reason="金额较小，消费者照片清楚显示商品破损，按先行赔付规则由平台先行赔付，"
               "从商家保证金中扣回。"),
        ),
        claim_share=0.3,
        claim_max=Decimal("150.00"),
    ),
    Story(
        "suspended: waiting for a third-party test report",
        S.SUSPENDED,
        "platform: resumes when the report is in (P-13, automatically when the time is up)",
        "others",
        QUALITY,
        "需要送检后才能确定是否为质量问题。",
        100,
        R.FULL_REFUND,
        "{item}使用时发出焦味，存在安全隐患，要求全额退款。",
        (
            at(99, "consumer", "photo", note=PHOTO_DEFECT),
            at(96, "consumer", "request_intervention", reason="商家一直不回复，请平台介入。"),
            at(80, "merchant", "submit",
               statement="已将商品送第三方检测机构检测，报告需要7到10个工作日。"),
            at(48, "agent", "suspend", days=14,
               reason="商家已将商品送第三方检测，双方同意暂停处理，等待检测报告。"),
        ),
        roots=DURABLE,
    ),
)
# fmt: on
