from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    WEBHOOK = "webhook", _("Webhook")


class OutboxStatus(models.TextChoices):
    # Waiting for its first or next attempt (also while a deliverer holds it claimed).
    PENDING = "pending", _("Pending")
    SENT = "sent", _("Sent")
    # Given up at once: retrying cannot help (endpoint removed or deactivated, address refused).
    FAILED = "failed", _("Failed")
    # Given up after the last retry.
    DEAD = "dead", _("Dead")
