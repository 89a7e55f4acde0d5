"""Tenant and role isolation of the disputes API: every operation × every role, from ONE table.

The disputes belong to consumer A at merchant M1 (plus A's at M2 and B's at M2; see
``api_world.py``). Expected answers: anonymous 401; out of scope 404 — the same answer as a
missing dispute; a role that may read a dispute but not take the step 403
``workflow.action_forbidden`` (who may take which step comes from ``anxin/disputes/workflow.py``);
a public review panel is visible only to an eligible panel member (consumer B), 404 to anyone
else. Denied writes change nothing; lists never contain a foreign dispute.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from anxin.cases.tests.builders import ROLES, png_bytes, upload
from anxin.disputes.api.routes import router as disputes_router
from anxin.disputes.models import Dispute
from config.api import api as ninja_api
from conftest import ApiClient

from .api_world import DisputeWorld, disputes_snapshot, ruling_payload
from .api_world import _dispute_world as _dispute_world  # the module's world (a fixture)
from .api_world import w as w

# Tenant scoping is a filter in every query (also runs on PostgreSQL).
pytestmark = [pytest.mark.django_db, pytest.mark.db]

MISSING = "DP20261105999999"


@dataclass(frozen=True)
class Endpoint:
    method: str
    route: str  # the operation's path template under /api/v1
    call: Callable[[DisputeWorld, ApiClient], Any]
    writes: bool = False


def _act(
    dispute: str, action: str, body: dict[str, Any]
) -> Callable[[DisputeWorld, ApiClient], Any]:
    def call(w: DisputeWorld, api: ApiClient) -> Any:
        return api.post(f"/disputes/{getattr(w, dispute).number}/actions/{action}", body)

    return call


def _answer(verb: str) -> Callable[[DisputeWorld, ApiClient], Any]:
    def call(w: DisputeWorld, api: ApiClient) -> Any:
        return api.post(f"/disputes/{w.neg.number}/proposals/{w.proposal.pk}/{verb}", {})

    return call


ACTIONS = "/disputes/{number}/actions/{action}"
ENDPOINTS: dict[str, Endpoint] = {
    "open": Endpoint(
        "POST",
        "/cases/{number}/dispute",
        lambda w, api: api.post(
            f"/cases/{w.fresh.number}/dispute",
            {"claim": "partial_refund", "amount": "10.00", "statement": "吊牌还在，要求退款"},
        ),
        writes=True,
    ),
    "list": Endpoint("GET", "/disputes", lambda w, api: api.get("/disputes")),
    "get": Endpoint("GET", "/disputes/{number}", lambda w, api: api.get(f"/disputes/{w.neg.number}")),
    # negotiation: either side proposes; platform staff do not (yet)
    "propose": Endpoint(
        "POST",
        ACTIONS,
        _act("neg", "propose", {"remedy": "partial_refund", "amount": "25.00", "note": "折中"}),
        writes=True,
    ),
    # the agent steps in (with a reason); only the consumer withdraws
    "intervene": Endpoint("POST", ACTIONS, _act("neg", "intervene", {"reason": "商家迟迟未处理"}), writes=True),
    "withdraw": Endpoint("POST", ACTIONS, _act("neg", "withdraw", {"reason": "已和商家私下解决"}), writes=True),
    # only an arbitrator decides; only the merchant carries a decision out
    "rule": Endpoint("POST", ACTIONS, _act("arb", "rule", ruling_payload()), writes=True),
    "execute": Endpoint("POST", ACTIONS, _act("ruled", "execute", {}), writes=True),
    # the merchant's proposal: the consumer answers it; the merchant cannot answer its own (422)
    "accept": Endpoint("POST", "/disputes/{number}/proposals/{id}/accept", _answer("accept"), writes=True),
    "decline": Endpoint("POST", "/disputes/{number}/proposals/{id}/decline", _answer("decline"), writes=True),
    "evidence": Endpoint(
        "POST",
        "/disputes/{number}/evidence",
        lambda w, api: upload(api, f"/disputes/{w.neg.number}/evidence", png_bytes(), "p.png"),
        writes=True,
    ),
    "photo": Endpoint(
        "GET",
        "/disputes/{number}/evidence/{evidence_id}",
        lambda w, api: api.get(f"/disputes/{w.neg.number}/evidence/{w.neg_photo}"),
    ),
    "panels": Endpoint("GET", "/panels", lambda w, api: api.get("/panels")),
    "panel": Endpoint("GET", "/panels/{number}", lambda w, api: api.get(f"/panels/{w.jury.number}")),
    "vote": Endpoint(
        "POST",
        "/panels/{number}/votes",
        lambda w, api: api.post(f"/panels/{w.jury.number}/votes", {"vote": "consumer", "note": "照片清楚"}),
        writes=True,
    ),
    "panel_photo": Endpoint(
        "GET",
        "/panels/{number}/evidence/{evidence_id}",
        lambda w, api: api.get(f"/panels/{w.jury.number}/evidence/{w.jury_photo}"),
    ),
    "deposit": Endpoint("GET", "/deposit", lambda w, api: api.get("/deposit", {"merchant": "m1"})),
    "top_up": Endpoint(
        "POST",
        "/merchants/{code}/deposit/top-ups",
        lambda w, api: api.post("/merchants/m1/deposit/top-ups", {"amount": "500.00", "reference": "BANK-1"}),
        writes=True,
    ),
}  # fmt: skip


def _row(endpoint: str, *statuses: int) -> dict[tuple[str, str], int]:
    return {(endpoint, role): status for role, status in zip(ROLES, statuses, strict=True)}


# fmt: off
POLICY: dict[tuple[str, str], int] = {
    #                    anon cons_a cons_b m1_st m1_ad m1_tk m2_st m2_tk agent arbit admin plat_tk
    **_row("open",        401, 201,   404,   403,  403,  403,  404,  404,  403,  403,  403,  403),
    **_row("list",        401, 200,   200,   200,  200,  200,  200,  200,  200,  200,  200,  200),
    **_row("get",         401, 200,   404,   200,  200,  200,  404,  404,  200,  200,  200,  200),
    **_row("propose",     401, 200,   404,   200,  200,  200,  404,  404,  403,  403,  403,  403),
    **_row("intervene",   401, 403,   404,   403,  403,  403,  404,  404,  200,  403,  403,  403),
    **_row("withdraw",    401, 200,   404,   403,  403,  403,  404,  404,  403,  403,  403,  403),
    **_row("rule",        401, 403,   404,   403,  403,  403,  404,  404,  403,  200,  403,  403),
    **_row("execute",     401, 403,   404,   200,  200,  200,  404,  404,  403,  403,  403,  403),
    **_row("accept",      401, 200,   404,   422,  422,  422,  404,  404,  403,  403,  403,  403),
    **_row("decline",     401, 200,   404,   422,  422,  422,  404,  404,  403,  403,  403,  403),
    **_row("evidence",    401, 201,   404,   201,  201,  201,  404,  404,  201,  201,  201,  201),
    **_row("photo",       401, 200,   404,   200,  200,  200,  404,  404,  200,  200,  200,  200),
    # the panel: only an eligible consumer who is no party to the dispute (B) sees it
    **_row("panels",      401, 200,   200,   200,  200,  200,  200,  200,  200,  200,  200,  200),
    **_row("panel",       401, 404,   200,   404,  404,  404,  404,  404,  404,  404,  404,  404),
    **_row("vote",        401, 404,   201,   404,  404,  404,  404,  404,  404,  404,  404,  404),
    **_row("panel_photo", 401, 404,   200,   404,  404,  404,  404,  404,  404,  404,  404,  404),
    # the deposit: the shop's people and tokens read it, the platform reads every shop's; only
    # platform administrators record a top-up
    **_row("deposit",     401, 404,   404,   200,  200,  200,  404,  404,  200,  200,  200,  200),
    **_row("top_up",      401, 404,   404,   403,  403,  403,  404,  404,  403,  403,  201,  201),
}
# fmt: on


def _expected_code(endpoint: str, status: int) -> str | None:
    route = ENDPOINTS[endpoint].route
    return {
        401: "auth.required",
        404: "not_found",
        403: "workflow.action_forbidden"
        if route.endswith(("{action}", "/accept", "/decline"))
        else "forbidden",
        422: "invalid",
    }.get(status)


@pytest.mark.parametrize(("endpoint", "role"), sorted(POLICY))
def test_policy_table(w: DisputeWorld, endpoint: str, role: str) -> None:
    # given
    spec = ENDPOINTS[endpoint]
    expected = POLICY[(endpoint, role)]
    before = disputes_snapshot()
    # when
    response = spec.call(w, w.api(role))
    # then
    assert response.status_code == expected, (endpoint, role, response.content[:300])
    code = _expected_code(endpoint, expected)
    if code is not None:
        assert response.json()["error"]["code"] == code
    if expected == 422:
        assert set(response.json()["error"]["fields"]) == {"proposal"}
    if spec.writes:
        if expected >= 400:
            assert disputes_snapshot() == before, "a denied write changed something"
        else:
            assert disputes_snapshot() != before
    if response.status_code == 200 and spec.route == "/disputes":
        assert {d["number"] for d in response.json()["items"]} == w.visible(role)
    if response.status_code == 200 and spec.route == "/panels":
        expected_panels = {w.jury.number} if role == "consumer_b" else set()
        assert {p["number"] for p in response.json()} == expected_panels


def _dispute_routes() -> set[tuple[str, str]]:
    served: set[tuple[str, str]] = set()
    for mount in disputes_router.build_routers(""):
        for path, view in mount.template.path_operations.items():
            for operation in view.operations:
                served |= {(m.upper(), f"{mount.prefix}{path}") for m in operation.methods}
    return served


def test_every_dispute_route_has_rows_for_every_role() -> None:
    in_table = {(ENDPOINTS[e].method, ENDPOINTS[e].route) for e, _ in POLICY}
    assert _dispute_routes() == in_table
    assert set(POLICY) == {(e, r) for e in ENDPOINTS for r in ROLES}


def test_the_disputes_router_is_mounted_once_at_the_root(client: Any) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    served = {
        (method.upper(), path.removeprefix("/api/v1"))
        for path, operations in spec["paths"].items()
        for method in operations
    }
    assert _dispute_routes() <= served
    assert [prefix for prefix, r in ninja_api._routers if r is disputes_router] == [""]


@pytest.mark.parametrize("role", ROLES[1:])
def test_lists_never_contain_a_foreign_dispute(w: DisputeWorld, role: str) -> None:
    api = w.api(role)
    visible = w.visible(role)
    for params in (
        {},
        {"merchant": "m1"},
        {"merchant": "m2"},
        {"status": "negotiating"},
        {"level": "arbitration"},
        {"open": "true"},
        {"queue": "all"},
        {"queue": "mine"},
        {"queue": "arbitration"},
    ):
        page = api.get("/disputes", params)
        assert page.status_code == 200, (params, page.content[:200])
        assert {d["number"] for d in page.json()["items"]} <= visible, params
    assert {d["number"] for d in api.get("/disputes", {"limit": 200}).json()["items"]} == visible


@pytest.mark.parametrize("role", ["m1_token", "consumer_a"])
def test_paging_through_the_queue_reaches_every_visible_dispute_once(
    w: DisputeWorld, role: str
) -> None:
    api = w.api(role)
    seen: list[str] = []
    dues: list[str] = []
    cursor = None
    while True:
        page = api.get("/disputes", {"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [d["number"] for d in page["items"]]
        dues += [d["due_at"] for d in page["items"] if d["due_at"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(w.visible(role))
    assert dues == sorted(dues), "nearest deadline first"


@pytest.mark.parametrize("role", ["consumer_b", "m2_staff", "m2_token"])
def test_out_of_scope_is_exactly_the_answer_for_a_missing_dispute(
    w: DisputeWorld, role: str
) -> None:
    api = w.api(role)
    before = disputes_snapshot()

    def same(theirs: Any, none: Any) -> None:
        assert (theirs.status_code, theirs.json()) == (none.status_code, none.json())
        assert theirs.status_code == 404 and theirs.json()["error"]["code"] == "not_found"

    for number in (w.neg.number, MISSING):
        assert api.get(f"/disputes/{number}").status_code == 404
    same(api.get(f"/disputes/{w.neg.number}"), api.get(f"/disputes/{MISSING}"))
    same(
        api.get(f"/disputes/{w.neg.number}/evidence/{w.neg_photo}"),
        api.get(f"/disputes/{MISSING}/evidence/{w.neg_photo}"),
    )
    for action, body in (
        ("propose", {"remedy": "partial_refund", "amount": "5"}),
        ("withdraw", {"reason": "x"}),
        ("accept", {"proposal": w.proposal.pk}),
        ("no_such_action", {}),
    ):
        same(
            api.post(f"/disputes/{w.neg.number}/actions/{action}", body),
            api.post(f"/disputes/{MISSING}/actions/{action}", body),
        )
    for verb in ("accept", "decline"):
        same(
            api.post(f"/disputes/{w.neg.number}/proposals/{w.proposal.pk}/{verb}", {}),
            api.post(f"/disputes/{MISSING}/proposals/{w.proposal.pk}/{verb}", {}),
        )
    same(
        upload(api, f"/disputes/{w.neg.number}/evidence", png_bytes()),
        upload(api, f"/disputes/{MISSING}/evidence", png_bytes()),
    )
    body = {"claim": "full_refund", "statement": "x"}
    same(
        api.post(f"/cases/{w.fresh.number}/dispute", body),
        api.post("/cases/AS20261105999999/dispute", body),
    )
    assert disputes_snapshot() == before


@pytest.mark.parametrize("role", ["consumer_a", "m1_staff", "agent", "arbitrator"])
def test_a_panel_out_of_reach_is_exactly_the_answer_for_a_missing_one(
    w: DisputeWorld, role: str
) -> None:
    api = w.api(role)
    theirs = api.get(f"/panels/{w.jury.number}")
    none = api.get(f"/panels/{MISSING}")
    assert (theirs.status_code, theirs.json()) == (
        none.status_code,
        none.json(),
    ) and none.status_code == 404
    # a dispute that is not on a panel is not one even for the eligible consumer B
    assert w.api("consumer_b").get(f"/panels/{w.neg.number}").status_code == 404


NEG = {
    "consumer_a": ["propose", "withdraw"],
    "m1_staff": ["propose"],
    "m1_token": ["propose"],
    "agent": ["intervene"],
    "arbitrator": [],
    "admin": [],
    "platform_token": [],
}
ARB = {
    "consumer_a": ["withdraw"],
    "m1_token": [],
    "agent": [],  # in arbitration, the arbitrator handles it (agents act during mediation)
    "arbitrator": ["fast_track", "open_round", "rule", "send_to_jury", "suspend"],
    "admin": [],
}


@pytest.mark.parametrize("role", sorted(NEG))
def test_a_dispute_offers_each_role_only_the_steps_the_table_gives_it(
    w: DisputeWorld, role: str
) -> None:
    api = w.api(role)
    neg = api.get(f"/disputes/{w.neg.number}").json()
    assert neg["actions"] == NEG[role]
    claim, proposal = neg["proposals"]  # the consumer's claim, declined by the shop's counter
    assert (claim["by"], claim["status"], claim["may_accept"]) == ("consumer", "declined", False)
    consumer = role == "consumer_a"
    assert (proposal["may_accept"], proposal["may_decline"]) == (consumer, consumer)
    if role in ARB:
        assert api.get(f"/disputes/{w.arb.number}").json()["actions"] == ARB[role]
    ruled = api.get(f"/disputes/{w.ruled.number}").json()["actions"]
    assert ruled == (["execute"] if role.startswith("m1_") else [])


@pytest.mark.parametrize("role", ["consumer_b", "m2_staff", "m2_token", "m1_staff", "agent"])
def test_a_denied_write_with_an_idempotency_key_stores_nothing(w: DisputeWorld, role: str) -> None:
    api = w.api(role)
    key = {"Idempotency-Key": "k-denied"}
    before = disputes_snapshot()
    opened = api.post(
        f"/cases/{w.fresh.number}/dispute", {"claim": "full_refund", "statement": "x"}, **key
    )
    ruled = api.post(f"/disputes/{w.arb.number}/actions/rule", ruling_payload(), **key)
    topped = api.post("/merchants/m1/deposit/top-ups", {"amount": "1", "reference": "R"}, **key)
    assert {opened.status_code, ruled.status_code, topped.status_code} <= {403, 404}
    assert disputes_snapshot() == before  # includes the idempotency records


def test_a_merchant_token_cannot_act_on_another_shops_dispute_even_with_its_number(
    w: DisputeWorld,
) -> None:
    before = disputes_snapshot()
    api = w.api("m1_token")
    response = api.post(f"/disputes/{w.foreign.number}/actions/propose", {"remedy": "full_refund"})
    assert response.status_code == 404
    assert Dispute.unscoped.get(pk=w.foreign.pk).status == "negotiating"
    assert disputes_snapshot() == before
