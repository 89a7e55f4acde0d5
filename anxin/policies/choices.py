from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyScope(models.TextChoices):
    PLATFORM = "platform", _("Platform default")
    CATEGORY = "category", _("Category")
    MERCHANT = "merchant", _("Merchant")


class Fault(models.TextChoices):
    """Whose side a reason puts the problem on; decides freight and restocking fees."""

    CONSUMER = "consumer", _("Consumer's choice")
    MERCHANT = "merchant", _("Merchant's fault")
    CARRIER = "carrier", _("Carrier's fault")


class FreightPayer(models.TextChoices):
    CONSUMER = "consumer", _("Consumer")
    MERCHANT = "merchant", _("Merchant")
    NONE = "none", _("No return shipment")
