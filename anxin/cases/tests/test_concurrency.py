"""Races on PostgreSQL (QUALITY.md R1, R2, R5, R7): refunds happen once and never exceed what was
paid, a person racing the sweeper never produces both outcomes, deadlines fire exactly once even
when a sweeper process is killed mid-batch.

Every test runs real threads or processes, each on its own database connection, against committed
rows (``transaction=True``); they skip on SQLite unless ``ANXIN_REQUIRE_POSTGRES`` is set.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection, connections
from django.db.models import Sum

from anxin.cases.choices import CaseStatus
from anxin.cases.inputs import CaseOpenIn
from anxin.cases.ledger import OverRefund, refund_issue
from anxin.cases.models import Case, CaseEvent, LedgerEntry, Refund
from anxin.cases.services import case_act, case_open
from anxin.cases.workflow import DEADLINES
from anxin.catalog.models import Merchant, MerchantEvent, OrderLine
from anxin.catalog.tests import factories
from anxin.core import clock
from anxin.core.actors import SYSTEM
from anxin.core.models import AuditEntry, Deadline, DeadlineState
from anxin.core.sweeper import deadline_sweep, sweep_until_idle
from anxin.core.workflow import SubjectBusy, TransitionNotAllowed
from conftest import ApiClient

from .fixtures_pg import (
    consumer_of,
    database_url,
    merchant_admin,
    paid_order,
    postgres_required,
    provider_stub,
    race,
    reference_rows,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

logger = logging.getLogger(__name__)

BASE_DIR = Path(django_settings.BASE_DIR)


def _refund_only_case(shop, external_id: str) -> Case:
    order = paid_order(shop, external_id)
    return case_open(
        actor=consumer_of(order),
        data=CaseOpenIn(
            order=order.external_id, line="L1", type="refund_only", reason="no_reason/changed_mind"
        ),
    )


# --- R1: 200 identical refund requests → one refund, one provider call, one answer -------------


def test_r1_200_concurrent_identical_refund_requests_refund_once(settings):
    postgres_required()
    reference_rows()
    # given a refund-only case the merchant approved (refund pending), a merchant token and a
    # payment gateway that counts its calls
    shop = factories.merchant("r1")
    case = _refund_only_case(shop, "R1-1")
    case_act(actor=merchant_admin(shop), case=case, action="approve")
    assert Case.objects.get(pk=case.pk).status == CaseStatus.REFUND_PENDING
    token = factories.token_for(shop)
    path = f"/cases/{case.number}/actions/refund"
    with provider_stub() as gateway:
        settings.ANXIN_REFUND_PROVIDER = "http"
        settings.ANXIN_REFUND_HTTP_URL = gateway.url
        settings.ANXIN_REFUND_HTTP_SECRET = "r1-secret"
        workers = 32
        start = threading.Barrier(workers + 1, timeout=30)

        def call(_: int):
            try:
                response = ApiClient(token=token).post(
                    path, {"reason": ""}, **{"Idempotency-Key": "refund-R1-1"}
                )
                return (
                    response.status_code,
                    response.content,
                    response.headers.get("Idempotent-Replayed"),
                )
            finally:
                connections.close_all()

        # when 200 identical requests race on 32 threads
        began = time.monotonic()
        with ThreadPoolExecutor(max_workers=workers, initializer=start.wait) as pool:
            futures = [pool.submit(call, i) for i in range(200)]
            start.wait()
            answers = []
            for future in futures:
                try:
                    answers.append(future.result(timeout=60))
                except Exception as exc:  # a 500 raises in the test client
                    answers.append((500, repr(exc).encode(), None))
        elapsed = time.monotonic() - began
        calls = list(gateway.calls)

    # then every answer is the same 200 (one original, 199 replays) — none is a 500 or a 409
    statuses = Counter(status for status, _, _ in answers)
    assert statuses == {200: 200}, (statuses, [a[1][:300] for a in answers if a[0] != 200][:3])
    bodies = [json.loads(body) for _, body, _ in answers]
    assert all(body == bodies[0] for body in bodies)
    assert sum(1 for *_, replayed in answers if replayed == "true") == 199
    assert bodies[0]["status"] == CaseStatus.REFUNDED
    # and exactly one refund was written, whose entries add up to it
    refund = Refund.objects.get()
    assert refund.amount == case.refund_amount > 0
    entries = LedgerEntry.objects.filter(line_id=case.line_id)
    assert entries.aggregate(total=Sum("amount"))["total"] == refund.amount
    assert set(entries.values_list("refund_id", flat=True)) == {refund.pk}
    # and the gateway was called once, with the refund's own id as its key, and answered
    assert len(calls) == 1, calls
    assert calls[0]["key"] == str(refund.public_id)
    assert refund.status == "succeeded" and refund.provider_reference == "gw-1"
    assert CaseEvent.objects.filter(case=case, action="refund").count() == 1
    assert AuditEntry.objects.filter(action="cases.refund.issue").count() == 1
    logger.warning("R1: 200 requests on %s threads in %.2fs", workers, elapsed)


# --- R2: 20 concurrent refunds of 30 % each → at most 3 succeed ----------------------------------


def test_r2_20_concurrent_refunds_of_30_percent_never_over_refund(settings):
    postgres_required()
    reference_rows()
    settings.ANXIN_REFUND_PROVIDER = "ledger"
    # given a line paid 170.00
    shop = factories.merchant("r2")
    line = OrderLine.objects.get(order=paid_order(shop, "R2-1"), external_id="L1")
    share = (line.paid_amount * Decimal("0.30")).quantize(Decimal("0.01"))
    assert 3 * share <= line.paid_amount < 4 * share

    def refund(i: int):
        return lambda: refund_issue(actor=SYSTEM, line_id=line.pk, amount=share, key=f"k{i}")

    # when 20 refunds of 30 % race
    began = time.monotonic()
    outcomes = race(*(refund(i) for i in range(20)))
    elapsed = time.monotonic() - began

    # then three succeed (the line lock serialises them) and the others are refused as over-refunds
    succeeded = [o for o in outcomes if isinstance(o, Refund)]
    refused = [o for o in outcomes if isinstance(o, OverRefund)]
    others = [o for o in outcomes if not isinstance(o, Refund | OverRefund)]
    assert others == []
    assert (len(succeeded), len(refused)) == (3, 17)
    assert Refund.objects.filter(line=line).count() == 3
    # and each issued refund recorded the provider's answer (none left pending after the call)
    assert set(Refund.objects.filter(line=line).values_list("status", flat=True)) == {"succeeded"}
    total = LedgerEntry.objects.filter(line=line).aggregate(total=Sum("amount"))["total"]
    assert total == 3 * share <= line.paid_amount
    logger.warning("R2: 20 racing refunds in %.2fs: 3 issued, 17 refused", elapsed)


# --- R7: the consumer withdraws while the sweeper auto-approves → one wins, never both -----------


def test_r7_withdraw_racing_the_auto_approval_never_does_both():
    # (refund-only cases: once approved, "withdraw" is not in the table any more. For return types
    # it still is, and a withdrawal that lost the race applies to the approved case, because a
    # person's action carries no expected state version.)
    postgres_required()
    reference_rows()
    shop = factories.merchant("r7")
    review_kind = DEADLINES[CaseStatus.MERCHANT_REVIEW][0].kind
    seen: Counter[str] = Counter()
    began = time.monotonic()
    for i in range(20):
        # given a case waiting for the merchant whose review deadline is due
        case = _refund_only_case(shop, f"R7-{i}")
        review = Deadline.objects.get(subject_type="cases.case", subject_id=case.pk)
        assert review.kind == review_kind
        due = review.due_at + timedelta(seconds=1)
        consumer = consumer_of(case.order)

        # when the sweeper and the consumer's withdrawal start together
        sweep, withdraw = race(
            lambda due=due: deadline_sweep(now=due),
            lambda case=case, consumer=consumer: case_act(
                actor=consumer, case=Case.objects.get(pk=case.pk), action="withdraw"
            ),
        )
        assert not isinstance(sweep, BaseException), sweep
        # (a deadline the sweeper found busy, or one the withdrawal could not cancel because the
        # sweeper held it, is looked at again by the next sweep)
        sweep_until_idle(now=due)

        # then exactly one transition left merchant_review
        case.refresh_from_db()
        moves = list(CaseEvent.objects.filter(case=case).exclude(action="open"))
        assert len(moves) == 1, [(m.action, m.actor) for m in moves]
        move = moves[0]
        assert move.from_status == CaseStatus.MERCHANT_REVIEW
        review.refresh_from_db()
        if move.action == "withdraw":
            # the consumer won: closed, no auto-approval; the deadline was cancelled, or is a
            # recorded no-op (the sweeper held it, then found the case moved on)
            assert case.status == CaseStatus.CLOSED
            assert not isinstance(withdraw, BaseException), withdraw
            assert review.state in (DeadlineState.CANCELLED, DeadlineState.NOOP), review.state
            if review.state == DeadlineState.NOOP:
                assert "changed" in review.outcome or "not possible" in review.outcome
            seen[f"withdraw won, deadline {review.state}"] += 1
        else:
            # the sweeper won: approved by the system; the withdrawal was refused
            assert (move.action, move.actor) == ("approve", "system")
            assert case.status == CaseStatus.REFUND_PENDING
            assert isinstance(withdraw, TransitionNotAllowed | SubjectBusy), withdraw
            assert review.state == DeadlineState.FIRED
            seen["sweeper won"] += 1
        # and nothing pending belongs to an earlier state
        pending = Deadline.objects.filter(
            subject_type="cases.case", subject_id=case.pk, state=DeadlineState.PENDING
        )
        current_kinds = {start.kind for start in DEADLINES.get(case.status, [])}
        for deadline in pending:
            assert deadline.armed_version == case.state_version
            assert deadline.kind in current_kinds
    logger.warning("R7: 20 races in %.2fs: %s", time.monotonic() - began, dict(seen))


# --- R5: 4 sweeper processes, one SIGKILLed mid-batch → 10,000 actions exactly once -------------

DEADLINES_R5 = 10_000


def _sweeper(name: str, log_dir: str) -> tuple[subprocess.Popen[bytes], Path]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(application_name=name),
        DJANGO_SETTINGS_MODULE="config.settings.test",
        ANXIN_LOG_LEVEL="INFO",
        PYTHONUNBUFFERED="1",
    )
    log = Path(log_dir) / f"{name}.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "run_sweeper",
                "--batch-size",
                "200",
                "--interval",
                "0.2",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    return process, log


def _in_batch(name: str) -> bool:
    """Whether the sweeper's database session is inside a transaction (claiming or applying)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s"
            " AND xact_start IS NOT NULL",
            [name],
        )
        return cursor.fetchone()[0] > 0


def _sessions() -> list[tuple[str, str, str, str]]:
    """What each sweeper's database session is doing (for failure messages)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT application_name, state, coalesce(wait_event_type || '/' || wait_event, ''),"
            " left(query, 120) FROM pg_stat_activity WHERE application_name LIKE %s"
            " ORDER BY application_name",
            ["sweeper-%"],
        )
        return cursor.fetchall()


def _pending() -> int:
    return Deadline.objects.filter(state=DeadlineState.PENDING).count()


def test_r5_four_sweeper_processes_one_killed_mid_batch_fire_10000_deadlines_exactly_once():
    postgres_required()
    # given 10,000 warned merchants whose rectification deadlines are all due (committed)
    now = clock.now()
    shops = Merchant.objects.bulk_create(
        (
            Merchant(code=f"r5-{i}", name=f"Shop {i}", status="warned", state_version=1)
            for i in range(DEADLINES_R5)
        ),
        batch_size=2000,
    )
    Deadline.objects.bulk_create(
        (
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
        ),
        batch_size=2000,
    )
    assert _pending() == DEADLINES_R5

    processes: dict[str, subprocess.Popen[bytes]] = {}
    logs: dict[str, Path] = {}
    killed_in_batch = False
    with tempfile.TemporaryDirectory() as log_dir:
        try:
            # when 4 sweeper processes run over them…
            began = time.monotonic()
            for n in range(4):
                processes[f"sweeper-{n}"], logs[f"sweeper-{n}"] = _sweeper(f"sweeper-{n}", log_dir)
            # …one is killed with SIGKILL while inside a batch, once the work is under way…
            victim = "sweeper-0"
            # (freeze it first, so that "inside a transaction" cannot change before the kill)
            limit = time.monotonic() + 60
            while time.monotonic() < limit:
                if _pending() < DEADLINES_R5 and _in_batch(victim):
                    processes[victim].send_signal(signal.SIGSTOP)
                    if _in_batch(victim):
                        killed_in_batch = True
                        break
                    processes[victim].send_signal(signal.SIGCONT)
                time.sleep(0.02)
            processes[victim].send_signal(signal.SIGKILL)
            processes[victim].wait(10)
            pending_at_kill = _pending()
            killed_at = time.monotonic() - began
            # …and a replacement is started
            processes["sweeper-4"], logs["sweeper-4"] = _sweeper("sweeper-4", log_dir)
            limit = time.monotonic() + 300
            while (left := _pending()) and time.monotonic() < limit:
                for name, process in processes.items():
                    assert name == victim or process.poll() is None, logs[name].read_text()[-3000:]
                time.sleep(0.25)
            elapsed = time.monotonic() - began
            assert left == 0, f"{left} deadlines still pending after {elapsed:.0f}s"
        finally:
            # (a sweeper finishes its backlog before it honours SIGTERM: kill what is left)
            sessions_at_end = _sessions()
            for process in processes.values():
                if process.poll() is None:
                    process.terminate()
            hung = []
            stop_by = time.monotonic() + 15
            for name, process in processes.items():
                try:
                    process.wait(max(0.1, stop_by - time.monotonic()))
                except subprocess.TimeoutExpired:
                    hung.append(name)
                    process.kill()
                    process.wait(5)
        output = {name: log.read_text() for name, log in logs.items()}

    # then every deadline fired once, and every merchant was restricted once
    states = Counter(Deadline.objects.values_list("state", flat=True))
    assert states == {DeadlineState.FIRED: DEADLINES_R5}, (states, output)
    assert Merchant.objects.filter(status="restricted").count() == DEADLINES_R5
    restricts = MerchantEvent.objects.filter(action="restrict")
    assert restricts.count() == DEADLINES_R5
    assert restricts.values("merchant").distinct().count() == DEADLINES_R5
    assert AuditEntry.objects.filter(action="catalog.merchant.restrict").count() == DEADLINES_R5
    assert killed_in_batch, "the sweeper was not inside a batch when it was killed"
    assert 0 < pending_at_kill < DEADLINES_R5
    assert all("Traceback" not in text for text in output.values()), output
    assert hung == [], (hung, sessions_at_end)  # the survivors stop cleanly on SIGTERM
    logger.warning(
        "R5: killed %s in a batch at %.2fs with %s pending; all %s fired after %.2fs",
        victim,
        killed_at,
        pending_at_kill,
        DEADLINES_R5,
        elapsed,
    )
    for name, text in output.items():
        summary = [line.split(": ", 1)[-1] for line in text.splitlines() if "sweep: " in line]
        logger.warning("R5: %s %s", name, summary)
