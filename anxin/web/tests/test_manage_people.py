"""Merchants (status, deposit, search) and users (create, role, memberships) pages."""

from __future__ import annotations

from decimal import Decimal

import pytest

from anxin.accounts.models import Membership, User
from anxin.catalog.models import Merchant, MerchantEvent
from anxin.core.models import AuditEntry

from .test_manage_rules import field_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    """This module's tests share one world, built once (see conftest.shared_world)."""
    return shared_world


# --- merchants --------------------------------------------------------------------------------


def test_merchant_search_and_filter(world, as_user):
    client = as_user(world.admin)
    body = client.get("/manage/merchants/?q=m2").content.decode()
    assert "/manage/merchants/m2/" in body and "/manage/merchants/m1/" not in body
    body = client.get("/manage/merchants/?status=applying").content.decode()
    assert "No merchant matches." in body
    assert client.get("/manage/merchants/?status=bogus&page=zz").status_code == 200


def test_warn_needs_a_reason(world, as_user):
    response = as_user(world.admin).post("/manage/merchants/m1/act/", {"action": "warn"})
    assert response.status_code == 422
    assert "Give a reason" in field_error(response.content.decode(), "reason")
    world.shop.refresh_from_db()
    assert world.shop.status == "active"


def test_warn_and_clear(world, as_user):
    client = as_user(world.admin)
    response = client.post(
        "/manage/merchants/m1/act/", {"action": "warn", "reason": "Slow refunds in October"}
    )
    assert response.status_code == 302
    world.shop.refresh_from_db()
    assert world.shop.status == "warned"
    body = client.get("/manage/merchants/m1/").content.decode()
    assert "Slow refunds in October" in body
    assert 'value="clear_warning"' in body and 'value="warn"' not in body
    client.post("/manage/merchants/m1/act/", {"action": "clear_warning"})
    world.shop.refresh_from_db()
    assert world.shop.status == "active"
    assert MerchantEvent.objects.filter(merchant=world.shop).count() == 2


def test_an_action_not_allowed_from_the_status_is_refused(world, as_user):
    response = as_user(world.admin).post(
        "/manage/merchants/m1/act/", {"action": "lift_restriction"}
    )
    assert response.status_code == 409
    response = as_user(world.admin).post("/manage/merchants/m1/act/", {"action": "explode"})
    assert response.status_code == 400
    world.shop.refresh_from_db()
    assert world.shop.status == "active"


def test_set_the_deposit(world, as_user):
    response = as_user(world.admin).post(
        "/manage/merchants/m1/deposit/", {"deposit_amount": "20,000.50", "note": "Annual top-up"}
    )
    assert response.status_code == 302
    world.shop.refresh_from_db()
    assert world.shop.deposit_amount == Decimal("20000.50")
    entry = AuditEntry.objects.get(action="catalog.merchant.deposit")
    assert entry.data["note"] == "Annual top-up"
    body = as_user(world.admin).get("/manage/merchants/m1/").content.decode()
    assert "Annual top-up" in body and "20,000.50" in body


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"deposit_amount": "lots", "note": "x"}, "deposit_amount"),
        ({"deposit_amount": "-5", "note": "x"}, "deposit_amount"),
        ({"deposit_amount": "NaN", "note": "x"}, "deposit_amount"),
        ({"deposit_amount": "100", "note": "  "}, "note"),
    ],
)
def test_bad_deposit(world, as_user, data, field):
    response = as_user(world.admin).post("/manage/merchants/m1/deposit/", data)
    assert response.status_code == 422
    assert field_error(response.content.decode(), field)
    assert Merchant.objects.get(code="m1").deposit_amount == Decimal("0.00")


# --- users ------------------------------------------------------------------------------------


def test_user_search(world, as_user):
    body = as_user(world.admin).get("/manage/users/?q=merchant").content.decode()
    assert "merchant_admin" in body and ">consumer<" not in body
    body = as_user(world.admin).get("/manage/users/?role=agent").content.decode()
    assert ">agent<" in body and ">merchant<" not in body


def test_create_a_merchant_user(world, as_user):
    response = as_user(world.admin).post(
        "/manage/users/",
        {
            "username": "wang",
            "password": "a-long-enough-passphrase-7",
            "email": "wang@example.com",
            "role": "merchant_staff",
            "language": "en",
            "merchants": [str(world.shop.pk)],
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="wang")
    assert user.role == "merchant_staff" and user.language == "en"
    assert list(user.memberships.values_list("merchant_id", flat=True)) == [world.shop.pk]
    assert user.check_password("a-long-enough-passphrase-7")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"username": "merchant"}, "username"),  # taken
        ({"username": "bad name!"}, "username"),
        ({"password": "123"}, "password"),
        ({"role": "integrator"}, "role"),
        ({"merchants": []}, "merchants"),  # merchant staff without a shop
        ({"role": "agent"}, "merchants"),  # an agent with a shop
        ({"merchants": ["x"]}, "merchants"),
        ({"email": "not-an-address"}, "email"),
    ],
)
def test_bad_new_user(world, as_user, changes, field):
    data = {
        "username": "li",
        "password": "a-long-enough-passphrase-7",
        "role": "merchant_staff",
        "merchants": [str(world.shop.pk)],
    }
    data.update(changes)
    count = User.objects.count()
    response = as_user(world.admin).post("/manage/users/", data)
    assert response.status_code == 422
    assert field_error(response.content.decode(), field)
    assert User.objects.count() == count


def test_change_role_and_memberships(world, as_user):
    client = as_user(world.admin)
    response = client.post(
        f"/manage/users/{world.merchant.pk}/",
        {"role": "merchant_admin", "merchants": [str(world.shop.pk), str(world.other_shop.pk)]},
    )
    assert response.status_code == 302
    world.merchant.refresh_from_db()
    assert world.merchant.role == "merchant_admin"
    assert set(
        Membership.objects.filter(user=world.merchant).values_list("merchant_id", flat=True)
    ) == {
        world.shop.pk,
        world.other_shop.pk,
    }
    # Promoted to administrator: a superuser; demoted again: not any more.
    client.post(f"/manage/users/{world.agent.pk}/", {"role": "admin"})
    world.agent.refresh_from_db()
    assert world.agent.is_superuser and world.agent.is_staff
    client.post(f"/manage/users/{world.agent.pk}/", {"role": "consumer"})
    world.agent.refresh_from_db()
    assert not world.agent.is_superuser and world.agent.role == "consumer"
    assert AuditEntry.objects.filter(action="accounts.user.role").count() == 3


def test_bad_role_changes(world, as_user):
    client = as_user(world.admin)
    response = client.post(f"/manage/users/{world.admin.pk}/", {"role": "consumer"})
    assert response.status_code == 422
    assert "own role" in field_error(response.content.decode(), "role")
    response = client.post(f"/manage/users/{world.merchant.pk}/", {"role": "merchant_staff"})
    assert response.status_code == 422
    assert field_error(response.content.decode(), "merchants")
    response = client.post(f"/manage/users/{world.merchant.pk}/", {"role": "wizard"})
    assert response.status_code == 422
    world.admin.refresh_from_db()
    world.merchant.refresh_from_db()
    assert world.admin.role == "admin" and world.merchant.role == "merchant_staff"
    assert Membership.objects.filter(user=world.merchant).count() == 1
