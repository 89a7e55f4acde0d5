"""Dispute races on PostgreSQL: a consumer accepting a proposal while the sweeper closes the
evidence round on its deadline, two arbitrators deciding at once, and two panel members voting
for a panel's last seat. Exactly one wins; the other
is a recorded no-op (a deadline marked ``noop``) or a 409 to the person, and money moves at most
once.

Real threads, each on its own database connection, against committed rows (``transaction=True``);
they skip on SQLite unless ``ANXIN_REQUIRE_POSTGRES`` is set.
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest

from anxin.accounts.models import User
from anxin.accounts.services import actor_for_user
from anxin.cases.choices import CaseStatus
from anxin.cases.models import Case, Refund
from anxin.cases.tests.fixtures_pg import postgres_required, race, reference_rows
from anxin.cases.tests.helpers import NOW, consumer_of, delivered_order, merchant_actor
from anxin.catalog.models import Customer
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Actor, Role
from anxin.core.errors import Conflict
from anxin.core.models import Deadline, DeadlineState
from anxin.core.sweeper import deadline_sweep, sweep_until_idle
from anxin.core.workflow import TransitionNotAllowed
from anxin.disputes.choices import DisputeStatus
from anxin.disputes.models import DepositEntry, Dispute, JuryVote, Ruling
from anxin.disputes.services import dispute_act, dispute_open, jury_vote, proposal_answer

from .builders import rejected_case, ruling_payload, staff

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

logger = logging.getLogger(__name__)


def _in_a_round_with_an_offer(shop, external_id: str) -> tuple[Dispute, int, Deadline, Deadline]:
    """A dispute waiting for the merchant's evidence (the platform stepped in at once, the
    merchant never answered the claim), with the merchant's offer of 30.00 open (an offer is no
    evidence: the round's end decides it, ``round_missed``; its other end, ``round_lapsed``, falls
    due at the same time and is a no-op)."""
    case = rejected_case(shop, external_id)
    consumer = consumer_of(case.order)
    dispute = dispute_open(
        actor=consumer,
        case=case,
        payload={"claim": "partial_refund", "amount": "60.00", "statement": "开线了"},
    )
    dispute_act(actor=consumer, dispute=dispute, action="request_intervention")
    dispute_act(
        actor=merchant_actor(shop),
        dispute=dispute,
        action="propose",
        payload={"remedy": "partial_refund", "amount": "30.00"},
    )
    round_due, round_end = Deadline.objects.filter(
        subject_type="disputes.dispute", subject_id=dispute.pk, state=DeadlineState.PENDING
    ).order_by("pk")
    assert (round_due.action, round_end.action) == ("round_missed", "round_lapsed")
    assert round_due.due_at == round_end.due_at
    return dispute, dispute.proposals.get(status="open").pk, round_due, round_end


def test_accepting_an_offer_while_the_sweeper_closes_the_round_does_one_of_them():
    postgres_required()
    reference_rows()
    shop = f.merchant("race-1")
    seen: Counter[str] = Counter()
    for i in range(12):
        # given a round whose deadline is due and an open offer the consumer is about to accept
        clock.freeze(NOW)
        dispute, proposal, round_due, round_end = _in_a_round_with_an_offer(shop, f"RACE-{i}")
        consumer = consumer_of(dispute.case.order)
        due = round_due.due_at + timedelta(seconds=1)
        clock.freeze(due)
        setup_events = dispute.events.count()

        # when the sweeper and the consumer's acceptance start together
        sweep, accepted = race(
            lambda due=due: deadline_sweep(now=due),
            lambda d=dispute, p=proposal, c=consumer: proposal_answer(
                actor=c, dispute=Dispute.objects.get(pk=d.pk), payload={"proposal": p}, accept=True
            ),
        )
        assert not isinstance(sweep, BaseException), sweep
        # (a deadline the sweeper found busy is looked at again by the next sweep)
        sweep_until_idle(now=due)

        # then exactly one step left the round
        dispute.refresh_from_db()
        moves = list(dispute.events.order_by("pk")[setup_events:])
        assert len(moves) == 1, [(m.action, m.actor) for m in moves]
        move = moves[0]
        assert move.from_status == DisputeStatus.AWAITING_EVIDENCE
        round_due.refresh_from_db()
        round_end.refresh_from_db()
        # (the round's other end never acts: cancelled with the move, or a recorded no-op)
        assert round_end.state in (DeadlineState.CANCELLED, DeadlineState.NOOP), round_end.state
        if move.action == "accept":
            # the consumer won: settled and refunded the offer; the round's deadline was
            # cancelled, or is a recorded no-op (the sweeper held it, then found the dispute moved)
            assert not isinstance(accepted, BaseException), accepted
            assert dispute.status == DisputeStatus.SETTLED
            assert round_due.state in (DeadlineState.CANCELLED, DeadlineState.NOOP)
            if round_due.state == DeadlineState.NOOP:
                assert "changed" in round_due.outcome or "not possible" in round_due.outcome
            assert not Ruling.objects.filter(dispute=dispute).exists()
            seen[f"consumer won, deadline {round_due.state}"] += 1
        else:
            # the sweeper won: the merchant missed the round and lost it; the consumer's
            # acceptance was refused with a 409 and the offer lapsed
            assert (move.action, move.actor) == ("round_missed", "system")
            assert dispute.status == DisputeStatus.RULED
            assert isinstance(accepted, TransitionNotAllowed), accepted
            assert accepted.status == 409
            assert round_due.state == DeadlineState.FIRED
            assert dispute.proposals.get(by_party="merchant").status == "lapsed"
            ruling = Ruling.objects.get(dispute=dispute)
            assert (ruling.automatic, ruling.amount) == (True, Decimal("60.00"))
            seen["sweeper won"] += 1
        # and, once every later deadline has fired too, the consumer was paid exactly once:
        # the offer (30.00, the merchant's refund) or the decision (60.00, advanced by the
        # platform and recovered from the deposit)
        clock.freeze(due + timedelta(days=30))
        sweep_until_idle()
        paid = Refund.objects.filter(case_id=dispute.case_id).values_list("amount", flat=True)
        assert list(paid) == [Decimal("30.00") if move.action == "accept" else Decimal("60.00")]
        assert Case.objects.get(pk=dispute.case_id).status == CaseStatus.REFUNDED
        deducted = DepositEntry.objects.filter(dispute=dispute).count()
        assert deducted == (0 if move.action == "accept" else 1)
        assert deadline_sweep().claimed == 0
    logger.warning("dispute accept vs round deadline, 12 races: %s", dict(seen))


def test_two_arbitrators_ruling_at_once_make_one_ruling():
    postgres_required()
    reference_rows()
    shop = f.merchant("race-2")
    agent = staff("agent-r", Role.AGENT)
    first, second = staff("arb-r1", Role.ARBITRATOR), staff("arb-r2", Role.ARBITRATOR)
    seen: Counter[str] = Counter()
    for i in range(6):
        # given a dispute handed over to arbitration
        clock.freeze(NOW)
        case = rejected_case(shop, f"ARB-{i}")
        consumer = consumer_of(case.order)
        dispute = dispute_open(
            actor=consumer, case=case, payload={"claim": "full_refund", "statement": "开线了"}
        )
        dispute_act(actor=consumer, dispute=dispute, action="request_intervention")
        for step in ("close_round", "refer"):
            dispute_act(actor=agent, dispute=dispute, action=step, payload={"reason": "转仲裁"})
        dispute.refresh_from_db()
        assert dispute.status == DisputeStatus.ARBITRATION
        version = dispute.state_version

        def rule(who, amount, d=dispute, v=version):
            payload = ruling_payload(amount=amount, version=v)
            return dispute_act(actor=who, dispute=Dispute.objects.get(pk=d.pk), action="rule",
                               payload=payload)  # fmt: skip

        # when both submit a ruling at the same moment (each saw the same version)
        one, two = race(lambda: rule(first, "40.00"), lambda: rule(second, "50.00"))

        # then one ruling was made and the other arbitrator got a 409
        outcomes = [one, two]
        refused = [o for o in outcomes if isinstance(o, BaseException)]
        assert len(refused) == 1, outcomes
        assert isinstance(refused[0], TransitionNotAllowed) and refused[0].status == 409
        ruling = Ruling.objects.get(dispute=dispute)
        winner = first if refused[0] is two else second
        assert ruling.decided_by_user_id == winner.user_id
        assert ruling.amount == (Decimal("40.00") if winner is first else Decimal("50.00"))
        dispute.refresh_from_db()
        assert (dispute.status, dispute.state_version) == (DisputeStatus.RULED, version + 1)
        assert dispute.events.filter(action="rule").count() == 1
        seen["first" if winner is first else "second"] += 1
    logger.warning("two arbitrators ruling at once, 6 races: %s", dict(seen))


def _juror(shop, name: str) -> Actor:
    """A consumer who may sit on a panel: an account of 90 days and an order of their own."""
    buyer = {"external_id": name, "name": "李四", "phone": "13900000000", "address": "北京市"}
    order = delivered_order(shop, f"ORD-{name}", customer=buyer)
    user = f.user(name, Role.CONSUMER)
    User.objects.filter(pk=user.pk).update(date_joined=NOW - timedelta(days=90))
    Customer.objects.filter(pk=order.customer_id).update(user=user)
    return actor_for_user(User.objects.get(pk=user.pk))


def test_two_votes_for_a_panels_last_seat_keep_one_and_close_it(settings):
    postgres_required()
    reference_rows()
    settings.ANXIN_DISPUTE_JURY_SIZE = 1
    shop = f.merchant("race-3")
    agent, arbitrator = staff("agent-j", Role.AGENT), staff("arb-j", Role.ARBITRATOR)
    jurors = [_juror(shop, f"juror-{n}") for n in (1, 2)]
    seen: Counter[str] = Counter()
    for i in range(6):
        # given a dispute on a public review panel with one seat left
        clock.freeze(NOW)
        case = rejected_case(shop, f"JURY-{i}")
        consumer = consumer_of(case.order)
        dispute = dispute_open(
            actor=consumer,
            case=case,
            payload={"claim": "partial_refund", "amount": "30.00", "statement": "开线了"},
        )
        dispute_act(actor=consumer, dispute=dispute, action="request_intervention")
        for step in ("close_round", "refer"):
            dispute_act(actor=agent, dispute=dispute, action=step, payload={"reason": "转仲裁"})
        dispute_act(actor=arbitrator, dispute=dispute, action="send_to_jury", payload={})

        # when both panel members vote at the same moment
        outcomes = race(
            *(
                lambda j=j, d=dispute: jury_vote(
                    actor=j, dispute=Dispute.objects.get(pk=d.pk), payload={"vote": "consumer"}
                )
                for j in jurors
            )
        )

        # then one vote was kept, and it closed the panel in the same step; the other voter was
        # told voting had closed, and their vote is not stored
        refused = [o for o in outcomes if isinstance(o, BaseException)]
        assert len(refused) == 1, outcomes
        assert isinstance(refused[0], Conflict) and refused[0].code == "dispute.jury_closed"
        assert JuryVote.objects.filter(dispute=dispute).count() == 1
        dispute.refresh_from_db()
        assert (dispute.status, dispute.jury_verdict) == (DisputeStatus.ARBITRATION, "consumer")
        assert dispute.events.filter(action="close_jury", actor="system").count() == 1
        seen["first" if refused[0] is outcomes[1] else "second"] += 1
    logger.warning("two votes for a panel's last seat, 6 races: %s", dict(seen))
