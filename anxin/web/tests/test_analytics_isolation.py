"""Tenant and role isolation of the analytics pages and exports: every page, export and form ×
every role, from ONE table, and a shop never sees another shop's figures.

The world is the page world (``world.py``: shop m1 with ``merchant`` and ``merchant_admin``, shop
m2 with ``other_merchant``, a consumer, an agent, an administrator) plus an arbitrator and a
quality inspector, two more requests at m2 refunded after 24 hours, a refund target for each shop
and October 2026's transparency report, rebuilt into the rollups. On 4–5 Nov 2026:

    m1: 1 request on 2 delivered orders — after-sales rate 50.0 %, no refund
    m2: 3 requests on 1 delivered order — after-sales rate 300.0 %, refund rate 200.0 %

Expected answers: anonymous → the sign-in page (the transparency report answers everyone);
consumers 403; a shop's people their own shop's pages (200), the platform's 403, another shop
named with ``?shop=`` 404 and with ``?merchant=`` replaced by their own (200, their own
figures); the platform's staff the platform's pages, not a shop's workbench; targets:
administrators only. Denied writes change nothing.
"""

from __future__ import annotations

import csv
import importlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from html import unescape
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from anxin.analytics.models import Target, TransparencyReport
from anxin.analytics.refresh import analytics_rebuild
from anxin.analytics.targets import target_set
from anxin.analytics.tests import factories as af
from anxin.cases.tests.helpers import NOW
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import SYSTEM, Role
from anxin.core.models import AuditEntry

from .conftest import signed_in
from .pages_analytics import PAGES, published_month, shop_target
from .world import World

pytestmark = pytest.mark.django_db

ROLES = (
    "anonymous",
    "consumer",
    "merchant",  # m1's staff
    "merchant_admin",  # m1's administrator
    "other_merchant",  # m2's administrator
    "agent",
    "arbitrator",
    "inspector",
    "admin",
)
M1 = frozenset({"merchant", "merchant_admin"})
PLATFORM = frozenset({"agent", "arbitrator", "inspector", "admin"})
LOGIN = "login"  # 302 to the sign-in page
SAVED = "saved"  # 302 back to the targets list
URL_MODULES = (
    "console_analytics",
    "console_analytics_desk",
    "merchant_analytics",
    "manage_targets",
    "public_transparency",
)
REQUESTS = "/tmp/team/requests-h7.md"


@dataclass
class Figures:
    """What the module adds to the page world (ids and numbers, no model objects)."""

    m1_cases: frozenset[str]
    m2_cases: frozenset[str]
    m1_target: int
    m2_target: int
    month: str
    users: dict[str, Any]


def _m2_refunded(world: World, day: int) -> str:
    """A request at m2 opened on ``day`` November at 09:00 and refunded 24 hours later."""
    case = af.opened(world.other_order, at=af.local(f"2026-11-0{day}", 9))
    af.approve(case, at=af.local(f"2026-11-0{day}", 10))
    af.refund(case, at=af.local(f"2026-11-0{day + 1}", 9), amount="100.00")
    return case.number


@pytest.fixture(scope="module")
def _figures(_module_world: World, django_db_blocker: Any) -> Iterator[Figures]:
    """Built inside the module's group of rows (rolled back with them)."""
    world = _module_world
    with django_db_blocker.unblock():
        clock.freeze(NOW)
        users = {
            "arbitrator": f.user("arbitrator", Role.ARBITRATOR),
            "inspector": f.user("inspector", Role.QUALITY_INSPECTOR),
        }
        m2_cases = {world.other_case.number, _m2_refunded(world, 3), _m2_refunded(world, 4)}
        analytics_rebuild(now=NOW)
        m1_target = shop_target(world).pk
        m2_target = target_set(actor=SYSTEM, metric="refund_median", scope="merchant",
                               merchant_id=world.other_shop.pk, value="24").pk  # fmt: skip
        month = published_month(world)
        clock.unfreeze()
    yield Figures(
        m1_cases=frozenset({world.case.number}),
        m2_cases=frozenset(m2_cases),
        m1_target=m1_target,
        m2_target=m2_target,
        month=month,
        users=users,
    )


@pytest.fixture
def world(shared_world: World, _figures: Figures) -> World:
    return shared_world


@pytest.fixture
def figures(_figures: Figures) -> Figures:
    return _figures


def client_for(world: World, figures: Figures, role: str, language: str = "en") -> Client:
    if role == "anonymous":
        return Client(HTTP_ACCEPT_LANGUAGE=language)
    user = figures.users.get(role) or getattr(world, role)
    return signed_in(user, language)


def body(response: Any) -> str:
    return unescape(response.content.decode())


def csv_rows(response: Any) -> list[list[str]]:
    assert response.content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def xlsx_rows(response: Any) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    sheet = book.worksheets[0]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def export_rows(response: Any) -> list[list[str]]:
    """An export's first sheet as text, CSV or XLSX (a count as "3", not "3.0")."""
    if response["Content-Type"].startswith("text/csv"):
        return csv_rows(response)
    return [["" if v is None else str(v) for v in row] for row in xlsx_rows(response)]


def snapshot() -> dict[str, Any]:
    return {
        "targets": sorted(
            Target.objects.values_list("pk", "metric", "scope", "merchant_id", "value", "active")
        ),
        "reports": sorted(TransparencyReport.objects.values_list("month", "published_at")),
        "audit": AuditEntry.objects.count(),
    }


# --- the table -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    name: str  # the URL's "namespace:name"
    url: Callable[[World, Figures], str]
    post: Callable[[World, Figures], dict[str, str]] | None = None

    @property
    def writes(self) -> bool:
        return self.post is not None


def _m2(path: str) -> Callable[[World, Figures], str]:
    """``path`` with m2's id as ``merchant`` (after any query already there)."""

    def url(world: World, figures: Figures) -> str:
        glue = "&" if "?" in path else "?"
        return f"{path}{glue}merchant={world.other_shop.pk}"

    return url


def _at(path: str) -> Callable[[World, Figures], str]:
    return lambda world, figures: path


def _target_form(world: World, figures: Figures) -> dict[str, str]:
    return {"metric": "csat", "scope": "merchant", "merchant": str(world.shop.pk),
            "value": "4.5", "window_days": "30", "active": "on"}  # fmt: skip


ENDPOINTS: dict[str, Endpoint] = {
    "platform": Endpoint("console_analytics:home", _at("/console/analytics/")),
    "platform_m2": Endpoint("console_analytics:home", _m2("/console/analytics/")),
    "platform_cases": Endpoint("console_analytics:drilldown", _at("/console/analytics/cases/")),
    "platform_export": Endpoint("console_analytics:export",
                                _at("/console/analytics/export/?table=kpis&format=csv")),
    "platform_export_cases": Endpoint("console_analytics:export",
                                      _at("/console/analytics/export/?table=cases&format=xlsx")),
    "desk": Endpoint("console_analytics_desk:home", _at("/console/analytics/desk/")),
    "desk_export": Endpoint("console_analytics_desk:export",
                            _at("/console/analytics/desk/export/?table=kpis&format=csv")),
    "shop": Endpoint("merchant_analytics:home", _at("/shop/analytics/")),
    "shop_m2": Endpoint("merchant_analytics:home", _m2("/shop/analytics/")),
    "shop_named_m2": Endpoint("merchant_analytics:home", _at("/shop/analytics/?shop=m2")),
    "shop_cases": Endpoint("merchant_analytics:drilldown", _at("/shop/analytics/cases/")),
    "shop_cases_m2": Endpoint("merchant_analytics:drilldown", _m2("/shop/analytics/cases/")),
    "shop_cases_named_m2": Endpoint("merchant_analytics:drilldown",
                                    _at("/shop/analytics/cases/?shop=m2")),
    "shop_export": Endpoint("merchant_analytics:export",
                            _at("/shop/analytics/export/?table=kpis&format=csv")),
    "shop_export_m2": Endpoint("merchant_analytics:export",
                               _m2("/shop/analytics/export/?table=cases&format=csv")),
    "shop_export_named_m2": Endpoint("merchant_analytics:export",
                                     _at("/shop/analytics/export/?table=kpis&format=xlsx&shop=m2")),
    "targets": Endpoint("manage_targets:list", _at("/manage/targets/")),
    "target_edit": Endpoint("manage_targets:list",
                            lambda w, fig: f"/manage/targets/?edit={fig.m1_target}"),
    "target_save": Endpoint("manage_targets:save", _at("/manage/targets/save/"), _target_form),
    "target_delete": Endpoint("manage_targets:delete",
                              lambda w, fig: f"/manage/targets/{fig.m2_target}/delete/",
                              lambda w, fig: {}),
    "transparency": Endpoint("public_transparency:home", _at("/transparency/")),
    "month": Endpoint("public_transparency:month", lambda w, fig: f"/transparency/{fig.month}/"),
    "month_csv": Endpoint("public_transparency:csv", lambda w, fig: f"/transparency/{fig.month}.csv"),
    "month_pdf": Endpoint("public_transparency:pdf", lambda w, fig: f"/transparency/{fig.month}.pdf"),
}  # fmt: skip


def _row(endpoint: str, *expected: int | str) -> dict[tuple[str, str], int | str]:
    return {(endpoint, role): e for role, e in zip(ROLES, expected, strict=True)}


L = LOGIN
# fmt: off
POLICY: dict[tuple[str, str], int | str] = {
    #                              anon cons m1_st m1_ad m2_ad agent arbit insp admin
    **_row("platform",              L,  403,  403,  403,  403,  200,  200,  200,  200),
    **_row("platform_m2",           L,  403,  403,  403,  403,  200,  200,  200,  200),
    **_row("platform_cases",        L,  403,  403,  403,  403,  200,  200,  200,  200),
    **_row("platform_export",       L,  403,  403,  403,  403,  200,  200,  200,  200),
    **_row("platform_export_cases", L,  403,  403,  403,  403,  200,  200,  200,  200),
    **_row("desk",                  L,  403,  403,  403,  403,  200,  200,  200,  200),
    **_row("desk_export",           L,  403,  403,  403,  403,  200,  200,  200,  200),
    # a shop's own pages: ?merchant= is replaced by the viewer's own shop, ?shop= must be one of
    # the viewer's shops (another one is 404, as a missing one)
    **_row("shop",                  L,  403,  200,  200,  200,  403,  403,  403,  403),
    **_row("shop_m2",               L,  403,  200,  200,  200,  403,  403,  403,  403),
    **_row("shop_named_m2",         L,  403,  404,  404,  200,  403,  403,  403,  403),
    **_row("shop_cases",            L,  403,  200,  200,  200,  403,  403,  403,  403),
    **_row("shop_cases_m2",         L,  403,  200,  200,  200,  403,  403,  403,  403),
    **_row("shop_cases_named_m2",   L,  403,  404,  404,  200,  403,  403,  403,  403),
    **_row("shop_export",           L,  403,  200,  200,  200,  403,  403,  403,  403),
    **_row("shop_export_m2",        L,  403,  200,  200,  200,  403,  403,  403,  403),
    **_row("shop_export_named_m2",  L,  403,  404,  404,  200,  403,  403,  403,  403),
    # service targets: administrators only (an agent neither)
    **_row("targets",               L,  403,  403,  403,  403,  403,  403,  403,  200),
    **_row("target_edit",           L,  403,  403,  403,  403,  403,  403,  403,  200),
    **_row("target_save",           L,  403,  403,  403,  403,  403,  403,  403,  SAVED),
    **_row("target_delete",         L,  403,  403,  403,  403,  403,  403,  403,  SAVED),
    # the transparency report: public, no login
    **_row("transparency",          200, 200, 200,  200,  200,  200,  200,  200,  200),
    **_row("month",                 200, 200, 200,  200,  200,  200,  200,  200,  200),
    **_row("month_csv",             200, 200, 200,  200,  200,  200,  200,  200,  200),
    **_row("month_pdf",             200, 200, 200,  200,  200,  200,  200,  200,  200),
}
# fmt: on


def _status(response: Any) -> int | str:
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith("/accounts/login/"):
            return LOGIN
        if location == "/manage/targets/":
            return SAVED
        return f"302 {location}"
    return int(response.status_code)


def _shop_figures(endpoint: str, role: str) -> str:
    """Whose figures a shop's 200 holds: always the viewer's own shop."""
    return "m2" if role == "other_merchant" else "m1"


def _check_shop_answer(
    endpoint: str, role: str, response: Any, world: World, figures: Figures
) -> None:
    own = _shop_figures(endpoint, role)
    mine, theirs = (
        (figures.m1_cases, figures.m2_cases)
        if own == "m1"
        else (figures.m2_cases, figures.m1_cases)
    )
    other_name = world.other_shop.name if own == "m1" else world.shop.name
    if endpoint.startswith("shop_export"):
        rows = export_rows(response)
        text = "\n".join(",".join(r) for r in rows)
        if endpoint == "shop_export_m2":  # the cases behind the numbers: its own, all of them
            assert {r[0] for r in rows[1:]} == mine
        else:
            values = {r[0]: r[1] for r in rows[1:]}
            assert (values["Cases"], values["Delivered orders"]) == (
                ("1", "2") if own == "m1" else ("3", "1")
            )
    else:
        text = body(response)
        if endpoint.startswith("shop_cases"):
            assert all(number in text for number in mine)
        else:  # the dashboard: its own after-sales rate, never the other shop's
            assert ("50.0 %" if own == "m1" else "300.0 %") in text
            assert ("300.0 %" if own == "m1" else "50.0 %") not in text
    for number in theirs:
        assert number not in text, f"{endpoint} as {role} shows the other shop's case {number}"
    assert other_name not in text, f"{endpoint} as {role} names the other shop"


def _check_platform_answer(endpoint: str, response: Any, world: World, figures: Figures) -> None:
    everything = figures.m1_cases | figures.m2_cases
    if endpoint == "platform_m2":  # the platform may look at one shop: m2's own figures
        page = body(response)
        assert "300.0 %" in page and "50.0 %" not in page
    elif endpoint == "platform_cases":
        page = body(response)
        assert all(number in page for number in everything)
    elif endpoint == "platform_export":
        values = {r[0]: r[1] for r in csv_rows(response)[1:]}
        assert (values["Cases"], values["Delivered orders"]) == ("4", "3")
    elif endpoint == "platform_export_cases":
        assert {r[0] for r in xlsx_rows(response)[1:]} == everything


@pytest.mark.parametrize(("endpoint", "role"), sorted(POLICY))
def test_policy_table(world: World, figures: Figures, endpoint: str, role: str) -> None:
    # given
    spec = ENDPOINTS[endpoint]
    expected = POLICY[(endpoint, role)]
    client = client_for(world, figures, role)
    url = spec.url(world, figures)
    before = snapshot()
    # when
    if spec.post is not None:
        response = client.post(url, spec.post(world, figures))
    else:
        response = client.get(url)
    # then
    assert _status(response) == expected, (endpoint, role, url, response.content[:300])
    if spec.writes:
        assert (snapshot() == before) is (expected != SAVED), "a denied write changed something"
    else:
        assert snapshot() == before, "a read changed something"
    if expected == 200 and endpoint.startswith("shop"):
        _check_shop_answer(endpoint, role, response, world, figures)
    if expected == 200 and endpoint.startswith("platform"):
        _check_platform_answer(endpoint, response, world, figures)


def _served_names() -> set[str]:
    names = set()
    for module_name in URL_MODULES:
        module = importlib.import_module(f"anxin.web.urls.{module_name}")
        names |= {f"{module.app_name}:{pattern.name}" for pattern in module.urlpatterns}
    return names


def test_every_analytics_page_and_export_has_rows_for_every_role() -> None:
    assert _served_names() == {e.name for e in ENDPOINTS.values()}
    assert set(POLICY) == {(e, r) for e in ENDPOINTS for r in ROLES}


# --- the page registry -----------------------------------------------------------------------------

REGISTRY_USERS = {"": "anonymous", "consumer": "consumer", "merchant": "merchant",
                  "merchant_admin": "merchant_admin", "agent": "agent", "admin": "admin"}  # fmt: skip
HTML_PAGES = {"console_analytics:home", "console_analytics:drilldown",
              "console_analytics_desk:home", "merchant_analytics:home",
              "merchant_analytics:drilldown", "manage_targets:list", "public_transparency:home",
              "public_transparency:month"}  # fmt: skip


@pytest.mark.parametrize(("name", "username", "url_of"), PAGES, ids=[p[0] for p in PAGES])
def test_each_registry_page_opens_for_its_user(
    world: World, figures: Figures, name: str, username: str, url_of: Any
) -> None:
    from django.urls import resolve

    url = url_of(world)
    response = client_for(world, figures, REGISTRY_USERS[username], "zh-hans").get(url)
    assert response.status_code == 200, (name, url)
    match = resolve(url.split("?")[0])
    assert f"{match.namespace}:{match.url_name}" in HTML_PAGES


def test_the_registry_covers_every_analytics_page(world: World, figures: Figures) -> None:
    from django.urls import resolve

    covered = set()
    for _name, _username, url_of in PAGES:
        match = resolve(url_of(world).split("?")[0])
        covered.add(f"{match.namespace}:{match.url_name}")
    assert covered == HTML_PAGES


# --- a shop beside its category: never one competitor's own figures --------------------------------


def _export(world: World, figures: Figures, role: str, table: str) -> list[list[str]]:
    url = f"/shop/analytics/export/?table={table}&format=csv"
    return csv_rows(client_for(world, figures, role).get(url))


def test_the_category_beside_a_shop_is_never_one_other_shop(world: World, figures: Figures) -> None:
    # given m1 and m2 are the only shops delivering in the category; m1 had no refund, m2 two
    theirs = {r[0]: r[1] for r in _export(world, figures, "other_merchant", "compare")[1:]}
    assert theirs["Time to refund (median)"] == "30"  # m2's own, 24 h after opening, from bins
    # when m1's staff read their shop beside their category
    rows = _export(world, figures, "merchant", "compare")
    # then the category's side, resting on one other shop, is empty (the public report hides a
    # category of fewer than three shops for the same reason); m1's own side is there
    assert {r[2] for r in rows[1:]} == {""}
    assert {r[0]: r[1] for r in rows[1:]}["After-sales rate"] == "50"


def test_a_shops_products_are_not_measured_against_one_other_shop(
    world: World, figures: Figures
) -> None:
    # "Expected cases" = the category's rate × the SKU's deliveries: with m2 the only other shop
    # of the category, that rate would be m2's (4 / 3 with m1's own: 2.67 on 2 orders); no rate
    rows = _export(world, figures, "merchant", "skus")
    expected = rows[0].index("Expected cases")
    assert len(rows) > 1 and {r[expected] for r in rows[1:]} <= {"", "0"}
