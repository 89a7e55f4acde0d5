"""POST/GET /api/v1/orders and deliveries: validation, idempotency and tenant scoping."""

import json
import uuid

import pytest
from django.test import Client

from anxin.accounts.models import ApiToken
from anxin.catalog.models import Customer, Order, OrderLine, PaymentTender
from anxin.core.actors import SYSTEM, Role
from anxin.core.models import AuditEntry
from conftest import ApiClient

from . import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def m1():
    return f.merchant("m1")


@pytest.fixture
def api(m1):
    return ApiClient(token=f.token_for(m1))


def test_an_order_is_created_with_its_lines_tenders_and_masked_customer(api):
    # when
    response = api.post("/orders", f.order_payload())
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["number"].startswith("OD")
    assert body["paid_total"] == "180.00"
    assert body["discount_total"] == "28.00"
    assert body["customer"] == {"external_id": "buyer-1", "name": "张*", "phone": "138****1234"}
    assert [line["external_id"] for line in body["lines"]] == ["L1", "L2"]
    order = Order.objects.get()
    assert order.promotions[0]["reduction"] == "28.00"
    assert OrderLine.objects.get(external_id="L2").gift_for.external_id == "L1"
    assert AuditEntry.objects.filter(action="catalog.order.create").count() == 1


def test_posting_the_same_order_again_is_idempotent_on_the_external_id(api):
    first = api.post("/orders", f.order_payload()).json()
    # when
    again = api.post("/orders", f.order_payload())
    # then
    assert again.status_code == 200
    assert again.json() == first
    assert Order.objects.count() == 1
    assert PaymentTender.objects.count() == 2
    assert AuditEntry.objects.filter(action__startswith="catalog.order").count() == 1


def test_an_update_changes_the_order_in_place(api):
    api.post("/orders", f.order_payload())
    payload = f.order_payload(status="completed")
    payload["customer"]["phone"] = "13900000000"
    # when
    response = api.post("/orders", payload)
    # then
    assert response.status_code == 200
    assert response.json()["status"] == "completed"
    assert Order.objects.count() == 1
    assert Customer.objects.get().phone == "13900000000"


def test_lines_of_an_existing_order_cannot_disappear(api):
    api.post("/orders", f.order_payload())
    payload = f.order_payload(shipping_fee="0.00", promotions=[])
    payload["lines"] = payload["lines"][:1]
    payload["lines"][0]["paid_amount"] = "180.00"
    response = api.post("/orders", payload)
    assert response.status_code == 422
    assert "lines" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda p: p.update(lines=[]), "lines"),
        (lambda p: p.pop("lines"), "lines"),
        (lambda p: p["tenders"][0].update(amount="149.00"), "tenders"),
        (lambda p: p["lines"][0].update(quantity=-1), "lines.0.quantity"),
        (lambda p: p["lines"][0].update(quantity=0), "lines.0.quantity"),
        (lambda p: p.update(currency="XYZ"), "currency"),
        (lambda p: p["lines"][0].update(paid_amount="999.00"), "lines.0.paid_amount"),
        (lambda p: p["lines"][0].update(paid_amount="1.001"), "lines.0.paid_amount"),
        (lambda p: p["lines"][0].update(category="no-such-category"), "lines.0.category"),
        (lambda p: p["lines"][1].update(paid_amount="1.00"), "lines.1.paid_amount"),
        (lambda p: p["lines"][1].update(gift_for="L9"), "lines.1.gift_for"),
        (lambda p: p["lines"][1].update(external_id="L1", gift_for=None), "lines.1.external_id"),
        (lambda p: p.update(placed_at="2999-01-01T00:00:00+08:00"), "placed_at"),
        (lambda p: p.update(placed_at="yesterday"), "placed_at"),
        (lambda p: p["customer"].update(phone="call me"), "customer.phone"),
        (lambda p: p["tenders"][0].update(method="cash"), "tenders.0.method"),
        (lambda p: p.update(unexpected="x"), "unexpected"),
        (lambda p: p["promotions"][0].update(lines=["L7"]), "promotions.0.lines"),
        (lambda p: p.update(merchant="m2"), "merchant"),
    ],
)
def test_bad_payloads_are_refused_with_the_field_at_fault(api, change, field):
    # given
    payload = f.order_payload()
    change(payload)
    # when
    response = api.post("/orders", payload)
    # then
    assert response.status_code == 422, response.content
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"], error
    assert error["fields"][field]
    assert Order.objects.count() == 0


def test_errors_are_localized(api):
    api.lang = "zh-hans"
    payload = f.order_payload()
    payload["tenders"][0]["amount"] = "149.00"
    error = api.post("/orders", payload).json()["error"]
    assert error["message"] == "有些字段无效。"
    assert "支付" in error["fields"]["tenders"]


def test_malformed_json_is_a_4xx(api):
    response = api.post("/orders", raw=b'{"external_id": ')
    assert 400 <= response.status_code < 500
    assert "error" in response.json()


def test_an_oversized_payload_is_refused_unread(api, settings):
    settings.ANXIN_MAX_BODY_BYTES = 10_000
    payload = f.order_payload()
    payload["customer"]["address"] = "x" * 20_000
    response = api.post("/orders", payload)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "request.too_large"


def test_a_platform_token_must_name_the_merchant(m1):
    platform = ApiClient(token=f.token_for(None))
    assert platform.post("/orders", f.order_payload()).json()["error"]["fields"]["merchant"]
    assert platform.post("/orders", f.order_payload(merchant="m1")).status_code == 201


def test_idempotency_key_replays_the_first_response_and_refuses_a_different_body(api):
    # given
    first = api.post("/orders", f.order_payload(), **{"Idempotency-Key": "k-1"})
    # when the same key comes again with the same body
    replay = api.post("/orders", f.order_payload(), **{"Idempotency-Key": "k-1"})
    # then the stored response is replayed
    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay.json() == first.json()
    assert replay["Idempotent-Replayed"] == "true"
    # when the same key comes with a different body
    other = api.post("/orders", f.order_payload(external_id="E2"), **{"Idempotency-Key": "k-1"})
    # then 422 and nothing written
    assert other.status_code == 422
    assert other.json()["error"]["code"] == "idempotency.key_reused"
    assert Order.objects.count() == 1


def test_unauthenticated_and_revoked_tokens_get_401(api, m1):
    assert ApiClient().get("/orders").status_code == 401
    assert ApiClient(token="anx_nope_nope").get("/orders").status_code == 401
    ApiToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    assert api.get("/orders").status_code == 401


def test_tokens_are_stored_hashed_and_record_their_last_use(api):
    token = ApiToken.objects.get()
    assert api.token not in (token.key_hash, token.prefix)
    api.get("/orders")
    token.refresh_from_db()
    assert token.last_used_at is not None


# --- tenant scoping -------------------------------------------------------------------------------


@pytest.fixture
def two_shops(m1, api):
    m2 = f.merchant("m2")
    own = api.post("/orders", f.order_payload()).json()
    other_api = ApiClient(token=f.token_for(m2))
    theirs = other_api.post("/orders", f.order_payload(external_id="E9")).json()
    return {"m1": api, "m2": other_api, "m1_order": own, "m2_order": theirs}


def test_another_merchants_order_is_404_by_id_and_by_external_id(two_shops):
    m2 = two_shops["m2"]
    order = two_shops["m1_order"]
    assert m2.get(f"/orders/{order['id']}").status_code == 404
    assert m2.get(f"/orders/{order['external_id']}").status_code == 404
    assert m2.get(f"/orders/{uuid.uuid4()}").status_code == 404  # the same answer as missing


def test_another_merchants_order_cannot_get_deliveries(two_shops):
    order = two_shops["m1_order"]
    delivery = {
        "carrier": "SF",
        "tracking_number": "SF1",
        "shipped_at": "2026-11-02T10:00:00+08:00",
    }
    assert two_shops["m2"].post(f"/orders/{order['id']}/deliveries", delivery).status_code == 404
    assert not Order.objects.get(public_id=order["id"]).deliveries.exists()


def test_lists_never_contain_foreign_orders(two_shops):
    ids = {o["id"] for o in two_shops["m2"].get("/orders").json()["items"]}
    assert ids == {two_shops["m2_order"]["id"]}
    platform = ApiClient(token=f.token_for(None))
    assert len(platform.get("/orders").json()["items"]) == 2


@pytest.mark.parametrize(
    ("role", "sees"),
    [
        # buyer-1 exists at both shops; only the consumer's own m2 record is linked to them
        (Role.CONSUMER, {"own", "m2"}),
        (Role.MERCHANT_STAFF, {"m1"}),
        (Role.AGENT, {"m1", "m2", "own"}),
        (Role.ADMIN, {"m1", "m2", "own"}),
        (Role.ARBITRATOR, {"m1", "m2", "own"}),
    ],
)
def test_signed_in_users_see_orders_in_their_scope(two_shops, m1, role, sees):
    # given a consumer whose customer record owns a third order
    mine = (
        two_shops["m1"]
        .post(
            "/orders",
            f.order_payload(external_id="E5", customer={"external_id": "buyer-5", "name": "王五"}),
        )
        .json()
    )
    person = f.user(f"u-{role}", role, merchants=[m1] if role is Role.MERCHANT_STAFF else None)
    if role is Role.CONSUMER:
        Customer.objects.filter(external_id="buyer-5").update(user=person)
        # the same person's record at another shop is theirs too
        Customer.objects.filter(merchant__code="m2").update(user=person)
    client = Client()
    client.force_login(person)
    labels = {
        two_shops["m1_order"]["id"]: "m1",
        two_shops["m2_order"]["id"]: "m2",
        mine["id"]: "own" if role is not Role.MERCHANT_STAFF else "m1",
    }
    # when
    items = ApiClient(client=client).get("/orders").json()["items"]
    # then
    assert {labels[o["id"]] for o in items} == sees


def test_consumers_and_agents_cannot_push_orders(m1):
    for role in (Role.CONSUMER, Role.AGENT):
        client = Client(enforce_csrf_checks=False)
        client.force_login(f.user(f"w-{role}", role))
        response = ApiClient(client=client).post("/orders", f.order_payload(merchant="m1"))
        assert response.status_code == 403
    assert Order.objects.count() == 0


def test_list_is_cursor_paginated_with_a_constant_number_of_queries(
    api, django_assert_max_num_queries
):
    for i in range(7):
        api.post(
            "/orders",
            f.order_payload(external_id=f"P{i}", placed_at=f"2026-11-0{i + 1}T10:00:00+08:00"),
        )
    seen, cursor = [], None
    while True:
        with django_assert_max_num_queries(12):
            page = api.get("/orders", {"limit": 3, **({"cursor": cursor} if cursor else {})}).json()
        seen += [o["external_id"] for o in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [f"P{i}" for i in reversed(range(7))]
    assert api.get("/orders", {"cursor": "garbage!"}).status_code == 422


# --- deliveries -----------------------------------------------------------------------------------


def test_a_delivery_is_recorded_then_signed_for(api):
    order = api.post("/orders", f.order_payload()).json()
    parcel = {
        "carrier": "SF",
        "tracking_number": "SF100",
        "shipped_at": "2026-11-02T09:00:00+08:00",
    }
    # when shipped
    created = api.post(f"/orders/{order['external_id']}/deliveries", parcel)
    # then
    assert created.status_code == 201
    assert {item["line"] for item in created.json()["lines"]} == {"L1", "L2"}
    assert api.get(f"/orders/{order['id']}").json()["status"] == "shipped"
    # when the same parcel is pushed again with the signing time
    signed = api.post(
        f"/orders/{order['id']}/deliveries", {**parcel, "signed_at": "2026-11-03T18:30:00+08:00"}
    )
    # then it is updated, not duplicated, and the order is delivered
    assert signed.status_code == 200
    body = api.get(f"/orders/{order['id']}").json()
    assert len(body["deliveries"]) == 1
    assert body["deliveries"][0]["signed_at"].startswith("2026-11-03")
    assert body["status"] == "delivered"


@pytest.mark.parametrize(
    ("parcel", "field"),
    [
        ({"shipped_at": "2026-10-01T09:00:00+08:00"}, "shipped_at"),
        ({"signed_at": "2026-11-01T09:00:00+08:00"}, "signed_at"),
        ({"lines": [{"line": "L9", "quantity": 1}]}, "lines.0.line"),
        ({"lines": [{"line": "L1", "quantity": 5}]}, "lines.0.quantity"),
        ({"tracking_number": ""}, "tracking_number"),
    ],
)
def test_bad_deliveries_are_refused(api, parcel, field):
    order = api.post("/orders", f.order_payload()).json()
    body = {"carrier": "SF", "tracking_number": "SF1", "shipped_at": "2026-11-02T09:00:00+08:00"}
    response = api.post(f"/orders/{order['id']}/deliveries", {**body, **parcel})
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]


# --- documentation --------------------------------------------------------------------------------


def test_openapi_is_served_and_the_docs_page_loads_no_cdn_assets(client):
    spec = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/orders" in spec["paths"]
    page = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in page
    assert "cdn" not in page.lower()
    assert "https://" not in page and "http://" not in page
    assert json.dumps(spec)  # serialisable


def test_system_actor_is_not_a_token(api):
    assert SYSTEM.audit_label() == "system"


def test_pushing_the_same_parcel_twice_writes_nothing(api):
    order = api.post("/orders", f.order_payload()).json()
    parcel = {"carrier": "SF", "tracking_number": "SF7", "shipped_at": "2026-11-02T09:00:00+08:00"}
    api.post(f"/orders/{order['id']}/deliveries", parcel)
    audit_rows = AuditEntry.objects.count()
    # when
    again = api.post(f"/orders/{order['id']}/deliveries", parcel)
    # then
    assert again.status_code == 200
    assert AuditEntry.objects.count() == audit_rows


def test_a_parcel_may_not_name_a_line_twice(api):
    order = api.post("/orders", f.order_payload()).json()
    parcel = {
        "carrier": "SF",
        "tracking_number": "SF8",
        "shipped_at": "2026-11-02T09:00:00+08:00",
        "lines": [{"line": "L1", "quantity": 1}, {"line": "L1", "quantity": 1}],
    }
    response = api.post(f"/orders/{order['id']}/deliveries", parcel)
    assert response.status_code == 422
    assert "lines.1.line" in response.json()["error"]["fields"]


def test_a_repushed_order_does_not_undo_its_delivered_status(api):
    # given a delivered order
    order = api.post("/orders", f.order_payload()).json()
    api.post(
        f"/orders/{order['id']}/deliveries",
        {
            "carrier": "SF",
            "tracking_number": "SF9",
            "shipped_at": "2026-11-02T09:00:00+08:00",
            "signed_at": "2026-11-03T09:00:00+08:00",
        },
    )
    # when the shop pushes the order again, changed, still saying "paid"
    payload = f.order_payload(status="paid")
    payload["customer"]["address"] = "上海市静安区南京西路1号"
    api.post("/orders", payload)
    # then it stays delivered
    assert api.get(f"/orders/{order['id']}").json()["status"] == "delivered"


def test_naming_the_merchant_or_not_is_the_same_payload(api):
    api.post("/orders", f.order_payload())
    rows = AuditEntry.objects.count()
    assert api.post("/orders", f.order_payload(merchant="m1")).status_code == 200
    assert AuditEntry.objects.count() == rows


def test_an_order_without_parcels_stays_paid(api):
    assert api.post("/orders", f.order_payload()).json()["status"] == "paid"


def test_a_full_price_line_that_is_not_float_exact_is_accepted(api):
    # given 39.90 × 3 = 119.70, which is 119.69999… in floating point (SQLite's arithmetic)
    payload = f.order_payload(shipping_fee="0.00", promotions=[])
    payload["lines"] = [
        {**payload["lines"][0], "quantity": 3, "unit_price": "39.90", "paid_amount": "119.70"}
    ]
    payload["tenders"] = [{"method": "wechat_pay", "amount": "119.70"}]
    # when / then
    assert api.post("/orders", payload).status_code == 201


def test_a_gift_sent_with_its_list_price_is_not_counted_as_goods(api):
    payload = f.order_payload()
    payload["lines"][1]["unit_price"] = "9.90"
    body = api.post("/orders", payload).json()
    assert (body["goods_total"], body["discount_total"]) == ("198.00", "28.00")
