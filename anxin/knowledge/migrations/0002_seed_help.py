"""The help center's first shelves, articles and canned replies (the desk edits them later).

The numbers follow DOMAIN.md: 7 days of no-reason returns counted from the day after signing,
the refund within 7 days of the merchant receiving the return (48 h platform target), who pays
the return freight, the 三包 windows, and the ticket SLAs of the desk's seed rows.
"""

from django.db import migrations

from anxin.knowledge.text import token_field

CATEGORIES = [
    # code, zh, en, order
    ("returns", "退货与退款", "Returns and refunds", 10),
    ("refunds", "退款到账", "Getting your money back", 20),
    ("exchange-repair", "换货、维修与保修", "Exchanges, repairs and warranty", 30),
    ("delivery", "物流与收货地址", "Delivery and address", 40),
    ("account", "账户与发票", "Account and invoices", 50),
    ("complaints", "投诉与升级", "Complaints and escalation", 60),
]

ARTICLES = [
    {
        "slug": "seven-day-no-reason-returns",
        "category": "returns",
        "helpful": 42,
        "title_zh": "七天无理由退货：哪些商品可以退，哪些不可以",
        "title_en": "7-day no-reason returns: what you can return and what is excluded",
        "body_zh": """根据《网络购买商品七日无理由退货暂行办法》，大多数网购商品支持七天无理由退货。

## 七天怎么算
从您签收商品的次日开始计算，共 7 天。例如 11 月 1 日签收，11 月 2 日至 11 月 8 日（含）均可申请。部分商家承诺 15 天或 30 天，以商品页面为准，但不会短于 7 天。

## 不支持七天无理由退货的商品
- 消费者定制的商品
- 鲜活易腐的商品
- 在线下载或已拆封的音像制品、计算机软件等数字化商品
- 已交付的报纸、期刊

以下商品只有在您下单时已确认"不适用七天无理由退货"的情况下才不能退：拆封后影响人身安全或健康的商品、一经激活或试用后价值贬损较大的商品、临近保质期或明示有瑕疵的商品。

## 商品需要保持完好
为检查商品而拆开包装不影响退货。但食品、化妆品的密封被破坏、电子产品已激活、服装吊牌被剪掉等情况，可能被认定为不完好。

## 有质量问题怎么办
质量问题不受七天无理由的限制：签收后 7 天内可以退货，之后可以换货或维修，来回运费由商家承担。""",
        "body_en": """Under China's rules for online purchases, most goods can be returned within 7 days without giving a reason.

## How the 7 days are counted
The window starts the day after you sign for the parcel and lasts 7 days. If you signed on 1 November, you can ask from 2 to 8 November inclusive. Some shops offer 15 or 30 days (see the product page), never fewer than 7.

## Goods that cannot be returned without a reason
- Goods made to your order
- Fresh and perishable goods
- Digital goods that were downloaded or unsealed (audio, video, software)
- Newspapers and magazines already delivered

These can only be refused if you confirmed at checkout that no-reason returns do not apply: goods whose unsealing affects health or safety, goods that lose much of their value once activated or tried, and goods sold close to expiry or with a disclosed defect.

## The goods must be intact
Opening the package to inspect the goods is fine. A broken seal on food or cosmetics, an activated device or removed clothing tags may count as not intact.

## If the item is faulty
A quality problem is not limited by the no-reason window: you can return it within 7 days of receipt, then exchange or repair it, and the merchant pays the shipping both ways.""",
    },
    {
        "slug": "refund-timing",
        "category": "refunds",
        "helpful": 57,
        "title_zh": "退款多久到账？各支付方式的到账时间",
        "title_en": "Refund times: when the money reaches you, by payment method",
        "body_zh": """## 商家什么时候退款
- 仅退款（未发货）：商家 48 小时内未处理的，系统自动同意并退款。
- 退货退款：商家收到退货后应在 7 天内退款，平台要求 48 小时内完成；物流显示退货已签收 7 天后商家仍未处理的，系统自动确认收货并退款。

## 退款发出后多久到账
退款原路退回您付款时使用的支付方式；使用多种方式付款的，按比例分别退回。
- 账户余额：即时到账
- 支付宝、微信支付：通常即时，最晚 1 个工作日
- 储蓄卡：1–5 个工作日
- 信用卡：3–7 个工作日，以发卡行入账为准

优惠券、积分等按原样退回您的账户。

## 超时未到账
您可以在"我的售后"中查看退款状态和退款流水号，凭流水号向银行查询。超过上述时间仍未到账，请联系我们，客服会为您核实。""",
        "body_en": """## When the merchant refunds
- Refund only (not yet shipped): if the merchant does not answer within 48 hours, the request is approved and refunded automatically.
- Return and refund: the merchant must refund within 7 days of receiving your return, and the platform asks for 48 hours. If the carrier shows the return delivered and the merchant does nothing for 7 days, it is marked received and refunded automatically.

## How long the money takes to reach you
Refunds go back to the way you paid; if you paid with several methods, each gets its share.
- Account balance: immediately
- Alipay and WeChat Pay: usually immediately, at most 1 business day
- Debit card: 1 to 5 business days
- Credit card: 3 to 7 business days, depending on your bank

Coupons and points come back to your account as they were.

## The money has not arrived
"My requests" shows the refund status and its reference number; your bank can trace the payment with it. If it is later than the times above, contact us and an agent will check.""",
    },
    {
        "slug": "return-shipping-cost",
        "category": "returns",
        "helpful": 35,
        "title_zh": "退货运费由谁承担？",
        "title_en": "Who pays the return shipping?",
        "body_zh": """## 您承担运费的情况
七天无理由退货（例如不喜欢、不合适、拍错了），退回商品的运费由您承担。如果您购买了运费险，可按保险规则获得补偿。

## 商家承担运费的情况
- 商品有质量问题
- 商家发错货、漏发
- 商品与描述不符
- 运输途中损坏

这些情况下，退货运费和重新发货的运费都由商家承担。您可以先垫付，在申请中上传运费凭证，由商家随退款一并补偿。

## 包邮门槛被打破
如果订单因满额包邮，退货后剩余商品不再满足包邮条件，商家可以从退款中扣除原订单的发货运费。申请页面会在提交前告诉您具体金额。""",
        "body_en": """## When you pay
For a no-reason return (you changed your mind, it does not fit, you ordered the wrong one), you pay the shipping back. Shipping insurance, if you bought it, compensates you under its own terms.

## When the merchant pays
- The item is faulty
- The merchant sent the wrong item or left something out
- The item is not as described
- It was damaged in transit

In these cases the merchant pays the shipping back and the shipping of any replacement. You may pay the carrier first and upload the receipt with your request; the merchant refunds it with the goods.

## Free-shipping thresholds
If the order shipped free because it reached a threshold, and what you keep no longer reaches it, the merchant may deduct the original shipping from the refund. The request page shows the exact amount before you submit.""",
    },
    {
        "slug": "exchanges",
        "category": "exchange-repair",
        "helpful": 18,
        "title_zh": "如何换货（换尺码、换颜色、换新）",
        "title_en": "How to exchange an item (size, colour, or a new one)",
        "body_zh": """## 申请换货
在"我的订单"中选择商品，点击"申请售后"并选择"换货"，写明需要的尺码或颜色。商家同意后会提供退货地址。

## 寄回与发出
- 商家同意后，请在 7 天内寄出并填写快递单号，逾期申请会自动关闭。
- 商家收到并验货后发出新商品，您可以在申请详情中查看新包裹的物流。
- 新商品签收 10 天后，换货自动完成。

## 运费
因尺码、颜色等个人原因换货，寄回运费由您承担；因质量问题换货，来回运费由商家承担。

有质量问题的商品，签收后 15 天内可以选择换货。""",
        "body_en": """## Asking for an exchange
In "My orders", choose the item, select "After-sales request" and then "Exchange", and say which size or colour you need. Once the merchant agrees, you get the return address.

## Sending it back and getting the new one
- After the merchant agrees, ship the item within 7 days and enter the tracking number, or the request closes automatically.
- When the merchant has received and checked it, they ship the new item; its tracking shows in the request.
- Ten days after the new item is delivered, the exchange completes automatically.

## Shipping
For a personal reason (size, colour), you pay the shipping back; for a faulty item, the merchant pays both ways.

A faulty item can be exchanged within 15 days of receipt.""",
    },
    {
        "slug": "repairs-and-warranty",
        "category": "exchange-repair",
        "helpful": 21,
        "title_zh": "维修与保修（三包）怎么申请",
        "title_en": "Repairs and warranty: how to ask",
        "body_zh": """## 三包期限
属于三包范围的商品（如手机、电脑、家电等），出现性能故障时：
- 签收后 7 天内：可以退货、换货或维修
- 签收后 15 天内：可以换货或维修
- 签收后 1 年内：可以免费维修

具体期限以商品类目的保修规则为准，申请页面会显示您的商品适用哪条规则。

## 如何申请
在"我的订单"中选择商品，申请"维修"或"保修"，描述故障并上传照片或视频。商家同意后按提供的地址寄出，维修完成后商家会寄回。修好的商品签收 10 天后，申请自动完成。

## 举证责任
耐用商品在签收后 6 个月内出现问题的，由商家证明商品没有缺陷，您无需自行举证。

维修完成后，我们会在 7 天左右回访，确认问题已经解决。""",
        "body_en": """## Warranty periods
For goods covered by China's "three guarantees" (phones, computers, home appliances and the like), when a fault appears:
- Within 7 days of receipt: return, exchange or repair
- Within 15 days: exchange or repair
- Within 1 year: free repair

The exact periods depend on the product's category; the request page shows the rule that applies to your item.

## How to ask
In "My orders", choose the item, ask for a repair or a warranty repair, describe the fault and upload photos or a video. Once the merchant agrees, ship it to the address given; the merchant ships it back when repaired. Ten days after the repaired item is delivered, the request completes automatically.

## Burden of proof
For durable goods, if a problem appears within 6 months of receipt, the merchant must prove the item was not defective; you do not have to.

About 7 days after a repair, we call back to make sure the problem is solved.""",
    },
    {
        "slug": "track-a-return",
        "category": "delivery",
        "helpful": 12,
        "title_zh": "如何查看退货物流和售后进度",
        "title_en": "How to track a return and your request",
        "body_zh": """## 查看进度
登录后进入"我的售后"，每个申请都会显示当前阶段、下一步由谁处理以及截止时间，例如"等待商家审核（48 小时内）"。

## 填写退货单号
商家同意退货后，请在 7 天内寄出并填写快递公司和单号。填写后系统会自动跟踪物流，您无需反复查询。

## 退货签收后
物流显示商家已签收后，商家需验货并退款。签收 7 天后商家仍未处理的，系统自动确认收货并退款。

每一次状态变化都会通过站内通知告诉您。""",
        "body_en": """## Following your request
Sign in and open "My requests". Each request shows its stage, who acts next and by when, for example "Waiting for the merchant (within 48 hours)".

## Entering the return tracking number
Once the merchant agrees to the return, ship it within 7 days and enter the carrier and tracking number. We then follow the parcel for you.

## After the return is delivered
When the carrier shows your return delivered, the merchant inspects it and refunds. If nothing happens for 7 days after delivery, the return is marked received and refunded automatically.

You get a notification at every change.""",
    },
    {
        "slug": "invoices",
        "category": "account",
        "helpful": 9,
        "title_zh": "如何开具发票，退货后发票怎么处理",
        "title_en": "Invoices: how to get one, and what happens on a return",
        "body_zh": """## 申请发票
发票由销售商品的商家开具。您可以在下单时填写发票抬头和税号，也可以在订单完成后，在订单详情中申请补开。电子发票开具后会发送到您的账户。

## 退货时的发票
- 已开具电子发票的，商家会在退款时冲红，您无需操作。
- 已开具纸质发票的，请随商品一起寄回。发票缺失不影响退货，但商家可能需要与您确认。

## 修改发票信息
发票开具前可以在订单详情中修改抬头；已开具的发票如需更换，请联系商家或我们的客服。""",
        "body_en": """## Getting an invoice
Invoices are issued by the merchant who sold the goods. Enter the invoice title and tax number at checkout, or ask for one from the order page once the order is complete. Electronic invoices appear in your account.

## Invoices and returns
- An electronic invoice is cancelled by the merchant when they refund; you need not do anything.
- A paper invoice should be sent back with the goods. A missing invoice does not stop a return, but the merchant may ask you about it.

## Changing invoice details
You can change the title on the order page before the invoice is issued. To replace an issued invoice, contact the merchant or our service desk.""",
    },
    {
        "slug": "change-delivery-address",
        "category": "delivery",
        "helpful": 15,
        "title_zh": "下单后如何修改收货地址",
        "title_en": "Changing the delivery address after ordering",
        "body_zh": """## 商家发货前
在订单详情中点击"修改地址"即可，商家会按新地址发货。

## 商家已发货
包裹已交给快递后，地址只能由快递公司修改。您可以联系快递公司申请改派，或在"联系我们"中提交问题，客服会协调商家和快递。

## 无法送达
如果包裹因地址错误被退回，商家收到后可以为您重新发货或退款，重新发货的运费可能需要您承担。

## 退货地址
退货时请务必寄到商家在售后申请中提供的退货地址，不要寄到发货地址。""",
        "body_en": """## Before the merchant ships
Open the order and choose "Change address"; the merchant ships to the new one.

## After it has shipped
Once the carrier has the parcel, only the carrier can change the address. Ask the carrier to redirect it, or write to us through "Contact us" and an agent will coordinate with the merchant and the carrier.

## If it cannot be delivered
If the parcel comes back because of a wrong address, the merchant can ship it again or refund you; you may have to pay for the second shipment.

## Return address
Always send a return to the address the merchant gives in your request, not to the address it shipped from.""",
    },
    {
        "slug": "account-security",
        "category": "account",
        "helpful": 11,
        "title_zh": "账户安全：防范诈骗与保护个人信息",
        "title_en": "Account security: avoiding scams and protecting your data",
        "body_zh": """## 警惕退款诈骗
我们和商家的客服不会：
- 以"退款失败""商品质量问题赔偿"为由要求您转账或提供银行卡密码、验证码
- 要求您下载屏幕共享软件或点击陌生链接
- 在平台之外（私人微信、QQ）处理退款

所有退款都在平台内原路退回，无需您另外操作。

## 保护账户
- 使用独立的密码，不要与其他网站相同
- 不要把验证码告诉任何人，包括自称客服的人
- 发现异常登录或订单，请立即修改密码并联系我们

## 个人信息
您的手机号、地址等信息仅用于订单和售后处理，并加密保存。商家只能看到处理其订单所需的信息。""",
        "body_en": """## Beware of refund scams
Neither we nor the merchants' staff will ever:
- ask you to transfer money, or for your card PIN or a verification code, because a "refund failed" or to "compensate a faulty item"
- ask you to install screen-sharing software or open an unknown link
- handle a refund outside the platform (private WeChat or QQ)

Every refund goes back to the way you paid, inside the platform, with nothing for you to do.

## Protecting your account
- Use a password you do not use anywhere else
- Never tell anyone a verification code, including someone who says they are an agent
- If you see a sign-in or an order you do not recognise, change your password and contact us at once

## Your personal data
Your phone number and address are used only for orders and after-sales requests, and are stored encrypted. A merchant sees only what it needs to handle its own orders.""",
    },
    {
        "slug": "complaints-and-escalation",
        "category": "complaints",
        "helpful": 24,
        "title_zh": "如何投诉，以及如何申请平台介入",
        "title_en": "How to complain and how to ask the platform to step in",
        "body_zh": """## 提交投诉
在"联系我们"页面选择"投诉"，写明订单号和经过，并附上照片或聊天记录。投诉会在 2 个工作小时内得到首次回复，一般在 2 个工作日内处理完毕。

## 对处理结果不满意
处理结果出来后，您可以选择"接受"或"不接受"。不接受的，问题会重新打开并升级给主管处理。3 天内未回复的，视为接受。工单关闭后 7 天内，您仍可以重新打开。

## 与商家的售后纠纷
商家拒绝您的售后申请后，您可以在申请详情中发起纠纷：
- 先与商家协商 24 小时
- 协商不成，可以申请平台介入，商家需在 24 小时内回应
- 平台根据双方证据作出决定；商家未按时执行的，平台可先行赔付
- 对决定不服的，可在 7 天内申诉

平台工作时间为每个工作日 9:00–18:00（按中国法定节假日和调休安排），工作时间外提交的问题会在下一个工作时段处理。""",
        "body_en": """## Filing a complaint
On the "Contact us" page, choose "Complaint", give the order number and what happened, and attach photos or chat screenshots. A complaint gets a first answer within 2 business hours and is normally settled within 2 business days.

## If you disagree with the outcome
When we propose a resolution you can accept it or not. If you do not, the ticket reopens and goes to a supervisor. If you do not answer within 3 days, the resolution counts as accepted. You can still reopen a closed ticket for 7 days.

## A dispute with a merchant
If the merchant rejects your after-sales request, you can open a dispute from the request page:
- First, 24 hours of negotiation with the merchant
- If that fails, ask the platform to step in; the merchant must answer within 24 hours
- The platform decides on both sides' evidence; if the merchant does not carry the decision out, the platform may compensate you first
- You can appeal a decision within 7 days

The desk works 9:00 to 18:00 on working days (Chinese public holidays and make-up working days apply); anything sent outside those hours is handled in the next working period.""",
    },
]

CANNED = [
    {
        "title_zh": "问候",
        "title_en": "Greeting",
        "body_zh": "{customer_name}您好，我是安心客服{agent_name}，很高兴为您服务。",
        "body_en": "Hello {customer_name}, this is {agent_name} from Anxin customer service. Happy to help.",
    },
    {
        "title_zh": "询问订单号",
        "title_en": "Ask for the order number",
        "body_zh": "为了尽快帮您处理，麻烦提供一下您的订单号（可在“我的订单”中查看），谢谢！",
        "body_en": "To help you quickly, could you send me your order number? You can find it under \"My orders\". Thank you!",
    },
    {
        "title_zh": "退款到账时间",
        "title_en": "Refund timeline",
        "body_zh": "订单 {order_number} 的退款已发起，将原路退回：余额即时到账，支付宝/微信 1 个工作日内，储蓄卡 1–5 个工作日，信用卡 3–7 个工作日。如超时未到账，请随时联系我们。",
        "body_en": "The refund for order {order_number} is on its way back to how you paid: balance immediately, Alipay/WeChat Pay within 1 business day, debit cards in 1-5 business days, credit cards in 3-7. If it is later than that, just let us know.",
    },
    {
        "title_zh": "退货说明",
        "title_en": "Return instructions",
        "body_zh": "您的售后申请 {case_number} 已同意退货。请在 7 天内按申请详情中的退货地址寄回商品，并在申请页面填写快递公司和单号。商家签收验货后会为您退款。",
        "body_en": "Your request {case_number} is approved for return. Please ship the item within 7 days to the return address shown in the request, and enter the carrier and tracking number there. The merchant refunds once it has received and checked the item.",
    },
    {
        "title_zh": "处理延迟致歉",
        "title_en": "Apology for the delay",
        "body_zh": "非常抱歉让您久等了。关于工单 {ticket_number}，我们正在加紧核实，会在今天内给您答复。",
        "body_en": "I am very sorry for the wait. We are checking ticket {ticket_number} as a priority and will come back to you today.",
    },
    {
        "title_zh": "结束前确认",
        "title_en": "Closing check",
        "body_zh": "请问还有其他可以帮您的吗？如果问题已经解决，我们将结束本次服务，稍后您会收到一份满意度调查，感谢您的支持！",
        "body_en": "Is there anything else I can help with? If everything is solved, I will close this ticket; you will receive a short satisfaction survey. Thank you!",
    },
]


def install(apps, schema_editor):
    Category = apps.get_model("knowledge", "ArticleCategory")
    Article = apps.get_model("knowledge", "Article")
    CannedReply = apps.get_model("knowledge", "CannedReply")
    from anxin.core import clock

    now = clock.now()
    categories = {}
    for code, zh, en, order in CATEGORIES:
        categories[code], _ = Category.objects.update_or_create(
            code=code, defaults={"name_zh": zh, "name_en": en, "order": order}
        )
    for item in ARTICLES:
        texts = {k: item[k] for k in ("title_zh", "title_en", "body_zh", "body_en")}
        Article.objects.update_or_create(
            slug=item["slug"],
            defaults={
                **texts,
                "category": categories[item["category"]],
                "status": "published",
                "published_at": now,
                "helpful_yes": item["helpful"],
                "search_title": token_field(texts["title_zh"], texts["title_en"]),
                "search_body": token_field(texts["body_zh"], texts["body_en"]),
            },
        )
    if not CannedReply.objects.exists():
        for item in CANNED:
            CannedReply.objects.create(**item)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
