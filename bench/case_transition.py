"""P2: a case transition over HTTP vs the same transition in raw SQL (pgbench), side by side.

HTTP: ``POST /api/v1/cases/{number}/actions/approve`` through gunicorn (4 sync workers, Unix
socket), with merchant API tokens, every request on a different case seeded in merchant_review
(client ``i`` acts for merchant ``i % --merchants``). Raw: ``bench/sql/case_transition.sql``
(``SELECT … FOR UPDATE``, ``UPDATE`` status, ``INSERT`` event) with 8 pgbench clients.
Target (QUALITY.md P2): http/raw ≥ 0.5.

.venv/bin/python bench/case_transition.py [--duration 10] [--clients 16] [--merchants 4] [--profile]
Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/anxin_bench; created
if missing, flushed and migrated) and pgbench.
"""

from __future__ import annotations

import argparse
import time
from datetime import timedelta

from _cases import (
    SQL,
    Request,
    WaitSampler,
    WorkQueues,
    bench_django,
    cost_line,
    count_queries,
    exit_on_signals,
    gunicorn,
    http_call,
    in_process_cost,
    machine_note,
    open_template_case,
    print_http_vs_raw,
    profile_top,
    query_summary,
    run_load,
    run_pgbench,
    seed_cases,
    seed_world,
    vacuum_analyze,
)

TARGET = 0.5


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=16, help="HTTP clients (8–32)")
    parser.add_argument("--pg-clients", type=int, default=8)
    parser.add_argument("--merchants", type=int, default=4)
    parser.add_argument("--cases", type=int, default=8000, help="cases seeded for HTTP")
    parser.add_argument("--raw-cases", type=int, default=10000, help="cases seeded for pgbench")
    parser.add_argument("--profile", action="store_true", help="cProfile 30 in-process requests")
    args = parser.parse_args()
    exit_on_signals()
    started = time.perf_counter()

    bench_django()
    from django.test import Client

    from anxin.cases.models import CaseEvent

    world = seed_world(merchants=args.merchants + 1, orders_per_merchant=200)
    raw_shop = world.merchants.pop()
    raw_lines = [ln for ln, _ref in world.lines.pop(raw_shop.pk)]
    template = open_template_case(world)
    per_merchant = -(-args.cases // args.merchants)
    numbers: dict[int, list[str]] = {}
    for m, shop in enumerate(world.merchants):
        cases = seed_cases(
            template=template,
            line_ids=[ln for ln, _ref in world.lines[shop.pk]],
            merchant_id=shop.pk,
            count=per_merchant + 60,  # + the in-process requests (query count, cost, profile)
            prefix=f"H{m:02d}",
            due_in=timedelta(hours=48),
        )
        numbers[shop.pk] = [c.number for c in cases]
    raw_cases = seed_cases(
        template=template,
        line_ids=raw_lines,
        merchant_id=raw_shop.pk,
        count=args.raw_cases,
        prefix="R",
        due_in=timedelta(hours=48),
    )
    vacuum_analyze("cases_case", "cases_caseevent", "core_deadline", "core_auditentry")
    tokens = {
        pk: {
            "Host": "localhost",
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
        }
        for pk, token in world.merchant_tokens.items()
    }

    # Queries of one request, measured in-process (the same code path gunicorn runs).
    client = Client()
    shop = world.merchants[-1].pk

    def approve_one() -> None:
        number = numbers[shop].pop()
        response = client.post(
            f"/api/v1/cases/{number}/actions/approve",
            b"{}",
            content_type="application/json",
            headers=tokens[shop],
        )
        assert response.status_code == 200, response.content

    approve_one()  # warm caches (imports, translations)
    _, queries = count_queries(approve_one)
    wall, cpu = in_process_cost(approve_one, 20)
    profile = profile_top(lambda: [approve_one() for _ in range(30)]) if args.profile else ""

    queues = WorkQueues(numbers)

    def next_request(index: int) -> Request | None:
        item = queues.take(index)
        if item is None:
            return None
        merchant, number = item
        path = f"/api/v1/cases/{number}/actions/approve"
        return ("POST", path, b"{}", tokens[merchant])

    load_before = machine_note()
    with gunicorn(workers=4) as sock:
        for i in range(4 * 4):  # warm every worker: imports, its database connection
            request = next_request(i)
            assert request is not None
            status, payload = http_call(sock, *request)
            assert status == 200, payload[:500]
        raw = run_pgbench(
            SQL / "case_transition.sql",
            clients=args.pg_clients,
            duration=args.duration,
            variables={
                "mincase": min(c.pk for c in raw_cases),
                "maxcase": max(c.pk for c in raw_cases),
            },
        )
        before = CaseEvent.objects.filter(action="approve", actor__startswith="token:").count()
        with WaitSampler() as waits:
            http = run_load(
                sock,
                clients=args.clients,
                duration=args.duration,
                next_request=next_request,
                expect=200,
            )
        approved = (
            CaseEvent.objects.filter(action="approve", actor__startswith="token:").count() - before
        )

    print_http_vs_raw(
        title=f"P2 case transition (approve) — PostgreSQL, {args.duration:.0f} s per path, "
        f"{args.merchants} merchants, gunicorn 4 sync workers on a Unix socket",
        raw=raw,
        raw_label=f"raw SQL (pgbench, {args.pg_clients} clients)",
        http=http,
        http_label=f"HTTP POST …/actions/approve ({args.clients} clients)",
        queries=queries,
        target=TARGET,
        load_before=load_before,
    )
    print(f"  approvals recorded during the HTTP run: {approved} (200 responses: {http.ok})")
    print(f"  wall time {time.perf_counter() - started:.0f} s")
    print(cost_line("POST …/actions/approve", wall, cpu))
    print(waits.report())
    print("  the queries of one request:")
    print(query_summary(queries, limit=80))
    if profile:
        print("\n--- cProfile, 30 in-process approvals ---")
        print(profile)


if __name__ == "__main__":
    main()
