from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseType(models.TextChoices):
    REFUND_ONLY = "refund_only", _("Refund only")
    RETURN_REFUND = "return_refund", _("Return and refund")
    EXCHANGE = "exchange", _("Exchange")
    REPAIR = "repair", _("Repair")
    WARRANTY = "warranty", _("Warranty repair")


class CaseChannel(models.TextChoices):
    """Where a request was opened: analytics splits every figure by it."""

    WEB = "web", _("website")
    APP = "app", _("app / API")
    ASSISTANT = "assistant", _("assistant")


class CaseStatus(models.TextChoices):
    MERCHANT_REVIEW = "merchant_review", _("Waiting for the merchant")
    AWAITING_RETURN_SHIPMENT = "awaiting_return_shipment", _("Waiting for the return parcel")
    RETURN_IN_TRANSIT = "return_in_transit", _("Return in transit")
    RETURN_DELIVERED = "return_delivered", _("Return delivered, awaiting confirmation")
    RECEIVED = "received", _("Received by the merchant")
    REFUND_PENDING = "refund_pending", _("Refund pending")
    REFUNDED = "refunded", _("Refunded")
    REPLACEMENT_SHIPPED = "replacement_shipped", _("Replacement shipped")
    IN_REPAIR = "in_repair", _("In repair")
    REPAIRED_SHIPPED = "repaired_shipped", _("Repaired and shipped back")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")
    DISPUTED = "disputed", _("In dispute")
    CLOSED = "closed", _("Closed")


class MessageParty(models.TextChoices):
    """Who wrote a case message (留言): one of the two parties, or the platform."""

    CONSUMER = "consumer", _("Consumer")
    MERCHANT = "merchant", _("Merchant")
    PLATFORM = "platform", _("Platform")


class MessageAudience(models.TextChoices):
    """Who reads a case message: the parties write to both; platform staff may address one side."""

    BOTH = "both", _("Both sides")
    CONSUMER = "consumer", _("The consumer only")
    MERCHANT = "merchant", _("The merchant only")


class EvidencePurpose(models.TextChoices):
    """What a photo of a case is for; each purpose has its own limit."""

    REQUEST = "request", _("Request")
    MESSAGE = "message", _("Message")
    DISPUTE = "dispute", _("Dispute")


class RejectCondition(models.TextChoices):
    """The item's condition a merchant names when rejecting a no-reason return for it."""

    TAGS_REMOVED = "tags_removed", _("Tags removed")
    USED = "used", _("Item used")
    DAMAGED = "damaged", _("Damaged after delivery")
    INCOMPLETE = "incomplete", _("Accessories or gifts missing")
    OTHER = "other", _("Other condition")


TERMINAL = frozenset({CaseStatus.REFUNDED, CaseStatus.COMPLETED, CaseStatus.CLOSED})

# Taobao TOP refund statuses, for integrators who speak them (docs/domain.md).
TAOBAO_STATUS: dict[str, str] = {
    CaseStatus.MERCHANT_REVIEW: "WAIT_SELLER_AGREE",
    CaseStatus.AWAITING_RETURN_SHIPMENT: "WAIT_BUYER_RETURN_GOODS",
    CaseStatus.RETURN_IN_TRANSIT: "WAIT_SELLER_CONFIRM_GOODS",
    CaseStatus.RETURN_DELIVERED: "WAIT_SELLER_CONFIRM_GOODS",
    CaseStatus.RECEIVED: "WAIT_SELLER_CONFIRM_GOODS",
    CaseStatus.REFUND_PENDING: "WAIT_SELLER_CONFIRM_GOODS",
    CaseStatus.REFUNDED: "SUCCESS",
    CaseStatus.REPLACEMENT_SHIPPED: "SUCCESS",
    CaseStatus.IN_REPAIR: "WAIT_SELLER_CONFIRM_GOODS",
    CaseStatus.REPAIRED_SHIPPED: "SUCCESS",
    CaseStatus.COMPLETED: "SUCCESS",
    CaseStatus.REJECTED: "SELLER_REFUSE_BUYER",
    CaseStatus.DISPUTED: "SELLER_REFUSE_BUYER",
    CaseStatus.CLOSED: "CLOSED",
}
