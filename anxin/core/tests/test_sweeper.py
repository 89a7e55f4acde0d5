"""The deadline sweeper fires each due deadline exactly once, as the system, explained."""

import os
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections

from anxin.catalog.models import Merchant, MerchantEvent
from anxin.catalog.tests.factories import merchant
from anxin.catalog.workflow import MERCHANT_WORKFLOW
from anxin.core import clock
from anxin.core.actors import Actor, Role
from anxin.core.models import Deadline, DeadlineState
from anxin.core.sweeper import deadline_sweep, sweep_until_idle
from anxin.core.workflow import transition

# The sweeper claims deadlines under row locks (also runs on PostgreSQL).
pytestmark = pytest.mark.db


ADMIN = Actor(role=Role.ADMIN, user_id=1, platform=True)


def _warn(shop):
    transition(MERCHANT_WORKFLOW, subject=shop, action="warn", actor=ADMIN, reason="test")


@pytest.mark.django_db
def test_nothing_fires_before_it_is_due_and_it_fires_once_after():
    # given a warned merchant (rectification deadline in 30 days)
    shop = merchant(status="active")
    _warn(shop)
    due_at = Deadline.objects.get().due_at
    # when the sweeper runs one second early
    early = deadline_sweep(now=due_at - timedelta(seconds=1))
    # then nothing happens
    assert early.claimed == 0
    assert Merchant.objects.get(pk=shop.pk).status == "warned"
    # when it runs at the due time, twice
    first = deadline_sweep(now=due_at)
    second = deadline_sweep(now=due_at + timedelta(hours=1))
    # then the action was applied once, by the system, with the rule in the history
    assert (first.fired, second.claimed) == (1, 0)
    assert Merchant.objects.get(pk=shop.pk).status == "restricted"
    event = MerchantEvent.objects.get(action="restrict")
    assert event.actor == "system"
    assert "M-1" in event.reason
    deadline = Deadline.objects.get()
    assert (deadline.state, deadline.fired_at) == (DeadlineState.FIRED, due_at)


@pytest.mark.django_db
def test_a_deadline_armed_in_an_earlier_visit_to_a_state_is_a_recorded_noop():
    # given warned → cleared → warned again, and the first deadline somehow left pending
    shop = merchant(status="active")
    _warn(shop)
    first = Deadline.objects.get()
    transition(MERCHANT_WORKFLOW, subject=shop, action="clear_warning", actor=ADMIN)
    _warn(shop)
    # (a cancel skips rows a sweeper holds locked; simulate that the first one was skipped)
    Deadline.objects.filter(pk=first.pk).update(state="pending")
    # when both come due
    result = sweep_until_idle(now=clock.now() + timedelta(days=31))
    # then only the current one acts; the stale one is recorded as a no-op
    first.refresh_from_db()
    assert first.state == DeadlineState.NOOP
    assert "changed" in first.outcome
    assert result.fired == 1
    assert MerchantEvent.objects.filter(action="restrict").count() == 1


@pytest.mark.django_db
def test_an_action_that_no_longer_applies_is_a_noop_not_an_error():
    # given a warned merchant that an admin restricted by hand, with the deadline still pending
    shop = merchant(status="active")
    _warn(shop)
    Merchant.objects.filter(pk=shop.pk).update(status="exited")
    # when
    result = deadline_sweep(now=clock.now() + timedelta(days=31))
    # then
    assert result.noop == 1
    assert Deadline.objects.get().state == DeadlineState.NOOP


@pytest.mark.django_db
def test_the_controllable_clock_drives_the_sweeper():
    shop = merchant(status="active")
    _warn(shop)
    clock.freeze(clock.now())
    clock.advance(timedelta(days=30, seconds=1))
    assert deadline_sweep().fired == 1
    assert Merchant.objects.get(pk=shop.pk).status == "restricted"


def _postgres_required():
    if connection.vendor != "postgresql":
        if os.environ.get("ANXIN_REQUIRE_POSTGRES"):
            pytest.fail("this test must run on PostgreSQL in CI")
        pytest.skip("row-lock races need PostgreSQL (CI runs them there)")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_racing_sweepers_fire_1000_deadlines_exactly_once():
    _postgres_required()
    # given 1,000 warned merchants whose rectification deadlines are all due
    now = clock.now()
    shops = Merchant.objects.bulk_create(
        Merchant(code=f"s{i}", name=f"Shop {i}", status="warned", state_version=1)
        for i in range(1000)
    )
    Deadline.objects.bulk_create(
        Deadline(
            subject_type="catalog.merchant",
            subject_id=s.pk,
            kind="rectification",
            action="restrict",
            rule="M-1",
            due_at=now - timedelta(minutes=1),
            created_at=now,
            armed_version=1,
        )
        for s in shops
    )
    results, errors = [], []
    start = threading.Barrier(2)

    def sweeper():
        try:
            start.wait()
            results.append(sweep_until_idle(batch_size=50, now=now))
        except Exception as exc:  # surfaced below
            errors.append(exc)
        finally:
            connections.close_all()

    # when two sweepers race over them
    threads = [threading.Thread(target=sweeper) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    sweep_until_idle(now=now)  # whatever a sweeper skipped as busy
    # then every deadline fired once and every merchant was restricted once
    assert errors == []
    assert sum(r.fired for r in results) >= 990  # both did real work…
    assert all(r.fired > 0 for r in results)  # …in parallel
    assert Deadline.objects.filter(state=DeadlineState.FIRED).count() == 1000
    assert Merchant.objects.filter(status="restricted").count() == 1000
    assert MerchantEvent.objects.filter(action="restrict").count() == 1000
    assert MerchantEvent.objects.values("merchant").distinct().count() == 1000
