"""The words of a dispute: its states, levels, claims, proposals, rounds and rulings."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DisputeStatus(models.TextChoices):
    NEGOTIATING = "negotiating", _("Negotiating with the merchant")
    AWAITING_EVIDENCE = "awaiting_evidence", _("Waiting for evidence")
    MEDIATION = "mediation", _("Platform mediation")
    ARBITRATION = "arbitration", _("Arbitration")
    JURY = "jury", _("Public review panel voting")
    SUSPENDED = "suspended", _("Suspended")
    RULED = "ruled", _("Decided, waiting for execution")
    EXECUTED = "executed", _("Decision carried out (appeal window open)")
    APPEALED = "appealed", _("Appeal under review")
    SETTLED = "settled", _("Settled by agreement")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    FINAL = "final", _("Decision final")


TERMINAL = frozenset({DisputeStatus.SETTLED, DisputeStatus.WITHDRAWN, DisputeStatus.FINAL})


class Level(models.TextChoices):
    """How far up a dispute has gone (negotiation → mediation → arbitration → appeal)."""

    NEGOTIATION = "negotiation", _("Negotiation")
    MEDIATION = "mediation", _("Platform mediation")
    ARBITRATION = "arbitration", _("Arbitration")
    APPEAL = "appeal", _("Appeal")


class Party(models.TextChoices):
    CONSUMER = "consumer", _("Consumer")
    MERCHANT = "merchant", _("Merchant")
    PLATFORM = "platform", _("Platform")


class Remedy(models.TextChoices):
    """What a claim asks for, a proposal offers or a ruling orders."""

    FULL_REFUND = "full_refund", _("Full refund")
    PARTIAL_REFUND = "partial_refund", _("Partial refund")
    RETURN_REFUND = "return_refund", _("Return first, then refund")
    EXCHANGE = "exchange", _("Exchange")
    REPAIR = "repair", _("Repair")
    REJECT = "reject", _("Claim rejected")


# Remedies paid at once, without the item coming back (these can be advanced by the platform).
MONEY_NOW = frozenset({Remedy.FULL_REFUND, Remedy.PARTIAL_REFUND})
# Remedies that carry an amount.
WITH_AMOUNT = frozenset({Remedy.FULL_REFUND, Remedy.PARTIAL_REFUND, Remedy.RETURN_REFUND})
CLAIMS = [r for r in Remedy if r is not Remedy.REJECT]


class ProposalStatus(models.TextChoices):
    OPEN = "open", _("Waiting for an answer")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Replaced by a newer proposal")
    LAPSED = "lapsed", _("No longer open")


class RoundKind(models.TextChoices):
    RESPONSE = "response", _("Response to the claim")  # deadline #9, 24 h
    SUPPLEMENTARY = "supplementary", _("Supplementary evidence")  # deadline #10, 4 business hours


class RoundStatus(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    MISSED = "missed", _("Deadline missed")
    CLOSED = "closed", _("Closed by the platform")
    LAPSED = "lapsed", _("No longer needed")


class Outcome(models.TextChoices):
    """How a dispute ended, for the figures (credit, dashboards)."""

    SETTLED = "settled", _("Settled by agreement")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    CONSUMER = "consumer", _("Decided for the consumer")
    SPLIT = "split", _("Decided partly for the consumer")
    MERCHANT = "merchant", _("Decided for the merchant")


class Vote(models.TextChoices):
    CONSUMER = "consumer", _("The consumer is right")
    MERCHANT = "merchant", _("The merchant is right")


class DepositKind(models.TextChoices):
    TOP_UP = "top_up", _("Top-up")
    DEDUCTION = "deduction", _("Deduction for advance compensation")
    CREDIT = "credit", _("Credit after an appeal")


class TopUpStatus(models.TextChoices):
    OPEN = "open", _("Open")
    PAID = "paid", _("Paid")
    SUPERSEDED = "superseded", _("Replaced by a newer request")
