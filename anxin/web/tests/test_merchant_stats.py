"""Dashboard numbers (anxin.cases.stats) on a small known dataset, for a merchant and the platform."""

from __future__ import annotations

from datetime import timedelta

import pytest

from anxin.cases.inputs import CaseOpenIn
from anxin.cases.services import case_open
from anxin.cases.stats import dashboard_stats
from anxin.cases.tests.helpers import NOW
from anxin.core import clock

from .world import advance

# Per-day counts are SQL aggregates in the shop's time zone (also runs on PostgreSQL).
pytestmark = [pytest.mark.django_db, pytest.mark.db]


@pytest.fixture
def world(shared_world):
    """This module's tests share one world, built once (see conftest.shared_world)."""
    return shared_world


def at(hours):
    clock.freeze(NOW + timedelta(hours=hours))


@pytest.fixture
def dataset(world):
    """m1: A (world.case) approved after 2 h; B (refund only) approved after 4 h and refunded
    after 10 h. m2: the other case approved after 8 h."""
    merchant = world.actor(world.merchant)
    b = case_open(
        actor=world.actor(world.consumer),
        data=CaseOpenIn(order="E1002", line="L1", type="refund_only", reason="quality/defect"),
    )
    at(2)
    advance(world.case, (merchant, "approve", {}))
    at(4)
    advance(b, (merchant, "approve", {}))
    at(8)
    advance(world.other_case, (world.actor(world.other_merchant), "approve", {}))
    at(10)
    advance(b, (merchant, "refund", {}))
    return world, b


def test_merchant_numbers(dataset):
    world, _b = dataset
    stats = dashboard_stats(actor=world.actor(world.merchant))
    assert stats.median_hours_to_approve == 3.0  # median of 2 h and 4 h
    assert stats.approvals_counted == 2
    assert stats.median_hours_to_refund == 10.0
    assert stats.refunds_counted == 1
    assert stats.by_status["awaiting_return_shipment"] == 1
    assert stats.by_status["refunded"] == 1
    assert stats.by_status["merchant_review"] == 0
    assert stats.open_total == 1
    assert stats.opened_today == 2  # 20:00 in Shanghai, still the same day
    assert stats.refunded_today == 1
    assert stats.overdue == 0
    assert len(stats.days) == 30 and stats.days[-1].isoformat() == "2026-11-05"
    assert stats.opened_per_day[-1] == 2 and sum(stats.opened_per_day) == 2
    assert stats.refunded_per_day[-1] == 1 and sum(stats.refunded_per_day) == 1


def test_platform_sees_every_merchant(dataset):
    world, _b = dataset
    stats = dashboard_stats(actor=world.actor(world.agent))
    assert stats.median_hours_to_approve == 4.0  # 2, 4 and 8 h
    assert stats.approvals_counted == 3
    assert stats.opened_today == 3
    only_m2 = dashboard_stats(actor=world.actor(world.agent), merchant_id=world.other_shop.pk)
    assert only_m2.median_hours_to_approve == 8.0
    assert only_m2.median_hours_to_refund is None


def test_overdue_counts_pending_deadlines_already_due(world):
    # the sweeper has not run: both review deadlines (48 h) are due 49 h later
    at(49)
    assert dashboard_stats(actor=world.actor(world.merchant)).overdue == 1
    assert dashboard_stats(actor=world.actor(world.other_merchant)).overdue == 1
    assert dashboard_stats(actor=world.actor(world.agent)).overdue == 2
    at(47)
    assert dashboard_stats(actor=world.actor(world.agent)).overdue == 0


def test_old_events_leave_the_window(dataset):
    world, _b = dataset
    at(24 * 31)
    stats = dashboard_stats(actor=world.actor(world.merchant))
    assert stats.median_hours_to_approve is None
    assert stats.approvals_counted == 0
    assert sum(stats.opened_per_day) == 0
    assert stats.opened_today == 0


def test_consumer_sees_only_their_cases_and_others_nothing(world):
    consumer = dashboard_stats(actor=world.actor(world.consumer))
    assert consumer.opened_today == 2
    from anxin.core.actors import Actor, Role

    nobody = dashboard_stats(actor=Actor(role=Role.MERCHANT_STAFF, user_id=99))
    assert nobody.opened_today == 0 and nobody.open_total == 0


def test_query_count_is_constant(dataset, django_assert_max_num_queries):
    world, _b = dataset
    with django_assert_max_num_queries(7):
        dashboard_stats(actor=world.actor(world.merchant))


def test_dashboard_page_shows_the_numbers(dataset, as_user):
    world, _b = dataset
    body = as_user(world.merchant, "en").get("/shop/").content.decode()
    assert "3.0 h" in body  # median time to approve
    assert "10.0 h" in body  # median time to refund
    assert '"Opened"' in body and '"Refunded"' in body  # series names, translated server-side
