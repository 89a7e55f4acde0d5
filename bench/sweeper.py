"""P3: the deadline sweeper (2 processes) vs a set-based raw SQL sweep (2 pgbench clients).

Seeds ``--deadlines`` due merchant-review deadlines (auto-approve) of cases in merchant_review,
spread over ``--merchants`` merchants, for each path in turn:
  raw:    ``bench/sql/sweep.sql`` — claim 500 with SKIP LOCKED, apply them set-based — 2 clients
  Django: 2 processes running ``deadline_sweep(batch_size=500)`` until nothing is due (or
          ``--max-seconds`` pass: the rate then counts what was applied in that time)
then profiles one more batch of 500 in-process (query count, cProfile).
Targets (QUALITY.md P3): ≥ 5,000 actions/s with 2 sweepers, and ≥ 0.6 of the raw SQL sweep.

.venv/bin/python bench/sweeper.py [--deadlines 20000] [--merchants 4] [--batch-size 500]
Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/anxin_bench; created
if missing, flushed and migrated) and pgbench.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from typing import Any

from _cases import (
    HERE,
    SQL,
    BenchError,
    WaitSampler,
    bench_django,
    count_queries,
    exit_on_signals,
    machine_note,
    median,
    open_template_case,
    percentile,
    profile_top,
    query_summary,
    run_pgbench,
    seed_cases,
    seed_world,
    stop_process_group,
    vacuum_analyze,
)

RATE_TARGET = 5000
RATIO_TARGET = 0.6


def seed_due(world: Any, template: Any, *, total: int, prefix: str) -> list[int]:
    """``total`` due deadlines over the world's merchants, interleaved in due order."""
    shops = world.merchants
    ids: list[int] = []
    for k, shop in enumerate(shops):
        count = total // len(shops) + (1 if k < total % len(shops) else 0)
        cases = seed_cases(
            template=template,
            line_ids=[ln for ln, _ref in world.lines[shop.pk]],
            merchant_id=shop.pk,
            count=count,
            prefix=f"{prefix}{k:02d}",
            due_in=-timedelta(hours=1),
            interleave=(k, len(shops)),
        )
        ids += [c.pk for c in cases]
    return ids


def deadline_states(case_ids: list[int]) -> dict[str, int]:
    from django.db.models import Count

    from anxin.core.models import Deadline

    rows = (
        Deadline.objects.filter(subject_type="cases.case", subject_id__in=case_ids)
        .filter(kind="merchant_review")
        .values_list("state")
        .annotate(n=Count("id"))
    )
    return dict(rows)


def run_sweepers(
    processes: int, batch_size: int, max_seconds: float
) -> tuple[float, list[dict], str, bool]:
    """Start the sweeper processes, release them together and wait for them, at most
    ``max_seconds`` (+ 5 s for a batch to finish) before stopping them (an interrupted batch
    rolls back). Returns (elapsed, their totals, their log, whether they had to be stopped)."""
    log = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed in the finally below)
    workers = [
        subprocess.Popen(
            [sys.executable, str(HERE / "_sweep_worker.py"), str(batch_size), str(max_seconds)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            env=dict(os.environ),
            start_new_session=True,
        )
        for _ in range(processes)
    ]
    try:
        for w in workers:
            assert w.stdout is not None
            if w.stdout.readline().strip() != "ready":
                raise BenchError("a sweeper process failed to start")
        began = time.perf_counter()
        for w in workers:
            assert w.stdin is not None
            w.stdin.write("go\n")
            w.stdin.flush()
        outputs, stopped = [], False
        for w in workers:
            left = max(0.1, began + max_seconds + 5 - time.perf_counter())
            try:
                out, _ = w.communicate(timeout=left)
                outputs.append(json.loads(out.strip().splitlines()[-1]))
            except subprocess.TimeoutExpired:
                stopped = True
                stop_process_group(w, grace=0.5)
        elapsed = time.perf_counter() - began
        log.seek(0)
        return elapsed, outputs, log.read(), stopped
    finally:
        for w in workers:
            stop_process_group(w, grace=5)
        log.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deadlines", type=int, default=20000)
    parser.add_argument("--merchants", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--max-seconds", type=float, default=60.0)
    parser.add_argument("--profile-batch", type=int, default=100)
    args = parser.parse_args()
    exit_on_signals()
    started = time.perf_counter()

    bench_django()
    from anxin.core.sweeper import deadline_sweep

    world = seed_world(merchants=args.merchants, orders_per_merchant=50)
    template = open_template_case(world)
    load_before = machine_note()

    # raw SQL first: it claims every due deadline, so the Django set is seeded after it ran
    raw_ids = seed_due(world, template, total=args.deadlines, prefix="R")
    vacuum_analyze("cases_case", "cases_caseevent", "core_deadline")
    per_client = -(-args.deadlines // (args.batch_size * args.processes)) + 1
    raw = run_pgbench(SQL / "sweep.sql", clients=args.processes, transactions=per_client, threads=2)
    raw_states = deadline_states(raw_ids)
    raw_rate = raw_states.get("fired", 0) / raw.elapsed

    ids = seed_due(world, template, total=args.deadlines, prefix="D")
    vacuum_analyze("cases_case", "cases_caseevent", "core_deadline", "core_auditentry")
    with WaitSampler() as waits:
        elapsed, outputs, log, stopped = run_sweepers(
            args.processes, args.batch_size, args.max_seconds
        )
    states = deadline_states(ids)
    rate = states.get("fired", 0) / elapsed
    batch_times = [b for o in outputs for b in o["batches"]]

    # two small batches in-process, one sweeper alone: its queries, then where the time goes
    small = args.profile_batch
    seed_due(world, template, total=2 * small, prefix="P")
    vacuum_analyze("core_deadline")
    one_began, one_cpu = time.perf_counter(), time.process_time()
    result, queries = count_queries(lambda: deadline_sweep(batch_size=small))
    alone = result.fired / (time.perf_counter() - one_began)
    cpu_each = (time.process_time() - one_cpu) / max(result.fired, 1)
    profile = profile_top(lambda: deadline_sweep(batch_size=small))

    ratio = rate / raw_rate if raw_rate else float("nan")
    print(
        f"P3 deadline sweep — PostgreSQL, {args.deadlines} due auto-approvals over "
        f"{args.merchants} merchants, {args.processes} sweepers, batches of {args.batch_size}"
    )
    print(
        f"  raw SQL sweep (pgbench, {args.processes} clients)   {raw_rate:8.0f} actions/s   "
        f"{raw_states.get('fired', 0)} fired in {raw.elapsed:.2f} s, "
        f"batch p50 {raw.pct(0.5) * 1000:.0f} ms"
    )
    totals = {k: sum(o[k] for o in outputs) for k in ("fired", "noop", "busy", "retried", "failed")}
    batches = (
        f", batch p50 {median(batch_times) * 1000:.0f} ms, "
        f"p99 {percentile(batch_times, 0.99) * 1000:.0f} ms"
        if batch_times
        else ""
    )
    print(
        f"  Django deadline_sweep ({args.processes} processes)   {rate:8.0f} actions/s   "
        f"{states.get('fired', 0)} fired in {elapsed:.2f} s{batches}"
    )
    if stopped:
        print(f"    the sweepers were stopped after {args.max_seconds:.0f} s (+5 s grace)")
    if outputs:
        print(f"    totals of the sweepers that finished: {totals}")
    print(f"    deadline states after: {states}")
    errors = re.findall(r"^\S+ \S+ ERROR .*$", log, flags=re.MULTILINE)
    if errors:
        kinds = Counter(
            m.group(0) for m in re.finditer(r"^[\w.]+(?:Error|Detected|Exception)\b.*$", log, re.M)
        )
        print(f"    {len(errors)} actions failed in the sweepers' log, by exception:")
        for text, n in kinds.most_common(5):
            print(f"      {n} × {text[:150]}")
    if states.get("pending", 0):
        print(
            f"    {states['pending']} still pending: not reached within --max-seconds, or pushed "
            "back after an error (retried)"
        )
    per_action = len(queries) / max(result.claimed, 1)
    print(
        f"  one sweeper alone, in-process batch of {small}: {alone:.0f} actions/s, "
        f"{len(queries)} queries ({per_action:.1f} per action), "
        f"{cpu_each * 1000:.1f} ms Python CPU per action (≈ {1 / cpu_each:.0f}/s per core at most)"
    )
    print(waits.report("the Django sweep"))
    print(f"  {load_before}  →  after: {machine_note().split(', ', 1)[1]}")
    ok_rate = "OK" if rate >= RATE_TARGET else "BELOW TARGET"
    ok_ratio = "OK" if ratio >= RATIO_TARGET else "BELOW TARGET"
    print(f"  rate = {rate:.0f} actions/s   (target ≥ {RATE_TARGET}: {ok_rate})")
    print(f"  ratio django/raw = {ratio:.2f}   (target ≥ {RATIO_TARGET}: {ok_ratio})")
    print(f"  wall time {time.perf_counter() - started:.0f} s")
    print("  the queries of one action (from the in-process batch):")
    print(query_summary(queries[: 2 + int(per_action) + 2], limit=40))
    print(f"\n--- cProfile, one in-process batch of {small} ---")
    print(profile)


if __name__ == "__main__":
    main()
