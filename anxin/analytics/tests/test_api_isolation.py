"""Tenant and role isolation of the analytics API: every operation × every role, from ONE table.

The world is the cases isolation world (shops m1 and m2, consumers A and B, the staff and the
tokens of ``anxin/cases/tests/builders.py``) plus a quality inspector, rebuilt into the analytics
rollups: on 5 Nov 2026 m1 has 3 requests on 1 delivered order (5 units), m2 has 2 requests on 2
orders (10 units); the platform 5 on 3. Targets: one for the platform, one for each shop. October
2026's transparency report is published.

Expected answers: anonymous 401 (the public transparency report answers everyone); consumers 403;
a shop naming another shop 403; a role that may read but not act 403. Denied writes change
nothing; a shop's figures, rows and targets never hold another shop's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.test import Client

from anxin.analytics.api.routes import router as analytics_router
from anxin.analytics.models import Target, TargetAlert, TransparencyReport
from anxin.analytics.refresh import analytics_rebuild
from anxin.analytics.targets import target_set
from anxin.analytics.transparency import transparency_publish
from anxin.cases.tests.builders import NOW, ROLES, World, world
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import SYSTEM, Role
from anxin.core.models import AuditEntry
from anxin.core.tests.shared_rows import rows_for_the_group
from conftest import ApiClient

pytestmark = [pytest.mark.django_db, pytest.mark.db]

A_ROLES = (*ROLES, "inspector")
DAY = "2026-11-05"  # NOW's local day: every request of the world was opened then
PERIOD = {"start": "2026-11-01", "end": "2026-11-30"}
OCTOBER = date(2026, 10, 1)

M1 = frozenset({"m1_staff", "m1_admin", "m1_token"})
M2 = frozenset({"m2_staff", "m2_token"})
PLATFORM = frozenset({"agent", "arbitrator", "admin", "platform_token", "inspector"})

# (cases, delivered orders, delivered units) each audience reads for the period, worked out from
# the world by hand: m1 — review, approved, refunded on order E-A1 (5 units); m2 — a_at_m2 on
# E-A2 and foreign on E-B1 (5 units each).
FIGURES = {"m1": (3, 1, 5), "m2": (2, 2, 10), "platform": (5, 3, 15)}


@dataclass
class AnalyticsWorld:
    base: World
    inspector: Any
    platform_target: int
    m1_target: int
    m2_target: int

    @property
    def m1(self) -> int:
        return int(self.base.m1.pk)

    @property
    def m2(self) -> int:
        return int(self.base.m2.pk)

    def api(self, role: str) -> ApiClient:
        if role == "inspector":
            client = Client()
            client.force_login(self.inspector)
            return ApiClient(client=client)
        return self.base.api(role)

    def shops_of(self, role: str) -> set[int]:
        """The shops whose figures ``role`` may read (the ground truth of every check)."""
        if role in PLATFORM:
            return {self.m1, self.m2}
        if role in M1:
            return {self.m1}
        if role in M2:
            return {self.m2}
        return set()


def analytics_world() -> AnalyticsWorld:
    base = world()
    inspector = f.user("inspector", Role.QUALITY_INSPECTOR)
    analytics_rebuild(now=NOW)
    platform = target_set(actor=SYSTEM, metric="after_sales_rate", scope="platform", value="0.05")
    m1 = target_set(actor=SYSTEM, metric="refund_median", scope="merchant", merchant_id=base.m1.pk,
                    value="48")  # fmt: skip
    m2 = target_set(actor=SYSTEM, metric="refund_median", scope="merchant", merchant_id=base.m2.pk,
                    value="24")  # fmt: skip
    transparency_publish(OCTOBER, now=NOW)
    return AnalyticsWorld(
        base=base,
        inspector=inspector,
        platform_target=platform.pk,
        m1_target=m1.pk,
        m2_target=m2.pk,
    )


@pytest.fixture(scope="module")
def _analytics_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[AnalyticsWorld]:
    with rows_for_the_group(django_db_blocker), django_db_blocker.unblock():
        yield analytics_world()
    clock.unfreeze()


@pytest.fixture
def w(_analytics_world: AnalyticsWorld, db: Any) -> AnalyticsWorld:
    clock.freeze(NOW)
    return _analytics_world


def snapshot() -> dict[str, Any]:
    return {
        "targets": sorted(
            Target.objects.values_list(
                "pk", "metric", "scope", "merchant_id", "category_id", "value", "active"
            )
        ),
        "alerts": TargetAlert.objects.count(),
        "reports": sorted(TransparencyReport.objects.values_list("month", "published_at")),
        "audit": AuditEntry.objects.count(),
    }


@dataclass(frozen=True)
class Endpoint:
    method: str
    route: str
    call: Callable[[AnalyticsWorld, ApiClient], Any]
    writes: bool = False


def _get(path: str, **params: Any) -> Callable[[AnalyticsWorld, ApiClient], Any]:
    """A GET of ``path`` over the world's period; a callable parameter is read off the world."""

    def call(w: AnalyticsWorld, api: ApiClient) -> Any:
        values = {k: (v(w) if callable(v) else v) for k, v in params.items()}
        return api.get(path, {**PERIOD, **values})

    return call


def _put(w: AnalyticsWorld, api: ApiClient) -> Any:
    return api.post(
        "/analytics/targets",
        {"metric": "csat", "scope": "merchant", "merchant": w.m1, "value": "4.5"},
    )


def _remove(w: AnalyticsWorld, api: ApiClient) -> Any:
    return api.client.delete(f"/api/v1/analytics/targets/{w.m1_target}", headers=api._headers({}))


def _m1(w: AnalyticsWorld) -> int:
    return w.m1


def _m2(w: AnalyticsWorld) -> int:
    return w.m2


ENDPOINTS: dict[str, Endpoint] = {
    "summary": Endpoint("GET", "/analytics/summary", _get("/analytics/summary")),
    "summary_m1": Endpoint("GET", "/analytics/summary", _get("/analytics/summary", merchant=_m1)),
    "summary_m2": Endpoint("GET", "/analytics/summary", _get("/analytics/summary", merchant=_m2)),
    "by_shop": Endpoint("GET", "/analytics/breakdown", _get("/analytics/breakdown", by="merchant")),
    "by_sku": Endpoint("GET", "/analytics/breakdown", _get("/analytics/breakdown", by="sku")),
    "by_reason_m2": Endpoint("GET", "/analytics/breakdown",
                             _get("/analytics/breakdown", by="reason", merchant=_m2)),
    "hotspots": Endpoint("GET", "/analytics/hotspots", _get("/analytics/hotspots", by="merchant")),
    "hotspots_m2": Endpoint("GET", "/analytics/hotspots",
                            _get("/analytics/hotspots", by="sku", merchant=_m2)),
    "desk": Endpoint("GET", "/analytics/desk", _get("/analytics/desk")),
    "desk_m1": Endpoint("GET", "/analytics/desk", _get("/analytics/desk", merchant=_m1)),
    "targets": Endpoint("GET", "/analytics/targets",
                        lambda w, api: api.get("/analytics/targets", {"end": DAY})),
    "targets_m2": Endpoint("GET", "/analytics/targets",
                           lambda w, api: api.get("/analytics/targets", {"end": DAY, "merchant": w.m2})),
    "target_put": Endpoint("POST", "/analytics/targets", _put, writes=True),
    "target_remove": Endpoint("DELETE", "/analytics/targets/{target_id}", _remove, writes=True),
    "reports": Endpoint("GET", "/public/transparency",
                        lambda w, api: api.get("/public/transparency")),
    "report": Endpoint("GET", "/public/transparency/{month}",
                       lambda w, api: api.get("/public/transparency/2026-10")),
}  # fmt: skip


def _row(endpoint: str, *statuses: int) -> dict[tuple[str, str], int]:
    return {(endpoint, role): s for role, s in zip(A_ROLES, statuses, strict=True)}


# fmt: off
POLICY: dict[tuple[str, str], int] = {
    #                      anon cons_a cons_b m1_st m1_ad m1_tk m2_st m2_tk agent arbit admin plat_tk insp
    **_row("summary",       401, 403,   403,   200,  200,  200,  200,  200,  200,  200,  200,  200,    200),
    **_row("summary_m1",    401, 403,   403,   200,  200,  200,  403,  403,  200,  200,  200,  200,    200),
    **_row("summary_m2",    401, 403,   403,   403,  403,  403,  200,  200,  200,  200,  200,  200,    200),
    **_row("by_shop",       401, 403,   403,   200,  200,  200,  200,  200,  200,  200,  200,  200,    200),
    **_row("by_sku",        401, 403,   403,   200,  200,  200,  200,  200,  200,  200,  200,  200,    200),
    **_row("by_reason_m2",  401, 403,   403,   403,  403,  403,  200,  200,  200,  200,  200,  200,    200),
    **_row("hotspots",      401, 403,   403,   200,  200,  200,  200,  200,  200,  200,  200,  200,    200),
    **_row("hotspots_m2",   401, 403,   403,   403,  403,  403,  200,  200,  200,  200,  200,  200,    200),
    # the desk's figures are the platform's: a shop reads none, not even its own tickets
    **_row("desk",          401, 403,   403,   403,  403,  403,  403,  403,  200,  200,  200,  200,    200),
    **_row("desk_m1",       401, 403,   403,   403,  403,  403,  403,  403,  200,  200,  200,  200,    200),
    **_row("targets",       401, 403,   403,   200,  200,  200,  200,  200,  200,  200,  200,  200,    200),
    **_row("targets_m2",    401, 403,   403,   403,  403,  403,  200,  200,  200,  200,  200,  200,    200),
    # only administrators set and delete targets (not a shop, not a platform token)
    **_row("target_put",    401, 403,   403,   403,  403,  403,  403,  403,  403,  403,  201,  403,    403),
    **_row("target_remove", 401, 403,   403,   403,  403,  403,  403,  403,  403,  403,  204,  403,    403),
    # the transparency report is public: no login, the same answer for everyone
    **_row("reports",       200, 200,   200,   200,  200,  200,  200,  200,  200,  200,  200,  200,    200),
    **_row("report",        200, 200,   200,   200,  200,  200,  200,  200,  200,  200,  200,  200,    200),
}
# fmt: on


def _audience(role: str) -> str:
    return "m1" if role in M1 else "m2" if role in M2 else "platform"


def _check_rows(w: AnalyticsWorld, endpoint: str, role: str, body: dict[str, Any]) -> None:
    """What a 200 holds: only the shops ``role`` may read, with their own figures."""
    mine = w.shops_of(role)
    if endpoint.startswith("summary"):
        asked = {"summary_m1": "m1", "summary_m2": "m2"}.get(endpoint, _audience(role))
        figures = (body["cases"], body["delivered_orders"], body["delivered_units"])
        assert figures == FIGURES[asked]
        held = {"m1": w.m1, "m2": w.m2}.get(asked)
        assert body["filters"]["merchant"] == held  # a shop is held to itself; the platform free
    elif endpoint in ("by_shop", "hotspots"):
        assert {row["key"] for row in body["rows"]} == mine
        if endpoint == "by_shop":
            cases = {row["key"]: row["cases"] for row in body["rows"]}
            expected = {w.m1: FIGURES["m1"][0], w.m2: FIGURES["m2"][0]}
            assert cases == {k: expected[k] for k in mine}
    elif endpoint == "by_sku":
        assert {row["merchant"] for row in body["rows"]} == mine
    elif endpoint in ("by_reason_m2", "hotspots_m2"):
        assert body["filters"]["merchant"] == w.m2
        assert all(row.get("merchant") in (None, w.m2) for row in body["rows"])
        if endpoint == "by_reason_m2":
            assert sum(row["cases"] for row in body["rows"]) == FIGURES["m2"][0]
    elif endpoint == "desk_m1":
        assert body["merchant"] == w.m1


def _check_targets(w: AnalyticsWorld, endpoint: str, role: str, rows: list[Any]) -> None:
    seen = {row["id"] for row in rows}
    if endpoint == "targets_m2":
        assert seen == {w.m2_target}
    elif role in PLATFORM:
        assert seen == {w.platform_target, w.m1_target, w.m2_target}
    else:  # a shop: its own shop's targets only (the platform's and the others' are not its own)
        assert seen == {w.m1_target if role in M1 else w.m2_target}
    assert {row["merchant"] for row in rows} <= w.shops_of(role) | {None}


@pytest.mark.parametrize(("endpoint", "role"), sorted(POLICY))
def test_policy_table(w: AnalyticsWorld, endpoint: str, role: str) -> None:
    # given
    spec = ENDPOINTS[endpoint]
    expected = POLICY[(endpoint, role)]
    before = snapshot()
    # when
    response = spec.call(w, w.api(role))
    # then
    assert response.status_code == expected, (endpoint, role, response.content[:300])
    if expected in (401, 403, 404):
        code = {401: "auth.required", 403: "forbidden", 404: "not_found"}[expected]
        assert response.json()["error"]["code"] == code
    if spec.writes:
        assert (snapshot() == before) is (expected >= 400), "a denied write changed something"
    else:
        assert snapshot() == before, "a read changed something"
    if expected == 200 and spec.route.startswith("/analytics/targets"):
        _check_targets(w, endpoint, role, response.json())
    elif expected == 200 and spec.route.startswith("/analytics/"):
        _check_rows(w, endpoint, role, response.json())


def _analytics_routes() -> set[tuple[str, str]]:
    served: set[tuple[str, str]] = set()
    for mount in analytics_router.build_routers(""):
        for path, view in mount.template.path_operations.items():
            for operation in view.operations:
                served |= {(m.upper(), f"{mount.prefix}{path}") for m in operation.methods}
    return served


def test_every_analytics_route_has_rows_for_every_role() -> None:
    assert _analytics_routes() == {(e.method, e.route) for e in ENDPOINTS.values()}
    assert set(POLICY) == {(e, r) for e in ENDPOINTS for r in A_ROLES}


@pytest.mark.parametrize("role", sorted(M1))
def test_a_shops_answers_never_hold_the_other_shops_figures(w: AnalyticsWorld, role: str) -> None:
    """m1's people asking everything they may: m2's id appears nowhere, m2's counts nowhere."""
    api = w.api(role)
    bodies = [
        api.get("/analytics/summary", PERIOD).json(),
        *(api.get("/analytics/breakdown", {**PERIOD, "by": by}).json()
          for by in ("reason", "type", "channel", "category", "merchant", "sku")),
        *(api.get("/analytics/hotspots", {**PERIOD, "by": by}).json()
          for by in ("category", "sku", "merchant")),
    ]  # fmt: skip
    for body in bodies:
        assert body["filters"]["merchant"] == w.m1
        for row in body.get("rows", []):
            assert row.get("merchant") in (None, w.m1), (body["by"], row)
            if body["by"] == "merchant":
                assert row["key"] == w.m1
    summary = bodies[0]
    assert (summary["cases"], summary["delivered_orders"]) == FIGURES["m1"][:2]
    # every split adds up to m1's own requests, never the platform's
    for body in bodies[1:7]:
        assert sum(row["cases"] for row in body["rows"]) == FIGURES["m1"][0], body["by"]
    targets = api.get("/analytics/targets", {"end": DAY}).json()
    assert {t["merchant"] for t in targets} == {w.m1}


@pytest.mark.parametrize("role", ["m1_staff", "m1_token"])
@pytest.mark.parametrize(
    "path", ["/analytics/summary", "/analytics/breakdown", "/analytics/hotspots"]
)
def test_naming_another_shop_is_refused_before_its_figures_are_read(
    w: AnalyticsWorld, role: str, path: str
) -> None:
    # a refused grouping would be 422: 403 first means the shop is checked before anything else
    response = w.api(role).get(path, {**PERIOD, "merchant": str(w.m2), "by": "reason"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert str(FIGURES["m2"]) not in response.content.decode()


@pytest.mark.parametrize("by", ["category", "sku", "merchant"])
def test_a_shops_hotspots_are_never_measured_against_one_other_shop(
    w: AnalyticsWorld, by: str
) -> None:
    """Two shops on the platform: any baseline m1 is given (the platform's or its category's
    rate) would rest on m2 alone besides itself, so there is none; the platform's staff, looking
    at the whole platform, have theirs (5 requests on 3 orders)."""
    mine = w.api("m1_staff").get("/analytics/hotspots", {**PERIOD, "by": by}).json()["rows"]
    assert mine and {row["baseline_rate"] for row in mine} == {None}
    platform = w.api("agent").get("/analytics/hotspots", {**PERIOD, "by": by}).json()["rows"]
    baselines = [row["baseline_rate"] for row in platform]
    assert baselines and baselines == pytest.approx([5 / 3] * len(baselines))


def test_the_platform_reads_each_shop_as_that_shop_reads_itself(w: AnalyticsWorld) -> None:
    for shop, own in ((w.m1, "m1_admin"), (w.m2, "m2_staff")):
        theirs = w.api("agent").get("/analytics/summary", {**PERIOD, "merchant": shop}).json()
        mine = w.api(own).get("/analytics/summary", PERIOD).json()
        assert theirs == mine


def test_the_public_report_is_the_same_for_everyone(w: AnalyticsWorld) -> None:
    answers = {
        role: w.api(role).get("/public/transparency/2026-10").json()
        for role in ("anonymous", "consumer_a", "m1_staff", "m2_token", "admin")
    }
    first = answers["anonymous"]
    assert first["month"] == "2026-10"
    assert all(body == first for body in answers.values())
    assert w.api("anonymous").get("/public/transparency/2026-09").status_code == 404
