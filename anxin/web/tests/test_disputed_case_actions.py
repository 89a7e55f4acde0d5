"""A disputed case moves only through its dispute: its pages and the API offer no case action."""

from __future__ import annotations

import pytest

from conftest import ApiClient

from .world import build_world, dispute_of

pytestmark = pytest.mark.django_db


def test_a_disputed_case_offers_no_case_action(as_user, django_capture_on_commit_callbacks):
    world = build_world()
    case = dispute_of(world).case
    page = as_user(world.merchant, "en").get(f"/shop/cases/{case.number}/").content.decode()
    assert f"/shop/disputes/{dispute_of(world).number}/" in page
    assert 'value="approve"' not in page and "settle_refund" not in page
    client = as_user(world.merchant, "en")
    detail = ApiClient(client=client).get(f"/cases/{case.number}")
    assert detail.status_code == 200 and detail.json()["actions"] == []
