"""Rollup equivalence (issue 14, acceptance): the incremental refresh, run now and then while
cases open, are answered, refunded (in parts, a week late), closed, disputed and surveyed, ends
with exactly the facts and rollups a rebuild from scratch computes — including rows committed a
few minutes after a refresh already passed their time."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import connections, models, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anxin.analytics import tasks
from anxin.analytics.models import (
    CaseDay,
    CaseFact,
    DeliveredDay,
    DeliveredSkuDay,
    MerchantDay,
    PlatformDay,
    RefreshState,
)
from anxin.analytics.refresh import OVERLAP, analytics_rebuild, analytics_refresh
from anxin.analytics.tests import factories as f
from anxin.cases.tests.fixtures_pg import postgres_required

pytestmark = [pytest.mark.django_db, pytest.mark.db]  # aggregate SQL: runs on PostgreSQL too

T0 = f.local("2026-11-10", 0)  # the cases open over 10–12 Nov
TABLES: tuple[type[models.Model], ...] = (
    CaseFact,
    PlatformDay,
    MerchantDay,
    CaseDay,
    DeliveredDay,
    DeliveredSkuDay,
)
SKIPPED = {"id", "updated_at"}  # a surrogate key and when the fact was written


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every table as sorted tuples of all its columns (floats to 1e-6 h: sums of the same
    durations in another order may differ in the last bit)."""
    tables = {}
    for model in TABLES:
        names = [fl.attname for fl in model._meta.concrete_fields if fl.attname not in SKIPPED]
        rows = [
            tuple(round(v, 6) if isinstance(v, float) else v for v in row)
            for row in model._default_manager.values_list(*names)
        ]
        tables[model.__name__] = sorted(rows, key=repr)
    return tables


@dataclass(frozen=True)
class Spec:
    """One request and what happens to it, in minutes after its opening."""

    sku: str
    type: str
    reason: str
    channel: str
    open_min: int
    signed_hours: int  # its order was signed for this long before
    message: int | None
    approve: tuple[int, str] | None
    refunds: tuple[tuple[int, int], ...]  # (minutes, yuan)
    late_refund: bool  # a week after the opening
    close: int | None
    dispute: tuple[int, int | None] | None  # (opened, stepped in that long after)
    survey: tuple[int, int] | None  # (answered, score)
    lag: int  # the rows after the opening commit this many minutes after their time


minutes = st.integers(min_value=1, max_value=4 * 24 * 60)
specs = st.builds(
    Spec,
    sku=st.sampled_from(["m1:TS", "m1:PH", "m2:BK"]),
    type=st.sampled_from(["return_refund", "refund_only", "exchange"]),
    reason=st.sampled_from([f.NO_REASON, f.DEFECT]),
    channel=st.sampled_from(["web", "app", "assistant"]),
    open_min=st.integers(min_value=0, max_value=3 * 24 * 60),
    signed_hours=st.integers(min_value=1, max_value=48),
    message=st.none() | minutes,
    approve=st.none() | st.tuples(minutes, st.sampled_from([f.MERCHANT, f.SYSTEM])),
    refunds=st.lists(st.tuples(minutes, st.integers(min_value=1, max_value=40)), max_size=2).map(
        tuple
    ),
    late_refund=st.booleans(),
    close=st.none() | minutes,
    dispute=st.none() | st.tuples(minutes, st.none() | minutes),
    survey=st.none() | st.tuples(minutes, st.integers(min_value=1, max_value=5)),
    lag=st.sampled_from([0, 4, 9]),
)


# (when it commits, order, the time it is stamped with, what it writes)
Step = tuple[datetime, int, datetime, Callable[[], None]]


def steps_of(w: f.World, n: int, spec: Spec) -> list[Step]:
    """The writes of one request in commit order: the delivery, the opening, then each later
    row stamped with its own time but committed ``lag`` minutes after it."""
    opened_at = T0 + timedelta(minutes=spec.open_min)
    signed_at = opened_at - timedelta(hours=spec.signed_hours)
    shop, code = spec.sku.split(":")
    made: dict[str, Any] = {}

    def deliver() -> None:
        made["order"] = f.delivered(w, shop, [(code, 1)], signed_at=signed_at)

    def open_() -> None:
        made["case"] = f.opened(
            made["order"], at=opened_at, type=spec.type, reason=spec.reason, channel=spec.channel
        )

    later: list[tuple[int, Callable[[datetime], object]]] = []
    if spec.message is not None:
        later.append((spec.message, lambda at: f.merchant_message(made["case"], at=at)))
    if spec.approve is not None:
        role = spec.approve[1]
        later.append((spec.approve[0], lambda at: f.approve(made["case"], at=at, role=role)))
    for i, (after, yuan) in enumerate(spec.refunds):
        later.append(
            (after + i, lambda at, y=yuan: f.refund(made["case"], at=at, amount=f"{y}.50"))
        )
    if spec.late_refund:
        later.append((7 * 24 * 60 + 17, lambda at: f.refund(made["case"], at=at, amount="3.00")))
    if spec.close is not None:
        later.append(
            (spec.close, lambda at: f.act(made["case"], "close", "closed", at=at, role=f.SYSTEM))
        )
    if spec.dispute is not None:
        opened, stepped_in = spec.dispute
        later.append((opened, lambda at: made.update(d=f.dispute(made["case"], at=at))))
        if stepped_in is not None:
            later.append((opened + stepped_in, lambda at: f.intervene(made["d"], at=at)))
    if spec.survey is not None:
        answered, score = spec.survey
        later.append((answered, lambda at: f.survey(made["case"], at=at, score=score)))

    steps: list[Step] = [(signed_at, n, signed_at, deliver), (opened_at, n, opened_at, open_)]
    committed = opened_at
    for after, write in sorted(later, key=lambda item: item[0]):
        at = opened_at + timedelta(minutes=after)
        committed = max(committed, at + timedelta(minutes=spec.lag))  # in order, per case
        steps.append((committed, n, at, lambda write=write, at=at: write(at)))
    return steps


def refresh_at(when: datetime) -> None:
    with time_machine.travel(when, tick=False):
        analytics_refresh()


def test_incremental_refreshes_equal_a_rebuild_for_random_histories() -> None:
    w = f.world()

    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        cases=st.lists(specs, min_size=1, max_size=3),
        # a refresh a few minutes after the time of every ``every``-th step: the step's rows
        # may commit after it (``Spec.lag``)
        every=st.integers(min_value=1, max_value=3),
        offsets=st.lists(st.integers(min_value=0, max_value=9), min_size=1, max_size=4),
    )
    def check(cases: list[Spec], every: int, offsets: list[int]) -> None:
        with transaction.atomic():
            refresh_at(T0 - timedelta(days=5))  # the first run: an empty rebuild
            steps = sorted(
                (step for n, spec in enumerate(cases) for step in steps_of(w, n, spec)),
                key=lambda s: (s[0], s[1]),
            )
            pending = sorted(
                steps[i][2] + timedelta(minutes=offsets[j % len(offsets)])
                for j, i in enumerate(range(0, len(steps), every))
            )
            for when, _n, _stamped, write in steps:
                while pending and pending[0] <= when:
                    refresh_at(pending.pop(0))
                with time_machine.travel(when, tick=False):
                    write()
            end = max(s[0] for s in steps) + timedelta(hours=1)
            refresh_at(end)
            incremental = snapshot()
            assert len(incremental["CaseFact"]) == len(cases)
            with time_machine.travel(end, tick=False):
                analytics_rebuild()
            assert snapshot() == incremental
            transaction.set_rollback(True)

    check()


@pytest.fixture
def opened_case() -> Any:
    """A request opened on 10 Nov 10:00 for an order signed for on 9 Nov, approved by the
    review deadline at 11:00, refreshed at noon."""
    w = f.world()
    with time_machine.travel(f.local("2026-11-09", 18), tick=False):
        order = f.delivered(w, "m1", [("TS", 2)], signed_at=f.local("2026-11-09", 18))
        analytics_refresh()
    with time_machine.travel(f.local("2026-11-10", 10), tick=False):
        case = f.opened(order, at=f.local("2026-11-10", 10))
    with time_machine.travel(f.local("2026-11-10", 11), tick=False):
        f.approve(case, at=f.local("2026-11-10", 11), role=f.SYSTEM)  # no response yet
    refresh_at(f.local("2026-11-10", 12))
    return w, case


def test_a_refund_paid_a_week_later_rewrites_the_day_the_case_opened(opened_case: Any) -> None:
    _w, case = opened_case
    day = f.local("2026-11-10").date()
    row = PlatformDay.objects.get(day=day)
    assert (row.cases, row.approved, row.refunded, row.refund_amount) == (1, 1, 0, 0)
    assert DeliveredDay.objects.get(day=f.local("2026-11-09").date()).orders == 1

    with time_machine.travel(f.local("2026-11-17", 15), tick=False):
        f.refund(case, at=f.local("2026-11-17", 15), amount="80.00")
        f.act(case, "refund", "refunded", at=f.local("2026-11-17", 15))
    with time_machine.travel(f.local("2026-11-17", 15, 5), tick=False):
        result = analytics_refresh()
    assert (result.facts, result.days, result.delivered_days) == (1, 1, 0)  # only 10 Nov
    row = PlatformDay.objects.get(day=day)
    assert (row.cases, row.refunded, str(row.refund_amount)) == (1, 1, "80.00")
    assert row.refund_hours == pytest.approx(7 * 24 + 5)
    assert row.refund_b13 == 1  # [168, 240) h
    assert not PlatformDay.objects.exclude(day=day).exists()
    state = RefreshState.objects.get(name="cases")
    assert state.watermark == f.local("2026-11-17", 15, 5)
    assert state.rows == 1

    incremental = snapshot()
    analytics_rebuild(now=f.local("2026-11-17", 15, 5))
    assert snapshot() == incremental


CHANGES: dict[str, Callable[[Any, datetime], object]] = {
    "a merchant's message": lambda case, at: f.merchant_message(case, at=at),
    "a close by the deadline": lambda case, at: f.act(
        case, "close", "closed", at=at, role=f.SYSTEM
    ),
    "a refund paid": lambda case, at: f.refund(case, at=at, amount="12.34"),
    "a compensation paid": lambda case, at: f.refund(
        case, at=at, amount="5.00", kind="compensation"
    ),
    "a dispute opened": lambda case, at: f.dispute(case, at=at),
    "a survey answered": lambda case, at: f.survey(case, at=at, score=2),
}


@pytest.mark.parametrize("change", [*CHANGES, "a dispute stepped into"])
def test_every_source_of_a_fact_is_picked_up(opened_case: Any, change: str) -> None:
    """Each kind of row, written two days after the last refresh, reaches the facts and the
    rollups of the next one."""
    _w, case = opened_case
    at = f.local("2026-11-12", 13)
    before = snapshot()
    if change in CHANGES:
        with time_machine.travel(at, tick=False):
            CHANGES[change](case, at)
    else:  # the dispute opened before the last refresh; the platform steps in after it
        with time_machine.travel(at - timedelta(days=1), tick=False):
            d = f.dispute(case, at=at - timedelta(days=1))
        refresh_at(at - timedelta(hours=1))
        before = snapshot()
        with time_machine.travel(at, tick=False):
            f.intervene(d, at=at)
    refresh_at(at + timedelta(minutes=5))
    incremental = snapshot()
    assert incremental != before
    analytics_rebuild(now=at + timedelta(minutes=5))
    assert snapshot() == incremental


def test_a_row_committed_after_the_refresh_passed_its_time_is_still_counted(
    opened_case: Any,
) -> None:
    _w, case = opened_case
    stamped = f.local("2026-11-10", 11, 55)  # before that refresh …
    assert timedelta(minutes=5) < OVERLAP
    with time_machine.travel(f.local("2026-11-10", 12, 30), tick=False):  # … committed after it
        f.survey(case, at=stamped, score=1)
    refresh_at(f.local("2026-11-10", 13))
    row = PlatformDay.objects.get(day=f.local("2026-11-10").date())
    assert (row.csat_n, row.csat_sum, row.csat_low) == (1, 1, 1)


def test_nothing_changed_nothing_rewritten(opened_case: Any) -> None:
    before = snapshot()
    with time_machine.travel(f.local("2026-11-11", 12), tick=False):
        result = analytics_refresh()
    assert (result.facts, result.days, result.delivered_days, result.skipped) == (0, 0, 0, False)
    assert snapshot() == before


def test_the_commands_say_what_they_did(opened_case: Any, capsys: Any) -> None:
    with time_machine.travel(f.local("2026-11-11", 12), tick=False):
        call_command("analytics_rebuild")
        call_command("analytics_refresh")
    out = capsys.readouterr().out
    assert "rebuilt: 1 case facts, 1 days of case rollups, 1 days of deliveries" in out
    assert "refreshed: 0 case facts, 0 days of case rollups, 0 days of deliveries" in out


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_second_worker_skips_while_a_refresh_holds_the_lock() -> None:
    postgres_required()
    analytics_refresh(now=T0)  # the state row, committed
    locked, release = threading.Event(), threading.Event()

    def running_refresh() -> None:  # another worker, in the middle of its refresh
        try:
            with transaction.atomic():
                RefreshState.objects.select_for_update().get(name="cases")
                locked.set()
                release.wait(30)
        finally:
            connections.close_all()

    worker = threading.Thread(target=running_refresh, daemon=True)
    worker.start()
    try:
        assert locked.wait(30)
        skipped = analytics_refresh(now=T0 + timedelta(minutes=5))
    finally:
        release.set()
        worker.join(30)
    assert skipped.skipped and skipped.facts == 0
    assert RefreshState.objects.get(name="cases").watermark == T0  # untouched
    after = analytics_refresh(now=T0 + timedelta(minutes=6))
    assert not after.skipped
    assert RefreshState.objects.get(name="cases").watermark == T0 + timedelta(minutes=6)


def test_the_task_refreshes_and_the_embedded_job_at_most_every_five_minutes(
    opened_case: Any,
) -> None:
    tasks._last["at"] = float("-inf")
    with time_machine.travel(f.local("2026-11-11", 12), tick=False):
        tasks.analytics_job()
    assert RefreshState.objects.get(name="cases").refreshed_at == f.local("2026-11-11", 12)
    with time_machine.travel(f.local("2026-11-11", 12, 1), tick=False):
        tasks.analytics_job()  # a minute later: not yet
    assert RefreshState.objects.get(name="cases").refreshed_at == f.local("2026-11-11", 12)
    with time_machine.travel(f.local("2026-11-11", 12, 2), tick=False):
        summary = tasks.analytics_refresh_task.apply().get()
    assert summary["skipped"] is False and summary["facts"] == 0
    assert RefreshState.objects.get(name="cases").refreshed_at == f.local("2026-11-11", 12, 2)
