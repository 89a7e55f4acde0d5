"""Tenant and role isolation of the credit API: every operation × every role, from ONE table.

The world is the cases isolation world (shops m1 and m2, consumers A and B, the staff and the
tokens of ``anxin/cases/tests/builders.py``) plus a day's credit of both shops, and sanctions:
``s1`` (m1's warning, in force), ``s1_appealed`` (m1's restriction with an open appeal ``a1``),
``x1`` (m1's proposed exit) and ``s2`` (m2's warning with an open appeal ``a2``). Expected
answers: anonymous 401 (the public credit page answers everyone); out of scope 404 — the same as
a missing row; in scope but not allowed 403. Denied writes change nothing; lists never contain
another shop's rows.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from anxin.cases.tests.builders import NOW, ROLES, World, world
from anxin.core import clock
from anxin.core.models import AuditEntry
from anxin.core.tests.shared_rows import rows_for_the_group
from anxin.credit.api.routes import router as credit_router
from anxin.credit.choices import SanctionStatus, Step, Tier
from anxin.credit.models import Appeal, CreditSnapshot, CreditThreshold, Sanction
from conftest import ApiClient

pytestmark = [pytest.mark.django_db, pytest.mark.db]

MISSING = "00000000-0000-4000-8000-000000000000"


@dataclass
class CreditWorld:
    base: World
    s1: Sanction
    s1_appealed: Sanction
    x1: Sanction
    s2: Sanction
    a1: Appeal
    a2: Appeal

    def api(self, role: str) -> ApiClient:
        return self.base.api(role)


def _sanction(shop: Any, step: str, status: str, day: Any) -> Sanction:
    return Sanction.objects.create(
        merchant=shop,
        step=step,
        status=status,
        day=day,
        score=45,
        tier=Tier.WARNING,
        factors={},
        reason="score below the line",
        data={"below": "60", "days": 1},
    )


def credit_world() -> CreditWorld:
    base = world()
    day = timezone.localdate(NOW)
    for shop, score in ((base.m1, 45), (base.m2, 82)):
        for back in range(3):
            CreditSnapshot.objects.create(
                merchant=shop,
                day=day - timedelta(days=back),
                score=score,
                tier=Tier.for_score(score),
                factors={},
                computed_at=NOW,
            )
    s1 = _sanction(base.m1, Step.WARN, SanctionStatus.IN_FORCE, day)
    s1_appealed = _sanction(base.m1, Step.RESTRICT, SanctionStatus.APPEALED, day)
    x1 = _sanction(base.m1, Step.EXIT, SanctionStatus.PROPOSED, day)
    s2 = _sanction(base.m2, Step.WARN, SanctionStatus.APPEALED, day)
    a1 = Appeal.objects.create(
        sanction=s1_appealed, merchant=base.m1, statement="已整改", filed_by="user:1"
    )
    a2 = Appeal.objects.create(sanction=s2, merchant=base.m2, statement="已整改", filed_by="user:2")
    return CreditWorld(base=base, s1=s1, s1_appealed=s1_appealed, x1=x1, s2=s2, a1=a1, a2=a2)


@pytest.fixture(scope="module")
def _credit_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[CreditWorld]:
    with rows_for_the_group(django_db_blocker), django_db_blocker.unblock():
        yield credit_world()


@pytest.fixture
def w(_credit_world: CreditWorld, db: Any) -> CreditWorld:
    clock.freeze(NOW)
    return _credit_world


@dataclass(frozen=True)
class Endpoint:
    method: str
    route: str
    call: Callable[[CreditWorld, ApiClient], Any]
    writes: bool = False


def _appeal(w: CreditWorld, api: ApiClient) -> Any:
    return api.client.post(
        f"/api/v1/credit/sanctions/{w.s1.public_id}/appeal",
        {"statement": "我们已经整改"},
        headers=api._headers({}),
    )


def _put(path: str, body: dict) -> Callable[[CreditWorld, ApiClient], Any]:
    def call(w: CreditWorld, api: ApiClient) -> Any:
        return api.client.put(
            f"/api/v1{path}", body, content_type="application/json", headers=api._headers({})
        )

    return call


ENDPOINTS: dict[str, Endpoint] = {
    "public": Endpoint("GET", "/public/merchants/{code}/credit", lambda w, api: api.get("/public/merchants/m1/credit")),
    "mine": Endpoint("GET", "/credit", lambda w, api: api.get("/credit", {"merchant": "m1"})),
    "history": Endpoint("GET", "/credit/history", lambda w, api: api.get("/credit/history", {"merchant": "m1"})),
    "sanctions": Endpoint("GET", "/credit/sanctions", lambda w, api: api.get("/credit/sanctions")),
    "appeal": Endpoint("POST", "/credit/sanctions/{id}/appeal", _appeal, writes=True),
    "exit": Endpoint(
        "POST",
        "/credit/sanctions/{id}/exit-decision",
        lambda w, api: api.post(f"/credit/sanctions/{w.x1.public_id}/exit-decision", {"confirm": False, "note": "复核后暂不清退"}),
        writes=True,
    ),
    "appeals": Endpoint("GET", "/credit/appeals", lambda w, api: api.get("/credit/appeals")),
    "decide": Endpoint(
        "POST",
        "/credit/appeals/{id}/decision",
        lambda w, api: api.post(f"/credit/appeals/{w.a1.public_id}/decision", {"decision": "uphold", "note": "证据不足"}),
        writes=True,
    ),
    "merchants": Endpoint("GET", "/credit/merchants", lambda w, api: api.get("/credit/merchants")),
    "thresholds": Endpoint("GET", "/credit/thresholds", lambda w, api: api.get("/credit/thresholds")),
    "threshold_put": Endpoint("PUT", "/credit/thresholds/{step}", _put("/credit/thresholds/warn", {"below": "58"}), writes=True),
}  # fmt: skip


def _row(endpoint: str, *statuses: int) -> dict[tuple[str, str], int]:
    return {(endpoint, role): status for role, status in zip(ROLES, statuses, strict=True)}


# fmt: off
POLICY: dict[tuple[str, str], int] = {
    #                      anon cons_a cons_b m1_st m1_ad m1_tk m2_st m2_tk agent arbit admin plat_tk
    **_row("public",        200, 200,   200,   200,  200,  200,  200,  200,  200,  200,  200,  200),
    **_row("mine",          401, 404,   404,   200,  200,  200,  404,  404,  200,  200,  200,  200),
    **_row("history",       401, 404,   404,   200,  200,  200,  404,  404,  200,  200,  200,  200),
    **_row("sanctions",     401, 200,   200,   200,  200,  200,  200,  200,  200,  200,  200,  200),
    # the shop's administrators and its token appeal; staff and the platform may not
    **_row("appeal",        401, 404,   404,   403,  201,  201,  404,  404,  403,  403,  403,  403),
    **_row("exit",          401, 404,   404,   403,  403,  403,  404,  404,  403,  403,  200,  200),
    **_row("appeals",       401, 200,   200,   200,  200,  200,  200,  200,  200,  200,  200,  200),
    **_row("decide",        401, 404,   404,   403,  403,  403,  404,  404,  403,  403,  200,  200),
    **_row("merchants",     401, 403,   403,   403,  403,  403,  403,  403,  200,  200,  200,  200),
    **_row("thresholds",    401, 403,   403,   403,  403,  403,  403,  403,  200,  200,  200,  200),
    **_row("threshold_put", 401, 403,   403,   403,  403,  403,  403,  403,  403,  403,  200,  200),
}
# fmt: on

PLATFORM = {"agent", "arbitrator", "admin", "platform_token"}


def snapshot() -> tuple[Any, ...]:
    return (
        list(Sanction.objects.order_by("pk").values_list("status", "decided_at")),
        list(Appeal.objects.order_by("pk").values_list("decision", "statement")),
        list(CreditThreshold.objects.order_by("pk").values_list("below", "enabled")),
        AuditEntry.objects.count(),
    )


def _visible_sanctions(w: CreditWorld, role: str) -> set[str]:
    m1 = {str(s.public_id) for s in (w.s1, w.s1_appealed, w.x1)}
    m2 = {str(w.s2.public_id)}
    if role in PLATFORM:
        return m1 | m2
    if role.startswith("m1_"):
        return m1
    if role.startswith("m2_"):
        return m2
    return set()


@pytest.mark.parametrize(("endpoint", "role"), sorted(POLICY))
def test_policy_table(w: CreditWorld, endpoint: str, role: str) -> None:
    spec = ENDPOINTS[endpoint]
    expected = POLICY[(endpoint, role)]
    before = snapshot()
    response = spec.call(w, w.api(role))
    assert response.status_code == expected, (endpoint, role, response.content[:300])
    if expected in (401, 403, 404):
        code = {401: "auth.required", 403: "forbidden", 404: "not_found"}[expected]
        assert response.json()["error"]["code"] == code
    if spec.writes:
        assert (snapshot() == before) == (expected >= 400), "a denied write changed something"
    if expected == 200 and spec.route == "/credit/sanctions":
        assert {s["id"] for s in response.json()} == _visible_sanctions(w, role)
    if expected == 200 and spec.route == "/credit/appeals":
        seen = {a["id"] for a in response.json()}
        m1, m2 = {str(w.a1.public_id)}, {str(w.a2.public_id)}
        assert seen == (
            m1 | m2
            if role in PLATFORM
            else m1
            if role.startswith("m1_")
            else m2
            if role.startswith("m2_")
            else set()
        )


def _credit_routes() -> set[tuple[str, str]]:
    served: set[tuple[str, str]] = set()
    for mount in credit_router.build_routers(""):
        for path, view in mount.template.path_operations.items():
            for operation in view.operations:
                served |= {(m.upper(), f"{mount.prefix}{path}") for m in operation.methods}
    return served


def test_every_credit_route_has_rows_for_every_role() -> None:
    in_table = {(ENDPOINTS[e].method, ENDPOINTS[e].route) for e, _ in POLICY}
    assert _credit_routes() == in_table
    assert set(POLICY) == {(e, r) for e in ENDPOINTS for r in ROLES}


@pytest.mark.parametrize("role", ["consumer_b", "m2_staff", "m2_token"])
def test_out_of_scope_is_exactly_the_answer_for_a_missing_row(w: CreditWorld, role: str) -> None:
    api = w.api(role)
    before = snapshot()

    def same(theirs: Any, none: Any) -> None:
        assert (theirs.status_code, theirs.json()) == (none.status_code, none.json())
        assert theirs.status_code == 404

    same(api.get("/credit", {"merchant": "m1"}), api.get("/credit", {"merchant": "nope"}))
    for path in ("/credit/sanctions/{}/appeal",):
        same(
            api.client.post(
                f"/api/v1{path.format(w.s1.public_id)}",
                {"statement": "x"},
                headers=api._headers({}),
            ),
            api.client.post(
                f"/api/v1{path.format(MISSING)}", {"statement": "x"}, headers=api._headers({})
            ),
        )
    same(
        api.post(
            f"/credit/appeals/{w.a1.public_id}/decision", {"decision": "overturn", "note": "x"}
        ),
        api.post(f"/credit/appeals/{MISSING}/decision", {"decision": "overturn", "note": "x"}),
    )
    assert snapshot() == before


def test_the_public_page_names_no_person_and_no_case(w: CreditWorld) -> None:
    body = w.api("anonymous").get("/public/merchants/m1/credit").content.decode()
    for secret in ("张三", "138", w.base.review.number, w.base.order_a.number, "buyer-a"):
        assert secret not in body
    assert w.api("anonymous").get("/public/merchants/nope/credit").status_code == 404
