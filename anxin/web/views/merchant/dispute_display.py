"""How a dispute reads to the merchant: the words for its states, steps, deadlines and remedies,
what is asked of the merchant now and by when (the same rule as the queue's "needs my answer"),
the proposals and decisions, the 协商历史 (who and when, never ids or role codes), what carrying a
decision out does, and the dispute figures of the merchant dashboard."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anxin.cases.selectors import AT_RISK, OVERDUE, deadline_urgency
from anxin.catalog.models import Merchant
from anxin.core import clock
from anxin.core.actors import MERCHANT_ROLES, Actor, Role
from anxin.disputes.burden import burden_get
from anxin.disputes.choices import (
    MONEY_NOW,
    TERMINAL,
    WITH_AMOUNT,
    DisputeStatus,
    Level,
    Party,
    ProposalStatus,
    Remedy,
)
from anxin.disputes.models import Dispute, DisputeEvent, EvidenceRound, Proposal, Ruling
from anxin.disputes.selectors import (
    DisputeFigures,
    dispute_figures,
    ruling_rationale,
    waiting_for_merchant,
)
from anxin.disputes.workflow import SENDS_ITEM
from anxin.web.case_display import ROLE_LABELS, usernames_of
from anxin.web.templatetags.anxin_web import money, when

from ..dashboard import Tile, duration_text

S = DisputeStatus
AT_RISK_WITHIN = timedelta(hours=6)  # a quarter of the 24-hour windows the merchant answers in

# --- words -------------------------------------------------------------------------------------

FILTERS: dict[str, Any] = {
    "waiting": gettext_lazy("Needs my answer"),
    "mediation": gettext_lazy("In mediation"),
    "decided": gettext_lazy("Decided"),
    "all": gettext_lazy("All"),
}
PLATFORM_HANDLING = (S.MEDIATION, S.AWAITING_EVIDENCE, S.ARBITRATION, S.JURY, S.SUSPENDED,
                     S.APPEALED)  # fmt: skip
DECIDED = (S.RULED, S.EXECUTED, S.FINAL)
NEGOTIABLE = (S.NEGOTIATING, S.MEDIATION, S.AWAITING_EVIDENCE)  # proposals can be answered

# The badge colours of the case statuses, reused: waiting for someone, under way, done, lost.
STATUS_TONES: dict[str, str] = {
    S.NEGOTIATING: "merchant_review",
    S.AWAITING_EVIDENCE: "merchant_review",
    S.MEDIATION: "received",
    S.ARBITRATION: "received",
    S.JURY: "received",
    S.SUSPENDED: "closed",
    S.RULED: "disputed",
    S.EXECUTED: "completed",
    S.APPEALED: "received",
    S.SETTLED: "completed",
    S.WITHDRAWN: "closed",
    S.FINAL: "completed",
}

DUE_LABELS: dict[str, Any] = {
    "negotiation": gettext_lazy("Negotiation ends; then the platform may step in"),
    "negotiation_lapse": gettext_lazy("Closes unless the consumer asks the platform to step in"),
    "mediation_target": gettext_lazy("The platform aims to finish mediation"),
    "arbitration_target": gettext_lazy("The arbitrator aims to decide"),
    "appeal_target": gettext_lazy("The appeal aims to be decided"),
    "jury": gettext_lazy("Public review panel voting ends"),
    "suspension": gettext_lazy("Suspension ends"),
    "execution": gettext_lazy("The decision must be carried out"),
    "appeal_window": gettext_lazy("The appeal window closes"),
}

EVENT_LABELS: dict[str, Any] = {
    "open": gettext_lazy("Dispute opened"),
    "propose": gettext_lazy("Proposal made"),
    "decline": gettext_lazy("Proposal declined"),
    "agree": gettext_lazy("Agreed to the platform's proposal"),
    "accept": gettext_lazy("Proposal accepted: settled"),
    "request_intervention": gettext_lazy("Asked the platform to step in"),
    "intervene": gettext_lazy("The platform stepped in"),
    "open_round": gettext_lazy("Evidence requested"),
    "submit": gettext_lazy("Evidence given"),
    "close_round": gettext_lazy("Evidence round closed"),
    "round_missed": gettext_lazy("Evidence deadline missed: decided on the evidence present"),
    "refer": gettext_lazy("Sent to arbitration"),
    "send_to_jury": gettext_lazy("Sent to a public review panel"),
    "close_jury": gettext_lazy("Panel voting closed"),
    "rule": gettext_lazy("Decision"),
    "fast_track": gettext_lazy("Paid at once by the platform"),
    "suspend": gettext_lazy("Suspended"),
    "resume": gettext_lazy("Resumed"),
    "execute": gettext_lazy("Decision carried out"),
    "enforce": gettext_lazy("Carried out by the platform"),
    "appeal": gettext_lazy("Appealed"),
    "rule_appeal": gettext_lazy("Appeal decided"),
    "finalize": gettext_lazy("Decision final"),
    "withdraw": gettext_lazy("Withdrawn by the consumer"),
    "lapse": gettext_lazy("Closed: not taken to the platform within 7 days"),
    "round_lapsed": gettext_lazy("Evidence round over"),
}

# Why the system took a step on its own (the stored rule text is for the audit, in English).
AUTOMATIC_REASONS: dict[str, Any] = {
    "intervene": gettext_lazy("P-8: the merchant did not answer the dispute within 24 hours"),
    "round_missed": gettext_lazy("P-9: nothing was given in the answer round by the deadline"),
    "round_lapsed": gettext_lazy(
        "P-9/P-10: the round ran out; back to the mediator or arbitrator, who decides on the "
        "evidence given"
    ),
    "lapse": gettext_lazy("P-8: neither settled nor taken to the platform within 7 days"),
    "close_jury": gettext_lazy("J-1: the panel's voting time is over"),
    "resume": gettext_lazy("P-13: the suspension is over"),
    "enforce": gettext_lazy("P-11: the decision was not carried out within 24 hours"),
    "finalize": gettext_lazy("P-12: no appeal within 7 days"),
}

LEVEL_RULING: dict[str, Any] = {
    Level.MEDIATION: gettext_lazy("Decision"),
    Level.ARBITRATION: gettext_lazy("Arbitration decision"),
    Level.APPEAL: gettext_lazy("Appeal decision (final)"),
}

# What the merchant may propose (a rejection is not a proposal).
PROPOSABLE = [r for r in Remedy if r is not Remedy.REJECT]


def remedy_label(code: str) -> str:
    return str(dict(Remedy.choices).get(code, code))


def remedy_text(code: str, amount: Decimal, currency: str) -> str:
    """A remedy and, when it carries one, its amount: "Partial refund ¥30.00", "Exchange"."""
    if code in WITH_AMOUNT:
        return f"{remedy_label(code)} {money(amount, currency)}"
    return remedy_label(code)


def status_label(code: str) -> str:
    return str(dict(DisputeStatus.choices).get(code, code))


def filtered(rows: QuerySet[Dispute], key: str) -> QuerySet[Dispute]:
    if key == "waiting":
        return rows.filter(waiting_for_merchant())
    if key == "mediation":
        return rows.filter(status__in=PLATFORM_HANDLING)
    if key == "decided":
        return rows.filter(status__in=DECIDED)
    return rows


SERVICE_TARGETS = frozenset({"mediation_target", "arbitration_target", "appeal_target"})


def due_label(dispute: Dispute, asked_party: str | None) -> str:
    """The reader's words for the deadline a dispute waits on."""
    if dispute.due_kind == "evidence_round":
        if asked_party == Party.MERCHANT:
            return _("Your evidence is due")
        return _("The consumer's evidence is due")
    if dispute.due_kind == "execution" and dispute.ruled_remedy == Remedy.REJECT:
        return _("The decision takes effect; nothing to carry out")
    if dispute.due_kind == "appeal_window" and dispute.ruled_remedy in SENDS_ITEM:
        return _("The decision becomes final")
    return str(DUE_LABELS.get(dispute.due_kind, ""))


def due_urgency(dispute: Dispute, now: datetime) -> str:
    """How urgent the dispute's next deadline is; a service target of the platform is never
    urgent for the merchant (nothing happens when it passes)."""
    if dispute.due_kind in SERVICE_TARGETS:
        return ""
    return urgency(dispute.due_at, now)


# --- one dispute -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ask:
    """What is asked of the merchant now and by when (a round, a proposal, a decision …)."""

    title: str
    text: str
    request: str
    due_at: datetime | None
    urgency: str


@dataclass(frozen=True)
class ProposalRow:
    proposal: Proposal
    by: str
    mine: bool
    remedy: str
    status: str
    status_label: str
    can_accept: bool
    can_decline: bool
    consumer_agreed: bool
    merchant_agreed: bool


@dataclass(frozen=True)
class RulingRow:
    ruling: Ruling
    title: str
    remedy: str
    rationale: str
    rules: list[str]
    burden: str
    by: str


@dataclass(frozen=True)
class PhotoRow:
    public_id: Any
    party: str
    note: str
    round: int | None
    for_appeal: bool
    at: datetime


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    action: str
    label: str
    who: str
    automatic: bool
    reason: str
    to_status: str
    details: tuple[tuple[str, str], ...]


PARTY_WORDS: dict[str, Any] = {
    Party.CONSUMER: gettext_lazy("The consumer"),
    Party.MERCHANT: gettext_lazy("Your shop"),
    Party.PLATFORM: gettext_lazy("The platform's mediator"),
}


def urgency(due_at: datetime | None, now: datetime) -> str:
    level = deadline_urgency(due_at=due_at, armed_at=None, now=now, at_risk_within=AT_RISK_WITHIN)
    return "overdue" if level == OVERDUE else "at-risk" if level == AT_RISK else ""


def ask_of_merchant(
    dispute: Dispute, asked: EvidenceRound | None, proposals: list[ProposalRow], now: datetime
) -> Ask | None:
    """The one thing the merchant is asked to do now (the same rule as the queue's "needs my
    answer"), or None."""
    due = dispute.due_at
    if asked is not None:
        burden = burden_get(asked.template)
        return Ask(
            title=str(burden.title) if burden else _("Evidence asked of you"),
            text=str(burden.asks) if burden else "",
            request=asked.request,
            due_at=asked.due_at,
            urgency=urgency(asked.due_at, now),
        )
    if dispute.status == S.RULED and dispute.ruled_remedy != Remedy.REJECT:
        return Ask(
            _("Carry out the decision"),
            _("The decision below is binding; carry it out, or the platform does it for you."),
            "",
            due,
            urgency(due, now),
        )
    if any(row.can_accept and row.proposal.by_party == Party.PLATFORM for row in proposals):
        return Ask(
            _("Answer the platform's proposal"),
            _("Agree to the mediator's proposal below, or decline it. It settles the dispute "
              "once you and the consumer both agree."),
            "",
            None,
            "",
        )  # fmt: skip
    if dispute.status == S.NEGOTIATING and dispute.merchant_answered_at is None:
        return Ask(
            _("Answer the claim"),
            _(
                "Accept the consumer's claim, decline it, or make a counter-proposal. If you do "
                "not answer in time, the platform steps in and decides on the evidence."
            ),
            "",
            due,
            urgency(due, now),
        )
    if dispute.status == S.NEGOTIATING and any(row.can_accept for row in proposals):
        return Ask(
            _("Answer the consumer's proposal"),
            _("Accept or decline the consumer's proposal below, or make a counter-proposal."),
            "",
            None,
            "",
        )
    return None


def waiting_on(dispute: Dispute, asked_party: str | None) -> str:
    """Whom the dispute waits on when nothing is asked of the merchant."""
    status = dispute.status
    if status in TERMINAL:
        return _("This dispute is closed.")
    if asked_party == Party.CONSUMER:
        return _("Waiting for the consumer's evidence.")
    if status == S.NEGOTIATING:
        return _("Waiting for the consumer's answer to your proposal.")
    if status in (S.MEDIATION, S.ARBITRATION, S.JURY, S.APPEALED):
        return _("The platform is reviewing the dispute.")
    if status == S.SUSPENDED:
        return _("The dispute is suspended.")
    if status == S.RULED and dispute.ruled_remedy == Remedy.REJECT:
        return _("The claim was rejected: there is nothing to carry out.")
    if status == S.EXECUTED and dispute.ruled_remedy in SENDS_ITEM:
        return _(
            "A decision that sends the item back is carried out through the request and "
            "cannot be appealed."
        )
    if status == S.EXECUTED:
        return _("The decision was carried out; either side may still appeal within 7 days.")
    return _("Nothing is asked of you now.")


def _who(event_actor: str, role: str, names: dict[str, str]) -> str:
    if role == Role.SYSTEM or event_actor == "system":
        return str(ROLE_LABELS[Role.SYSTEM])
    label = str(ROLE_LABELS.get(role, _("Platform")))
    # the shop's own staff by name; the consumer and the platform's people by their role
    if role in MERCHANT_ROLES and event_actor in names:
        return f"{label} · {names[event_actor]}"
    return label


DETAIL_KEYS: dict[str, Any] = {
    "remedy": gettext_lazy("Solution"),
    "claim": gettext_lazy("Claim"),
    "amount": gettext_lazy("Amount"),
    "note": gettext_lazy("Note"),
    "statement": gettext_lazy("Statement"),
    "round": gettext_lazy("Evidence round"),
    "days": gettext_lazy("Days"),
}


def _details(event: DisputeEvent, currency: str) -> tuple[tuple[str, str], ...]:
    data = event.data or {}
    rows = []
    for key, label in DETAIL_KEYS.items():
        value = data.get(key)
        if value in (None, "", 0, "0", "0.00"):
            continue
        if key in ("remedy", "claim"):
            value = remedy_label(str(value))
        elif key == "amount":
            value = money(value, currency)
        elif key == "statement" and event.action == "open":
            continue  # the opening statement is the event's text
        rows.append((str(label), str(value)))
    return tuple(rows)


def history(dispute: Dispute, events: list[DisputeEvent]) -> list[HistoryEntry]:
    """The 协商历史 in the reader's language: what, who (roles; the shop's own staff by name),
    when, and the stored words of the people who took each step."""
    names = usernames_of(events)
    entries = []
    for event in events:
        automatic = event.actor_role == Role.SYSTEM or event.actor == "system"
        reason = event.reason
        if automatic:
            reason = str(AUTOMATIC_REASONS.get(event.action, ""))
        entries.append(
            HistoryEntry(
                at=event.created_at,
                action=event.action,
                label=str(EVENT_LABELS.get(event.action, event.action)),
                who=_who(event.actor, event.actor_role, names),
                automatic=automatic,
                reason=reason,
                to_status=status_label(event.to_status),
                details=_details(event, dispute.currency),
            )
        )
    return entries


def proposal_rows(dispute: Dispute, available: set[str]) -> list[ProposalRow]:
    rows = []
    answerable = dispute.status in NEGOTIABLE
    for proposal in dispute.proposals.all():
        mine = proposal.by_party == Party.MERCHANT
        # a proposal left open when the platform took the decision can no longer be answered
        still_open = proposal.status == ProposalStatus.OPEN
        is_open = still_open and answerable
        shown = ProposalStatus.LAPSED if still_open and not is_open else proposal.status
        platform = proposal.by_party == Party.PLATFORM
        agreed = platform and proposal.merchant_accepted_at is not None
        theirs_open = is_open and not mine and not agreed
        rows.append(
            ProposalRow(
                proposal=proposal,
                by=str(PARTY_WORDS.get(proposal.by_party, proposal.by_party)),
                mine=mine,
                remedy=remedy_text(proposal.remedy, proposal.amount, dispute.currency),
                status=shown,
                status_label=str(dict(ProposalStatus.choices).get(shown, "")),
                can_accept=theirs_open and bool(available & {"accept", "agree"}),
                can_decline=theirs_open and "decline" in available,
                consumer_agreed=platform and proposal.consumer_accepted_at is not None,
                merchant_agreed=agreed,
            )
        )
    return rows


def ruling_rows(dispute: Dispute) -> list[RulingRow]:
    rows = []
    for ruling in dispute.rulings.all():
        ruling.dispute = dispute  # the rationale of an automatic decision reads its rounds
        burden = burden_get(ruling.template) if ruling.template else None
        by = ROLE_LABELS[Role.SYSTEM] if ruling.automatic else ROLE_LABELS[Role.ARBITRATOR]
        if ruling.fast_track:
            by = _("Platform")
        rows.append(
            RulingRow(
                ruling=ruling,
                title=str(LEVEL_RULING.get(ruling.level, _("Decision"))),
                remedy=remedy_text(ruling.remedy, ruling.amount, dispute.currency),
                rationale=ruling_rationale(ruling),
                rules=list(ruling.rules),
                burden=f"{burden.code} · {burden.title}" if burden else "",
                by=str(by),
            )
        )
    return rows


def execute_text(ruling: Ruling, currency: str, due_at: datetime | None) -> tuple[str, str, str]:
    """What carrying out the decision does, what happens if it is not done in time, and the
    question asked before the button acts."""
    amount = money(ruling.amount, currency)
    due = when(due_at)
    if ruling.remedy in MONEY_NOW:
        return (
            _("Refund %(amount)s to the consumer now, back to the original payment methods.")
            % {"amount": amount},
            _("If it is not carried out by %(due)s, the platform pays the consumer first and "
              "takes the money from your deposit.") % {"due": due},
            _("Refund %(amount)s now?") % {"amount": amount},
        )  # fmt: skip
    texts = {
        Remedy.RETURN_REFUND: _(
            "Approve the return: the consumer sends the item back to your return address, and "
            "%(amount)s is refunded when you confirm receipt."
        )
        % {"amount": amount},
        Remedy.EXCHANGE: _(
            "Approve the exchange: the consumer sends the item back and you ship a replacement."
        ),
        Remedy.REPAIR: _("Approve the repair: the consumer sends the item back and you repair it."),
        Remedy.REJECT: _("Close the request: the claim was rejected and nothing is paid."),
    }
    return (
        texts.get(Remedy(ruling.remedy), ""),
        _("If it is not carried out by %(due)s, the platform approves it for you.") % {"due": due},
        _("Carry out the decision now?"),
    )


def first_ruling(rulings: Iterable[Ruling]) -> Ruling | None:
    return next((r for r in rulings if r.level != Level.APPEAL), None)


# --- the dashboard's dispute figures -------------------------------------------------------------

FIGURES_DAYS = 90


def _percent(rate: Decimal | None) -> str:
    return "–" if rate is None else f"{number_format(rate * 100, 1)}%"


def figure_tiles(figures: DisputeFigures) -> list[Tile]:
    """The four figures merchant credit uses, each with one line saying what it measures."""
    return [
        Tile(
            _("Dispute rate"),
            _percent(figures.dispute_rate),
            _("Share of your after-sales requests that became disputes (%(n)s of %(total)s)")
            % {"n": figures.disputes, "total": figures.cases},
        ),
        Tile(
            _("Platform-intervention rate"),
            _percent(figures.intervention_rate),
            _("Share of your requests where the platform had to step in (%(n)s of %(total)s)")
            % {"n": figures.intervened, "total": figures.cases},
        ),
        Tile(
            _("Dispute-loss rate"),
            _percent(figures.loss_rate),
            _(
                "Share of the disputes decided by the platform that went for the consumer (%(n)s of %(total)s)"
            )
            % {"n": figures.lost, "total": figures.ruled},
            "danger"
            if figures.loss_rate is not None and figures.loss_rate >= Decimal("0.5")
            else "",
        ),
        Tile(
            _("Median time to resolve"),
            duration_text(figures.median_hours_to_resolve),
            _(
                "Half of your disputes ended faster than this, from opening to settlement or decision"
            ),
        ),
    ]


def dispute_figure_blocks(viewer: Actor) -> list[tuple[str, list[Tile]]]:
    """(shop name, tiles) for each of the merchant's shops, over the last 90 days."""
    shops = list(Merchant.objects.for_actor(viewer).order_by("code").values_list("pk", "name"))
    if not shops:
        return []
    since = clock.now() - timedelta(days=FIGURES_DAYS)
    figures = dispute_figures(merchant_ids=[pk for pk, _name in shops], since=since)
    return [(name, figure_tiles(figures[pk])) for pk, name in shops]
