"""The merchant queue: deadline order, highlighting, filters, saved views, bulk approve, CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from anxin.cases.inputs import CaseOpenIn
from anxin.cases.models import Case
from anxin.cases.services import case_open
from anxin.cases.tests.helpers import NOW, delivered_order
from anxin.catalog.models import Customer
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.web.models import SavedView

from .world import advance

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    """This module's tests share one world, built once (see conftest.shared_world)."""
    return shared_world


def open_at(world, at, *, order="E1002", type="return_refund", reason="no_reason/changed_mind"):
    """A case of the world's consumer opened at ``at`` (the clock goes back to NOW after)."""
    clock.freeze(at)
    try:
        return case_open(
            actor=world.actor(world.consumer),
            data=CaseOpenIn(order=order, line="L1", type=type, reason=reason, quantity=1),
        )
    finally:
        clock.freeze(NOW)


@pytest.fixture
def queue_world(world):
    """A: world.case (review due NOW+48h); B: opened 11 h earlier, the day before (due NOW+37h);
    C: an exchange whose return is in transit (no pending deadline)."""
    b = open_at(world, NOW - timedelta(hours=11))
    c = open_at(world, NOW, type="exchange")
    advance(
        c,
        (world.actor(world.merchant), "approve", {}),
        (world.actor(world.consumer), "ship_return", {"carrier": "SF", "tracking_number": "SF9"}),
    )
    return world, world.case, b, c


def positions(body, *numbers):
    return [body.index(n) for n in numbers]


def test_queue_is_sorted_by_nearest_deadline(queue_world, as_user):
    world, a, b, c = queue_world
    body = as_user(world.merchant).get("/shop/cases/").content.decode()
    pa, pb, pc = positions(body, a.number, b.number, c.number)
    assert pb < pa < pc  # B due first, then A; C has no deadline: last


def test_overdue_and_at_risk_rows_are_highlighted(queue_world, as_user):
    world, a, b, _c = queue_world
    # 40 h later: B (due NOW+37h) is overdue; A (due NOW+48h, 8 h of 48 left) is at risk
    clock.freeze(NOW + timedelta(hours=40))
    body = as_user(world.merchant).get("/shop/cases/").content.decode()
    rows = {n: body[body.rindex("<tr", 0, body.index(n)) :][:40] for n in (a.number, b.number)}
    assert 'class="overdue"' in rows[b.number]
    assert 'class="at-risk"' in rows[a.number]
    assert "data-countdown=" in body


def test_no_highlight_when_plenty_of_time(queue_world, as_user):
    world, *_ = queue_world
    body = as_user(world.merchant).get("/shop/cases/").content.decode()
    assert 'class="overdue"' not in body and 'class="at-risk"' not in body


@pytest.mark.parametrize(
    ("params", "shown", "hidden"),
    [
        ({"status": "merchant_review"}, "ab", "c"),
        ({"type": "exchange"}, "c", "ab"),
        ({"reason": "no_reason"}, "abc", ""),
        ({"reason": "quality"}, "", "abc"),
        ({"q": "纯棉"}, "abc", ""),
        ({"q": "TS-01"}, "abc", ""),
        ({"q": "nothing-like-this"}, "", "abc"),
        ({"created_from": "2026-11-05", "created_to": "2026-11-05"}, "ac", "b"),
        ({"created_to": "2026-11-04"}, "b", "ac"),
    ],
)
def test_filters(queue_world, as_user, params, shown, hidden):
    world, a, b, c = queue_world
    cases = {"a": a, "b": b, "c": c}
    response = as_user(world.merchant).get("/shop/cases/", params)
    assert response.status_code == 200
    body = response.content.decode()
    for key in shown:
        assert cases[key].number in body, (params, key)
    for key in hidden:
        assert cases[key].number not in body, (params, key)


def test_filter_by_specific_order_number(queue_world, as_user):
    world, a, b, _c = queue_world
    body = as_user(world.merchant).get("/shop/cases/", {"q": "E1001"}).content.decode()
    assert a.number in body and b.number not in body


def test_finished_cases_only_with_all(queue_world, as_user):
    world, a, *_ = queue_world
    Case.objects.filter(pk=a.pk).update(status="closed")
    client = as_user(world.merchant)
    assert a.number not in client.get("/shop/cases/").content.decode()
    assert a.number in client.get("/shop/cases/", {"status": "all"}).content.decode()


def test_bad_filter_is_a_400_with_the_field_error(world, as_user):
    response = as_user(world.merchant, "en").get(
        "/shop/cases/", {"created_from": "2026-13-45", "status": "nonsense"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="created_from-error"' in body
    assert 'id="status-error"' in body


def test_end_before_start_is_refused(world, as_user):
    response = as_user(world.merchant, "en").get(
        "/shop/cases/", {"created_from": "2026-11-05", "created_to": "2026-11-01"}
    )
    assert response.status_code == 400
    assert "before the start date" in response.content.decode()


def test_pagination_keeps_filters(world, as_user, monkeypatch):
    from anxin.web.views.merchant import queue as merchant_queue

    monkeypatch.setattr(merchant_queue, "PER_PAGE", 1)
    open_at(world, NOW - timedelta(hours=1))
    client = as_user(world.merchant, "en")
    body = client.get("/shop/cases/", {"type": "return_refund"}).content.decode()
    assert "Page 1 of 2" in body
    assert "/shop/cases/?type=return_refund&amp;page=2" in body
    second = client.get("/shop/cases/", {"type": "return_refund", "page": 2}).content.decode()
    assert world.case.number in second  # due last, so on the second page


# --- saved views ------------------------------------------------------------------------------


def test_saved_view_save_apply_delete(queue_world, as_user):
    world, a, _b, c = queue_world
    client = as_user(world.merchant, "en")
    # when the filters are saved under a name
    response = client.post(
        "/shop/cases/views/", {"name": "Exchanges", "query": "type=exchange&page=3&evil=1"}
    )
    # then it is kept (only the filter keys), and the queue shows it as a link
    assert response.status_code == 302
    view = SavedView.objects.get(user=world.merchant, name="Exchanges")
    assert view.query == "type=exchange"
    body = client.get("/shop/cases/").content.decode()
    assert 'href="/shop/cases/?type=exchange"' in body
    # applying it filters the queue and marks it current
    applied = client.get("/shop/cases/?type=exchange").content.decode()
    assert c.number in applied and a.number not in applied
    assert 'aria-current="true">Exchanges<' in applied
    # saving again under the same name overwrites
    client.post("/shop/cases/views/", {"name": "Exchanges", "query": "type=repair"})
    assert SavedView.objects.get(user=world.merchant, name="Exchanges").query == "type=repair"
    # another user cannot delete it
    other = as_user(world.merchant_admin).post(f"/shop/cases/views/{view.pk}/delete/")
    assert other.status_code == 404
    assert SavedView.objects.filter(pk=view.pk).exists()
    # its owner can
    gone = client.post(f"/shop/cases/views/{view.pk}/delete/")
    assert gone.status_code == 302
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_saved_view_without_name_is_422(world, as_user):
    response = as_user(world.merchant, "en").post(
        "/shop/cases/views/", {"name": "  ", "query": "type=exchange"}
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="view_name-error"' in body
    assert "Give the view a name." in body
    assert not SavedView.objects.exists()


def test_saved_views_are_per_user(world, as_user):
    SavedView.objects.create(user=world.merchant_admin, name="Mine", query="type=repair")
    body = as_user(world.merchant).get("/shop/cases/").content.decode()
    assert "Mine" not in body


# --- bulk approve -----------------------------------------------------------------------------


def test_bulk_approve_two_cases(queue_world, as_user):
    world, a, b, _c = queue_world
    client = as_user(world.merchant, "en")
    response = client.post(
        "/shop/cases/approve/",
        {
            "cases": [f"{a.number}:{a.state_version}", f"{b.number}:{b.state_version}"],
            "return_address": str(world.address.public_id),
            "query": "status=merchant_review",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/shop/cases/?status=merchant_review"
    for case in (a, b):
        case.refresh_from_db()
        assert case.status == "awaiting_return_shipment"
        assert case.return_address["id"] == str(world.address.public_id)
    assert "Approved 2 of 2 cases" in response.content.decode()


def test_bulk_approve_reports_failures(queue_world, as_user):
    world, a, b, c = queue_world
    response = as_user(world.merchant, "en").post(
        "/shop/cases/approve/",
        {
            "cases": [
                f"{a.number}:{a.state_version}",
                f"{b.number}:{b.state_version + 5}",  # stale page
                c.number,  # not in review
                world.other_case.number,  # another shop's
            ]
        },
        follow=True,
    )
    body = response.content.decode()
    a.refresh_from_db()
    b.refresh_from_db()
    world.other_case.refresh_from_db()
    assert a.status == "awaiting_return_shipment"
    assert b.status == "merchant_review"
    assert world.other_case.status == "merchant_review"
    assert "Approved 1 of 4 cases" in body
    assert f"Not approved: {b.number}" in body
    assert f"Not approved: {c.number}" in body
    assert f"Not approved: {world.other_case.number} — No such case." in body


def test_bulk_approve_with_nothing_ticked_is_400(world, as_user):
    response = as_user(world.merchant, "en").post("/shop/cases/approve/", {})
    assert response.status_code == 400
    assert "Tick the cases to approve first." in response.content.decode()


def test_bulk_approve_needs_the_merchant_role(world, as_user):
    response = as_user(world.agent).post("/shop/cases/approve/", {"cases": [world.case.number]})
    assert response.status_code == 403
    world.case.refresh_from_db()
    assert world.case.status == "merchant_review"


def test_bulk_checkboxes_only_for_approvable_rows(queue_world, as_user):
    world, a, _b, c = queue_world
    body = as_user(world.merchant).get("/shop/cases/").content.decode()
    assert f'value="{a.number}:{a.state_version}"' in body
    assert f'id="pick-{c.number}"' not in body
    assert 'data-select-all="cases"' in body


# --- CSV export -------------------------------------------------------------------------------


def csv_rows(response):
    raw = b"".join(response.streaming_content)
    assert raw.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_csv_export(queue_world, as_user):
    world, a, b, c = queue_world
    response = as_user(world.merchant, "en").get("/shop/cases/export.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = csv_rows(response)
    assert rows[0][:3] == ["Case", "Status", "Type"]
    numbers = [row[0] for row in rows[1:]]
    assert numbers == [b.number, a.number, c.number]  # the queue's order
    assert world.other_case.number not in numbers  # only the merchant's own
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["Refund amount"] == f"{b.refund_amount:.2f}"
    assert row["Opened at"] == "2026-11-04T23:00:00+08:00"  # Asia/Shanghai, ISO 8601
    assert row["Next deadline"] == "2026-11-06T23:00:00+08:00"
    assert row["Status"] == "Waiting for the merchant"


def test_csv_follows_the_filters_and_language(queue_world, as_user):
    world, _a, _b, c = queue_world
    response = as_user(world.merchant, "zh-hans").get(
        "/shop/cases/export.csv", {"type": "exchange"}
    )
    rows = csv_rows(response)
    assert [row[0] for row in rows[1:]] == [c.number]
    assert rows[1][4] == "纯棉T恤"


def test_csv_guards_against_formula_injection(world, as_user):
    shop = world.shop
    payload = f.order_payload(external_id="=E9")
    payload["lines"][0]["product_name"] = '=HYPERLINK("http://evil","x")'
    payload["lines"][0]["sku"] = "@SUM(A1)"
    order = delivered_order(shop, "=E9", lines=payload["lines"])
    Customer.objects.filter(pk=order.customer_id).update(user=world.consumer)
    case = open_at(world, NOW, order="=E9")
    rows = csv_rows(as_user(world.merchant, "en").get("/shop/cases/export.csv"))
    row = next(r for r in rows if r[0] == case.number)
    header = rows[0]
    assert row[header.index("Product")] == '\'=HYPERLINK("http://evil","x")'
    assert row[header.index("SKU")] == "'@SUM(A1)"
    assert row[header.index("Shop order id")] == "'=E9"


def test_csv_safe_cell_rules():
    from anxin.web.views.merchant.export import safe_cell

    for dangerous in ("=1+1", "+1", "-1", "@x", "\tx", "\rx"):
        assert safe_cell(dangerous) == "'" + dangerous
    assert safe_cell("plain 文本") == "plain 文本"
    assert safe_cell(None) == ""


def test_queue_page_queries_are_bounded(world, as_user, django_assert_max_num_queries):
    for hour in range(1, 2):
        open_at(world, NOW - timedelta(hours=hour))
    client = as_user(world.merchant)
    client.get("/shop/cases/")  # warm caches (session, user)
    with django_assert_max_num_queries(14):
        assert client.get("/shop/cases/").status_code == 200
