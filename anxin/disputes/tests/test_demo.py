"""Demo disputes: played through the services on the demo world (``demo_data`` runs them last), in
every stage, with work for the consumer, merchant, agent and arbitrator logins and live deadlines."""

from collections import Counter
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test.utils import override_settings

from anxin.accounts.models import User
from anxin.accounts.services import actor_for_user
from anxin.cases.ledger import refunded_total
from anxin.cases.models import Case
from anxin.core import clock
from anxin.core.models import AuditEntry, Deadline
from anxin.core.tests.shared_rows import rows_for_the_group
from anxin.disputes.choices import (
    TERMINAL,
    DisputeStatus,
    Level,
    Party,
    ProposalStatus,
    RoundKind,
    RoundStatus,
)
from anxin.disputes.demo import STORIES
from anxin.disputes.execution import paid_to_consumer
from anxin.disputes.models import DepositAccount, DepositEntry, Dispute, DisputeEvent, TopUpRequest
from anxin.disputes.selectors import DisputeFilters, disputes_for, panels_for
from anxin.disputes.workflow import DEADLINES, DISPUTE_WORKFLOW

SHANGHAI = ZoneInfo("Asia/Shanghai")
TARGETS = {
    DisputeStatus.MEDIATION: "mediation_target",
    DisputeStatus.ARBITRATION: "arbitration_target",
    DisputeStatus.APPEALED: "appeal_target",
}
NOW = datetime(2026, 3, 16, 10, 30, tzinfo=SHANGHAI)  # a Monday morning
ORDERS, CASES = 400, 12
S = DisputeStatus


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The whole demo, built once for this module through ``demo_data`` (so its hook runs too)."""
    media = tmp_path_factory.mktemp("media")
    with rows_for_the_group(django_db_blocker), override_settings(MEDIA_ROOT=media):
        out = StringIO()
        with django_db_blocker.unblock(), clock.frozen(NOW):
            call_command(
                "demo_data",
                "--orders", str(ORDERS),
                "--cases", str(CASES),
                "--seed", "11",
                "--no-banner",
                "--no-reputation",
                stdout=out,
            )  # fmt: skip
        yield out.getvalue()


@pytest.fixture
def demo(demo_world, db):
    with clock.frozen(NOW):
        yield demo_world


def _actor(username):
    return actor_for_user(User.objects.get(username=username))


def _disputes(status):
    return list(Dispute.unscoped.filter(status=status).order_by("pk"))


def test_every_stage_has_a_dispute(demo):
    # given / when: the demo loaded
    # then
    statuses = Counter(Dispute.unscoped.values_list("status", flat=True))
    assert set(statuses) == set(S.values)
    assert sum(statuses.values()) == len(STORIES)
    assert statuses[S.ARBITRATION] == 3 and statuses[S.EXECUTED] == 2
    assert f"{len(STORIES)} demo disputes opened" in demo and "left out" not in demo
    assert "stand-in" not in demo  # the demo logins' own orders carried their stories


def test_negotiations_wait_on_the_consumer_and_on_the_merchant(demo):
    # given
    consumer, merchant = _actor("consumer"), _actor("merchant")
    negotiating = _disputes(S.NEGOTIATING)
    # when
    offered = [
        d
        for d in negotiating
        if d.proposals.filter(status=ProposalStatus.OPEN, by_party=Party.MERCHANT).exists()
    ]
    silent = [d for d in negotiating if d.merchant_answered_at is None]
    # then
    assert len(offered) == 1 and offered[0].customer_id in consumer.customer_ids
    assert "accept" in {t.action for t in DISPUTE_WORKFLOW.available(offered[0], consumer)}
    assert len(silent) == 1 and silent[0].merchant_id in merchant.merchant_ids


def test_evidence_rounds_ask_the_merchant_and_the_consumer(demo):
    # given
    consumer, merchant = _actor("consumer"), _actor("merchant")
    # when
    rounds = {
        d.rounds.get(status=RoundStatus.OPEN).party: d for d in _disputes(S.AWAITING_EVIDENCE)
    }
    # then
    shop = rounds[Party.MERCHANT]
    asked = shop.rounds.get(status=RoundStatus.OPEN)
    assert asked.kind == RoundKind.RESPONSE and shop.merchant_id in merchant.merchant_ids
    assert NOW < asked.due_at <= NOW + timedelta(hours=6)  # a few hours left
    mine = rounds[Party.CONSUMER]
    asked = mine.rounds.get(status=RoundStatus.OPEN)
    assert asked.kind == RoundKind.SUPPLEMENTARY and asked.calendar == "business"
    assert mine.customer_id in consumer.customer_ids and asked.request


def test_the_demo_agent_has_mediation_work(demo):
    # given
    agent = _actor("agent")
    # when
    mine = list(disputes_for(actor=agent, filters=DisputeFilters(queue="mine")))
    mediating = [d for d in mine if d.status == S.MEDIATION]
    # then
    assert len(mediating) == 2 and all(d.mediator_id == agent.user_id for d in mediating)
    assert all(
        {"propose", "refer", "open_round"}
        <= {t.action for t in DISPUTE_WORKFLOW.available(d, agent)}
        for d in mediating
    )
    waiting = [d for d in mediating if d.proposals.filter(by_party=Party.PLATFORM).exists()]
    assert waiting[0].proposals.get(status=ProposalStatus.OPEN).merchant_accepted_at is not None


def test_the_demo_arbitrator_has_a_queue_and_an_appeal(demo):
    # given
    arbitrator = _actor("arbitrator")
    # when
    mine = list(disputes_for(actor=arbitrator, filters=DisputeFilters(queue="mine")))
    statuses = Counter(d.status for d in mine)
    # then
    assert len(mine) >= 3 and statuses[S.ARBITRATION] == 3 and statuses[S.JURY] == 1
    for dispute in mine:
        if dispute.status == S.ARBITRATION:
            assert "rule" in {t.action for t in DISPUTE_WORKFLOW.available(dispute, arbitrator)}
    appeal = _disputes(S.APPEALED)[0]
    assert appeal.appeal_arbitrator_id == arbitrator.user_id != appeal.arbitrator_id
    assert appeal.level == Level.APPEAL and appeal.evidence.filter(for_appeal=True).exists()
    assert "rule_appeal" in {t.action for t in DISPUTE_WORKFLOW.available(appeal, arbitrator)}


def test_the_panel_has_two_votes_and_the_consumer_may_vote(demo):
    # given
    consumer = _actor("consumer")
    jury = _disputes(S.JURY)[0]
    # when
    panels = panels_for(actor=consumer)
    # then
    assert jury.votes.count() == 2 and {v.vote for v in jury.votes.all()} == {
        "consumer",
        "merchant",
    }
    assert panels == [jury]


def test_decisions_wait_on_the_merchant_or_the_appeal_window(demo):
    # given
    merchant = _actor("merchant")
    ruled = _disputes(S.RULED)[0]
    executed = _disputes(S.EXECUTED)
    # when
    fast = [d for d in executed if d.fast_track]
    carried_out = [d for d in executed if not d.fast_track]
    # then
    assert ruled.merchant_id in merchant.merchant_ids
    assert NOW < ruled.due_at <= NOW + timedelta(hours=24)
    assert "execute" in {t.action for t in DISPUTE_WORKFLOW.available(ruled, merchant)}
    assert len(fast) == 1 == len(carried_out)
    assert carried_out[0].merchant_id in merchant.merchant_ids
    assert "appeal" in {t.action for t in DISPUTE_WORKFLOW.available(carried_out[0], merchant)}
    assert fast[0].rulings.get().fast_track and fast[0].deposit_entries.filter(kind="deduction")
    final = _disputes(S.FINAL)[0]
    assert final.rulings.get().automatic and final.deposit_entries.filter(kind="deduction")


def test_money_never_exceeds_what_was_paid(demo):
    # given
    disputes = list(Dispute.unscoped.select_related("case__line"))
    # when / then
    for dispute in disputes:
        line = dispute.case.line
        assert paid_to_consumer(dispute) <= dispute.claim_amount or dispute.claim_amount == 0
        assert refunded_total(line.pk) <= line.paid_amount
    paid = [d for d in disputes if paid_to_consumer(d) > 0]
    assert {d.status for d in paid} == {S.SETTLED, S.EXECUTED, S.APPEALED, S.FINAL}
    assert all(d.case.status == "refunded" for d in paid)


def test_deposits_are_topped_up_and_one_is_short(demo):
    # given
    merchant = _actor("merchant")
    # when
    accounts = list(DepositAccount.unscoped.all())
    short = [a for a in accounts if a.settlement_held]
    # then
    assert len(accounts) >= 4 and all(a.balance >= 0 and a.entries.exists() for a in accounts)
    # every shop's deposit was paid in at the agreed amount; an advance compensation leaves it
    # short (the demo merchant's among them), with one top-up request for what brings it back
    deducted = set(
        DepositEntry.unscoped.filter(kind="deduction").values_list("merchant_id", flat=True)
    )
    assert {a.merchant_id for a in short} == deducted and set(merchant.merchant_ids) <= deducted
    for account in short:
        request = TopUpRequest.unscoped.get(merchant_id=account.merchant_id, status="open")
        assert request.amount == account.required - account.balance + account.owed
    assert {a.merchant_id for a in accounts} == set(
        Dispute.unscoped.values_list("merchant_id", flat=True)
    )


def test_everyone_waits_on_a_live_deadline(demo):
    # given
    open_disputes = Dispute.unscoped.exclude(status__in=TERMINAL)
    # when
    pending = Deadline.objects.filter(subject_type="disputes.dispute", state="pending")
    # then
    for dispute in open_disputes:
        assert dispute.due_at is not None and dispute.due_at > NOW, dispute.status
        if dispute.status in DEADLINES:
            assert pending.filter(subject_id=dispute.pk, due_at=dispute.due_at).exists()
        else:  # mediation, arbitration, appeal: the handler's service target, nothing fires
            assert dispute.due_kind == TARGETS[dispute.status], dispute.status
            assert not pending.filter(subject_id=dispute.pk).exists()
    assert not pending.filter(due_at__lte=NOW).exists()
    # a negotiation the merchant answered waits on its 7-day lapse, one it did not on the 24 h
    kinds = {d.merchant_answered_at is None: d.due_kind for d in _disputes(S.NEGOTIATING)}
    assert kinds == {True: "negotiation", False: "negotiation_lapse"}
    assert not Dispute.unscoped.filter(status__in=TERMINAL, due_at__isnull=False).exists()


def test_the_disputes_went_through_the_services(demo):
    # given
    disputes = list(Dispute.unscoped.prefetch_related("events"))
    # when
    opened = AuditEntry.objects.filter(action="disputes.dispute.open").count()
    # then
    assert opened == len(disputes)
    for dispute in disputes:
        events = list(dispute.events.all())
        assert events[0].action == "open" and events[-1].to_status == dispute.status
        assert [e.created_at for e in events] == sorted(e.created_at for e in events)
        assert all(e.created_at < NOW for e in events)
        assert dispute.case.status != "rejected"
        assert dispute.case.events.filter(action="escalate").exists()
    assert DisputeEvent.objects.filter(actor="system", data__auto=True).exists()
    english = [d for d in disputes if d.statement.isascii()]
    assert 0 < len(english) < len(disputes)  # some in English, most in Chinese


def test_a_second_run_opens_nothing(demo):
    # given
    before = list(Dispute.unscoped.order_by("pk").values_list("number", "status"))
    cases = Case.unscoped.count()
    out = StringIO()
    # when
    call_command("demo_disputes", stdout=out)
    call_command(
        "demo_data", "--orders", "50", "--if-empty", "--no-banner", "--no-reputation", stdout=out
    )
    # then
    assert list(Dispute.unscoped.order_by("pk").values_list("number", "status")) == before
    assert Case.unscoped.count() == cases
    assert "disputes exist" in out.getvalue()
