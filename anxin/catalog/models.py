"""Facts imported from the shop: merchants, categories, SKUs, customers, orders and deliveries."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.utils.translation import gettext_lazy as _

from anxin.core.fields import EncryptedTextField, MoneyField
from anxin.core.models import PublicModel, TimeStampedModel
from anxin.core.scoping import Scope, ScopedManager

from .choices import ConfirmationKind, MerchantStatus, ShopOrderStatus, SkuStatus, TenderMethod


class Merchant(PublicModel):
    """A shop on the platform: the tenant whose staff see only its own cases, customers and money."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    status = models.CharField(
        _("status"), max_length=16, choices=MerchantStatus.choices, default=MerchantStatus.APPLYING
    )
    state_version = models.PositiveIntegerField(_("state version"), default=0)
    deposit_amount = MoneyField(_("deposit"), default=Decimal("0.00"))
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    # Read by settlement: a restricted or exited shop is paid out only after the platform releases it.
    settlement_hold = models.BooleanField(_("settlement held"), default=False)
    webhook_secret = models.CharField(_("webhook secret"), max_length=64, blank=True)

    objects = ScopedManager["Merchant"]()
    unscoped = models.Manager["Merchant"]()  # reads that deliberately cross tenants
    # Platform staff see every shop; merchant users and tokens their own (consumers none).
    scope = Scope(merchant="pk")

    class Meta:
        verbose_name = _("merchant")
        verbose_name_plural = _("merchants")
        constraints = [
            models.CheckConstraint(condition=Q(deposit_amount__gte=0), name="catalog_deposit_gte_0")
        ]

    def __str__(self) -> str:
        return self.name


class MerchantEvent(models.Model):
    """One row per status change of a merchant (admission, warnings, restrictions, exit)."""

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="events", verbose_name=_("merchant")
    )
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=16)
    to_status = models.CharField(_("to"), max_length=16)
    actor = models.CharField(_("actor"), max_length=64)
    reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("merchant event")
        verbose_name_plural = _("merchant events")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.merchant_id}: {self.from_status} → {self.to_status}"


class Category(TimeStampedModel):
    """A product category with the PRC art. 6 / art. 7 flags the policy engine reads."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80)
    # Art. 6: excluded from no-reason returns outright.
    is_custom_made = models.BooleanField(_("custom-made"), default=False)
    is_perishable = models.BooleanField(_("fresh or perishable"), default=False)
    is_digital = models.BooleanField(_("digital goods"), default=False)
    is_periodical = models.BooleanField(_("newspapers and periodicals"), default=False)
    # Art. 7: excluded only when the consumer confirmed it at purchase.
    confirm_kinds = models.JSONField(
        _("confirm-at-purchase kinds"),
        default=list,
        blank=True,
        help_text=_("Art. 7 kinds that need the consumer's confirmation at purchase."),
    )

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_zh

    @property
    def art6_excluded(self) -> bool:
        return self.is_custom_made or self.is_perishable or self.is_digital or self.is_periodical


class Sku(TimeStampedModel):
    """A sellable item of a merchant (product name and variant kept together)."""

    merchant = models.ForeignKey(
        Merchant, on_delete=models.CASCADE, related_name="skus", verbose_name=_("merchant")
    )
    code = models.CharField(_("SKU code"), max_length=64)
    name = models.CharField(_("name"), max_length=200)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="skus", verbose_name=_("category")
    )
    status = models.CharField(
        _("sale status"), max_length=16, choices=SkuStatus.choices, default=SkuStatus.LISTED
    )
    delisted_at = models.DateTimeField(_("taken off sale at"), null=True, blank=True)
    delist_reason = models.TextField(_("why it was taken off sale"), blank=True)

    class Meta:
        verbose_name = _("SKU")
        verbose_name_plural = _("SKUs")
        constraints = [
            models.UniqueConstraint(fields=["merchant", "code"], name="catalog_sku_merchant_code")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Customer(PublicModel):
    """A consumer as one merchant knows them (the shop's own customer id, so one merchant can never
    overwrite another's record); name, phone and address are encrypted at rest. A consumer login
    links to one such record per shop it bought from."""

    merchant = models.ForeignKey(
        Merchant, on_delete=models.PROTECT, related_name="customers", verbose_name=_("merchant")
    )
    external_id = models.CharField(_("external id"), max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="customer_records",
        verbose_name=_("user"),
    )
    name = EncryptedTextField(_("name"), blank=True)
    phone = EncryptedTextField(_("phone"), blank=True)
    phone_hash = models.CharField(_("phone lookup hash"), max_length=64, blank=True, db_index=True)
    address = EncryptedTextField(_("address"), blank=True)

    objects = ScopedManager["Customer"]()
    unscoped = models.Manager["Customer"]()  # reads that deliberately cross tenants
    scope = Scope(merchant="merchant_id", customer="pk")

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "external_id"], name="catalog_customer_merchant_external"
            )
        ]

    def __str__(self) -> str:
        return self.external_id


class Order(PublicModel):
    """An order pushed by the shop: amounts as paid, after discounts, in the order's currency."""

    number = models.CharField(_("number"), max_length=20, unique=True)
    merchant = models.ForeignKey(
        Merchant, on_delete=models.PROTECT, related_name="orders", verbose_name=_("merchant")
    )
    external_id = models.CharField(_("external id"), max_length=64)
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, related_name="orders", verbose_name=_("customer")
    )
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    placed_at = models.DateTimeField(_("placed at"))
    shop_status = models.CharField(
        _("shop status"),
        max_length=16,
        choices=ShopOrderStatus.choices,
        default=ShopOrderStatus.PAID,
    )
    goods_total = MoneyField(_("goods total (list prices)"))
    discount_total = MoneyField(_("discounts"), default=Decimal("0.00"))
    shipping_fee = MoneyField(_("shipping fee"), default=Decimal("0.00"))
    paid_total = MoneyField(_("paid total"))
    promotions = models.JSONField(_("promotions"), default=list, blank=True)
    content_hash = models.CharField(_("content hash"), max_length=64, blank=True)

    objects = ScopedManager["Order"]()
    unscoped = models.Manager["Order"]()  # reads that deliberately cross tenants
    scope = Scope(merchant="merchant_id", customer="customer_id")

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "external_id"], name="catalog_order_merchant_external"
            ),
            models.CheckConstraint(condition=Q(paid_total__gte=0), name="catalog_order_paid_gte_0"),
        ]
        indexes = [models.Index(fields=["merchant", "-placed_at"])]

    def __str__(self) -> str:
        return self.number


class OrderLine(models.Model):
    """A line of an order; ``paid_amount`` is what was paid for the whole quantity after the
    order's discounts were allocated to it — the most that can ever be refunded for it."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="lines", verbose_name=_("order")
    )
    external_id = models.CharField(_("external id"), max_length=64)
    sku = models.ForeignKey(
        Sku, on_delete=models.PROTECT, related_name="order_lines", verbose_name=_("SKU")
    )
    product_name = models.CharField(_("product name"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit_price = MoneyField(_("unit list price"))
    paid_amount = MoneyField(_("paid amount"))
    is_gift = models.BooleanField(_("gift"), default=False)
    gift_value = MoneyField(_("declared gift value"), default=Decimal("0.00"))
    gift_for = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="gifts",
        verbose_name=_("gift for"),
    )

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["order", "external_id"], name="catalog_line_external"),
            models.CheckConstraint(
                condition=Q(quantity__gte=1), name="catalog_line_quantity_gte_1"
            ),
            models.CheckConstraint(condition=Q(paid_amount__gte=0), name="catalog_line_paid_gte_0"),
            # Half a cent of slack: SQLite evaluates this in floating point (39.90 × 3 is
            # 119.69999…); the exact Decimal check is in order intake.
            models.CheckConstraint(
                condition=Q(
                    paid_amount__lte=F("unit_price") * F("quantity") + Value(Decimal("0.005"))
                ),
                name="catalog_line_paid_lte_list",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id}/{self.external_id}"


class PaymentTender(models.Model):
    """One way the order was paid; refunds go back to tenders in proportion (art. 14)."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="tenders", verbose_name=_("order")
    )
    method = models.CharField(_("method"), max_length=16, choices=TenderMethod.choices)
    amount = MoneyField(_("amount"))

    class Meta:
        verbose_name = _("payment tender")
        verbose_name_plural = _("payment tenders")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="catalog_tender_amount_gt_0")
        ]

    def __str__(self) -> str:
        return f"{self.method} {self.amount}"


class Delivery(PublicModel):
    """A parcel: carrier, tracking number, when it shipped and when the consumer signed for it.
    ``signed_at`` starts the 7-day no-reason window (from the next day)."""

    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("order")
    )
    carrier = models.CharField(_("carrier"), max_length=40)
    tracking_number = models.CharField(_("tracking number"), max_length=64)
    shipped_at = models.DateTimeField(_("shipped at"))
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["order", "carrier", "tracking_number"], name="catalog_delivery_tracking"
            )
        ]
        # Deliveries per local day: the denominator of analytics' rates (anxin/analytics).
        indexes = [models.Index(fields=["signed_at"], name="catalog_delivery_signed")]


class DeliveryLine(models.Model):
    """How many units of a line travelled in a delivery."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="lines")
    line = models.ForeignKey(OrderLine, on_delete=models.CASCADE, related_name="delivery_lines")
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        verbose_name = _("delivery line")
        verbose_name_plural = _("delivery lines")
        constraints = [
            models.UniqueConstraint(fields=["delivery", "line"], name="catalog_delivery_line_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.line_id} × {self.quantity}"


class PurchaseConfirmation(models.Model):
    """The consumer's confirmation at purchase that an art. 7 exclusion applies to this line.
    Without one, the merchant may not refuse a no-reason return on art. 7 grounds."""

    line = models.ForeignKey(
        OrderLine, on_delete=models.CASCADE, related_name="confirmations", verbose_name=_("line")
    )
    kind = models.CharField(_("kind"), max_length=24, choices=ConfirmationKind.choices)
    confirmed_at = models.DateTimeField(_("confirmed at"))

    class Meta:
        verbose_name = _("purchase confirmation")
        verbose_name_plural = _("purchase confirmations")
        constraints = [
            models.UniqueConstraint(fields=["line", "kind"], name="catalog_confirmation_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.line_id}: {self.kind}"
