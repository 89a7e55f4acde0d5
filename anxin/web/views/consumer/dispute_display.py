"""How a dispute reads to its consumer: who did what and when in the reader's language ("You",
"Merchant", "Platform" — never ids, rule codes alone or staff names), the next deadline in words,
the open proposals, the evidence of both sides, the decisions, and what is asked of me now.

Shared by the consumer's dispute pages, the request page's dispute panel and the public review
panel (which names the consumer "Consumer" instead of "You")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from anxin.cases.choices import EvidencePurpose
from anxin.cases.models import Case, Evidence
from anxin.cases.selectors import AT_RISK, OVERDUE, deadline_urgency
from anxin.core import clock
from anxin.core.actors import MERCHANT_ROLES, SYSTEM, Actor, Role
from anxin.disputes.choices import (
    CLAIMS,
    TERMINAL,
    WITH_AMOUNT,
    DisputeStatus,
    Level,
    Party,
    ProposalStatus,
    Remedy,
)
from anxin.disputes.models import Dispute, DisputeEvent, EvidenceRound, Proposal
from anxin.disputes.selectors import ConsumerTurn, asked_of, burden_of, ruling_rationale
from anxin.disputes.workflow import DISPUTE_WORKFLOW, SENDS_ITEM
from anxin.web.templatetags.anxin_web import money, when

# --- words ---------------------------------------------------------------------------------------

STEP_LABELS: dict[str, Any] = {
    "open": pgettext_lazy("dispute step", "Dispute opened"),
    "propose": pgettext_lazy("dispute step", "Proposal"),
    "decline": pgettext_lazy("dispute step", "Proposal declined"),
    "agree": pgettext_lazy("dispute step", "Agreed to the platform's proposal"),
    "accept": pgettext_lazy("dispute step", "Proposal accepted"),
    "request_intervention": pgettext_lazy("dispute step", "Asked the platform to step in"),
    "intervene": pgettext_lazy("dispute step", "The platform stepped in"),
    "open_round": pgettext_lazy("dispute step", "Evidence requested"),
    "submit": pgettext_lazy("dispute step", "Evidence given"),
    "close_round": pgettext_lazy("dispute step", "Evidence round closed"),
    "round_missed": pgettext_lazy("dispute step", "Evidence deadline missed"),
    "refer": pgettext_lazy("dispute step", "Passed to arbitration"),
    "send_to_jury": pgettext_lazy("dispute step", "Sent to the public review panel"),
    "close_jury": pgettext_lazy("dispute step", "Panel voting closed"),
    "rule": pgettext_lazy("dispute step", "Decision"),
    "fast_track": pgettext_lazy("dispute step", "Paid at once by the platform"),
    "suspend": pgettext_lazy("dispute step", "Suspended"),
    "resume": pgettext_lazy("dispute step", "Resumed"),
    "execute": pgettext_lazy("dispute step", "Decision carried out"),
    "enforce": pgettext_lazy("dispute step", "Decision carried out by the platform"),
    "appeal": pgettext_lazy("dispute step", "Appeal"),
    "rule_appeal": pgettext_lazy("dispute step", "Appeal decision"),
    "finalize": pgettext_lazy("dispute step", "Decision final"),
    "withdraw": pgettext_lazy("dispute step", "Withdrawn"),
    "lapse": pgettext_lazy("dispute step", "Dispute closed after 7 days of negotiation"),
    "round_lapsed": pgettext_lazy("dispute step", "Time for evidence over"),
}

# What an automatic step means, instead of the rule text the sweeper stored (English, with codes).
AUTOMATIC: dict[str, Any] = {
    "intervene": gettext_lazy(
        "The merchant did not answer within 24 hours, so the platform stepped in."
    ),
    "round_missed": gettext_lazy(
        "The evidence asked for was not given by the deadline; the decision is taken on the "
        "evidence present."
    ),
    "round_lapsed": gettext_lazy(
        "The time for this evidence request is over. The platform goes on with the evidence "
        "given so far and decides on it."
    ),
    "lapse": gettext_lazy(
        "Within 7 days of opening, no proposal was accepted and the platform was not asked to "
        "step in, so the dispute closed. The shop's rejection stands and the request is closed."
    ),
    "close_jury": gettext_lazy("The panel's voting time is over, or every member has voted."),
    "resume": gettext_lazy("The suspension is over."),
    "enforce": gettext_lazy(
        "The decision was not carried out within 24 hours, so the platform carried it out."
    ),
    "finalize": gettext_lazy("No appeal within 7 days: the decision is final."),
}

# Steps whose history row names the evidence round.
ROUND_STEPS = frozenset({"open_round", "submit", "close_round", "round_lapsed"})

DETAIL_LABELS: dict[str, Any] = {
    "claim": gettext_lazy("Claim"),
    "solution": gettext_lazy("Solution"),
    "note": gettext_lazy("Note"),
    "statement": gettext_lazy("Statement"),
    "round": gettext_lazy("Evidence round"),
    "due_at": gettext_lazy("Due"),
    "votes": gettext_lazy("Panel votes"),
    "days": gettext_lazy("Days"),
}


def party_of_role(role: str) -> Party:
    """The side a history row's role stands for (a merchant's API token is the merchant)."""
    if role == Role.CONSUMER:
        return Party.CONSUMER
    if role in MERCHANT_ROLES or role == Role.INTEGRATOR:
        return Party.MERCHANT
    return Party.PLATFORM


def who_label(party: str, *, consumer: str = "") -> str:
    """ "You", "Merchant" or "Platform" (``consumer`` names the consumer for a third reader)."""
    if party == Party.CONSUMER:
        return consumer or _("You")
    if party == Party.MERCHANT:
        return _("Merchant")
    return _("Platform")


def solution(remedy: str, amount: Any, currency: str) -> str:
    """``Partial refund · ¥20.00`` (remedies without an amount are their name alone)."""
    label = str(dict(Remedy.choices).get(remedy, remedy))
    if remedy in WITH_AMOUNT and amount not in (None, "") and Decimal(str(amount)) > 0:
        return f"{label} · {money(amount, currency)}"
    return label


def status_label(dispute: Dispute) -> str:
    """The status in words; a negotiation that lapsed reads as closed, not as withdrawn by me."""
    if dispute.status == DisputeStatus.WITHDRAWN and lapsed(dispute):
        return _("Closed after 7 days without agreement")
    return str(dict(DisputeStatus.choices).get(dispute.status, dispute.status))


def lapsed(dispute: Dispute) -> bool:
    """The dispute closed by itself: negotiation was not pursued within 7 days (``lapse``)."""
    return dispute.events.filter(action="lapse").exists()


# The badge colours of the case pages, by what a status means for the consumer: someone must act
# (yellow), the platform has it (blue), a decision is being carried out, done (green), ended.
S = DisputeStatus
TONES: dict[str, str] = {
    S.NEGOTIATING: "status-merchant_review",
    S.AWAITING_EVIDENCE: "status-merchant_review",
    S.MEDIATION: "status-received",
    S.ARBITRATION: "status-received",
    S.JURY: "status-received",
    S.APPEALED: "status-received",
    S.SUSPENDED: "denied",
    S.RULED: "status-refund_pending",
    S.EXECUTED: "status-refund_pending",
    S.SETTLED: "status-completed",
    S.FINAL: "status-completed",
    S.WITHDRAWN: "denied",
}


# --- the next deadline, with the existing countdown ----------------------------------------------


@dataclass(frozen=True)
class Due:
    label: str
    then: str  # what happens automatically at the deadline ("" when nothing does)
    due_at: datetime
    overdue: bool
    at_risk: bool
    after: str = ""  # a sentence on what the deadline means for me
    target: bool = False  # the platform's own aim, not a deadline: no countdown, never "late"


# The platform's service targets (nothing happens by itself when they pass).
TARGETS: dict[str, Any] = {
    "mediation_target": gettext_lazy("The platform aims to finish mediation by"),
    "arbitration_target": gettext_lazy("The arbitrator aims to decide by"),
    "appeal_target": gettext_lazy("The appeal aims to be decided by"),
}


def _round_words(dispute: Dispute, asked: EvidenceRound | None) -> tuple[str, str]:
    """An evidence round: whose evidence is due, and what its end does. Only an answer round in
    which the merchant gave nothing decides the dispute; any other round goes back to the
    mediator or the arbitrator, who decides on the evidence given."""
    label = _("Your evidence is due") if asked else _("The merchant's evidence is due")
    if "round_missed" in available_to(dispute, SYSTEM):
        return label, _("The decision is taken on the evidence present")
    return label, _("The platform goes on with the evidence given so far")


def _due_words(dispute: Dispute, asked: EvidenceRound | None) -> tuple[str, str, str]:
    """(label, what happens by itself at the deadline, a sentence on what it means for me)."""
    kind = dispute.due_kind
    ruled = dispute.ruled_remedy
    if kind == "negotiation":
        if dispute.merchant_answered_at is None:
            return _("The merchant must answer by"), _("The platform steps in"), ""
        return _("Negotiation period"), "", _("After that you can ask the platform to step in.")
    if kind == "negotiation_lapse":
        return (
            _("Settle or ask the platform to step in by"),
            "",
            _(
                "If you neither accept a proposal nor ask the platform to step in by then, the "
                "dispute closes."
            ),
        )
    if kind in TARGETS:
        return (
            str(TARGETS[kind]),
            "",
            _("This is the platform's own target, not a deadline for you."),
        )
    if kind == "evidence_round":
        return (*_round_words(dispute, asked), "")
    if kind == "jury":
        return _("The public review panel votes until"), _("The arbitrator decides"), ""
    if kind == "suspension":
        return _("Suspended until"), _("The dispute resumes"), ""
    if kind == "execution" and ruled == Remedy.REJECT:
        return (
            _("The decision takes effect"),
            "",
            _("There is nothing to carry out; you can then appeal within 7 days."),
        )
    if kind == "execution":
        return (
            _("The decision must be carried out by"),
            _("The platform carries it out, paying you first if needed"),
            "",
        )
    if kind == "appeal_window" and ruled in SENDS_ITEM:
        return (
            _("The decision becomes final on"),
            "",
            _(
                "A decision that sends the item back is carried out through the request and "
                "cannot be appealed."
            ),
        )
    if kind == "appeal_window":
        return _("An appeal is possible until"), _("The decision becomes final"), ""
    return _("Next deadline"), "", ""


def due_of(dispute: Dispute, asked: EvidenceRound | None, since: datetime | None) -> Due | None:
    """The dispute's next deadline (``due_at``) in words, with its urgency."""
    if dispute.due_at is None or dispute.status in TERMINAL:
        return None
    now = clock.now()
    label, then, after = _due_words(dispute, asked)
    if dispute.due_kind == "negotiation" and not then and dispute.due_at <= now:
        return None  # the merchant answered and the 24 hours are over: nothing falls due
    if dispute.due_kind in TARGETS or (
        dispute.due_kind == "execution" and dispute.ruled_remedy == Remedy.REJECT
    ):
        if dispute.due_kind in TARGETS and dispute.due_at <= now:
            after = _("The platform's target has passed; it is still working on your dispute.")
        return Due(label, "", dispute.due_at, False, False, after, target=True)
    urgency = deadline_urgency(due_at=dispute.due_at, armed_at=since, now=now)
    return Due(label, then, dispute.due_at, urgency == OVERDUE, urgency == AT_RISK, after)


def available_to(dispute: Dispute, who: Actor) -> set[str]:
    """The steps ``who`` may take on the dispute now (the workflow's own answer)."""
    return {t.action for t in DISPUTE_WORKFLOW.available(dispute, who)}


# --- the history (协商历史) ----------------------------------------------------------------------


@dataclass(frozen=True)
class Step:
    at: datetime
    action: str
    label: str
    who: str
    party: str
    automatic: bool
    text: str
    details: tuple[tuple[str, str], ...]


def _details(event: DisputeEvent, currency: str) -> tuple[tuple[str, str], ...]:
    data = event.data or {}
    rows: list[tuple[str, str]] = []
    remedy = data.get("remedy") or data.get("claim")
    if remedy and event.action != "close_jury":
        label = DETAIL_LABELS["claim" if event.action == "open" else "solution"]
        rows.append((str(label), solution(remedy, data.get("amount"), currency)))
    for key in ("note", "statement"):
        if data.get(key):
            rows.append((str(DETAIL_LABELS[key]), str(data[key])))
    if data.get("round") and event.action in ROUND_STEPS:
        rows.append((str(DETAIL_LABELS["round"]), str(data["round"])))
    if data.get("due_at") and event.action == "open_round":
        try:
            due = datetime.fromisoformat(str(data["due_at"]))
        except ValueError:
            due = None
        if due is not None:
            rows.append((str(DETAIL_LABELS["due_at"]), when(due)))
    votes = data.get("votes")
    if isinstance(votes, dict):
        rows.append(
            (
                str(DETAIL_LABELS["votes"]),
                _("Consumer is right: %(consumer)s · Merchant is right: %(merchant)s")
                % {"consumer": votes.get("consumer", 0), "merchant": votes.get("merchant", 0)},
            )
        )
    if data.get("days") and event.action == "suspend":
        rows.append((str(DETAIL_LABELS["days"]), str(data["days"])))
    return tuple(rows)


def history(dispute: Dispute, events: list[DisputeEvent], *, consumer: str = "") -> list[Step]:
    """Every step with who and when, newest last, in the reader's language."""
    steps = []
    for event in events:
        party = party_of_role(event.actor_role)
        automatic = event.actor_role == Role.SYSTEM
        if automatic:
            text = str(AUTOMATIC.get(event.action, ""))
        elif event.action == "open":
            text = ""  # the statement is the claim's, shown with it
        else:
            text = event.reason
        steps.append(
            Step(
                at=event.created_at,
                action=event.action,
                label=str(STEP_LABELS.get(event.action, event.action)),
                who=who_label(party, consumer=consumer),
                party=str(party),
                automatic=automatic,
                text=text,
                details=_details(event, dispute.currency),
            )
        )
    return steps


# --- what the page shows -------------------------------------------------------------------------


@dataclass(frozen=True)
class ProposalView:
    proposal: Proposal
    by: str
    solution: str
    mine: bool
    platform: bool
    agreed: bool  # a platform proposal I accepted, waiting for the merchant


def proposal_views(dispute: Dispute) -> list[ProposalView]:
    """The open proposals: the other side's and the platform's first, then my own."""
    rows = []
    for proposal in dispute.proposals.filter(status=ProposalStatus.OPEN).order_by("created_at"):
        mine = proposal.by_party == Party.CONSUMER
        platform = proposal.by_party == Party.PLATFORM
        if mine:
            by = _("You proposed")
        elif platform:
            by = _("The platform proposes")
        else:
            by = _("The merchant proposes")
        rows.append(
            ProposalView(
                proposal=proposal,
                by=by,
                solution=solution(proposal.remedy, proposal.amount, dispute.currency),
                mine=mine,
                platform=platform,
                agreed=platform and proposal.consumer_accepted_at is not None,
            )
        )
    rows.sort(key=lambda row: row.mine)
    return rows


@dataclass(frozen=True)
class Photo:
    url: str
    note: str
    for_appeal: bool


@dataclass
class PhotoGroup:
    party: str
    title: str
    photos: list[Photo] = field(default_factory=list)


def evidence_groups(dispute: Dispute, case: Case) -> list[PhotoGroup]:
    """Photos of both sides: those sent with the request (or with the merchant's rejection) and
    those given in the dispute, each shown through the case's own photo view (which checks that
    the reader may see the case)."""
    groups = {
        Party.CONSUMER: PhotoGroup(Party.CONSUMER, _("From you")),
        Party.MERCHANT: PhotoGroup(Party.MERCHANT, _("From the merchant")),
        Party.PLATFORM: PhotoGroup(Party.PLATFORM, _("From the platform")),
    }
    linked = {row.evidence_id: row for row in dispute.evidence.order_by("created_at", "pk")}
    photos = (
        Evidence.objects.filter(case_id=case.pk)
        .exclude(purpose=EvidencePurpose.MESSAGE)
        .order_by("created_at", "pk")
        .only("public_id", "party", "purpose", "created_at")
    )
    for photo in photos:
        link = linked.get(photo.pk)
        if photo.purpose == EvidencePurpose.DISPUTE and link is None:
            continue  # not (yet) part of this dispute
        party = link.party if link is not None else (photo.party or Party.CONSUMER)
        url = reverse("consumer:evidence", args=[case.number, photo.public_id])
        groups[Party(party)].photos.append(
            Photo(
                url=url,
                note=link.note if link is not None else "",
                for_appeal=bool(link is not None and link.for_appeal),
            )
        )
    return [group for group in groups.values() if group.photos]


@dataclass(frozen=True)
class RulingView:
    title: str
    solution: str
    rationale: str
    burden: str
    at: datetime
    override: str
    automatic: bool


def ruling_views(dispute: Dispute) -> list[RulingView]:
    rows = []
    for ruling in dispute.rulings.order_by("created_at", "pk"):
        burden = burden_of(ruling.template) if ruling.template else None
        if ruling.level == Level.APPEAL:
            title = _("Appeal decision (final)")
        elif ruling.fast_track:
            title = str(STEP_LABELS["fast_track"])
        elif ruling.automatic:
            title = _("Decision on the evidence present")
        else:
            title = _("The arbitrator's decision")
        rows.append(
            RulingView(
                title=title,
                solution=solution(ruling.remedy, ruling.amount, dispute.currency),
                rationale=ruling_rationale(ruling),
                burden=str(burden.title) if burden else "",
                at=ruling.created_at,
                override=ruling.jury_override,
                automatic=ruling.automatic,
            )
        )
    return rows


@dataclass(frozen=True)
class Asked:
    """What is asked of me and by when (an evidence round naming me)."""

    round: EvidenceRound
    asks: str
    title: str


def asked_view(dispute: Dispute) -> Asked | None:
    found = asked_of(dispute, Party.CONSUMER)
    if found is None:
        return None
    burden = burden_of(found.template)
    return Asked(
        round=found,
        asks=str(burden.asks) if burden else "",
        title=str(burden.title) if burden else "",
    )


def claim_choices(cap: Decimal, currency: str) -> list[tuple[str, str, str]]:
    """(value, label, what the amount means) for each remedy a consumer may claim."""
    notes = {
        Remedy.FULL_REFUND: _("Everything still refundable: %(cap)s")
        % {"cap": money(cap, currency)},
        Remedy.PARTIAL_REFUND: _("An amount up to %(cap)s, keeping the item")
        % {"cap": money(cap, currency)},
        Remedy.RETURN_REFUND: _("Send the item back, then a refund up to %(cap)s")
        % {"cap": money(cap, currency)},
        Remedy.EXCHANGE: _("The same item again, without the problem"),
        Remedy.REPAIR: _("The merchant repairs the item"),
    }
    return [(str(r.value), str(r.label), str(notes.get(r, ""))) for r in CLAIMS]


# --- my disputes ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DisputeRow:
    dispute: Dispute
    status_label: str
    tone: str
    claim: str
    due: Due | None
    my_turn: bool


def dispute_row(dispute: Dispute, turns: dict[int, ConsumerTurn]) -> DisputeRow:
    """A row of my disputes; ``turns`` (``consumer_turns`` for the page's cases, one query each
    for any number) says whether it waits for me."""
    asked = asked_of(dispute, Party.CONSUMER)
    turn = turns.get(dispute.case_id)
    return DisputeRow(
        dispute=dispute,
        status_label=status_label(dispute),
        tone=TONES.get(dispute.status, ""),
        claim=solution(dispute.claim, dispute.claim_amount, dispute.currency),
        due=due_of(dispute, asked, None),
        my_turn=turn is not None and turn.waiting_for_me,
    )
