"""Public reputation pages with 10,000 reviews: the merchant page and the product review list.

A shop with 10,000 delivered order lines of one product (synthetic history through
``anxin.credit.demo.synthetic``, rows written with ``bulk_create``) gets 10,000 published reviews
of that product (a fifth with a photo row, a tenth with a 追评, a third with the shop's reply, one in
eight negative), beside four peer shops of the same category. Its credit is computed for today
(``credit_recompute``) and the daily quality scan runs, as the scheduled jobs would. Then, in
process with Django's test client and no login (the whole middleware stack and templates; no
network, no static files; ``ANXIN_DEBUG=false``), every page of ``PAGES`` is requested: warm-up
requests first, then ``--requests`` timed ones. Per page it prints p50, p95 and max wall time in ms,
the queries of one request, PASS/FAIL of p95 against 150 ms (QUALITY.md), and the p50 as a multiple
of a bare anonymous request side by side in the same run (``GET /accounts/login/``: sessions,
middleware, one small template).

.venv/bin/python bench/reputation_pages.py [--reviews 10000] [--requests 30]

The database is a throw-away SQLite file unless ``DATABASE_URL`` names one (PostgreSQL: flushed; its
name must contain "bench").
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGET_MS = 150.0
SHOP = "bench-shop"
TEXTS = [
    "质量很好，做工细致，和图片一样，物流也快。",
    "尺码偏小，建议拍大一码，颜色和图片有点色差。",
    "Good quality for the price, arrived quickly and well packed.",
    "客服态度很好，退换货也方便，会回购。",
    "材质一般，洗了一次有点起球，性价比还行。",
    "The colour is darker than in the photos, but the fabric feels nice.",
]


def seed(reviews: int) -> float:
    from anxin.catalog.models import Customer, OrderLine
    from anxin.core import clock
    from anxin.credit.demo.synthetic import synthetic_shop
    from anxin.reviews.models import AppendedReview, MerchantReply, Review, ReviewPhoto

    started = time.perf_counter()
    for i in range(4):
        synthetic_shop(code=f"peer-{i}", cases=1500, seed=i)
    shop = synthetic_shop(code=SHOP, cases=reviews, seed=99)
    buyer = Customer.unscoped.get(merchant=shop)
    rng = random.Random(2026)
    now = clock.now()
    lines = list(OrderLine.objects.filter(order__merchant=shop).select_related("order", "sku"))
    rows = []
    for i, line in enumerate(lines):
        at = now - timedelta(minutes=7 * (len(lines) - i))
        stars = 1 if i % 8 == 0 else rng.choice([4, 5, 5, 5])
        rows.append(
            Review(
                line=line,
                order=line.order,
                customer=buyer,
                merchant=shop,
                sku=line.sku,
                stars=stars,
                description_stars=stars,
                text=TEXTS[i % len(TEXTS)] + f" #{i}",
                anonymous=i % 5 == 0,
                status="published",
                has_photos=i % 5 == 1,
                has_appended=i % 10 == 2,
                published_at=at,
                created_at=at,
            )
        )
    made = Review.unscoped.bulk_create(rows, batch_size=2000)
    ReviewPhoto.objects.bulk_create(
        [
            ReviewPhoto(
                review=r,
                part="review",
                file="reviews/bench.png",
                content_type="image/png",
                size=1024,
                width=64,
                height=64,
                sha256="0" * 64,
            )
            for r in made
            if r.has_photos
        ],
        batch_size=2000,
    )
    AppendedReview.objects.bulk_create(
        [
            AppendedReview(
                review=r,
                text="用了一个月，依然很好。",
                status="published",
                created_at=r.created_at + timedelta(days=30),
            )
            for r in made
            if r.has_appended
        ],
        batch_size=2000,
    )
    MerchantReply.objects.bulk_create(
        [
            MerchantReply(
                review=r,
                text="感谢您的评价，欢迎再次光临。",
                status="published",
                author="bench",
                replied_at=r.created_at + timedelta(hours=3),
            )
            for i, r in enumerate(made)
            if i % 3 == 0
        ],
        batch_size=2000,
    )
    return time.perf_counter() - started


def daily_jobs() -> None:
    from django.core.management import call_command

    from anxin.credit.recompute import credit_recompute

    credit_recompute(sanctions=False)
    call_command("quality_scan", verbosity=0)


def measure(client: Any, path: str, *, warmup: int, requests: int) -> dict[str, Any]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(warmup):
        response = client.get(path)
        if response.status_code != 200:
            return {"status": response.status_code}
    times = []
    for _ in range(requests):
        began = time.perf_counter()
        client.get(path)
        times.append((time.perf_counter() - began) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    times.sort()
    return {
        "status": 200,
        "p50": statistics.median(times),
        "p95": times[max(0, round(0.95 * len(times)) - 1)],
        "max": times[-1],
        "queries": len(queries.captured_queries),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=10_000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("ANXIN_DEBUG", "false")
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres") and "bench" not in url.rsplit("/", 1)[-1]:
        sys.exit("refusing a PostgreSQL database whose name lacks 'bench'")
    from _setup import django_ready

    vendor = django_ready()
    from django.test import Client

    from anxin.catalog.models import Sku

    load_before = os.getloadavg()
    seconds = seed(args.reviews)
    began = time.perf_counter()
    daily_jobs()
    jobs = time.perf_counter() - began
    sku = Sku.objects.get(merchant__code=SHOP)
    product = f"/merchants/{SHOP}/products/{sku.code}/reviews/"
    pages = [
        ("bare anonymous request", "/accounts/login/"),
        ("public merchant page", f"/merchants/{SHOP}/"),
        ("product reviews (all)", product),
        ("product reviews (with photos)", f"{product}?filter=with_photos"),
        ("product reviews (appended)", f"{product}?filter=appended"),
        ("product reviews (negative)", f"{product}?filter=negative"),
        ("public quality notices", "/notices/"),
    ]
    print(
        f"reputation pages — {vendor}, {args.reviews:,} reviews of one product "
        f"(seeded in {seconds:.1f} s; credit + quality daily jobs {jobs:.1f} s), "
        f"{args.requests} requests each, anonymous"
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    bare = None
    failed = False
    for name, path in pages:
        result = measure(client, path, warmup=3, requests=args.requests)
        if result["status"] != 200:
            print(f"  {name:<32} ERROR: HTTP {result['status']} for {path}")
            failed = True
            continue
        if bare is None:
            bare = result["p50"]
        verdict = "PASS" if result["p95"] < TARGET_MS else "FAIL"
        failed |= verdict == "FAIL"
        print(
            f"  {name:<32} p50 {result['p50']:6.1f} ms  p95 {result['p95']:6.1f}  "
            f"max {result['max']:6.1f}  {result['queries']:3d} queries  "
            f"{result['p50'] / bare:5.1f}× bare  {verdict}"
        )
    after = os.getloadavg()
    print(
        f"machine: {os.cpu_count()} cores, load average {load_before[0]:.1f} → {after[0]:.1f} (1 min)"
    )
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
