"""Reading disputes for an actor: one dispute, queues, the public review panel, the deposit, and
the figures the merchant-credit work uses (dispute rate, intervention rate, loss rate, time to
resolve)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from statistics import median

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext as _

from anxin.accounts.models import User
from anxin.cases.models import Case, Evidence
from anxin.catalog.models import Customer, Merchant, Order
from anxin.core import clock
from anxin.core.actors import MERCHANT_ROLES, Actor, Role
from anxin.core.errors import NotFound
from anxin.core.pagination import Page, cursor_decode, cursor_encode

from .burden import BY_CODE, Burden
from .choices import (
    TERMINAL,
    DisputeStatus,
    Level,
    Outcome,
    Party,
    ProposalStatus,
    Remedy,
    RoundStatus,
)
from .deposit import deposit_account_for
from .models import (
    DepositAccount,
    DepositEntry,
    Dispute,
    DisputeEvidence,
    EvidenceRound,
    JuryVote,
    Proposal,
    Ruling,
    TopUpRequest,
)

HANDLER_QUEUES = ("mine", "unassigned", "evidence", "arbitration", "appeals", "all")
PANEL_MIN_ACCOUNT_AGE = timedelta(days=30)


def dispute_get_for(*, actor: Actor, number: str) -> Dispute:
    dispute = (
        Dispute.objects.for_actor(actor)
        .select_related("case", "case__line", "case__reason", "case__order", "merchant")
        .filter(number=number)
        .first()
    )
    if dispute is None:
        raise NotFound()
    return dispute


def dispute_of_case(*, actor: Actor, case: Case) -> Dispute | None:
    return Dispute.objects.for_actor(actor).filter(case_id=case.pk).first()


@dataclass(frozen=True)
class DisputeFilters:
    status: str | None = None
    level: str | None = None
    merchant: str | None = None
    queue: str | None = None  # a handler's queue (HANDLER_QUEUES)
    open_only: bool = False


def disputes_for(*, actor: Actor, filters: DisputeFilters | None = None) -> QuerySet[Dispute]:
    """Disputes the actor may read, nearest deadline first (those without one last)."""
    filters = filters or DisputeFilters()
    rows = Dispute.objects.for_actor(actor).select_related("case", "merchant")
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.level:
        rows = rows.filter(level=filters.level)
    if filters.merchant:
        rows = rows.filter(merchant__code=filters.merchant)
    if filters.open_only:
        rows = rows.exclude(status__in=TERMINAL)
    queue = filters.queue
    if queue == "mine" and actor.user_id is not None:
        me = actor.user_id
        rows = rows.exclude(status__in=TERMINAL).filter(
            Q(mediator_id=me, level=Level.MEDIATION)
            | Q(arbitrator_id=me, level=Level.ARBITRATION)
            | Q(appeal_arbitrator_id=me, level=Level.APPEAL)
        )
    elif queue == "unassigned":
        rows = rows.filter(level=Level.MEDIATION, mediator__isnull=True).exclude(
            status__in=TERMINAL
        )
    elif queue == "evidence":
        rows = rows.filter(status=DisputeStatus.AWAITING_EVIDENCE)
    elif queue == "arbitration":
        rows = rows.filter(status__in=[DisputeStatus.ARBITRATION, DisputeStatus.JURY])
    elif queue == "appeals":
        rows = rows.filter(status=DisputeStatus.APPEALED)
    return rows.order_by(F("due_at").asc(nulls_last=True), "-opened_at")


def dispute_page_for(
    *, actor: Actor, filters: DisputeFilters, cursor: str | None, limit: int
) -> Page[Dispute]:
    """One page of ``disputes_for``: nearest deadline first (none last), then oldest row first; the
    cursor is the last row's (deadline, id). A dispute whose deadline moved after an earlier page
    was read may show again (or not) on a later one: it is a queue, not an archive."""
    rows = disputes_for(actor=actor, filters=filters)
    if cursor:
        due_at, pk = cursor_decode(cursor)
        if due_at is None:
            rows = rows.filter(due_at__isnull=True, pk__gt=pk)
        else:
            rows = rows.filter(
                Q(due_at__gt=due_at) | Q(due_at=due_at, pk__gt=pk) | Q(due_at__isnull=True)
            )
    found = list(rows.order_by(F("due_at").asc(nulls_last=True), "pk")[: limit + 1])
    items = found[:limit]
    next_cursor = None
    if len(found) > limit and items:
        next_cursor = cursor_encode(items[-1].due_at, items[-1].pk)
    return Page(items=items, next_cursor=next_cursor)


def _photo_of(
    disputes: QuerySet[Dispute], public_id: uuid.UUID | str, *, panel: bool = False
) -> Evidence:
    try:
        key = public_id if isinstance(public_id, uuid.UUID) else uuid.UUID(str(public_id))
    except ValueError:
        raise NotFound() from None
    links = DisputeEvidence.objects.filter(dispute__in=disputes, evidence__public_id=key)
    if panel:
        links = links.filter(panel_ok=True)
    link = links.select_related("evidence").first()
    if link is None:
        raise NotFound()
    return link.evidence


def dispute_photo_for(*, actor: Actor, number: str, public_id: uuid.UUID | str) -> Evidence:
    """A photo given in a dispute ``actor`` may read; anything else (another dispute's photo, a
    dispute out of scope, a malformed id) is NotFound, the same answer as a missing photo."""
    return _photo_of(Dispute.objects.for_actor(actor).filter(number=number), public_id)


def open_round(dispute: Dispute) -> EvidenceRound | None:
    return dispute.rounds.filter(status=RoundStatus.OPEN).first()


def asked_of(dispute: Dispute, party: Party) -> EvidenceRound | None:
    """The open round that asks ``party`` for evidence, if any (what is asked of me, by when)."""
    found = open_round(dispute)
    return found if found is not None and found.party == party else None


def burden_of(code: str) -> Burden | None:
    return BY_CODE.get(code)


def ruling_rationale(ruling: Ruling) -> str:
    """The rationale in the reader's language: the arbitrator's words, or for an automatic
    decision the rule that made it."""
    if ruling.fast_track:
        return _(
            "The claim is a small refund claim, so the platform paid it at once (P-11) and recovers "
            "it from the merchant's deposit. Reason given: %(reason)s"
        ) % {"reason": ruling.rationale}
    if not ruling.automatic:
        return ruling.rationale
    missed = ruling.dispute.rounds.filter(status=RoundStatus.MISSED).order_by("-number").first()
    party = _("the merchant") if ruling.merchant_at_fault else _("the consumer")
    return _(
        "%(party)s did not give the evidence asked for in round %(round)s by the deadline. Under "
        "the dispute rules (%(rules)s) a party that misses its deadline loses the round, and the "
        "decision is taken on the evidence present."
    ) % {
        "party": party[:1].upper() + party[1:],
        "round": missed.number if missed else "",
        "rules": ", ".join(ruling.rules),
    }


# --- the public review panel (大众评审) ----------------------------------------------------------


def _panel_member(actor: Actor) -> bool:
    """A consumer with an account of at least 30 days and at least one order."""
    if actor.role is not Role.CONSUMER or actor.user_id is None:
        return False
    user = User.objects.filter(pk=actor.user_id, is_active=True).only("date_joined").first()
    if user is None or user.date_joined > clock.now() - PANEL_MIN_ACCOUNT_AGE:
        return False
    return Order.unscoped.filter(customer__user_id=actor.user_id).exists()


def jury_eligible(*, actor: Actor, dispute: Dispute) -> bool:
    """A panel member who is not a party to the dispute."""
    return dispute.customer_id not in actor.customer_ids and _panel_member(actor)


def panels_for(*, actor: Actor) -> list[Dispute]:
    """Disputes whose panel this consumer may vote on and has not voted on yet (the member is
    checked once, the parties are left out by the query)."""
    if not _panel_member(actor):
        return []
    voted = JuryVote.objects.filter(voter_id=actor.user_id).values("dispute_id")
    rows = (
        Dispute.unscoped.filter(status=DisputeStatus.JURY)
        .exclude(pk__in=voted)
        .exclude(customer_id__in=actor.customer_ids)
        .select_related("case", "case__reason")
        .order_by("jury_until")
    )
    return list(rows[:50])


def panel_dispute(*, actor: Actor, number: str) -> Dispute:
    """A dispute as a panel member may read it (anonymised by the page)."""
    dispute = (
        Dispute.unscoped.filter(number=number, status=DisputeStatus.JURY)
        .select_related("case", "case__reason", "case__line")
        .first()
    )
    if dispute is None or not jury_eligible(actor=actor, dispute=dispute):
        raise NotFound()
    return dispute


def panel_identifiers(dispute: Dispute) -> list[str]:
    """What names the people and the purchase behind a dispute (case and order numbers, the
    shop's name and code, the customer's name, phone and address), for the panel's text to hide."""
    case = Case.unscoped.filter(pk=dispute.case_id).select_related("order").get()
    merchant = Merchant.unscoped.filter(pk=dispute.merchant_id).values_list("name", "code").get()
    customer = Customer.unscoped.filter(pk=dispute.customer_id).only("name", "phone", "address")
    found = [case.number, case.rma, case.order.number, case.order.external_id, *merchant]
    for person in customer:
        found += [person.name or "", person.phone or "", person.address or ""]
    return [text for text in found if len(text.strip()) >= 2]


def panel_photo_for(*, actor: Actor, number: str, public_id: uuid.UUID | str) -> Evidence:
    """A photo of a dispute on a panel, for a member who may vote on it (NotFound otherwise)."""
    dispute = panel_dispute(actor=actor, number=number)
    return _photo_of(Dispute.unscoped.filter(pk=dispute.pk), public_id, panel=True)


# --- the deposit --------------------------------------------------------------------------------


@dataclass(frozen=True)
class DepositView:
    account: DepositAccount
    entries: list[DepositEntry]
    open_request: TopUpRequest | None


def deposit_for(*, actor: Actor, merchant_id: int) -> DepositView:
    if not actor.can_see_merchant(merchant_id):
        raise NotFound()
    account = deposit_account_for(merchant_id)
    entries = list(
        DepositEntry.objects.for_actor(actor)
        .filter(merchant_id=merchant_id)
        .select_related("dispute")[:100]
    )
    request = (
        TopUpRequest.objects.for_actor(actor).filter(merchant_id=merchant_id, status="open").first()
    )
    return DepositView(account, entries, request)


# --- figures for merchant credit ----------------------------------------------------------------


@dataclass(frozen=True)
class DisputeFigures:
    merchant_id: int
    cases: int
    disputes: int
    intervened: int
    ruled: int
    lost: int
    median_hours_to_resolve: float | None

    @property
    def dispute_rate(self) -> Decimal | None:
        return _rate(self.disputes, self.cases)

    @property
    def intervention_rate(self) -> Decimal | None:
        return _rate(self.intervened, self.cases)

    @property
    def loss_rate(self) -> Decimal | None:
        """Of the disputes decided by the platform, the share decided (wholly or partly) for
        the consumer."""
        return _rate(self.lost, self.ruled)


def _rate(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001")) if whole else None


LOST = (Outcome.CONSUMER, Outcome.SPLIT)


def dispute_figures(
    *, merchant_ids: list[int], since: datetime | None = None
) -> dict[int, DisputeFigures]:
    """Per merchant: cases and disputes opened since ``since``, how many the platform stepped in
    on, how many it decided and lost, and the median hours from opening to resolution."""
    cases = Case.unscoped.filter(merchant_id__in=merchant_ids)
    disputes = Dispute.unscoped.filter(merchant_id__in=merchant_ids)
    if since is not None:
        cases = cases.filter(created_at__gte=since)
        disputes = disputes.filter(opened_at__gte=since)
    case_counts = dict(
        cases.values("merchant_id").annotate(n=Count("pk")).values_list("merchant_id", "n")
    )
    rows = disputes.values(
        "merchant_id", "intervened_at", "outcome", "opened_at", "resolved_at", "ruled_at"
    )
    acc: dict[int, dict[str, list[float] | int]] = {}
    for row in rows:
        item = acc.setdefault(row["merchant_id"], {"n": 0, "i": 0, "r": 0, "l": 0, "hours": []})
        item["n"] += 1  # type: ignore[operator]
        item["i"] += row["intervened_at"] is not None  # type: ignore[operator]
        item["r"] += row["ruled_at"] is not None  # type: ignore[operator]
        item["l"] += row["ruled_at"] is not None and row["outcome"] in LOST  # type: ignore[operator]
        if row["resolved_at"] is not None:
            item["hours"].append((row["resolved_at"] - row["opened_at"]).total_seconds() / 3600)  # type: ignore[union-attr]
    result = {}
    for merchant_id in merchant_ids:
        item = acc.get(merchant_id, {"n": 0, "i": 0, "r": 0, "l": 0, "hours": []})
        hours = item["hours"]
        result[merchant_id] = DisputeFigures(
            merchant_id=merchant_id,
            cases=case_counts.get(merchant_id, 0),
            disputes=int(item["n"]),  # type: ignore[arg-type]
            intervened=int(item["i"]),  # type: ignore[arg-type]
            ruled=int(item["r"]),  # type: ignore[arg-type]
            lost=int(item["l"]),  # type: ignore[arg-type]
            median_hours_to_resolve=round(median(hours), 1) if hours else None,  # type: ignore[arg-type]
        )
    return result


@dataclass(frozen=True)
class ConsumerTurn:
    """A dispute as the consumer's overview shows it on its case: its next deadline, and whether
    something is asked of the consumer (evidence, or a proposal to answer)."""

    due_at: datetime | None
    waiting_for_me: bool


def consumer_turns(*, actor: Actor, case_ids: list[int]) -> dict[int, ConsumerTurn]:
    """Per case id, the open dispute of the consumer's cases (three queries for any number)."""
    disputes = list(
        Dispute.objects.for_actor(actor)
        .filter(case_id__in=case_ids)
        .exclude(status__in=TERMINAL)
        .only("pk", "case_id", "due_at")
    )
    ids = [d.pk for d in disputes]
    asked = set(
        EvidenceRound.objects.filter(
            dispute_id__in=ids, status=RoundStatus.OPEN, party=Party.CONSUMER
        ).values_list("dispute_id", flat=True)
    )
    offered = set(
        Proposal.objects.filter(dispute_id__in=ids, status="open")
        .filter(
            Q(by_party=Party.MERCHANT)
            | Q(by_party=Party.PLATFORM, consumer_accepted_at__isnull=True)
        )
        .values_list("dispute_id", flat=True)
    )
    return {d.case_id: ConsumerTurn(d.due_at, d.pk in asked or d.pk in offered) for d in disputes}


# --- what waits for the merchant (its queue's filter and the nav's badge) -----------------------


def waiting_for_merchant() -> Q:
    """Disputes the merchant must act on now: an evidence round asks it; in negotiation, the
    consumer's claim or proposal waits for its answer (or it has not answered at all); the
    platform's proposal waits for its agreement; or a decision waits to be carried out (a rejected
    claim has nothing to carry out)."""
    round_asks = EvidenceRound.objects.filter(
        dispute=OuterRef("pk"), status=RoundStatus.OPEN, party=Party.MERCHANT
    )
    consumer_offer = Proposal.objects.filter(
        dispute=OuterRef("pk"), status=ProposalStatus.OPEN, by_party=Party.CONSUMER
    )
    platform_offer = Proposal.objects.filter(
        dispute=OuterRef("pk"),
        status=ProposalStatus.OPEN,
        by_party=Party.PLATFORM,
        merchant_accepted_at__isnull=True,
    )
    return (
        Q(status=DisputeStatus.AWAITING_EVIDENCE) & Exists(round_asks)
        | Q(status=DisputeStatus.NEGOTIATING)
        & (Exists(consumer_offer) | Q(merchant_answered_at__isnull=True))
        | Q(status__in=[DisputeStatus.MEDIATION, DisputeStatus.AWAITING_EVIDENCE])
        & Exists(platform_offer)
        | Q(status=DisputeStatus.RULED) & ~Q(ruled_remedy=Remedy.REJECT)
    )


def waiting_count(viewer: Actor) -> int:
    """How many of the merchant's disputes wait for it (the nav's badge)."""
    if viewer.role not in MERCHANT_ROLES:
        return 0
    return Dispute.objects.for_actor(viewer).filter(waiting_for_merchant()).count()
