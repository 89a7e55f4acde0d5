"""Tenant isolation (QUALITY.md S1): every cases/refunds API operation × every role, from ONE table.

Objects belong to consumer A and merchant M1 (plus foreign ones of consumer B at M2). Expected
answers: anonymous 401; out of scope 404 — the same answer as a missing object; a role that may see
a case but not take an action 403 ``workflow.action_forbidden`` (who may do what comes from
``anxin/cases/workflow.py``: the merchant approves, the consumer withdraws and ships the return,
the agent may do both with a reason, the arbitrator and platform admins have no case action yet).
Denied writes change nothing; lists never contain a foreign case or refund.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from anxin.analytics.api.routes import router as analytics_router
from anxin.cases.models import Case
from anxin.core import clock
from anxin.credit.api.routes import router as credit_router
from anxin.quality.api.routes import router as quality_router
from anxin.reviews.api.routes import router as reviews_router
from config.api import api as ninja_api
from conftest import ApiClient

from .builders import (
    NO_REASON,
    NOW,
    ROLES,
    World,
    png_bytes,
    post_message,
    snapshot,
    upload,
    world,
)

# Tenant scoping is a filter in every query (also runs on PostgreSQL).
pytestmark = [pytest.mark.django_db, pytest.mark.db]


@dataclass(frozen=True)
class Endpoint:
    method: str
    route: str  # the operation's path template under /api/v1
    call: Callable[[World, ApiClient], Any]
    writes: bool = False


def _open_body(w: World) -> dict[str, Any]:
    return {
        "order": str(w.order_a.public_id),
        "line": "L1",
        "type": "return_refund",
        "reason": NO_REASON,
    }


def _action(case: str, action: str, body: dict[str, Any]) -> Callable[[World, ApiClient], Any]:
    def call(w: World, api: ApiClient) -> Any:
        return api.post(f"/cases/{getattr(w, case).number}/actions/{action}", body)

    return call


ENDPOINTS: dict[str, Endpoint] = {
    "eligibility": Endpoint(
        "GET",
        "/orders/{ref}/eligibility",
        lambda w, api: api.get(
            f"/orders/{w.order_a.public_id}/eligibility",
            {"line": "L1", "reason": NO_REASON, "type": "return_refund"},
        ),
    ),
    "case_open": Endpoint(
        "POST",
        "/cases",
        lambda w, api: api.post("/cases", _open_body(w)),
        writes=True,
    ),
    "case_list": Endpoint("GET", "/cases", lambda w, api: api.get("/cases")),
    "case_get": Endpoint(
        "GET", "/cases/{number}", lambda w, api: api.get(f"/cases/{w.review.number}")
    ),
    # the merchant's move on a case waiting for review
    "approve": Endpoint(
        "POST",
        "/cases/{number}/actions/{action}",
        _action("review", "approve", {"reason": "looks fine"}),
        writes=True,
    ),
    # the consumer's move on the same case
    "withdraw": Endpoint(
        "POST",
        "/cases/{number}/actions/{action}",
        _action("review", "withdraw", {"reason": "changed my mind again"}),
        writes=True,
    ),
    # the consumer's (or an agent's) move on an approved return
    "ship_return": Endpoint(
        "POST",
        "/cases/{number}/actions/{action}",
        _action(
            "approved",
            "ship_return",
            {"reason": "sent", "carrier": "SF", "tracking_number": "SF-R-9"},
        ),
        writes=True,
    ),
    "evidence": Endpoint(
        "POST",
        "/cases/{number}/evidence",
        lambda w, api: upload(api, f"/cases/{w.review.number}/evidence", png_bytes(), "a.png"),
        writes=True,
    ),
    "messages": Endpoint(
        "GET",
        "/cases/{number}/messages",
        lambda w, api: api.get(f"/cases/{w.review.number}/messages"),
    ),
    "message_post": Endpoint(
        "POST",
        "/cases/{number}/messages",
        lambda w, api: post_message(
            api, f"/cases/{w.review.number}/messages", "可以换个颜色吗？", (png_bytes(),)
        ),
        writes=True,
    ),
    "label": Endpoint(
        "GET",
        "/cases/{number}/label.pdf",
        lambda w, api: api.get(f"/cases/{w.approved.number}/label.pdf"),
    ),
    "refund_list": Endpoint("GET", "/refunds", lambda w, api: api.get("/refunds")),
    "address_list": Endpoint(
        "GET", "/return-addresses", lambda w, api: api.get("/return-addresses")
    ),
    "address_create": Endpoint(
        "POST",
        "/return-addresses",
        lambda w, api: api.post(
            "/return-addresses",
            {
                "merchant": "m1",
                "label": "北京仓",
                "contact_name": "李仓管",
                "phone": "01055550000",
                "address": "北京市大兴区物流园1号",
            },
        ),
        writes=True,
    ),
    # Authenticated by its signature only: a session or an API token must not stand in for it.
    "tracking_webhook": Endpoint(
        "POST",
        "/webhooks/inbound/tracking/{source}",
        lambda w, api: api.post(
            "/webhooks/inbound/tracking/generic",
            {
                "event_id": "e-1",
                "carrier": "SF",
                "tracking_number": "SF-RET-1",
                "status": "delivered",
                "occurred_at": "2026-11-05T09:00:00+08:00",
            },
        ),
        writes=True,
    ),
}

# Order intake and reads belong to the catalog app; their scoping is tested in
# anxin/catalog/tests/test_orders_api.py. Listed by name so that any *other* new route fails below.
CATALOG_ORDER_ROUTES = {
    ("GET", "/orders"),
    ("POST", "/orders"),
    ("GET", "/orders/{ref}"),
    ("POST", "/orders/{ref}/deliveries"),
    # Notifications and outgoing webhook endpoints: their role matrix is in
    # anxin/notifications/tests/test_api.py.
    ("GET", "/notifications"),
    ("POST", "/notifications/{id}/read"),
    ("GET", "/webhooks/endpoints"),
    ("POST", "/webhooks/endpoints"),
    ("GET", "/webhooks/deliveries"),
    ("POST", "/webhooks/deliveries/{id}/redeliver"),
    # The service desk: tickets (anxin/tickets/tests/test_api.py has their role matrix), the
    # inbound-mail webhook (test_mail_webhook.py), the knowledge base (anxin/knowledge/tests/
    # test_api.py) and surveys and points (anxin/feedback/tests/test_api.py).
    ("GET", "/tickets"),
    ("POST", "/tickets"),
    ("GET", "/tickets/{number}"),
    ("POST", "/tickets/{number}/messages"),
    ("POST", "/tickets/{number}/actions/{action}"),
    ("POST", "/tickets/{number}/transfer"),
    ("POST", "/tickets/{number}/assign"),
    ("POST", "/tickets/{number}/tags"),
    ("POST", "/tickets/{number}/verify"),
    ("POST", "/webhooks/inbound/mail"),
    ("GET", "/kb/articles"),
    ("GET", "/kb/articles/{slug}"),
    ("POST", "/surveys/{token}/answer"),
    ("GET", "/me/points"),
    ("GET", "/me/surveys"),
    # The assistant: its role matrix (customers only, own conversations) is in
    # anxin/assistant/tests/test_api.py.
    ("POST", "/assistant/sessions"),
    ("GET", "/assistant/sessions/{session_id}"),
    ("POST", "/assistant/sessions/{session_id}/messages"),
    ("POST", "/assistant/sessions/{session_id}/rating"),
    ("POST", "/assistant/sessions/{session_id}/photos"),
    # Disputes, the public review panel and the merchant deposit: their role matrix is in
    # anxin/disputes/tests/test_api_isolation.py.
    ("POST", "/cases/{number}/dispute"),
    ("GET", "/disputes"),
    ("GET", "/disputes/{number}"),
    ("POST", "/disputes/{number}/actions/{action}"),
    ("POST", "/disputes/{number}/proposals/{id}/accept"),
    ("POST", "/disputes/{number}/proposals/{id}/decline"),
    ("POST", "/disputes/{number}/evidence"),
    ("GET", "/disputes/{number}/evidence/{evidence_id}"),
    ("GET", "/panels"),
    ("GET", "/panels/{number}"),
    ("POST", "/panels/{number}/votes"),
    ("GET", "/panels/{number}/evidence/{evidence_id}"),
    ("GET", "/deposit"),
    ("POST", "/merchants/{code}/deposit/top-ups"),
}


def _routes_of(router: Any, prefix: str = "") -> set[tuple[str, str]]:
    """Every (method, path) of a router and of the routers it includes."""
    routes = {
        (method.upper(), f"{prefix}{path}")
        for path, view in router.path_operations.items()
        for operation in view.operations
        for method in operation.methods
    }
    for sub_prefix, sub, *_ in router._routers:
        routes |= _routes_of(sub, f"{prefix}{sub_prefix}")
    return routes


# Reviews, product quality, merchant credit and analytics: each app's own test_api_isolation.py has the role
# matrix of every one of its routes and fails when a route lacks a row there.
CATALOG_ORDER_ROUTES |= _routes_of(reviews_router) | _routes_of(quality_router)
CATALOG_ORDER_ROUTES |= _routes_of(credit_router) | _routes_of(analytics_router)


def _row(endpoint: str, *statuses: int) -> dict[tuple[str, str], int]:
    return {(endpoint, role): status for role, status in zip(ROLES, statuses, strict=True)}


# fmt: off
POLICY: dict[tuple[str, str], int] = {
    #                       anon cons_a cons_b m1_st m1_ad m1_tk m2_st m2_tk agent arbit admin plat_tk
    **_row("eligibility",      401, 200,   404,   200,  200,  200,  404,  404,  200,  200,  200,  200),
    **_row("case_open",        401, 201,   404,   403,  403,  403,  403,  403,  201,  403,  201,  201),
    **_row("case_list",        401, 200,   200,   200,  200,  200,  200,  200,  200,  200,  200,  200),
    **_row("case_get",         401, 200,   404,   200,  200,  200,  404,  404,  200,  200,  200,  200),
    **_row("approve",          401, 403,   404,   200,  200,  200,  404,  404,  200,  403,  403,  403),
    **_row("withdraw",         401, 200,   404,   403,  403,  403,  404,  404,  403,  403,  403,  403),
    **_row("ship_return",      401, 200,   404,   403,  403,  403,  404,  404,  200,  403,  403,  403),
    **_row("evidence",         401, 201,   404,   201,  201,  201,  404,  404,  201,  201,  201,  201),
    # the case's messages (留言): its parties and the platform staff (inspectors: test_messages.py)
    **_row("messages",         401, 200,   404,   200,  200,  200,  404,  404,  200,  200,  200,  200),
    **_row("message_post",     401, 201,   404,   201,  201,  201,  404,  404,  201,  201,  201,  201),
    **_row("label",            401, 200,   404,   200,  200,  200,  404,  404,  200,  200,  200,  200),
    **_row("refund_list",      401, 200,   200,   200,  200,  200,  200,  200,  200,  200,  200,  200),
    **_row("address_list",     401, 200,   200,   200,  200,  200,  200,  200,  200,  200,  200,  200),
    # a shop's address book: its own people and tokens, or a platform administrator
    **_row("address_create",   401, 404,   404,   201,  201,  201,  404,  404,  403,  403,  201,  201),
    **_row("tracking_webhook", 401, 401,   401,   401,  401,  401,  401,  401,  401,  401,  401,  401),
}
# fmt: on


def _expected_code(endpoint: str, status: int) -> str | None:
    if endpoint == "tracking_webhook":
        return "tracking.bad_signature"
    return {
        401: "auth.required",
        404: "not_found",
        403: "workflow.action_forbidden"
        if ENDPOINTS[endpoint].route.endswith("{action}")
        else "forbidden",
    }.get(status)


@pytest.fixture(scope="module")
def _shared_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    """Built once for the module inside a transaction; every test runs in a savepoint of it and
    is rolled back, so each one starts from exactly this world (≈ 0.5 s saved per test)."""
    with django_db_blocker.unblock(), transaction.atomic():
        built = world()
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def w(_shared_world: World, db: Any, settings: Any, tmp_path: Any) -> World:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    clock.freeze(NOW)
    return _shared_world


@pytest.mark.parametrize(("endpoint", "role"), sorted(POLICY))
def test_policy_table(w: World, endpoint: str, role: str) -> None:
    # given
    spec = ENDPOINTS[endpoint]
    expected = POLICY[(endpoint, role)]
    before = snapshot()
    # when
    response = spec.call(w, w.api(role))
    # then
    assert response.status_code == expected, (endpoint, role, response.content[:300])
    code = _expected_code(endpoint, expected)
    if code is not None:
        assert response.json()["error"]["code"] == code
    if spec.writes:
        if expected >= 400:
            assert snapshot() == before, "a denied write changed something"
        else:
            assert snapshot() != before
    if response.status_code == 200 and spec.route == "/cases":
        numbers = {item["number"] for item in response.json()["items"]}
        assert numbers == w.visible_cases(role)


def test_every_api_route_has_a_row_in_the_policy_table(client: Client) -> None:
    # given the operations the API actually serves (the schema and the routers, which would also
    # show an operation hidden from the schema)
    spec = client.get("/api/v1/openapi.json").json()
    served = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, operations in spec["paths"].items()
        for method in operations
    }
    for prefix, router in ninja_api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                served |= {(m.upper(), f"{prefix}{path}") for m in operation.methods}
    # when
    in_table = {(ENDPOINTS[e].method, ENDPOINTS[e].route) for e, _ in POLICY}
    # then
    assert served - CATALOG_ORDER_ROUTES - in_table == set(), "routes without a policy row"
    assert in_table - served == set(), "policy rows for routes that no longer exist"
    assert served >= CATALOG_ORDER_ROUTES


def test_the_table_has_every_role_for_every_endpoint() -> None:
    assert set(POLICY) == {(e, r) for e in ENDPOINTS for r in ROLES}


@pytest.mark.parametrize("role", ROLES[1:])
def test_lists_never_contain_foreign_cases_or_refunds(w: World, role: str) -> None:
    # given
    api = w.api(role)
    visible = w.visible_cases(role)
    refunds_visible = visible & {w.refunded.number, w.foreign.number}
    foreign_filters = [
        {},
        {"merchant": "m1"},
        {"merchant": "m2"},
        {"status": "refunded"},
        {"overdue": "false"},
    ]
    # when / then: whatever the filters, nothing out of scope shows
    for params in foreign_filters:
        page = api.get("/cases", params)
        assert page.status_code == 200
        assert {c["number"] for c in page.json()["items"]} <= visible, params
    assert {c["number"] for c in api.get("/cases", {"limit": 200}).json()["items"]} == visible
    refunds = api.get("/refunds").json()
    assert {r["case"] for r in refunds} == refunds_visible
    for number in (w.refunded.number, w.foreign.number):
        listed = {r["case"] for r in api.get("/refunds", {"case": number}).json()}
        assert listed == ({number} & refunds_visible)
    addresses = api.get("/return-addresses").json()
    assert {a["merchant"] for a in addresses} == w.visible_merchants(role)


@pytest.mark.parametrize("role", ["m1_staff", "consumer_a"])
def test_paging_through_a_list_never_reaches_foreign_cases(w: World, role: str) -> None:
    api = w.api(role)
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": 1, **({"cursor": cursor} if cursor else {})}
        page = api.get("/cases", params).json()
        seen += [c["number"] for c in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(w.visible_cases(role))


@pytest.mark.parametrize("role", ["consumer_b", "m2_staff", "m2_token"])
def test_out_of_scope_is_exactly_the_answer_for_a_missing_case(w: World, role: str) -> None:
    api = w.api(role)
    missing = "AS00000000000000"
    for template in (
        "/cases/{}",
        "/cases/{}/label.pdf",
        "/cases/{}/messages",
    ):
        theirs = api.get(template.format(w.review.number))
        none = api.get(template.format(missing))
        assert (theirs.status_code, theirs.json()) == (none.status_code, none.json())
        assert theirs.status_code == 404
        assert theirs.json()["error"]["code"] == "not_found"
    for action in ("approve", "withdraw", "no_such_action"):
        theirs = api.post(f"/cases/{w.review.number}/actions/{action}", {"reason": "x"})
        none = api.post(f"/cases/{missing}/actions/{action}", {"reason": "x"})
        assert (theirs.status_code, theirs.json()) == (none.status_code, none.json())
        assert theirs.status_code == 404
    theirs = upload(api, f"/cases/{w.review.number}/evidence", png_bytes())
    none = upload(api, f"/cases/{missing}/evidence", png_bytes())
    assert (theirs.status_code, theirs.json()) == (none.status_code, none.json())
    theirs = post_message(api, f"/cases/{w.review.number}/messages", "hello")
    none = post_message(api, f"/cases/{missing}/messages", "hello")
    assert (theirs.status_code, theirs.json()) == (none.status_code, none.json())
    order = api.get(
        f"/orders/{w.order_a.public_id}/eligibility", {"line": "L1", "reason": NO_REASON}
    )
    no_order = api.get(f"/orders/{uuid.uuid4()}/eligibility", {"line": "L1", "reason": NO_REASON})
    assert (order.status_code, order.json()) == (no_order.status_code, no_order.json())
    # a foreign order is not found even by the shop's own external id
    assert (
        api.get(
            f"/orders/{w.order_a.external_id}/eligibility", {"line": "L1", "reason": NO_REASON}
        ).status_code
        == 404
    )


def test_a_consumer_cannot_open_a_case_on_another_consumers_order_by_external_id(w: World) -> None:
    before = snapshot()
    body = {**_open_body(w), "order": w.order_a.external_id}
    response = w.api("consumer_b").post("/cases", body)
    assert response.status_code == 404
    assert snapshot() == before


@pytest.mark.parametrize(
    ("role", "actions"),
    [
        ("consumer_a", ["withdraw"]),
        ("m1_staff", ["approve", "reject"]),
        ("m1_token", ["approve", "reject"]),
        ("agent", ["approve", "reject"]),
        ("arbitrator", []),
        ("admin", []),
        ("platform_token", []),
    ],
)
def test_a_case_offers_each_role_only_the_actions_the_workflow_gives_it(
    w: World, role: str, actions: list[str]
) -> None:
    detail = w.api(role).get(f"/cases/{w.review.number}").json()
    assert detail["actions"] == actions


def test_the_arbitrator_reads_everything_but_takes_no_case_action(w: World) -> None:
    api = w.api("arbitrator")
    before = snapshot()
    for case in (w.review, w.approved, w.a_at_m2):
        assert api.get(f"/cases/{case.number}").status_code == 200
        for action in ("approve", "reject", "withdraw", "close", "ship_return"):
            response = api.post(
                f"/cases/{case.number}/actions/{action}",
                {"reason": "arbitration", "carrier": "SF", "tracking_number": "SF1"}
                if action == "ship_return"
                else {"reason": "arbitration"},
            )
            assert response.status_code in (403, 409), (case.status, action, response.content)
            if response.status_code == 403:
                assert response.json()["error"]["code"] == "workflow.action_forbidden"
    assert snapshot() == before


@pytest.mark.parametrize("role", ["consumer_b", "m2_staff", "m2_token", "arbitrator"])
def test_a_denied_write_with_an_idempotency_key_stores_nothing(w: World, role: str) -> None:
    # given
    api = w.api(role)
    key = {"Idempotency-Key": "k-denied"}
    before = snapshot()
    # when
    opened = api.post("/cases", _open_body(w), **key)
    approved = api.post(f"/cases/{w.review.number}/actions/approve", {"reason": "x"}, **key)
    # then
    assert opened.status_code in (403, 404)
    assert approved.status_code in (403, 404)
    assert snapshot() == before  # includes the idempotency records


def test_a_merchant_token_cannot_act_on_another_shops_case_even_with_its_number(w: World) -> None:
    before = snapshot()
    api = w.api("m1_token")
    response = api.post(f"/cases/{w.a_at_m2.number}/actions/approve", {"reason": "mine?"})
    assert response.status_code == 404
    assert Case.objects.get(pk=w.a_at_m2.pk).status == "merchant_review"
    assert snapshot() == before
