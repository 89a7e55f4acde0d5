"""Consumer portal pages: they render in both languages, only for consumers, only their own."""

from __future__ import annotations

import pytest

from anxin.catalog.tests import factories as f
from anxin.core.actors import Role

from .pages_consumer import PAGES

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    """This module's tests share one world, built once (see conftest.shared_world)."""
    return shared_world


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(("name", "username", "url_of"), PAGES, ids=[p[0] for p in PAGES])
def test_page_renders(world, as_user, language, name, username, url_of):
    response = as_user(world.consumer, language).get(url_of(world))
    assert response.status_code == 200, name
    body = response.content.decode()
    assert f'<html lang="{language}"' in body
    assert body.count("<h1") == 1
    assert 'class="audience-consumer"' in body


@pytest.mark.parametrize(("name", "username", "url_of"), PAGES, ids=[p[0] for p in PAGES])
def test_other_roles_get_403(world, as_user, name, username, url_of):
    for user in (world.merchant, world.agent):
        response = as_user(user).get(url_of(world))
        assert response.status_code == 403, (name, user.username)


def test_anonymous_is_sent_to_sign_in(world, client):
    response = client.get("/my/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_another_consumers_order_and_case_are_not_found(world, as_user):
    stranger = as_user(f.user("someone_else", Role.CONSUMER))
    for url in (
        f"/my/orders/{world.order.public_id}/",
        f"/my/orders/{world.order.public_id}/lines/L1/request/",
        f"/my/orders/{world.order.public_id}/lines/L1/request/preview/",
        f"/my/requests/{world.case.number}/",
        f"/my/requests/{world.case.number}/label.pdf",
    ):
        assert stranger.get(url).status_code == 404, url
    response = stranger.post(f"/my/requests/{world.case.number}/act/withdraw/")
    assert response.status_code == 404
    # and their own lists are empty, with an empty state
    orders = stranger.get("/my/orders/").content.decode()
    assert 'class="empty"' in orders
    assert world.order.number not in orders
    assert 'class="empty"' in stranger.get("/my/requests/").content.decode()


def test_unknown_line_is_not_found(world, as_user):
    response = as_user(world.consumer).get(
        f"/my/orders/{world.order.public_id}/lines/NOPE/request/"
    )
    assert response.status_code == 404


def test_home_lists_open_requests_orders_and_unread_count(world, as_user):
    body = as_user(world.consumer).get("/my/").content.decode()
    assert world.case.number in body
    assert world.other_case.number in body
    assert world.order.number in body
    assert "data-countdown" in body  # the merchant-review deadline counts down


def test_home_puts_cases_waiting_for_me_first(world, as_user):
    from .world import advance

    advance(world.case, (world.actor(world.merchant), "approve", {}))
    body = as_user(world.consumer).get("/my/").content.decode()
    waiting, _, others = body.partition('id="open-title"')
    assert world.case.number in waiting  # the parcel must be sent: my turn
    assert world.other_case.number in others


def test_orders_are_newest_first_with_lines_shop_and_total(world, as_user):
    body = as_user(world.consumer).get("/my/orders/").content.decode()
    assert body.index(world.other_order.number) < body.index(world.order.number)
    assert "纯棉T恤" in body and world.shop.name in body and "¥180.00" in body


def test_orders_page_with_a_damaged_cursor_starts_again(world, as_user):
    response = as_user(world.consumer).get("/my/orders/?after=%%%garbage")
    assert response.status_code == 200


def test_order_shows_engine_options_with_windows_and_reasons(world, as_user):
    body = as_user(world.consumer).get(f"/my/orders/{world.order.public_id}/").content.decode()
    # no-reason: return and exchange until the end of the 7th day after signing (2026-11-10)
    assert "Return and refund" in body
    assert "11/10/2026" in body
    # refund without return is gone for a change of mind, with the engine's reason
    assert "For a no-reason refund after delivery, the goods must be returned." in body
    # quality problems have longer windows
    assert "quality problem you have longer" in body
    # the line's existing request, and the button to ask for more
    assert world.case.number in body
    assert f"/my/orders/{world.order.public_id}/lines/L1/request/" in body


def test_cases_list_shows_status_and_countdown(world, as_user):
    body = as_user(world.consumer).get("/my/requests/").content.decode()
    assert world.case.number in body
    assert "status-merchant_review" in body
    assert "data-countdown" in body


def test_case_page_shows_facts_explanation_timeline_and_deadline(world, as_user):
    body = as_user(world.consumer).get(f"/my/requests/{world.case.number}/").content.decode()
    assert "¥71.00" in body
    assert "No-reason return" in body  # the stored explanation
    assert 'class="timeline"' in body
    assert "Merchant must respond" in body
    assert "data-countdown" in body
    assert "/act/withdraw/" in body
    assert "label.pdf" not in body  # not approved yet


def test_case_page_in_chinese_uses_the_chinese_explanation(world, as_user):
    body = as_user(world.consumer, "zh-hans").get(f"/my/requests/{world.case.number}/")
    assert "不想要了" in body.content.decode()  # the reason's Chinese name


def test_orders_are_paginated_twenty_a_page(world, as_user):
    from anxin.cases.tests.helpers import delivered_order
    from anxin.catalog.models import Customer

    for n in range(18):
        delivered_order(world.shop, f"E3{n:03d}")
    Customer.objects.filter(merchant=world.shop).update(user=world.consumer)
    client = as_user(world.consumer)
    first = client.get("/my/orders/").content.decode()
    assert first.count('class="order-card card"') == 20
    assert "Older orders" in first and "Newest orders" not in first
    cursor = first.split("?after=")[1].split('"')[0]
    second = client.get(f"/my/orders/?after={cursor}").content.decode()
    assert second.count('class="order-card card"') == 1
    assert world.order.number in second  # the oldest
    assert "Newest orders" in second and "Older orders" not in second
