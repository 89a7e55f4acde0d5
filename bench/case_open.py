"""P1: opening a case over HTTP vs the same transaction in raw SQL (pgbench), side by side.

HTTP: ``POST /api/v1/cases`` through gunicorn (4 sync workers, Unix socket) with a platform API
token, ``--clients`` threads each opening cases on distinct delivered order lines for
``--duration`` seconds. Raw: ``bench/sql/case_open.sql`` (read the line, insert the case, its event
and its deadline) with 8 pgbench clients for as long. Target (QUALITY.md P1): http/raw ≥ 0.5.

.venv/bin/python bench/case_open.py [--duration 10] [--clients 16] [--merchants 4] [--profile]
Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/anxin_bench; created
if missing, flushed and migrated) and pgbench.
"""

from __future__ import annotations

import argparse
import json
import time

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
    seed_world,
    vacuum_analyze,
)

TARGET = 0.5


def body(order_ref: str) -> bytes:
    return json.dumps(
        {
            "order": order_ref,
            "line": "L1",
            "type": "return_refund",
            "reason": "no_reason/changed_mind",
            "quantity": 1,
        }
    ).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=16, help="HTTP clients (8–32)")
    parser.add_argument("--pg-clients", type=int, default=8)
    parser.add_argument("--merchants", type=int, default=4)
    parser.add_argument("--lines", type=int, default=8000, help="order lines seeded for HTTP")
    parser.add_argument("--profile", action="store_true", help="cProfile 30 in-process requests")
    args = parser.parse_args()
    exit_on_signals()
    started = time.perf_counter()

    bench_django()
    from django.test import Client

    from anxin.cases.models import Case

    per_merchant = -(-args.lines // args.merchants)
    # One more merchant whose lines only pgbench uses (a line with an open case is not claimable).
    world = seed_world(merchants=args.merchants + 1, orders_per_merchant=per_merchant)
    raw_shop = world.merchants.pop()
    raw_lines = [ln for ln, _ref in world.lines.pop(raw_shop.pk)]
    template = open_template_case(world)
    vacuum_analyze("catalog_order", "catalog_orderline", "cases_case", "core_deadline")
    headers = {
        "Host": "localhost",
        "Authorization": f"Bearer {world.platform_token}",
        "Content-Type": "application/json",
    }

    # Queries of one request, measured in-process (the same code path gunicorn runs).
    client = Client()
    shop = world.merchants[-1].pk

    def post_one() -> None:
        _line, ref = world.lines[shop].pop()
        response = client.post(
            "/api/v1/cases", body(ref), content_type="application/json", headers=headers
        )
        assert response.status_code == 201, response.content

    post_one()  # warm caches (imports, translations)
    _, queries = count_queries(post_one)
    wall, cpu = in_process_cost(post_one, 20)
    profile = profile_top(lambda: [post_one() for _ in range(30)]) if args.profile else ""

    queues = WorkQueues({m: [ref for _ln, ref in lines] for m, lines in world.lines.items()})

    def next_request(index: int) -> Request | None:
        item = queues.take(index)
        return None if item is None else ("POST", "/api/v1/cases", body(item[1]), headers)

    load_before = machine_note()
    with gunicorn(workers=4) as sock:
        for i in range(4 * 4):  # warm every worker: imports, its database connection
            request = next_request(i)
            assert request is not None
            status, payload = http_call(sock, *request)
            assert status == 201, payload[:500]
        raw = run_pgbench(
            SQL / "case_open.sql",
            clients=args.pg_clients,
            duration=args.duration,
            variables={
                "minline": min(raw_lines),
                "maxline": max(raw_lines),
                "template": template.pk,
            },
        )
        before = Case.objects.count()
        with WaitSampler() as waits:
            http = run_load(
                sock,
                clients=args.clients,
                duration=args.duration,
                next_request=next_request,
                expect=201,
            )
        created = Case.objects.count() - before

    print_http_vs_raw(
        title=f"P1 open a case — PostgreSQL, {args.duration:.0f} s per path, "
        f"{args.merchants} merchants, gunicorn 4 sync workers on a Unix socket",
        raw=raw,
        raw_label=f"raw SQL (pgbench, {args.pg_clients} clients)",
        http=http,
        http_label=f"HTTP POST /api/v1/cases ({args.clients} clients)",
        queries=queries,
        target=TARGET,
        load_before=load_before,
    )
    print(f"  cases created during the HTTP run: {created} (201 responses: {http.ok})")
    print(f"  wall time {time.perf_counter() - started:.0f} s")
    print(cost_line("POST /api/v1/cases", wall, cpu))
    print(waits.report())
    print("  the queries of one request:")
    print(query_summary(queries, limit=80))
    if profile:
        print("\n--- cProfile, 30 in-process POST /api/v1/cases ---")
        print(profile)


if __name__ == "__main__":
    main()
