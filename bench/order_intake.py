"""Order intake throughput: full HTTP stack vs service vs raw SQL, side by side.

.venv/bin/python bench/order_intake.py [--orders 400]
"""

from __future__ import annotations

import argparse
import json
import time
import uuid

from _setup import django_ready


def payload(i: int, merchant: str | None = None) -> dict:
    return {
        "external_id": f"B{i}",
        **({"merchant": merchant} if merchant else {}),
        "customer": {
            "external_id": f"c{i % 500}",
            "name": "王小明",
            "phone": "13800001111",
            "address": "杭州市西湖区文三路1号",
        },
        "placed_at": "2026-11-01T10:00:00+08:00",
        "shipping_fee": "0.00",
        "lines": [
            {
                "external_id": "L1",
                "sku": "TS-1",
                "product_name": "T恤",
                "category": "apparel-clothing",
                "quantity": 2,
                "unit_price": "99.00",
                "paid_amount": "180.00",
            },
            {
                "external_id": "L2",
                "sku": "SK-1",
                "product_name": "袜子",
                "category": "apparel-underwear",
                "quantity": 1,
                "unit_price": "19.00",
                "paid_amount": "17.00",
            },
        ],
        "tenders": [{"method": "alipay", "amount": "197.00"}],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=400)
    n = parser.parse_args().orders
    vendor = django_ready()

    from django.db import connection, transaction
    from django.test import Client

    from anxin.accounts.services import api_token_create
    from anxin.catalog.inputs import OrderIn
    from anxin.catalog.services import merchant_create, order_upsert
    from anxin.core.actors import SYSTEM, Actor, Role

    shop = merchant_create(actor=SYSTEM, code="bench", name="Bench", status="active")
    token = api_token_create(actor=SYSTEM, name="bench", merchant_id=shop.pk).raw
    client = Client()
    headers = {"Authorization": f"Bearer {token}"}
    actor = Actor(role=Role.INTEGRATOR, token_id=1, merchant_ids=frozenset({shop.pk}))

    def http(i: int) -> None:
        body = json.dumps(payload(i)).encode()
        response = client.post(
            "/api/v1/orders", body, content_type="application/json", headers=headers
        )
        assert response.status_code == 201, response.content

    def service(i: int) -> None:
        order_upsert(actor=actor, data=OrderIn.model_validate(payload(100_000 + i)))

    def raw_sql(i: int) -> None:
        # the same rows the service writes for a new order: customer, SKU, order, 2 lines, tender
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(
                "INSERT INTO catalog_customer (public_id, created_at, updated_at, merchant_id,"
                " external_id, name, phone, phone_hash, address) VALUES"
                " (%s, now(), now(), %s, %s, 'x', 'x', 'x', 'x') RETURNING id"
                if vendor == "postgresql"
                else "INSERT INTO catalog_customer (public_id, created_at, updated_at, merchant_id,"
                " external_id, name, phone, phone_hash, address) VALUES"
                " (%s, datetime('now'), datetime('now'), %s, %s, 'x', 'x', 'x', 'x') RETURNING id",
                [str(uuid.uuid4()), shop.pk, f"raw{i}"],
            )
            customer = cur.fetchone()[0]
            cur.execute(
                "INSERT INTO catalog_order (public_id, created_at, updated_at, number, merchant_id,"
                " external_id, customer_id, currency, placed_at, shop_status, goods_total,"
                " discount_total, shipping_fee, paid_total, promotions, content_hash) VALUES"
                " (%s, %s, %s, %s, %s, %s, %s, 'CNY', %s, 'paid', 217, 20, 0, 197, '[]', '')"
                " RETURNING id",
                [
                    str(uuid.uuid4()),
                    "2026-11-01",
                    "2026-11-01",
                    f"RAW{i}",
                    shop.pk,
                    f"R{i}",
                    customer,
                    "2026-11-01T02:00:00Z",
                ],
            )
            order = cur.fetchone()[0]
            cur.execute("SELECT id FROM catalog_sku WHERE merchant_id = %s LIMIT 1", [shop.pk])
            sku = cur.fetchone()[0]
            for ext, qty, paid in (("L1", 2, 180), ("L2", 1, 17)):
                cur.execute(
                    "INSERT INTO catalog_orderline (order_id, external_id, sku_id, product_name,"
                    " quantity, unit_price, paid_amount, is_gift, gift_value) VALUES"
                    " (%s, %s, %s, 'T', %s, 99, %s, false, 0)",
                    [order, ext, sku, qty, paid],
                )
            cur.execute(
                "INSERT INTO catalog_paymenttender (order_id, method, amount) VALUES (%s, 'alipay', 197)",
                [order],
            )

    results = {}
    for name, fn in (("http", http), ("service", service), ("raw_sql", raw_sql)):
        fn(-1 - len(results))  # warm-up
        start = time.perf_counter()
        for i in range(n):
            fn(i)
        results[name] = n / (time.perf_counter() - start)

    print(f"order intake on {vendor}, {n} new orders per path (2 lines, 1 tender)")
    for name, rate in results.items():
        print(f"  {name:<8} {rate:8.1f} orders/s")
    print(f"  ratio http/raw_sql    = {results['http'] / results['raw_sql']:.2f}")
    print(f"  ratio service/raw_sql = {results['service'] / results['raw_sql']:.2f}")
    print(f"  ratio http/service    = {results['http'] / results['service']:.2f}")


if __name__ == "__main__":
    main()
