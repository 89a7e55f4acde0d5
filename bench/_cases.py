"""Shared machinery of the case benchmarks (P1–P3): PostgreSQL set-up, bulk seeding, gunicorn,
a Python HTTP load generator over a Unix socket, and pgbench.

Everything here is for ``bench/*.py`` only; the test suite never imports it.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from http.client import HTTPConnection
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SQL = HERE / "sql"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/anxin_bench"
BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.local",
    "ANXIN_DEBUG": "false",
    "ANXIN_ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
    "ANXIN_LOG_LEVEL": "WARNING",
}


class BenchError(SystemExit):
    """A clear reason why a benchmark cannot run here (exits non-zero with the message)."""

    def __init__(self, message: str) -> None:
        super().__init__(f"benchmark cannot run: {message}")


# --- database -------------------------------------------------------------------------------------


def database_url() -> str:
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    for key, value in BENCH_ENV.items():
        os.environ.setdefault(key, value)
    url = os.environ["DATABASE_URL"]
    if not url.startswith(("postgres://", "postgresql://")):
        raise BenchError(f"this benchmark needs PostgreSQL (DATABASE_URL={url!r})")
    return url


def pg_params(url: str) -> dict[str, str]:
    parts = urlsplit(url)
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": str(parts.port or 5432),
        "user": unquote(parts.username or "postgres"),
        "password": unquote(parts.password or ""),
        "dbname": parts.path.lstrip("/") or "postgres",
    }


def database_create_if_missing(url: str) -> None:
    import psycopg
    from psycopg import sql

    p = pg_params(url)
    try:
        with psycopg.connect(
            host=p["host"],
            port=p["port"],
            user=p["user"],
            password=p["password"] or None,
            dbname="postgres",
            autocommit=True,
            connect_timeout=5,
        ) as conn:
            found = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [p["dbname"]]
            ).fetchone()
            if not found:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(p["dbname"])))
                print(f"(created database {p['dbname']})")
    except psycopg.OperationalError as exc:
        raise BenchError(f"PostgreSQL is unreachable at {p['host']}:{p['port']}: {exc}") from exc


def pgbench_path() -> str:
    found = shutil.which("pgbench")
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pgbench"))
    if candidates:
        return str(candidates[-1])
    raise BenchError(
        "pgbench is not installed; it measures the raw SQL side of the ratio (Debian/Ubuntu: it "
        "ships with the server package, e.g. apt-get install postgresql-15; elsewhere with "
        "postgresql-contrib)"
    )


def bench_django() -> str:
    """PostgreSQL (created if missing), flushed and migrated, reference rows installed."""
    url = database_url()
    database_create_if_missing(url)
    pgbench_path()
    from _setup import django_ready

    django_ready()
    from anxin.catalog.models import Category
    from anxin.policies.models import Policy, Reason
    from anxin.policies.reference import reference_install

    reference_install(Policy, Reason, Category)  # flush removed what the data migration installed
    return url


def vacuum_analyze(*tables: str) -> None:
    from django.db import connection

    with connection.cursor() as cur:
        for table in tables:
            cur.execute(f"VACUUM ANALYZE {table}")


# --- seeding ----------------------------------------------------------------------------------------


def bench_admin() -> Any:
    """A platform administrator, the actor that seeds merchants, addresses and tokens."""
    from anxin.core.actors import Actor, Role

    return Actor(role=Role.ADMIN, platform=True, user_id=1, label="bench")


@dataclass
class World:
    merchants: list[Any]
    # merchant id → its seeded orders as (line id, order public id); one line per order
    lines: dict[int, list[tuple[int, str]]]
    platform_token: str
    merchant_tokens: dict[int, str]


def seed_world(*, merchants: int, orders_per_merchant: int, customers: int = 50) -> World:
    """Delivered, signed orders (one line, one tender, one parcel) seeded with bulk_create, plus a
    default return address and an API token per merchant and one platform token."""
    from django.db import transaction

    from anxin.accounts.services import api_token_create
    from anxin.cases.services import return_address_create
    from anxin.catalog.models import (
        Category,
        Customer,
        Delivery,
        DeliveryLine,
        Merchant,
        Order,
        OrderLine,
        PaymentTender,
        Sku,
    )
    from anxin.catalog.services import merchant_create
    from anxin.core import clock

    admin = bench_admin()
    now = clock.now()
    placed, shipped, signed = (
        now - timedelta(days=3),
        now - timedelta(days=2),
        now - timedelta(days=1),
    )
    category = Category.objects.get(code="apparel-clothing")
    shops: list[Merchant] = []
    lines: dict[int, list[tuple[int, str]]] = {}
    tokens: dict[int, str] = {}
    for m in range(merchants):
        shop = merchant_create(
            actor=admin, code=f"bench{m}", name=f"Bench shop {m}", status="active"
        )
        shops.append(shop)
        return_address_create(
            actor=admin,
            merchant_id=shop.pk,
            label="上海仓",
            contact_name="王仓管",
            phone="02155550000",
            address="上海市青浦区华新镇华志路1号 安心退货仓",
        )
        tokens[shop.pk] = api_token_create(actor=admin, name=f"bench{m}", merchant_id=shop.pk).raw
        with transaction.atomic():
            sku = Sku.objects.create(merchant=shop, code="TS-1", name="T恤", category=category)
            buyers = Customer.objects.bulk_create(
                Customer(
                    merchant=shop,
                    external_id=f"c{i}",
                    name="王小明",
                    phone="13800001111",
                    address="杭州市西湖区文三路1号",
                )
                for i in range(customers)
            )
            orders = Order.objects.bulk_create(
                (
                    Order(
                        number=f"OD{m:02d}{i:08d}",
                        merchant=shop,
                        external_id=f"B{i}",
                        customer=buyers[i % customers],
                        placed_at=placed,
                        shop_status="delivered",
                        goods_total=Decimal("99.00"),
                        paid_total=Decimal("99.00"),
                    )
                    for i in range(orders_per_merchant)
                ),
                batch_size=2000,
            )
            order_lines = OrderLine.objects.bulk_create(
                (
                    OrderLine(
                        order=o,
                        external_id="L1",
                        sku=sku,
                        product_name="纯棉T恤",
                        quantity=1,
                        unit_price=Decimal("99.00"),
                        paid_amount=Decimal("99.00"),
                    )
                    for o in orders
                ),
                batch_size=2000,
            )
            PaymentTender.objects.bulk_create(
                (PaymentTender(order=o, method="alipay", amount=Decimal("99.00")) for o in orders),
                batch_size=2000,
            )
            parcels = Delivery.objects.bulk_create(
                (
                    Delivery(
                        order=o,
                        carrier="SF",
                        tracking_number=f"SF{m:02d}{i:08d}",
                        shipped_at=shipped,
                        signed_at=signed,
                    )
                    for i, o in enumerate(orders)
                ),
                batch_size=2000,
            )
            DeliveryLine.objects.bulk_create(
                (
                    DeliveryLine(delivery=d, line=ln, quantity=1)
                    for d, ln in zip(parcels, order_lines, strict=True)
                ),
                batch_size=2000,
            )
        lines[shop.pk] = [
            (ln.pk, str(o.public_id)) for ln, o in zip(order_lines, orders, strict=True)
        ]
    platform = api_token_create(actor=admin, name="bench-platform", merchant_id=None).raw
    return World(shops, lines, platform, tokens)


def open_template_case(world: World) -> Any:
    """One case opened through the real service: its policy snapshot and explanation are copied
    into bulk-seeded cases and the raw SQL rows, so every path stores the same amount of JSON."""
    from anxin.cases.inputs import CaseOpenIn
    from anxin.cases.services import case_open

    merchant = world.merchants[0]
    _line_id, order_ref = world.lines[merchant.pk].pop()
    return case_open(
        actor=bench_admin(),
        data=CaseOpenIn(
            order=order_ref,
            line="L1",
            type="return_refund",
            reason="no_reason/changed_mind",
            quantity=1,
        ),
    )


@dataclass(frozen=True, order=True)
class SeededCase:
    pk: int
    number: str


def seed_cases(
    *,
    template: Any,
    line_ids: list[int],
    merchant_id: int,
    count: int,
    prefix: str,
    due_in: timedelta,
    interleave: tuple[int, int] = (0, 1),
) -> list[SeededCase]:
    """``count`` cases in merchant_review (state_version 0) on ``line_ids`` (reused round-robin),
    each with its pending merchant-review deadline armed at version 0, due ``due_in`` from now.

    Rows are copied from ``template`` (a case opened by the service) server-side, column by column
    from the model, so they carry the same policy snapshot and explanation. ``interleave=(k, n)``
    spaces due times 1 ms × n apart, offset k: n seeded sets then alternate in due order, as cases
    of many merchants do.
    """
    from django.db import connection, transaction

    from anxin.cases.models import Case

    overrides = {
        "created_at": "now()",
        "updated_at": "now()",
        "public_id": "gen_random_uuid()",
        "number": "%(prefix)s || lpad(g::text, 9, '0')",
        "status": "'merchant_review'",
        "state_version": "0",
        "merchant_id": "%(merchant)s",
        "customer_id": "o.customer_id",
        "order_id": "o.id",
        "line_id": "l.id",
        "quantity": "1",
    }
    columns = [f.column for f in Case._meta.concrete_fields if not f.primary_key]
    values = [overrides.get(c, f"t.{c}") for c in columns]
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO cases_case ({', '.join(columns)})"
            f" SELECT {', '.join(values)}"
            " FROM generate_series(0, %(count)s - 1) g"
            " JOIN catalog_orderline l ON l.id = (%(lines)s::bigint[])[1 + g %% %(n)s]"
            " JOIN catalog_order o ON o.id = l.order_id"
            " JOIN cases_case t ON t.id = %(template)s"
            " ORDER BY g RETURNING id, number",
            {
                "prefix": prefix,
                "merchant": merchant_id,
                "count": count,
                "lines": line_ids,
                "n": len(line_ids),
                "template": template.pk,
            },
        )
        cases = sorted(SeededCase(pk, number) for pk, number in cur.fetchall())
        cur.execute(
            "INSERT INTO core_deadline (subject_type, subject_id, kind, action, rule, calendar,"
            " due_at, state, cancel_on_transition, armed_version, created_at, fired_at, attempts,"
            " outcome)"
            " SELECT 'cases.case', c.id, 'merchant_review', 'approve',"
            " 'P-2/P-3: merchant did not respond in time (48 h)', 'natural',"
            " now() + %(due)s + (c.rank * %(n)s + %(k)s) * interval '1 millisecond',"
            " 'pending', true, 0, now(), NULL, 0, ''"
            " FROM (SELECT id, row_number() OVER (ORDER BY id) - 1 AS rank FROM cases_case"
            "       WHERE id = ANY(%(ids)s)) c ORDER BY c.id",
            {
                "due": due_in,
                "ids": [c.pk for c in cases],
                "k": interleave[0],
                "n": interleave[1],
            },
        )
    return cases


# --- gunicorn ---------------------------------------------------------------------------------------


class UnixHTTPConnection(HTTPConnection):
    def __init__(self, path: str, timeout: float = 30.0) -> None:
        super().__init__("localhost", timeout=timeout)
        self.unix_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.unix_path)
        self.sock = sock


def http_call(
    path_sock: str, method: str, path: str, body: bytes | None, headers: dict[str, str]
) -> tuple[int, bytes]:
    # gunicorn's sync workers close the connection after every response (no keep-alive), so each
    # request opens a new (cheap) Unix-socket connection, as wrk would against the same server.
    conn = UnixHTTPConnection(path_sock)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


@contextlib.contextmanager
def gunicorn(*, workers: int = 4) -> Iterator[str]:
    """gunicorn (sync workers) on a Unix socket; yields the socket path; always stopped."""
    folder = Path(tempfile.mkdtemp(prefix="anxin-bench-"))
    sock = str(folder / "gunicorn.sock")
    log = folder / "gunicorn.log"
    env = {**os.environ, **{k: os.environ.get(k, v) for k, v in BENCH_ENV.items()}}
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--workers",
                str(workers),
                "--worker-class",
                "sync",
                "--bind",
                f"unix:{sock}",
                "--backlog",
                "2048",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise BenchError(f"gunicorn exited at start:\n{log.read_text()[-2000:]}")
            try:
                http_call(sock, "GET", "/api/v1/cases", None, {"Host": "localhost"})
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise BenchError(
                        f"gunicorn did not start:\n{log.read_text()[-2000:]}"
                    ) from None
                time.sleep(0.1)
        yield sock
    finally:
        stop_process_group(process)
        text = log.read_text(errors="replace") if log.exists() else ""
        if "Traceback" in text or "ERROR" in text:
            print(f"--- gunicorn log (errors) ---\n{text[-3000:]}", file=sys.stderr)
        shutil.rmtree(folder, ignore_errors=True)


def stop_process_group(process: subprocess.Popen[Any], grace: float = 10.0) -> None:
    """SIGTERM the process (and its group), then SIGKILL whatever is left after ``grace``."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(grace)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(5)


def exit_on_signals() -> None:
    """Turn SIGTERM/SIGHUP into SystemExit so ``finally`` blocks stop child processes."""

    def handler(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, handler)


# --- load generator ---------------------------------------------------------------------------------

Request = tuple[str, str, bytes | None, dict[str, str]]


@dataclass
class LoadResult:
    elapsed: float
    latencies: list[float] = field(default_factory=list)  # seconds, successful requests
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    exhausted: bool = False

    @property
    def ok(self) -> int:
        return len(self.latencies)

    @property
    def rate(self) -> float:
        return self.ok / self.elapsed if self.elapsed else 0.0

    def pct(self, q: float) -> float:
        return percentile(self.latencies, q)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run_load(
    sock: str,
    *,
    clients: int,
    duration: float,
    next_request: Callable[[int], Request | None],
    expect: int,
) -> LoadResult:
    """``clients`` threads, each sending ``next_request(client)`` back to back for ``duration``
    seconds (or until it returns None). Only responses with status ``expect`` count."""
    lock = threading.Lock()
    result = LoadResult(elapsed=0.0)
    clock: dict[str, float] = {}

    def go() -> None:  # runs once, when every client is at the gate
        clock["began"] = time.perf_counter()
        clock["stop_at"] = clock["began"] + duration

    start_gate = threading.Barrier(clients, action=go)

    def client(index: int) -> None:
        latencies: list[float] = []
        errors: list[str] = []
        exhausted = False
        start_gate.wait()
        stop_at = clock["stop_at"]
        while time.perf_counter() < stop_at:
            request = next_request(index)
            if request is None:
                exhausted = True
                break
            method, path, body, headers = request
            began = time.perf_counter()
            try:
                status, payload = http_call(sock, method, path, body, headers)
            except OSError as exc:
                errors.append(f"{type(exc).__name__}: {exc}")
                continue
            if status == expect:
                latencies.append(time.perf_counter() - began)
            else:
                errors.append(f"{status}: {payload[:300]!r}")
        with lock:
            result.latencies.extend(latencies)
            result.errors += len(errors)
            result.error_samples.extend(errors[: 3 - len(result.error_samples)])
            result.exhausted |= exhausted

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.elapsed = time.perf_counter() - clock["began"]
    return result


class WorkQueues:
    """Per-merchant queues of work items; client ``i`` draws from merchant ``i % n``."""

    def __init__(self, items: dict[int, list[Any]]) -> None:
        self.keys = list(items)
        self.queues = {k: deque(v) for k, v in items.items()}

    def take(self, client: int) -> tuple[int, Any] | None:
        key = self.keys[client % len(self.keys)]
        try:
            return key, self.queues[key].popleft()  # deque.popleft is atomic under the GIL
        except IndexError:
            return None


# --- pgbench ----------------------------------------------------------------------------------------


@dataclass
class PgbenchResult:
    transactions: int
    elapsed: float
    tps: float
    latencies: list[float]  # seconds
    failed: int
    output: str

    def pct(self, q: float) -> float:
        return percentile(self.latencies, q)


def run_pgbench(
    script: Path,
    *,
    clients: int,
    duration: float | None = None,
    transactions: int | None = None,
    variables: dict[str, Any] | None = None,
    threads: int = 2,
) -> PgbenchResult:
    """Run a pgbench script against DATABASE_URL; latencies come from pgbench's per-transaction
    log (``--log``), the rate from its own "tps" line (connection time excluded)."""
    p = pg_params(os.environ["DATABASE_URL"])
    folder = Path(tempfile.mkdtemp(prefix="anxin-pgbench-"))
    command = [
        pgbench_path(),
        "-n",
        "-h",
        p["host"],
        "-p",
        p["port"],
        "-U",
        p["user"],
        "-c",
        str(clients),
        "-j",
        str(min(threads, clients)),
        "-f",
        str(script),
        "--log",
        f"--log-prefix={folder / 'tx'}",
    ]
    command += ["-T", str(int(duration))] if duration else ["-t", str(transactions)]
    for key, value in (variables or {}).items():
        command += ["-D", f"{key}={value}"]
    command.append(p["dbname"])
    env = {**os.environ, "PGPASSWORD": p["password"]} if p["password"] else dict(os.environ)
    began = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300)
        elapsed = time.perf_counter() - began
        output = done.stdout + done.stderr
        if done.returncode != 0:
            raise BenchError(f"pgbench failed ({done.returncode}):\n{output[-3000:]}")
        latencies: list[float] = []
        for log in folder.glob("tx*"):
            for row in log.read_text().splitlines():
                cols = row.split()
                if len(cols) >= 3 and cols[2].isdigit():
                    latencies.append(int(cols[2]) / 1e6)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    tps = re.search(r"tps = ([\d.]+) \(without initial connection time\)", output)
    processed = re.search(r"number of transactions actually processed: (\d+)", output)
    failed = re.search(r"number of failed transactions: (\d+)", output)
    return PgbenchResult(
        transactions=int(processed.group(1)) if processed else len(latencies),
        elapsed=elapsed,
        tps=float(tps.group(1)) if tps else len(latencies) / elapsed,
        latencies=latencies,
        failed=int(failed.group(1)) if failed else 0,
        output=output,
    )


# --- query counts and profiles ----------------------------------------------------------------------


def count_queries(fn: Callable[[], Any]) -> tuple[Any, list[str]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        value = fn()
    return value, [q["sql"] for q in captured.captured_queries]


def query_summary(queries: list[str], limit: int = 40) -> str:
    """One line per query, shortened: the statement shape, not the values."""
    rows = []
    for sql in queries[:limit]:
        text = re.sub(r"\s+", " ", sql)
        text = re.sub(r"'[^']*'", "'…'", text)
        head = re.match(r"(SELECT .{0,60}?FROM \S+|\w+(?: \w+)? \S+)", text)
        rows.append(f"      {(head.group(1) if head else text)[:110]}")
    return "\n".join(rows)


def profile_top(fn: Callable[[], Any], *, limit: int = 20) -> str:
    """CPU profile of ``fn`` (cProfile timed with this process's CPU clock, so waiting for
    PostgreSQL or for the scheduler is left out): the functions with the most own CPU time, then
    Anxin's own functions by cumulative CPU time."""
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    try:
        fn()
    finally:
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    out.write("by own time:\n")
    stats.sort_stats("tottime").print_stats(limit)
    out.write("Anxin's functions by cumulative time:\n")
    stats.sort_stats("cumulative").print_stats(r"/anxin/", limit)
    text = out.getvalue().replace(str(ROOT) + "/", "").replace(sys.prefix + "/lib/", "")
    return re.sub(r"\n\s*\n+", "\n", text)


def fmt_ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def machine_note() -> str:
    """Load average and cores: a loaded machine moves absolute rates (and ratios, a little)."""
    one, five, _ = os.getloadavg()
    return f"machine: {os.cpu_count()} cores, load average {one:.1f} (1 min) / {five:.1f} (5 min)"


def print_http_vs_raw(
    *,
    title: str,
    raw: PgbenchResult,
    raw_label: str,
    http: LoadResult,
    http_label: str,
    queries: list[str],
    target: float,
    load_before: str,
) -> float:
    ratio = http.rate / raw.tps if raw.tps else float("nan")
    print(title)
    print(
        f"  {raw_label:<44} {raw.tps:8.1f} tx/s   "
        f"p50 {fmt_ms(raw.pct(0.5))}  p99 {fmt_ms(raw.pct(0.99))}  failed {raw.failed}"
    )
    print(
        f"  {http_label:<44} {http.rate:8.1f} req/s  "
        f"p50 {fmt_ms(http.pct(0.5))}  p99 {fmt_ms(http.pct(0.99))}  errors {http.errors}"
        + ("  (ran out of seeded work: seed more)" if http.exhausted else "")
    )
    for sample in http.error_samples:
        print(f"    error sample: {sample}")
    print(f"  queries per request (in-process, one request): {len(queries)}")
    print(f"  {load_before}  →  after: {machine_note().split(', ', 1)[1]}")
    verdict = "OK" if ratio >= target else "BELOW TARGET"
    print(f"  ratio http/raw = {ratio:.2f}   (target ≥ {target}: {verdict})")
    return ratio


def in_process_cost(fn: Callable[[], Any], n: int) -> tuple[float, float]:
    """Mean wall time and CPU time of this process (Django + psycopg, not PostgreSQL) per call,
    calling ``fn`` ``n`` times one after the other."""
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(n):
        fn()
    return (time.perf_counter() - wall) / n, (time.process_time() - cpu) / n


def cost_line(what: str, wall: float, cpu: float) -> str:
    return (
        f"  {what}, in-process, one at a time: {wall * 1000:.1f} ms wall, "
        f"{cpu * 1000:.1f} ms Python CPU each (≈ {1 / cpu:.0f}/s per core at most)"
    )


class WaitSampler:
    """Samples pg_stat_activity of the benchmark database every 20 ms while active: what the
    backends serving the run were doing (on CPU, waiting for the client, for a lock, for I/O)."""

    def __init__(self) -> None:
        self.samples: Counter[tuple[str, str]] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psycopg

        p = pg_params(os.environ["DATABASE_URL"])
        with psycopg.connect(
            host=p["host"],
            port=p["port"],
            user=p["user"],
            password=p["password"] or None,
            dbname=p["dbname"],
            autocommit=True,
        ) as conn:
            while not self._stop.is_set():
                rows = conn.execute(
                    "SELECT state, wait_event_type, wait_event, query FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    " AND backend_type = 'client backend' AND state <> 'idle'"
                ).fetchall()
                for state, kind, event, query in rows:
                    if kind == "Lock":
                        what = f"lock wait ({event}) in: {shorten(query)}"
                    elif kind == "Client":
                        what = f"{state}: waiting for the client (Python)"
                    elif kind:
                        what = f"{state}: {kind}:{event}"
                    else:
                        what = f"{state}: running in PostgreSQL"
                    self.samples[(kind or "", what)] += 1
                time.sleep(0.02)

    def __enter__(self) -> WaitSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(5)

    def report(self, during: str = "the HTTP run", limit: int = 6) -> str:
        total = sum(self.samples.values()) or 1
        lines = [f"  what busy backends did during {during} (share of {total} samples):"]
        for (_kind, what), n in self.samples.most_common(limit):
            lines.append(f"    {100 * n / total:5.1f} %  {what}")
        return "\n".join(lines)


def shorten(sql: str) -> str:
    text = re.sub(r"\s+", " ", sql)
    head = re.match(r"(SELECT .{0,40}?FROM \S+|\w+(?: \w+)? \S+)", text)
    locking = " … FOR UPDATE" if "FOR UPDATE" in text else ""
    return (head.group(1) if head else text)[:90] + locking
