"""The daily merchant-credit computation over 30 merchants and 100,000 after-sales requests, vs
the bare SQL of its aggregate queries in the same run.

Seeds ``--merchants`` shops with ``--cases`` requests in all (one delivered order line per
request; review steps, refunds, disputes, satisfaction surveys) with ``anxin.credit.demo.
synthetic`` (bulk_create, rows only), in three categories, some shops ordinary and some bad.
Then measures, ``--runs`` times each, median reported:

  bare SQL:   the six GROUP BY queries ``credit_recompute`` issues (``figures.QUERIES``), their
              compiled SQL run with a cursor and fetched — the database's share of the work;
  recompute:  ``credit_recompute(sanctions=False)`` — figures, scores, one snapshot per merchant
              for the day (an upsert), tier changes; then once with the ladder (``sanctions=True``).

and prints the ratio recompute / bare SQL (≈ 1: the job is the database's aggregates and little
else). On PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/anxin_credit_bench;
created if missing, flushed and migrated); with DATABASE_URL=sqlite:///… on SQLite.

.venv/bin/python bench/credit_recompute.py [--merchants 30] [--cases 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/anxin_credit_bench"


def _database() -> None:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    os.environ.setdefault("ANXIN_LOG_LEVEL", "WARNING")
    url = os.environ["DATABASE_URL"]
    if url.startswith(("postgres://", "postgresql://")):
        from _cases import database_create_if_missing

        if "bench" not in url.rsplit("/", 1)[-1]:
            raise SystemExit(f"refusing to flush a database whose name lacks 'bench': {url}")
        database_create_if_missing(url)


def seed(merchants: int, cases: int) -> float:
    from anxin.catalog.models import Category
    from anxin.credit.demo.synthetic import Profile, synthetic_shop
    from anxin.credit.models import CreditThreshold
    from anxin.credit.reference import thresholds_install
    from anxin.policies.models import Policy, Reason
    from anxin.policies.reference import reference_install

    reference_install(Policy, Reason, Category)
    thresholds_install(CreditThreshold)  # flush removed what the data migrations installed
    bad = Profile(dispute_rate=0.25, ruled=0.7, loss=0.85, answered=0.6, refund_hours=150, csat=2.6)
    so_so = Profile(dispute_rate=0.1, loss=0.5, answered=0.85, refund_hours=80, csat=3.6)
    categories = ["apparel-clothing", "digital-phones", "appliances-small"]
    began = time.perf_counter()
    for m in range(merchants):
        share = cases // merchants + (1 if m < cases % merchants else 0)
        profile = bad if m % 10 == 9 else so_so if m % 10 == 8 else Profile()
        synthetic_shop(
            code=f"cb{m:02d}", cases=share, profile=profile, category=categories[m % 3], seed=m
        )
    return time.perf_counter() - began


def analyze() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE")


def bare_sql(ids: list[int], since, until) -> tuple[float, int]:
    """The six aggregate queries' own SQL, run and fetched through a cursor."""
    from django.db import connection

    from anxin.credit.figures import QUERIES

    compiled = [build(ids, since, until).query.sql_with_params() for build in QUERIES.values()]
    rows = 0
    began = time.perf_counter()
    with connection.cursor() as cur:
        for sql, params in compiled:
            cur.execute(sql, params)
            rows += len(cur.fetchall())
    return time.perf_counter() - began, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--merchants", type=int, default=30)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    _database()
    from _setup import django_ready

    vendor = django_ready()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from anxin.catalog.models import Merchant
    from anxin.core import clock
    from anxin.credit.factors import WINDOW_DAYS
    from anxin.credit.models import CreditSnapshot
    from anxin.credit.recompute import credit_recompute, window_end

    load_before = os.getloadavg()
    seconds = seed(args.merchants, args.cases)
    analyze()
    from anxin.cases.models import Case

    total_cases = Case.objects.count()
    print(
        f"credit recompute — {vendor}, {args.merchants} merchants, {total_cases:,} requests "
        f"(seeded in {seconds:.1f} s with bulk_create), {args.runs} runs each, median"
    )
    now = clock.now()
    until = window_end(timezone.localdate(now), now)
    since = until - timedelta(days=WINDOW_DAYS)
    ids = sorted(Merchant.objects.values_list("pk", flat=True))
    bare_sql(ids, since, until)  # warm the caches the same way for both
    credit_recompute(sanctions=False)
    bare, parts, full = [], [], []
    for _ in range(args.runs):
        took, rows = bare_sql(ids, since, until)
        bare.append(took)
        began = time.perf_counter()
        result = credit_recompute(sanctions=False)
        full.append(time.perf_counter() - began)
        parts.append(result.seconds)
    with CaptureQueriesContext(connection) as queries:
        began = time.perf_counter()
        acted = credit_recompute(sanctions=True)
        with_ladder = time.perf_counter() - began
    b, f = statistics.median(bare), statistics.median(full)

    def part(key: str) -> float:
        return statistics.median(p.get(key, 0.0) for p in parts) * 1000

    print(f"  bare SQL of the 6 aggregate queries     {b * 1000:8.1f} ms   ({rows} rows)")
    print(
        f"  credit_recompute (no ladder)            {f * 1000:8.1f} ms   = figures {part('figures'):.1f}"
        f" + scores {part('scores'):.1f} + snapshots {part('snapshots'):.1f} ms"
    )
    print(
        f"  credit_recompute with the ladder        {with_ladder * 1000:8.1f} ms   "
        f"({len(queries.captured_queries)} queries, {len(acted.sanctions)} steps taken)"
    )
    print(f"  ratio recompute / bare SQL              {f / b:8.2f}")
    print(f"  per merchant                            {f / len(ids) * 1000:8.2f} ms")
    print(f"  snapshots for the day: {CreditSnapshot.objects.count()}")
    after = os.getloadavg()
    print(
        f"machine: {os.cpu_count()} cores, load average {load_before[0]:.1f} → {after[0]:.1f} (1 min)"
    )


if __name__ == "__main__":
    main()
