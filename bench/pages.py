"""Page latency: the main pages, rendered server-side with 10,000 demo orders and their demo cases.

Every page of ``PAGES`` is requested in-process through Django's test client (the whole middleware
stack, sessions, templates; no network, no static files), signed in as its demo user with
``force_login``: warm-up requests first, then ``--requests`` timed ones. Per page it prints p50,
p95 and max wall time in ms, the median CPU time (a loaded machine inflates wall time, not CPU
time), the queries of one request (and their SQL time) and PASS/FAIL of the p95 against the
target (issue: "< 150 ms p95 with 10,000 demo orders"). Side by side, in the same run: the bare
cost of a signed-in request (``GET /``, the role redirect: sessions, auth, middleware, no page),
and each page's p50 as a multiple of it. A page that answers anything but 200 is reported as an
error with its status, never skipped.

.venv/bin/python bench/pages.py [--requests 30] [--reuse] [--orders 10000] [--only merchant]
                                [--show-queries] [--profile "merchant queue"]

The database is a dedicated SQLite file, var/bench_pages.sqlite3, rebuilt by every run (migrate +
``demo_data --orders 10000``, which opens 6 % of the orders as cases) unless ``--reuse`` finds it
loaded; with ``DATABASE_URL=postgres://…`` it is that database instead (created if missing, flushed
when rebuilt; its name must contain "bench").
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = ROOT / "var" / "bench_pages.sqlite3"
TARGET_MS = 150.0
SEED = 2026


# --- what is measured: (name, username, path or callable(user) -> path) ---------------------------


def consumer_order(user: Any) -> str:
    from anxin.accounts.services import actor_for_user
    from anxin.catalog.models import Order

    order = Order.objects.for_actor(actor_for_user(user)).order_by("-placed_at").first()
    return f"/my/orders/{order.public_id}/" if order else "/my/orders/<none in scope>/"


def case_number(prefix: str) -> Callable[[Any], str]:
    """The path of the user's latest open case (any, if all are finished)."""

    def path(user: Any) -> str:
        from anxin.accounts.services import actor_for_user
        from anxin.cases.choices import TERMINAL
        from anxin.cases.models import Case

        cases = Case.objects.for_actor(actor_for_user(user)).order_by("-created_at")
        case = cases.exclude(status__in=TERMINAL).first() or cases.first()
        return f"{prefix}{case.number}/" if case else f"{prefix}<none in scope>/"

    return path


Page = tuple[str, str, "str | Callable[[Any], str]"]


def ticket_number(prefix: str) -> Callable[[Any], str]:
    """The newest ticket the user may see."""

    def path(user: Any) -> str:
        from anxin.accounts.services import actor_for_user
        from anxin.tickets.models import Ticket

        ticket = Ticket.objects.for_actor(actor_for_user(user)).order_by("-created_at").first()
        return f"{prefix}{ticket.number}/" if ticket else prefix

    return path


PAGES: list[Page] = [
    ("consumer home", "consumer", "/my/"),
    ("consumer orders", "consumer", "/my/orders/"),
    ("consumer order", "consumer", consumer_order),
    ("consumer requests", "consumer", "/my/requests/"),
    ("consumer request", "consumer", case_number("/my/requests/")),
    ("merchant dashboard", "merchant", "/shop/"),
    ("merchant queue", "merchant", "/shop/cases/"),
    ("merchant queue, overdue", "merchant", "/shop/cases/?overdue=1"),
    ("merchant case", "merchant", case_number("/shop/cases/")),
    ("merchant admin queue", "merchant_admin", "/shop/cases/"),
    ("console home", "agent", "/console/"),
    ("console cases", "agent", "/console/cases/"),
    ("console board", "agent", "/console/board/"),
    ("console case", "agent", case_number("/console/cases/")),
    ("console cases (arbitrator)", "arbitrator", "/console/cases/"),
    ("console tickets", "agent", "/console/tickets/"),
    ("console ticket", "agent", ticket_number("/console/tickets/")),
    ("console performance", "agent", "/console/tickets/performance/"),
    ("consumer tickets", "consumer", "/my/tickets/"),
    ("manage home", "admin", "/manage/"),
    ("manage merchants", "admin", "/manage/merchants/"),
]
BASELINE = "/"  # the role redirect: a signed-in request that renders nothing


# --- set-up -----------------------------------------------------------------------------------------


def django_ready(db: Path) -> str:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("ANXIN_DEBUG", "false")
    os.environ.setdefault("ANXIN_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("ANXIN_LOG_LEVEL", "WARNING")
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{db}")
    if os.environ["DATABASE_URL"].startswith(("postgres://", "postgresql://")):
        from _cases import database_create_if_missing

        database_create_if_missing(os.environ["DATABASE_URL"])
    import django

    django.setup()
    from django.db import connection

    return connection.vendor


def database_build(*, orders: int, reuse: bool) -> str:
    """Migrate, and load the demo world with its cases unless ``reuse`` finds it loaded."""
    from django.core.management import call_command
    from django.db import connection

    if reuse:
        call_command("migrate", verbosity=0)
        from anxin.cases.models import Case
        from anxin.catalog.models import Order

        if Order.objects.count() >= orders and Case.objects.exists():
            return f"reused ({Order.objects.count():,} orders, {Case.objects.count():,} cases)"
    name = str(connection.settings_dict["NAME"])
    if "bench" not in Path(name).name:
        raise SystemExit(
            f"benchmark cannot run: refusing to rebuild {name!r} (not a bench database)"
        )
    if connection.vendor == "sqlite":
        connection.close()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{name}{suffix}").unlink(missing_ok=True)
        Path(name).parent.mkdir(parents=True, exist_ok=True)
        call_command("migrate", verbosity=0)
    else:
        call_command("migrate", verbosity=0)
        call_command("flush", interactive=False, verbosity=0)
        from anxin.catalog.models import Category
        from anxin.catalog.reference import categories_install
        from anxin.policies.models import Policy, Reason
        from anxin.policies.reference import reference_install

        # flush removed the reference rows the data migrations installed
        categories_install(Category)
        reference_install(Policy, Reason, Category)
    started = time.perf_counter()
    call_command("demo_data", orders=orders, seed=SEED, stdout=open(os.devnull, "w"))  # noqa: SIM115
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # planner statistics, as autovacuum would have them by now
    from anxin.cases.models import Case

    return (
        f"built in {time.perf_counter() - started:.0f} s "
        f"({orders:,} orders, {Case.objects.count():,} cases)"
    )


# --- measuring --------------------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered) + 0.5) - 1))]


class SqlTimer:
    """Times every query of the block precisely (Django's captured times round to 1 ms)."""

    def __init__(self) -> None:
        self.queries: list[tuple[float, str]] = []

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append(((time.perf_counter() - started) * 1000, sql))


def measure(client: Any, path: str, *, warmup: int, requests: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        response = client.get(path)
        if response.status_code != 200:
            where = response.get("Location", "")
            return {"error": f"{response.status_code}" + (f" → {where}" if where else "")}
    times, cpu = [], []
    for _ in range(requests):
        started, cpu_started = time.perf_counter(), time.process_time()
        client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    timer = SqlTimer()
    with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(timer):
        client.get(path)
    return {
        "p50": statistics.median(times),
        "p95": percentile(times, 0.95),
        "max": max(times),
        "cpu": statistics.median(cpu),
        "queries": len(captured.captured_queries),
        "sql_ms": sum(ms for ms, _ in timer.queries),
        "slowest": sorted(timer.queries, reverse=True)[:3],
    }


def baseline(client: Any, *, requests: int) -> float:
    for _ in range(3):
        client.get(BASELINE)
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        client.get(BASELINE)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def profile(name: str, rows: list[Any], clients: dict[str, Any]) -> str:
    import cProfile
    import io
    import pstats

    for page, username, path, result in rows:
        if page == name and "error" not in result:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(10):
                clients[username].get(path)
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
            return out.getvalue()
    return f"(no measured page named {name!r})"


def machine_note() -> str:
    one, five, _ = os.getloadavg()
    return f"machine: {os.cpu_count()} cores, load average {one:.1f} (1 min) / {five:.1f} (5 min)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=3, help="untimed requests per page first")
    parser.add_argument("--orders", type=int, default=10_000)
    parser.add_argument("--reuse", action="store_true", help="reuse the database if loaded")
    parser.add_argument("--db", type=Path, default=DEFAULT_DB, help="SQLite file (no DATABASE_URL)")
    parser.add_argument("--only", default="", help="pages whose name contains this")
    parser.add_argument("--target-ms", type=float, default=TARGET_MS)
    parser.add_argument(
        "--profile", default="", help="cProfile the page of this name (10 requests)"
    )
    parser.add_argument(
        "--show-queries", action="store_true", help="the 3 slowest queries of each page over target"
    )
    args = parser.parse_args()
    vendor = django_ready(args.db.resolve())
    load_before = machine_note()
    print(f"database: {vendor}, {database_build(orders=args.orders, reuse=args.reuse)}")
    gc.collect()  # the build's garbage would otherwise be collected during the first pages

    from django.test import Client

    from anxin.accounts.models import User

    users: dict[str, Any] = {}
    clients: dict[str, Client] = {}
    rows = []
    for name, username, target in PAGES:
        if args.only and args.only not in name:
            continue
        if username not in users:
            user = User.objects.filter(username=username).first()
            if user is None:
                rows.append((name, username, "", {"error": f"no user {username!r}"}))
                continue
            users[username] = user
            clients[username] = Client(raise_request_exception=False)
            clients[username].force_login(user)
        path = target(users[username]) if callable(target) else target
        result = measure(clients[username], path, warmup=args.warmup, requests=args.requests)
        rows.append((name, username, path, result))

    base = {u: baseline(c, requests=args.requests) for u, c in clients.items()}
    profiled = profile(args.profile, rows, clients) if args.profile else ""
    print(f"{args.requests} requests per page after {args.warmup} warm-up; in-process test client")
    print(
        f"bare signed-in request (GET {BASELINE}, role redirect), p50: "
        + ", ".join(f"{u} {ms:.1f} ms" for u, ms in base.items())
    )
    print()
    header = (
        f"{'page':<28} {'user':<15} {'p50':>7} {'p95':>7} {'max':>7} {'cpu p50':>7} {'queries':>7} "
        f"{'sql ms':>7} {'×bare':>6}  verdict   path"
    )
    print(header)
    print("-" * len(header))
    failed = errors = 0
    for name, username, path, r in rows:
        if "error" in r:
            errors += 1
            print(f"{name:<28} {username:<15} {'ERROR ' + r['error']:<50}  {path}")
            continue
        ok = r["p95"] < args.target_ms
        failed += not ok
        ratio = r["p50"] / base[username] if base.get(username) else float("nan")
        print(
            f"{name:<28} {username:<15} {r['p50']:7.1f} {r['p95']:7.1f} {r['max']:7.1f} {r['cpu']:7.1f} "
            f"{r['queries']:7d} {r['sql_ms']:7.1f} {ratio:6.1f}  {'PASS' if ok else 'FAIL':<8}  {path}"
        )
        if args.show_queries and not ok:
            for ms, sql in r["slowest"]:
                print(f"    {ms:6.1f} ms  {sql[:160]}")
    print()
    measured = len(rows) - errors
    print(
        f"{measured - failed} of {len(rows)} pages under {args.target_ms:.0f} ms p95; "
        f"{failed} over, {errors} not answering 200"
    )
    print(f"{load_before}  →  after: {machine_note().split(', ', 1)[1]}")
    if profiled:
        print(f"\n--- cProfile, 10 requests of {args.profile!r} ---\n{profiled}")


if __name__ == "__main__":
    main()
