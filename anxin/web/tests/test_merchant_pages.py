"""Merchant workbench pages: they render in both languages, and only for the shop's own staff."""

from __future__ import annotations

import re

import pytest

from .pages_merchant import PAGES

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    """This module's tests share one world, built once (see conftest.shared_world)."""
    return shared_world


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_page_renders(world, as_user, language):
    # given a merchant's staff member
    client = as_user(world.merchant, language)
    for name, username, url_for in PAGES:
        user = getattr(world, username)
        client = as_user(user, language)
        # when
        response = client.get(url_for(world))
        # then
        assert response.status_code == 200, name
        body = response.content.decode()
        assert body.count("<h1") == 1, name
        assert f'lang="{language}"' in body
        assert 'class="audience-merchant"' in body
        assert "<script>" not in body.replace("<script src", "")  # no inline scripts (CSP)
        assert " style=" not in body


def test_every_post_form_has_a_csrf_token(world, as_user):
    client = as_user(world.merchant)
    for _name, _username, url_for in PAGES:
        body = client.get(url_for(world)).content.decode()
        forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", body, re.S)
        for form in forms:
            assert "csrfmiddlewaretoken" in form


def test_every_input_has_a_label(world, as_user):
    client = as_user(world.merchant)
    for name, _username, url_for in PAGES:
        body = client.get(url_for(world)).content.decode()
        ids = re.findall(
            r"<(?:input|select|textarea)(?![^>]*type=\"hidden\")[^>]*\bid=\"([^\"]+)\"", body
        )
        for input_id in ids:
            assert f'for="{input_id}"' in body, (name, input_id)


@pytest.mark.parametrize("who", ["consumer", "agent", "admin"])
def test_other_roles_get_403(world, as_user, who):
    client = as_user(getattr(world, who))
    for name, _username, url_for in PAGES:
        assert client.get(url_for(world)).status_code == 403, name
    assert client.get("/shop/cases/export.csv").status_code == 403


def test_anonymous_is_sent_to_sign_in(client, world):
    response = client.get("/shop/cases/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_other_merchants_case_is_the_404_page(world, as_user):
    # world.other_case belongs to m2; world.merchant works for m1
    response = as_user(world.merchant).get(f"/shop/cases/{world.other_case.number}/")
    assert response.status_code == 404
    assert 'class="error-page"' in response.content.decode()
    act = as_user(world.merchant).post(
        f"/shop/cases/{world.other_case.number}/act/", {"action": "approve"}
    )
    assert act.status_code == 404
    world.other_case.refresh_from_db()
    assert world.other_case.status == "merchant_review"


def test_merchant_sees_only_own_cases_in_the_queue(world, as_user):
    body = as_user(world.merchant).get("/shop/cases/").content.decode()
    assert world.case.number in body
    assert world.other_case.number not in body
    other = as_user(world.other_merchant).get("/shop/cases/").content.decode()
    assert world.other_case.number in other
    assert world.case.number not in other


def test_dashboard_has_tiles_and_charts(world, as_user):
    body = as_user(world.merchant, "en").get("/shop/").content.decode()
    assert 'class="kpis"' in body
    assert 'data-chart="chart-status"' in body and 'id="chart-status"' in body
    assert 'data-chart="chart-daily"' in body and 'id="chart-daily"' in body
    assert "vendor/echarts.min.js" in body
    assert "Waiting for the merchant" in body  # the status chart's labels come translated


def test_nav_links_and_current_page(world, as_user):
    body = as_user(world.merchant).get("/shop/cases/").content.decode()
    assert 'href="/shop/policy/"' in body
    assert 'href="/shop/addresses/"' in body
    assert re.search(r'href="/shop/cases/"\s+aria-current="page"', body)


def test_notifications_inbox_in_the_workbench(world, as_user):
    from anxin.notifications.models import Notification

    client = as_user(world.merchant, "en")
    body = client.get("/shop/notifications/").content.decode()
    assert 'class="audience-merchant"' in body
    assert re.search(r'href="/shop/notifications/"\s+aria-current="page"', body)
    note = Notification.objects.filter(recipient=world.merchant).first()
    assert note is not None  # the world's case opening told the shop's staff
    assert f'value="/shop/cases/{note.subject_number}/"' in body  # opens the workbench case
    response = client.post(f"/shop/notifications/{note.public_id}/read/")
    assert response.status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None
    assert as_user(world.consumer).get("/shop/notifications/").status_code == 403
