"""Users, their roles, merchant membership and API tokens."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from anxin.core.actors import Role


class UserRole(models.TextChoices):
    CONSUMER = Role.CONSUMER.value, _("Consumer")
    MERCHANT_STAFF = Role.MERCHANT_STAFF.value, _("Merchant staff")
    MERCHANT_ADMIN = Role.MERCHANT_ADMIN.value, _("Merchant administrator")
    AGENT = Role.AGENT.value, _("Platform agent")
    ARBITRATOR = Role.ARBITRATOR.value, _("Arbitrator")
    QUALITY_INSPECTOR = Role.QUALITY_INSPECTOR.value, _("Quality inspector")
    ADMIN = Role.ADMIN.value, _("Administrator")


class User(AbstractUser):
    """A person who signs in; ``role`` says what they do, memberships say for which merchants."""

    role = models.CharField(
        _("role"), max_length=32, choices=UserRole.choices, default=UserRole.CONSUMER
    )
    language = models.CharField(
        _("language"),
        max_length=16,
        choices=[("zh-hans", "简体中文"), ("en", "English")],
        default="zh-hans",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class Membership(models.Model):
    """A merchant user's right to act for one merchant (a person may serve several shops)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    merchant = models.ForeignKey(
        "catalog.Merchant",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("merchant"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("merchant membership")
        verbose_name_plural = _("merchant memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "merchant"], name="accounts_membership_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.merchant}"


class ApiToken(models.Model):
    """An integrator's bearer token: stored only as a hash, scoped to one merchant or the platform."""

    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, unique=True)
    key_hash = models.CharField(_("key hash"), max_length=64, unique=True)
    merchant = models.ForeignKey(
        "catalog.Merchant",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
        verbose_name=_("merchant"),
        help_text=_("Empty means a platform token that may act for every merchant."),
    )
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("created by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_platform(self) -> bool:
        return self.merchant_id is None
