"""The return address book: list with the default marked, add with errors next to the fields."""

from __future__ import annotations

import pytest

from anxin.cases.models import ReturnAddress

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    """This module's tests share one world, built once (see conftest.shared_world)."""
    return shared_world


GOOD = {
    "label": "北京仓",
    "contact_name": "李四",
    "phone": "010-5555 0000",
    "address": "北京市朝阳区建国路1号",
}


def test_list_marks_the_default_and_masks_phones(world, as_user):
    body = as_user(world.merchant, "en").get("/shop/addresses/").content.decode()
    assert "上海仓" in body
    assert "Default" in body
    assert "02155550000" not in body  # masked like the API does
    assert "021****0000" in body


def test_add_an_address(world, as_user):
    client = as_user(world.merchant, "en")
    response = client.post("/shop/addresses/", GOOD)
    assert response.status_code == 302
    added = ReturnAddress.objects.get(merchant=world.shop, label="北京仓")
    assert added.is_default is False  # the first address stays the default
    assert added.phone == "010-5555 0000"
    page = client.get("/shop/addresses/").content.decode()
    assert "北京仓" in page and "added" in page


def test_add_as_the_new_default(world, as_user):
    as_user(world.merchant).post("/shop/addresses/", {**GOOD, "is_default": "on"})
    defaults = ReturnAddress.objects.filter(merchant=world.shop, is_default=True)
    assert list(defaults.values_list("label", flat=True)) == ["北京仓"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("phone", "call me maybe"),
        ("phone", "123"),
        ("label", ""),
        ("address", "x"),
        ("contact_name", ""),
    ],
)
def test_bad_input_is_422_with_the_error_next_to_the_field(world, as_user, field, value):
    response = as_user(world.merchant, "en").post("/shop/addresses/", {**GOOD, field: value})
    assert response.status_code == 422
    body = response.content.decode()
    assert f'id="{field}-error"' in body
    assert not ReturnAddress.objects.filter(label=GOOD["label"]).exists()


def test_escapes_user_text(world, as_user):
    client = as_user(world.merchant, "en")
    client.post("/shop/addresses/", {**GOOD, "label": "<script>x</script>"})
    body = client.get("/shop/addresses/").content.decode()
    assert "&lt;script&gt;x&lt;/script&gt;" in body
    assert "<script>x" not in body


def test_other_shops_addresses_are_not_listed(world, as_user):
    body = as_user(world.other_merchant).get("/shop/addresses/").content.decode()
    assert body.count("上海仓") == 1  # m2's own warehouse only (world gives each shop one)
