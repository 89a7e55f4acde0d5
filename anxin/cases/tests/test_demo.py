"""Demo after-sales cases: opened through the services on the demo world, in many states."""

from collections import Counter
from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from anxin.accounts.models import User
from anxin.accounts.services import actor_for_user
from anxin.cases.choices import CaseStatus
from anxin.cases.models import Case, CaseEvent, Refund, ReturnAddress
from anxin.catalog.models import Merchant
from anxin.core import clock
from anxin.core.models import AuditEntry, Deadline
from anxin.core.tests.shared_rows import rows_for_the_group
from anxin.notifications.models import Notification

SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 15, 15, 30, tzinfo=SHANGHAI)
ORDERS, CASES = 200, 30


@pytest.fixture
def frozen_clock():
    with clock.frozen(NOW):
        yield NOW


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """The demo world is built once for this module: every test here reads it (and what a test
    changes is rolled back after it). Tests that load their own are in test_demo_runs."""
    with rows_for_the_group(django_db_blocker):
        out = StringIO()
        with django_db_blocker.unblock(), clock.frozen(NOW):
            call_command(
                "demo_data",
                "--orders",
                str(ORDERS),
                "--cases",
                str(CASES),
                "--seed",
                "11",
                "--no-reputation",
                stdout=out,
            )
        yield out.getvalue()


@pytest.fixture
def demo(demo_world, db, frozen_clock):
    return demo_world


def _actor(username):
    return actor_for_user(User.objects.get(username=username))


def test_demo_data_opens_cases_in_several_states(demo):
    # given / when: the demo loaded
    # then (the demo disputes, made last, open requests of their own)
    statuses = Counter(Case.objects.filter(dispute=None).values_list("status", flat=True))
    assert CASES - 3 <= sum(statuses.values()) <= CASES
    assert len(statuses) >= 6
    assert statuses.keys() & {CaseStatus.REFUNDED, CaseStatus.CLOSED, CaseStatus.COMPLETED}
    assert statuses.keys() & {CaseStatus.MERCHANT_REVIEW, CaseStatus.AWAITING_RETURN_SHIPMENT}
    assert "demo after-sales cases opened" in demo


def test_every_case_went_through_the_services(demo):
    # given
    cases = list(Case.objects.filter(dispute=None).prefetch_related("events"))
    # when
    opened = AuditEntry.objects.filter(action="cases.case.open").count()
    # then
    assert opened == Case.objects.count()
    for case in cases:
        events = list(case.events.all())
        assert events[0].action == "open" and events[0].created_at == case.created_at
        assert events[-1].to_status == case.status
        assert all(e.created_at <= NOW for e in events)
        assert [e.created_at for e in events] == sorted(e.created_at for e in events)
        assert (
            case.return_address
            or case.type == "refund_only"
            or len(events) == 1
            or (case.status in (CaseStatus.REJECTED, CaseStatus.DISPUTED, CaseStatus.CLOSED))
        )
    refunded = Case.objects.filter(status=CaseStatus.REFUNDED)
    assert Refund.objects.filter(case__in=refunded).count() == refunded.count()
    assert Notification.objects.exists()
    assert ReturnAddress.objects.values("merchant").distinct().count() == Merchant.objects.count()


def test_cases_wait_on_real_deadlines_some_at_risk_or_overdue(demo):
    # given
    pending = list(Deadline.objects.filter(subject_type="cases.case", state="pending"))
    # when
    overdue = [d for d in pending if d.due_at <= NOW]
    at_risk = [d for d in pending if NOW < d.due_at <= NOW + (d.due_at - d.created_at) / 4]
    # then
    assert pending and overdue and at_risk
    assert CaseEvent.objects.filter(actor="system").exists()  # deadlines fired, parcels arrived


def test_the_demo_logins_have_cases(demo):
    # given
    consumer, merchant = _actor("consumer"), _actor("merchant")
    # when
    mine = Counter(Case.objects.for_actor(consumer).values_list("status", flat=True))
    shop = Case.objects.for_actor(merchant).count()
    # then
    assert mine[CaseStatus.AWAITING_RETURN_SHIPMENT] >= 1
    assert mine[CaseStatus.REJECTED] >= 1
    assert shop >= 1  # 12 % of the cases where its few orders allow (≥ 60 of 600 in make run)


def _snapshot():
    return list(
        Case.objects.order_by("number").values_list(
            "number",
            "order__external_id",
            "line__external_id",
            "type",
            "reason__code",
            "status",
            "quantity",
            "refund_amount",
            "created_at",
        )
    )


def test_a_second_if_empty_run_opens_no_cases(demo):
    # given
    before = _snapshot()
    out = StringIO()
    # when
    call_command("demo_data", "--orders", "50", "--if-empty", "--no-reputation", stdout=out)
    # then
    assert _snapshot() == before
    assert "demo cases not opened" in out.getvalue()
