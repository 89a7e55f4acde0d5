"""Hostile or odd input on pages is a 4xx with a message, never a 500 (found in review)."""

from __future__ import annotations

import pytest
from django.test import Client

from anxin.cases.models import Case
from anxin.cases.tests.helpers import ADMIN
from anxin.catalog.inputs import OrderIn
from anxin.catalog.models import Customer
from anxin.catalog.services import order_upsert
from anxin.catalog.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    """This module's tests share one world, built once (see conftest.shared_world)."""
    return shared_world


def client(user) -> Client:
    c = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    c.force_login(user)
    return c


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("merchant", "/shop/cases/?created_to=9999-12-31"),
        ("merchant", "/shop/cases/?created_from=0001-01-01"),
        ("merchant", "/shop/cases/export.csv?created_to=9999-12-31"),
        ("agent", "/console/cases/?created_to=9999-12-31"),
        ("agent", "/console/cases/?created_from=0001-01-01"),
    ],
)
def test_filter_dates_out_of_range_are_400(world, who, url):
    response = client(getattr(world, who)).get(url)
    # pages say what is wrong (400); the CSV export ignores filters it cannot use
    assert response.status_code == (200 if "export" in url else 400)


def test_malformed_return_address_is_a_field_error(world):
    merchant = client(world.merchant)
    number = world.case.number
    response = merchant.post(
        f"/shop/cases/{number}/act/", {"action": "approve", "return_address": "abc"}
    )
    assert response.status_code == 422
    bulk = merchant.post("/shop/cases/approve/", {"cases": number, "return_address": "abc"})
    assert bulk.status_code < 500
    agent = client(world.agent)
    response = agent.post(
        f"/console/cases/{number}/act/approve/", {"reason": "x", "return_address": "abc"}
    )
    assert response.status_code == 422
    assert Case.objects.get(pk=world.case.pk).status == "merchant_review"


def test_bulk_version_with_a_non_ascii_digit(world):
    response = client(world.merchant).post(
        "/shop/cases/approve/", {"cases": f"{world.case.number}:²"}
    )
    assert response.status_code < 500


def test_saved_view_too_long_is_refused(world):
    query = "q=" + "退" * 64 + "&status=all&created_from=2026-01-01&created_to=2026-12-31"
    response = client(world.merchant).post("/shop/cases/views/", {"name": "v", "query": query})
    assert response.status_code in (302, 422)
    from anxin.web.models import SavedView

    assert all(len(v.query) <= 500 for v in SavedView.objects.all())


def test_huge_merchant_id_in_user_form(world):
    response = client(world.admin).post(
        "/manage/users/", {"role": "merchant_staff", "merchants": "9" * 23, "username": "x1"}
    )
    assert 400 <= response.status_code < 500


def test_clearing_an_absurd_calendar_day(world):
    response = client(world.admin).post("/manage/calendar/clear/", {"date": "9999-12-31"})
    assert 400 <= response.status_code < 500


def test_line_ids_with_a_slash_work(world):
    payload = f.order_payload(external_id="E3001", merchant=world.shop.code)
    payload["lines"][0]["external_id"] = "SO-9/1"
    payload["lines"][1]["external_id"] = "SO-9/2"
    payload["lines"][1]["gift_for"] = "SO-9/1"
    payload["promotions"][0]["lines"] = ["SO-9/1"]
    order = order_upsert(actor=ADMIN, data=OrderIn.model_validate(payload)).order
    Customer.objects.filter(pk=order.customer_id).update(user=world.consumer)
    consumer = client(world.consumer)
    page = consumer.get(f"/my/orders/{order.public_id}/")
    assert page.status_code == 200
    form = consumer.get(f"/my/orders/{order.public_id}/lines/SO-9/1/request/")
    assert form.status_code == 200


def test_console_refusal_of_a_stale_action_is_409(world):
    agent = client(world.agent)
    response = agent.post(
        f"/console/cases/{world.case.number}/act/approve/",
        {"reason": "checked", "version": world.case.state_version + 5},
    )
    assert response.status_code == 409


def test_a_carrier_name_longer_than_the_column_is_a_field_error(world):
    from anxin.cases.services import case_act

    case_act(actor=world.actor(world.merchant), case=world.case, action="approve", payload={})
    world.case.refresh_from_db()
    response = client(world.consumer).post(
        f"/my/requests/{world.case.number}/act/ship_return/",
        {"carrier": "C" * 41, "tracking_number": "SF1", "version": world.case.state_version},
    )
    assert response.status_code == 422
    world.case.refresh_from_db()
    assert world.case.status == "awaiting_return_shipment"
