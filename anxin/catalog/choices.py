from django.db import models
from django.utils.translation import gettext_lazy as _


class MerchantStatus(models.TextChoices):
    APPLYING = "applying", _("Applying")
    ACTIVE = "active", _("Active")
    WARNED = "warned", _("Warned")
    RESTRICTED = "restricted", _("Restricted")
    EXITED = "exited", _("Exited")


class SkuStatus(models.TextChoices):
    """Whether the platform lets the SKU be sold: a failed quality inspection delists it."""

    LISTED = "listed", _("On sale")
    DELISTED = "delisted", _("Taken off sale")


class ShopOrderStatus(models.TextChoices):
    """The order's status as the shop reports it (mirrored, not driven by Anxin)."""

    PAID = "paid", _("Paid")
    SHIPPED = "shipped", _("Shipped")
    DELIVERED = "delivered", _("Delivered")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class TenderMethod(models.TextChoices):
    ALIPAY = "alipay", _("Alipay")
    WECHAT_PAY = "wechat_pay", _("WeChat Pay")
    UNIONPAY = "unionpay", _("UnionPay")
    CARD = "card", _("Bank card")
    BALANCE = "balance", _("Account balance")
    COUPON = "coupon", _("Platform coupon")
    POINTS = "points", _("Points")
    HUABEI = "huabei", _("Huabei instalments")


class ConfirmationKind(models.TextChoices):
    """Art. 7 goods a consumer may be asked to confirm as non-returnable at purchase."""

    UNSEALING_AFFECTS_HEALTH = "unsealing_health", _("Unsealing affects health or safety")
    ACTIVATION_LOSES_VALUE = "activation_value", _("Activation or trial greatly reduces value")
    NEAR_EXPIRY_OR_DEFECT = "near_expiry_defect", _("Sold near expiry or with disclosed defects")
