"""A disputed case moves only through its dispute: its pages and the API offer no case action."""

from __future__ import annotations

import pytest

from anxin.disputes.services import dispute_act
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


def test_the_consumer_overview_shows_a_dispute_waiting_for_them(
    as_user, django_capture_on_commit_callbacks
):
    world = build_world()
    dispute = dispute_of(world)  # the merchant's answer round is open: nothing asked of me

    def waiting() -> str:
        body = as_user(world.consumer, "en").get("/my/").content.decode()
        return body.split('id="waiting-title"')[1].split("</section>")[0]

    assert dispute.case.number not in waiting()
    # when the merchant makes an offer, the request waits for me, with the dispute's deadline
    dispute_act(
        actor=world.actor(world.merchant),
        dispute=dispute,
        action="propose",
        payload={"remedy": "partial_refund", "amount": "20.00"},
    )
    section = waiting()
    assert dispute.case.number in section and "data-countdown" in section
