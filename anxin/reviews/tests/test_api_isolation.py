"""Tenant and role isolation of the reviews API: every route × every role, from ONE table.

Expected answers: anonymous 401 (except the public lists and a published review's photo); out of
scope 404 — the same answer as a missing review; a role that may read but not take the step 403.
Denied writes change nothing; lists never contain a foreign review.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from anxin.cases.tests.builders import ROLES, png_bytes
from anxin.reviews.api.routes import router as reviews_router
from conftest import ApiClient

from .world import ReviewWorld, reviews_snapshot
from .world import _review_world as _review_world  # the module's world (a fixture)
from .world import w as w

pytestmark = [pytest.mark.django_db, pytest.mark.db]

MISSING = "00000000-0000-4000-8000-000000000000"


@dataclass(frozen=True)
class Endpoint:
    method: str
    route: str
    call: Callable[[ReviewWorld, ApiClient], Any]
    writes: bool = False


def multipart(
    api: ApiClient, path: str, data: dict[str, Any], photos: tuple[bytes, ...] = ()
) -> Any:
    files = []
    for i, content in enumerate(photos):
        stream = io.BytesIO(content)
        stream.name = f"p{i}.png"
        files.append(stream)
    if files:
        data = {**data, "photos": files}
    return api.client.post(f"/api/v1{path}", data, headers=api._headers({}))


def _create(w: ReviewWorld, api: ApiClient) -> Any:
    order = w.base.order_a_m2
    return multipart(
        api,
        "/reviews",
        {"order": str(order.public_id), "line": "L1", "stars": 4, "text": "不错"},
        (png_bytes(),),
    )


ENDPOINTS: dict[str, Endpoint] = {
    "reviewable": Endpoint("GET", "/reviews/reviewable", lambda w, api: api.get("/reviews/reviewable")),
    "create": Endpoint("POST", "/reviews", _create, writes=True),
    "list": Endpoint("GET", "/reviews", lambda w, api: api.get("/reviews")),
    "get": Endpoint("GET", "/reviews/{review_id}", lambda w, api: api.get(f"/reviews/{w.review_a.public_id}")),
    "append": Endpoint(
        "POST", "/reviews/{review_id}/appended",
        lambda w, api: multipart(api, f"/reviews/{w.review_a.public_id}/appended", {"text": "穿了一个月，没有起球"}),
        writes=True,
    ),
    "reply": Endpoint(
        "POST", "/reviews/{review_id}/reply",
        lambda w, api: api.post(f"/reviews/{w.review_a.public_id}/reply", {"text": "感谢支持！"}),
        writes=True,
    ),
    "service": Endpoint(
        "POST", "/cases/{number}/service-review",
        lambda w, api: api.post(f"/cases/{w.base.refunded.number}/service-review", {"fair": 5, "fast": 4, "polite": 5}),
        writes=True,
    ),
    "photo": Endpoint(
        "GET", "/reviews/{review_id}/photos/{photo_id}",
        lambda w, api: api.get(f"/reviews/{w.review_a.public_id}/photos/{w.photo_a}"),
    ),
    # a photo of a review held for personal data: only its author and moderators
    "held_photo": Endpoint(
        "GET", "/reviews/{review_id}/photos/{photo_id}",
        lambda w, api: api.get(f"/reviews/{w.held.public_id}/photos/{w.held_photo}"),
    ),
    "sku_list": Endpoint("GET", "/merchants/{code}/skus/{sku}/reviews", lambda w, api: api.get("/merchants/m1/skus/TS-01/reviews")),
    "sku_summary": Endpoint(
        "GET", "/merchants/{code}/skus/{sku}/reviews/summary", lambda w, api: api.get("/merchants/m1/skus/TS-01/reviews/summary")
    ),
    "shop_list": Endpoint("GET", "/merchants/{code}/reviews", lambda w, api: api.get("/merchants/m1/reviews")),
    "figures": Endpoint("GET", "/merchants/{code}/review-figures", lambda w, api: api.get("/merchants/m1/review-figures")),
    "queue": Endpoint("GET", "/moderation", lambda w, api: api.get("/moderation")),
    "decide": Endpoint(
        "POST", "/moderation/{item_id}/decision",
        lambda w, api: api.post(f"/moderation/{w.item.pk}/decision", {"action": "reject", "reason": "含有手机号"}),
        writes=True,
    ),
}  # fmt: skip


def _row(endpoint: str, *statuses: int) -> dict[tuple[str, str], int]:
    return {(endpoint, role): status for role, status in zip(ROLES, statuses, strict=True)}


# fmt: off
POLICY: dict[tuple[str, str], int] = {
    #                   anon cons_a cons_b m1_st m1_ad m1_tk m2_st m2_tk agent arbit admin plat_tk
    **_row("reviewable", 401, 200,   200,   200,  200,  200,  200,  200,  200,  200,  200,  200),
    # only the line's consumer reviews it (A's order at m2); who can read the order but is no
    # consumer is refused, who cannot read it finds nothing
    **_row("create",     401, 201,   404,   404,  404,  404,  403,  403,  403,  403,  403,  403),
    **_row("list",       401, 200,   200,   200,  200,  200,  200,  200,  200,  200,  200,  200),
    **_row("get",        401, 200,   404,   200,  200,  200,  404,  404,  200,  200,  200,  200),
    **_row("append",     401, 201,   404,   403,  403,  403,  404,  404,  403,  403,  403,  403),
    **_row("reply",      401, 403,   404,   200,  200,  200,  404,  404,  403,  403,  403,  403),
    **_row("service",    401, 201,   404,   403,  403,  403,  404,  404,  403,  403,  403,  403),
    **_row("photo",      200, 200,   200,   200,  200,  200,  200,  200,  200,  200,  200,  200),
    **_row("held_photo", 404, 200,   404,   404,  404,  404,  404,  404,  200,  200,  200,  200),
    **_row("sku_list",   200, 200,   200,   200,  200,  200,  200,  200,  200,  200,  200,  200),
    **_row("sku_summary", 200, 200,  200,   200,  200,  200,  200,  200,  200,  200,  200,  200),
    **_row("shop_list",  200, 200,   200,   200,  200,  200,  200,  200,  200,  200,  200,  200),
    **_row("figures",    200, 200,   200,   200,  200,  200,  200,  200,  200,  200,  200,  200),
    # moderators: agents, quality inspectors, administrators, a platform token (not arbitrators)
    **_row("queue",      401, 403,   403,   403,  403,  403,  403,  403,  200,  403,  200,  200),
    **_row("decide",     401, 403,   403,   403,  403,  403,  403,  403,  200,  403,  200,  200),
}
# fmt: on

CODES = {401: "auth.required", 403: "forbidden", 404: "not_found"}

# What each role's GET /reviews lists (ground truth).
VISIBLE = {
    "consumer_a": {"review_a", "held"},
    "consumer_b": {"review_b"},
    "m1_staff": {"review_a"},  # a held review is not the shop's to read
    "m1_admin": {"review_a"},
    "m1_token": {"review_a"},
    "m2_staff": {"review_b"},
    "m2_token": {"review_b"},
    "agent": {"review_a", "held", "review_b"},
    "arbitrator": {"review_a", "held", "review_b"},
    "admin": {"review_a", "held", "review_b"},
    "platform_token": {"review_a", "held", "review_b"},
}


@pytest.mark.parametrize(("endpoint", "role"), sorted(POLICY))
def test_policy_table(w: ReviewWorld, endpoint: str, role: str) -> None:
    # given
    spec = ENDPOINTS[endpoint]
    expected = POLICY[(endpoint, role)]
    before = reviews_snapshot()
    # when
    response = spec.call(w, w.api(role))
    # then
    assert response.status_code == expected, (endpoint, role, response.content[:300])
    if expected in CODES:
        assert response.json()["error"]["code"] == CODES[expected]
    if spec.writes:
        assert (reviews_snapshot() == before) is (expected >= 400), (
            "a denied write changed something"
        )
    if endpoint == "list" and expected == 200:
        ids = {str(getattr(w, name).public_id): name for name in ("review_a", "held", "review_b")}
        assert {ids[r["id"]] for r in response.json()["items"]} == VISIBLE[role]


def _served() -> set[tuple[str, str]]:
    served: set[tuple[str, str]] = set()
    for mount in reviews_router.build_routers(""):
        for path, view in mount.template.path_operations.items():
            for operation in view.operations:
                served |= {(m.upper(), f"{mount.prefix}{path}") for m in operation.methods}
    return served


def test_every_review_route_has_rows_for_every_role() -> None:
    assert _served() == {(ENDPOINTS[e].method, ENDPOINTS[e].route) for e, _ in POLICY}
    assert set(POLICY) == {(e, r) for e in ENDPOINTS for r in ROLES}


@pytest.mark.parametrize("role", ["consumer_b", "m2_staff", "m2_token"])
def test_out_of_scope_is_exactly_the_answer_for_a_missing_review(w: ReviewWorld, role: str) -> None:
    api = w.api(role)
    before = reviews_snapshot()
    for path in ("", "/photos/" + w.held_photo):
        theirs, none = (
            api.get(f"/reviews/{w.held.public_id}{path}"),
            api.get(f"/reviews/{MISSING}{path}"),
        )
        assert (theirs.status_code, theirs.json()) == (none.status_code, none.json())
    theirs = api.post(f"/reviews/{w.review_a.public_id}/reply", {"text": "x"})
    none = api.post(f"/reviews/{MISSING}/reply", {"text": "x"})
    assert (theirs.status_code, theirs.json()) == (
        none.status_code,
        none.json(),
    ) and none.status_code == 404
    assert reviews_snapshot() == before


def test_public_lists_never_show_a_held_review(w: ReviewWorld) -> None:
    anonymous = w.api("anonymous")
    for path in ("/merchants/m1/reviews", "/merchants/m1/skus/TS-01/reviews"):
        ids = {r["id"] for r in anonymous.get(path).json()["items"]}
        assert ids == {str(w.review_a.public_id)}
