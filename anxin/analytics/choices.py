from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetScope(models.TextChoices):
    PLATFORM = "platform", _("Whole platform")
    CATEGORY = "category", _("Category")
    MERCHANT = "merchant", _("Shop")
