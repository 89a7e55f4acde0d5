"""Console lookup: one box finds orders (by the shop's id, UUID, order or case number) and
consumers (by phone, through the keyed hash)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anxin.web.lookup import lookup

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    """This module's tests share one world, built once (see conftest.shared_world)."""
    return shared_world


def _get(client, q):
    return client.get(reverse("console:lookup"), {"q": q})


def test_empty_box_invites_a_search(world, as_user):
    response = as_user(world.agent).get(reverse("console:lookup"))
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="lookup-q"' in body and '<label for="lookup-q">' in body
    assert 'class="empty"' in body
    assert _get(as_user(world.agent), "   ").status_code == 200


def test_by_the_shops_order_id(world, as_user):
    response = _get(as_user(world.agent), "E1001")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Shop m1" in body
    assert reverse("console:case", args=[world.case.number]) in body
    assert "138****1234" in body and "13812341234" not in body
    assert "E2001" not in body


def test_by_order_uuid_and_number(world, as_user):
    client = as_user(world.agent)
    assert "E2001" in _get(client, str(world.other_order.public_id)).content.decode()
    assert "E1002" in _get(client, world.second_order.number).content.decode()


def test_by_case_number(world, as_user):
    body = _get(as_user(world.agent), world.other_case.number.lower()).content.decode()
    assert "E2001" in body and "Shop m2" in body
    assert reverse("console:case", args=[world.other_case.number]) in body


def test_by_phone_finds_the_consumer_at_each_shop(world, as_user):
    response = _get(as_user(world.agent), "+86 138-1234-1234")
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count('class="card customer"') == 2
    assert "Shop m1" in body and "Shop m2" in body
    assert "E1001" in body and "E1002" in body and "E2001" in body
    assert "138****1234" in body and "13812341234" not in body
    result = lookup(actor=world.actor(world.agent), query="13812341234")
    assert {m.customer.merchant.code for m in result.customers} == {"m1", "m2"}


def test_no_match(world, as_user):
    response = _get(as_user(world.agent), "NOPE-42")
    assert response.status_code == 200
    assert "Nothing matches “NOPE-42”." in response.content.decode()


def test_too_long_is_400_with_the_field_error(world, as_user):
    response = _get(as_user(world.agent), "9" * 200)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="q-error"' in body
    assert 'aria-invalid="true"' in body


def test_script_in_the_query_is_escaped(world, as_user):
    body = _get(as_user(world.agent), "<script>x</script>").content.decode()
    assert "<script>x</script>" not in body


def test_merchants_cannot_look_up(world, as_user):
    assert _get(as_user(world.merchant), "E1001").status_code == 403
    # the selector itself stays scoped: a merchant actor finds only its own orders
    result = lookup(actor=world.actor(world.other_merchant), query="E1001")
    assert result.empty
