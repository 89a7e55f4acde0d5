"""/api/v1/analytics/summary, /breakdown and /hotspots: who may read which shop's figures, the
figures themselves (computed by hand) and refused parameters.

The world, November 2026 (Asia/Shanghai): shop m1 delivers 4 orders and gets 2 requests (one
"changed my mind" refunded after 48 h, one "defect"); shop m2 delivers 3 orders and gets one
"defect" request. Platform: 3 requests on 7 orders; m1: 2 on 4; m2: 1 on 3.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from anxin.analytics.refresh import analytics_rebuild
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Role
from conftest import ApiClient

from . import factories as af

pytestmark = pytest.mark.django_db

NOW = af.local("2026-11-20", 10)
PERIOD = {"start": "2026-11-01", "end": "2026-11-20"}


@dataclass
class ApiWorld:
    m1: Any
    m2: Any
    numbers: dict[str, str]
    users: dict[str, Any]
    tokens: dict[str, str]

    def api(self, who: str, lang: str = "en") -> ApiClient:
        if who in self.tokens:
            return ApiClient(token=self.tokens[who], lang=lang)
        client = Client()
        if who != "anonymous":
            client.force_login(self.users[who])
        return ApiClient(client=client, lang=lang)


@pytest.fixture
def w(db: Any) -> Iterator[ApiWorld]:
    clock.freeze(NOW)
    made = af.world()
    m1, m2 = made.shops["m1"], made.shops["m2"]
    ts = af.delivered(made, "m1", [("TS", 1)], signed_at=af.local("2026-11-09", 15))
    af.delivered(made, "m1", [("TS", 1)], signed_at=af.local("2026-11-09", 16))
    ph = af.delivered(made, "m1", [("PH", 1)], signed_at=af.local("2026-11-09", 17))
    af.delivered(made, "m1", [("PH", 1)], signed_at=af.local("2026-11-10", 9))
    bk = af.delivered(made, "m2", [("BK", 1)], signed_at=af.local("2026-11-09", 15))
    af.delivered(made, "m2", [("BK", 1)], signed_at=af.local("2026-11-10", 15))
    af.delivered(made, "m2", [("BK", 1)], signed_at=af.local("2026-11-10", 16))
    c1 = af.opened(ts, at=af.local("2026-11-10", 10), reason=af.NO_REASON)
    af.approve(c1, at=af.local("2026-11-10", 12))
    af.refund(c1, at=af.local("2026-11-12", 10), amount="100.00")
    c2 = af.opened(ph, at=af.local("2026-11-11", 9), reason=af.DEFECT, type="refund_only")
    d1 = af.opened(bk, at=af.local("2026-11-10", 11), reason=af.DEFECT)
    analytics_rebuild(now=NOW)
    users = {
        "consumer": f.user("consumer", Role.CONSUMER),
        "m1_staff": f.user("m1-staff", Role.MERCHANT_STAFF, [m1]),
        "m2_admin": f.user("m2-admin", Role.MERCHANT_ADMIN, [m2]),
        "agent": f.user("agent", Role.AGENT),
        "admin": f.user("admin", Role.ADMIN),
    }
    tokens = {
        "m1_token": f.token_for(m1, "m1-integration"),
        "platform_token": f.token_for(None, "platform-integration"),
    }
    numbers = {"c1": c1.number, "c2": c2.number, "d1": d1.number}
    yield ApiWorld(m1, m2, numbers, users, tokens)
    clock.unfreeze()


def metric_values(body: dict[str, Any]) -> dict[str, Any]:
    return {m["key"]: m["value"] for m in body["metrics"]}


# --- who reads what -------------------------------------------------------------------------------

PLATFORM = ("agent", "admin", "platform_token")


@pytest.mark.parametrize(
    ("who", "status", "cases", "orders"),
    [
        ("anonymous", 401, None, None),
        ("consumer", 403, None, None),
        ("m1_staff", 200, 2, 4),  # its own shop, filled in
        ("m1_token", 200, 2, 4),
        ("m2_admin", 200, 1, 3),
        *((who, 200, 3, 7) for who in PLATFORM),  # the whole platform
    ],
)
def test_the_summary_role_matrix(
    w: ApiWorld, who: str, status: int, cases: int | None, orders: int | None
) -> None:
    response = w.api(who).get("/analytics/summary", PERIOD)
    assert response.status_code == status
    if status == 200:
        body = response.json()
        assert (body["cases"], body["delivered_orders"]) == (cases, orders)


@pytest.mark.parametrize("who", ["m1_staff", "m1_token"])
@pytest.mark.parametrize("path", ["/analytics/summary", "/analytics/breakdown?by=reason"])
def test_a_shop_naming_another_shop_is_refused(w: ApiWorld, who: str, path: str) -> None:
    response = w.api(who).get(path, {**PERIOD, "merchant": str(w.m2.pk)})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("who", PLATFORM)
def test_the_platform_reads_any_shop(w: ApiWorld, who: str) -> None:
    body = w.api(who).get("/analytics/summary", {**PERIOD, "merchant": str(w.m2.pk)}).json()
    assert (body["cases"], body["delivered_orders"], body["filters"]["merchant"]) == (1, 3, w.m2.pk)


def test_a_consumer_is_refused_before_any_parameter_is_read(w: ApiWorld) -> None:
    for path in ("/analytics/breakdown", "/analytics/hotspots?by=nope"):
        assert w.api("consumer").get(path, {"start": "bad"}).status_code == 403


# --- the figures ----------------------------------------------------------------------------------


def test_the_summary_computes_every_case_metric(w: ApiWorld) -> None:
    body = w.api("agent").get("/analytics/summary", PERIOD).json()
    values = metric_values(body)
    assert values["after_sales_rate"] == pytest.approx(3 / 7)
    assert values["refund_median"] == pytest.approx(60.0)  # one refund in the 48–72 h bin
    assert body["refunded_cases"] == 1 and body["refunded_amount"] == "100.00"
    displays = {m["key"]: m["display"] for m in body["metrics"]}
    assert displays["after_sales_rate"] == "42.9 %"
    assert body["filters"] == {
        "start": "2026-11-01",
        "end": "2026-11-20",
        "category": None,
        "merchant": None,
        "type": None,
        "channel": None,
        "reason": None,
        "sku": None,
    }


def test_the_breakdown_by_reason_is_the_reason_mix(w: ApiWorld) -> None:
    body = w.api("admin").get("/analytics/breakdown", {**PERIOD, "by": "reason"}).json()
    assert body["by"] == "reason"
    mix = [(row["cases"], row["share"]) for row in body["rows"]]
    assert mix == [(2, pytest.approx(2 / 3)), (1, pytest.approx(1 / 3))]


def test_the_breakdown_by_shop_has_each_shops_rate(w: ApiWorld) -> None:
    body = w.api("agent").get("/analytics/breakdown", {**PERIOD, "by": "merchant"}).json()
    rates = {
        row["key"]: (row["cases"], row["delivered_orders"], row["after_sales_rate"])
        for row in body["rows"]
    }
    assert rates == {w.m1.pk: (2, 4, 0.5), w.m2.pk: (1, 3, pytest.approx(1 / 3))}


def test_a_shop_reads_only_itself_in_a_breakdown_by_shop(w: ApiWorld) -> None:
    body = w.api("m1_staff").get("/analytics/breakdown", {**PERIOD, "by": "merchant"}).json()
    assert [row["key"] for row in body["rows"]] == [w.m1.pk]


def test_hotspots_by_shop_carry_the_test(w: ApiWorld) -> None:
    body = w.api("agent").get("/analytics/hotspots", {**PERIOD, "by": "merchant"}).json()
    rows = {row["key"]: row for row in body["rows"]}
    assert set(rows) == {w.m1.pk, w.m2.pk}
    m1 = rows[w.m1.pk]
    # expected = the platform's rate (3 / 7) × m1's 4 orders
    assert m1["observed"] == 2 and m1["expected"] == pytest.approx(12 / 7)
    assert m1["excess"] == pytest.approx(2 - 12 / 7)
    assert m1["tested"] is False and m1["significant"] is False  # too few orders to test


# --- refused parameters ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "params", "field"),
    [
        ("/analytics/summary", {"start": "2026-13-01"}, "start"),
        ("/analytics/summary", {"start": "2026-11-20", "end": "2026-11-01"}, "end"),
        ("/analytics/summary", {"category": "apparel"}, "category"),
        ("/analytics/summary", {"channel": "fax"}, "channel"),
        ("/analytics/breakdown", {"by": "colour"}, "by"),
        ("/analytics/breakdown", {}, "by"),
        ("/analytics/hotspots", {"by": "reason"}, "by"),
    ],
)
def test_a_refused_parameter_is_422_with_its_field(
    w: ApiWorld, path: str, params: dict[str, str], field: str
) -> None:
    response = w.api("agent").get(path, params)
    assert response.status_code == 422
    assert field in response.json()["error"]["fields"]
