from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(models.Model):
    """One append-only audit row, hash-chained to the previous row of the same tenant.

    ``hash = sha256(prev_hash + canonical JSON of the row)``; ``seq`` counts 1, 2, 3… per tenant,
    so an edited, deleted or reordered row breaks the chain where ``verify_audit`` can name it.
    """

    tenant = models.CharField(_("tenant"), max_length=40)
    # Empty until the row is chained, right after its transaction commits (see core/audit.py).
    seq = models.PositiveBigIntegerField(_("sequence"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"))
    actor = models.CharField(_("actor"), max_length=64)
    action = models.CharField(_("action"), max_length=80)
    subject_type = models.CharField(_("subject type"), max_length=64, blank=True)
    subject_id = models.CharField(_("subject id"), max_length=64, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64, blank=True)
    hash = models.CharField(_("hash"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["tenant", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["tenant", "seq"], name="core_audit_tenant_seq_uniq")
        ]
        indexes = [
            models.Index(fields=["subject_type", "subject_id"]),
            models.Index(
                fields=["tenant", "id"],
                name="core_audit_unchained",
                condition=models.Q(seq__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tenant}#{self.seq} {self.action}"


class AuditChainHead(models.Model):
    """The tip of a tenant's chain; locking it serialises appends and catches a cut-off tail."""

    tenant = models.CharField(_("tenant"), max_length=40, unique=True)
    seq = models.PositiveBigIntegerField(_("last sequence"), default=0)
    hash = models.CharField(_("last hash"), max_length=64)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain heads")

    def __str__(self) -> str:
        return f"{self.tenant}#{self.seq}"
