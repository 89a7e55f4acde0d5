"""A dispute about one case: its claim, proposals, evidence rounds, rulings and panel votes.

The case stays the subject of the after-sales request; the dispute is its own object with its own
machine (``workflow.py``). ``status`` changes only through that machine; ``due_at``/``due_kind``
hold the next deadline the dispute waits on, so every page and the at-risk board can show it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from anxin.core.fields import MoneyField
from anxin.core.models import PublicModel
from anxin.core.scoping import Scope, ScopedManager

from ..choices import (
    DisputeStatus,
    Level,
    Outcome,
    Party,
    ProposalStatus,
    Remedy,
    RoundKind,
    RoundStatus,
    Vote,
)


class Dispute(PublicModel):
    number = models.CharField(_("number"), max_length=20, unique=True)
    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="dispute", verbose_name=_("case")
    )
    merchant = models.ForeignKey(
        "catalog.Merchant",
        on_delete=models.PROTECT,
        related_name="disputes",
        verbose_name=_("merchant"),
    )
    customer = models.ForeignKey(
        "catalog.Customer",
        on_delete=models.PROTECT,
        related_name="disputes",
        verbose_name=_("customer"),
    )
    status = models.CharField(
        _("status"),
        max_length=24,
        choices=DisputeStatus.choices,
        default=DisputeStatus.NEGOTIATING,
    )
    state_version = models.PositiveIntegerField(_("state version"), default=0)
    level = models.CharField(
        _("level"), max_length=16, choices=Level.choices, default=Level.NEGOTIATION
    )
    claim = models.CharField(_("claim"), max_length=16, choices=Remedy.choices)
    claim_amount = MoneyField(_("amount claimed"), default=0)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    statement = models.TextField(_("statement"), max_length=2000)
    language = models.CharField(_("language"), max_length=8, default="zh-hans")
    mediator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("mediator"),
    )
    arbitrator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("arbitrator"),
    )
    appeal_arbitrator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("appeal arbitrator"),
    )
    opened_at = models.DateTimeField(_("opened at"))
    merchant_answered_at = models.DateTimeField(
        _("merchant first answered at"), null=True, blank=True
    )
    intervened_at = models.DateTimeField(_("platform stepped in at"), null=True, blank=True)
    referred_at = models.DateTimeField(_("sent to arbitration at"), null=True, blank=True)
    appealed_at = models.DateTimeField(_("appealed at"), null=True, blank=True)
    # The merchant already holds the item (disputed from received / in repair): only money
    # remedies (or a rejection) can be agreed or decided; nothing is sent back again.
    item_with_merchant = models.BooleanField(_("item already with the merchant"), default=False)
    ruled_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    # What the first decision ordered (for the steps that depend on it: carry out, appeal).
    ruled_remedy = models.CharField(
        _("decision"), max_length=16, choices=Remedy.choices, blank=True
    )
    appealed_by = models.CharField(
        _("appealed by"), max_length=16, choices=Party.choices, blank=True
    )
    suspended_until = models.DateTimeField(_("suspended until"), null=True, blank=True)
    jury_until = models.DateTimeField(_("panel votes until"), null=True, blank=True)
    jury_verdict = models.CharField(
        _("panel majority"), max_length=16, choices=Vote.choices, blank=True
    )
    fast_track = models.BooleanField(_("fast track"), default=False)
    # The next deadline the dispute waits on (None in final states).
    due_at = models.DateTimeField(_("next deadline"), null=True, blank=True)
    due_kind = models.CharField(_("next deadline kind"), max_length=24, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    merchant_at_fault = models.BooleanField(_("merchant at fault"), default=False)
    consumer_bad_faith = models.BooleanField(_("consumer acted in bad faith"), default=False)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)

    objects = ScopedManager["Dispute"]()
    unscoped = models.Manager["Dispute"]()  # reads that deliberately cross tenants
    scope = Scope(merchant="merchant_id", customer="customer_id")

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        constraints = [
            models.CheckConstraint(condition=Q(claim_amount__gte=0), name="disputes_claim_gte_0")
        ]
        indexes = [
            models.Index(fields=["merchant", "status", "due_at"]),
            models.Index(fields=["status", "due_at"]),
            # Analytics reads the disputes changed since its watermark (anxin/analytics).
            models.Index(fields=["updated_at"], name="disputes_dispute_updated"),
        ]

    def __str__(self) -> str:
        return self.number


class DisputeEvent(models.Model):
    """The dispute's history (协商历史): one row per transition, with who and when."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="events", verbose_name=_("dispute")
    )
    action = models.CharField(_("action"), max_length=40)
    from_status = models.CharField(_("from"), max_length=24, blank=True)
    to_status = models.CharField(_("to"), max_length=24)
    actor = models.CharField(_("actor"), max_length=64)
    actor_role = models.CharField(_("actor role"), max_length=32)
    reason = models.TextField(_("reason"), blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("dispute event")
        verbose_name_plural = _("dispute events")
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["dispute", "created_at"])]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.action}"


class Proposal(models.Model):
    """An offer from one side (or the mediator's proposal to both) that the other side accepts
    or declines; an accepted one executes through the case engine and the refund ledger."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="proposals", verbose_name=_("dispute")
    )
    by_party = models.CharField(_("proposed by"), max_length=16, choices=Party.choices)
    author = models.CharField(_("author"), max_length=64)
    remedy = models.CharField(_("remedy"), max_length=16, choices=Remedy.choices)
    amount = MoneyField(_("amount"), default=0)
    note = models.TextField(_("note"), blank=True, max_length=1000)
    status = models.CharField(
        _("status"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.OPEN
    )
    # A mediator's proposal needs both sides; a side's proposal needs the other side.
    consumer_accepted_at = models.DateTimeField(_("consumer accepted at"), null=True, blank=True)
    merchant_accepted_at = models.DateTimeField(_("merchant accepted at"), null=True, blank=True)
    answered_by = models.CharField(_("answered by"), max_length=64, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0), name="disputes_proposal_amount_gte_0"
            )
        ]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.by_party} {self.remedy} {self.amount}"


class EvidenceRound(models.Model):
    """The mediator or arbitrator asks one party for evidence by a deadline; a party that misses
    it loses the round and the decision is taken on the evidence present."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="rounds", verbose_name=_("dispute")
    )
    number = models.PositiveSmallIntegerField(_("round"))
    kind = models.CharField(_("kind"), max_length=16, choices=RoundKind.choices)
    party = models.CharField(_("asked of"), max_length=16, choices=Party.choices)
    template = models.CharField(_("burden-of-proof rule"), max_length=8)
    request = models.TextField(_("what is asked"), max_length=1000, blank=True)
    opened_by = models.CharField(_("opened by"), max_length=64)
    opened_at = models.DateTimeField(_("opened at"))
    due_at = models.DateTimeField(_("due at"))
    calendar = models.CharField(_("calendar"), max_length=16, default="natural")
    status = models.CharField(
        _("status"), max_length=16, choices=RoundStatus.choices, default=RoundStatus.OPEN
    )
    statement = models.TextField(_("answer"), blank=True, max_length=2000)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("evidence round")
        verbose_name_plural = _("evidence rounds")
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["dispute", "number"], name="disputes_round_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.dispute_id} #{self.number}"


class DisputeEvidence(models.Model):
    """A photo (a cases.Evidence row, checked and stripped like every case photo) given in a
    dispute by one party, in a round or with an appeal."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="evidence", verbose_name=_("dispute")
    )
    round = models.ForeignKey(
        EvidenceRound,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evidence",
        verbose_name=_("round"),
    )
    party = models.CharField(_("given by"), max_length=16, choices=Party.choices)
    evidence = models.OneToOneField(
        "cases.Evidence",
        on_delete=models.CASCADE,
        related_name="dispute_link",
        verbose_name=_("photo"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    for_appeal = models.BooleanField(_("given with an appeal"), default=False)
    # Shown to a public review panel: only what the arbitrator checked shows nobody's name, phone,
    # address or parcel label (photos cannot be scrubbed the way text is).
    panel_ok = models.BooleanField(_("shown to the public review panel"), default=False)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("dispute evidence")
        verbose_name_plural = _("dispute evidence")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.party}"


class Ruling(models.Model):
    """An arbitrator's decision (or the automatic one when a party missed its round), with the
    rationale both sides read and the rules it cites. One per level: first instance, appeal."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="rulings", verbose_name=_("dispute")
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    remedy = models.CharField(_("decision"), max_length=16, choices=Remedy.choices)
    amount = MoneyField(_("amount"), default=0)
    rationale = models.TextField(_("rationale"), max_length=4000)
    rules = models.JSONField(_("rules applied"), default=list)
    template = models.CharField(_("burden-of-proof rule"), max_length=8, blank=True)
    merchant_at_fault = models.BooleanField(_("merchant at fault"), default=False)
    consumer_bad_faith = models.BooleanField(_("consumer acted in bad faith"), default=False)
    automatic = models.BooleanField(_("automatic"), default=False)
    fast_track = models.BooleanField(_("fast track"), default=False)
    jury_override = models.TextField(_("why the panel's majority was not followed"), blank=True)
    decided_by = models.CharField(_("decided by"), max_length=64)
    decided_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("arbitrator"),
    )
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("ruling")
        verbose_name_plural = _("rulings")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["dispute", "level"], name="disputes_ruling_per_level"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="disputes_ruling_amount_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.level} {self.remedy}"


class JuryVote(models.Model):
    """One vote of a public review panel member (大众评审): anonymous to everyone else."""

    dispute = models.ForeignKey(
        Dispute, on_delete=models.CASCADE, related_name="votes", verbose_name=_("dispute")
    )
    voter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("voter"),
    )
    vote = models.CharField(_("vote"), max_length=16, choices=Vote.choices)
    note = models.CharField(_("why"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("time"))

    class Meta:
        verbose_name = _("panel vote")
        verbose_name_plural = _("panel votes")
        constraints = [
            models.UniqueConstraint(fields=["dispute", "voter"], name="disputes_one_vote_each")
        ]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.vote}"
