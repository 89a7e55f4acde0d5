"""Words of the demo reviews: what buyers write for each star count, 追评, shop replies, service
comments, and a few texts that a moderator must see (personal data, advertising)."""

import random

# Most real reviews are short; the long ones mix what buyers say about the goods, the delivery and
# the shop, so two buyers rarely write the same sentence (the near-duplicate signal stays quiet).
SHORT: dict[str, tuple[str, ...]] = {
    "good": (
        "很好，物流快",
        "不错，值得买",
        "好评！",
        "满意，会回购",
        "质量不错",
        "挺好的",
        "物美价廉",
    ),
    "mixed": ("还行吧", "一般般", "凑合能用", "中规中矩", "马马虎虎"),
    "bad": ("不推荐", "质量太差", "很失望", "和图不符", "差评"),
}
GOODS: dict[str, tuple[str, ...]] = {
    "good": ("面料摸着很舒服", "做工比想象中精细", "颜色和图片一样", "尺码标准合身", "质量很扎实",
             "用起来很顺手", "材质挺有质感", "款式很好看"),
    "mixed": ("颜色比图片稍深", "尺码略微偏大", "材质比想象中薄一些", "做工有点粗糙但能接受",
              "有一点点色差", "线头稍多"),
    "bad": ("尺码偏小很多", "颜色色差严重", "用了一周就开线了", "材质很差还有异味", "收到就有破损",
            "和描述完全不一样"),
}  # fmt: skip
DELIVERY: dict[str, tuple[str, ...]] = {
    "good": (
        "，快递第二天就到了",
        "，包装很用心",
        "，发货速度很快",
        "，物流给力",
        "，送货上门很方便",
    ),
    "mixed": ("，物流慢了两天", "，包装有点简陋", "，快递盒压扁了一角", "，等了好几天才发货"),
    "bad": ("，物流特别慢", "，包装破了", "，快递放在门口也没说", "，发货拖了一周"),
}
CLOSING: dict[str, tuple[str, ...]] = {
    "good": (
        "，推荐购买。",
        "，家人很喜欢。",
        "，会再来。",
        "，五星好评！",
        "，客服也很耐心。",
        "。",
    ),
    "mixed": ("，这个价格还算可以。", "，凑合用吧。", "，希望改进。", "。"),
    "bad": ("，退换还很麻烦。", "，客服一直不回复。", "，不会再买了。", "。"),
}


def review_text(rng: random.Random, stars: int) -> str:
    """A buyer's words for ``stars``: a short line half of the time, else a sentence about the
    goods, the delivery and the shop."""
    mood = "good" if stars >= 4 else "mixed" if stars == 3 else "bad"
    if rng.random() < 0.5:
        return rng.choice(SHORT[mood])
    return rng.choice(GOODS[mood]) + rng.choice(DELIVERY[mood]) + rng.choice(CLOSING[mood])


APPENDED = (
    "用了一个月再来追评，依然很好，没有起球。",
    "洗了几次没有缩水也没有掉色，值得购买。",
    "追评：用久了发现有点开线，其他还好。",
    "三个月了，质量经得起考验，会回购。",
)
REPLIES_GOOD = ("感谢您的支持，期待您再次光临！", "谢谢亲的好评，我们会继续努力！")
REPLIES_BAD = (
    "非常抱歉给您带来不好的体验，请联系客服为您处理退换。",
    "抱歉！尺码问题我们已更新详情页的尺码表，欢迎联系客服换货。",
)
SERVICE_COMMENTS = ("处理很及时，态度也好。", "退款很快，点赞。", "沟通有点慢，但最后解决了。", "")
# Held for a moderator (personal data, advertising) and a pair of near-duplicates.
HELD = (
    "东西不错，有问题可以打我电话13912345678一起交流。",
    "好评返现五元，加微信领红包，朋友们都来买。",
)
DUPLICATE = "这款产品真的非常好用，质量上乘，做工精细，物流快速，客服热情，强烈推荐给大家！"
