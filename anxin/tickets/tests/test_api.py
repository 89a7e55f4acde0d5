"""/api/v1/tickets: role matrix (consumer, other consumer, merchant, other merchant, agent,
arbitrator, admin, anonymous), internal notes, bad input, channels."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from anxin.catalog.tests import factories as f
from anxin.core.actors import Role
from anxin.tickets.models import Ticket, TicketMessage
from anxin.tickets.services import ticket_reply
from conftest import ApiClient

from .desk import Desk

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(shared_desk: Desk) -> Desk:
    """This module's tests share one desk, built once (see conftest.shared_desk)."""
    return shared_desk


def api(user: Any | None) -> ApiClient:
    client = Client()
    if user is not None:
        client.force_login(user)
    return ApiClient(client=client)


@pytest.fixture
def people(desk: Desk) -> dict[str, Any]:
    w = desk.world
    return {
        "consumer": w.consumer,
        "other_consumer": f.user("other_consumer", Role.CONSUMER),
        "merchant": w.merchant,
        "other_merchant": w.other_merchant,
        "agent": w.agent,
        "arbitrator": f.user("arbitrator", Role.ARBITRATOR),
        "admin": w.admin,
        "anonymous": None,
    }


def _ticket(desk: Desk) -> Ticket:
    ticket = desk.open(order="E1001", subject="Broken cup")
    ticket_reply(actor=desk.actor(desk.world.agent), ticket=ticket, body="secret", internal=True)
    return ticket


READ = {
    "consumer": 200,
    "other_consumer": 404,
    "merchant": 200,
    "other_merchant": 404,
    "agent": 200,
    "arbitrator": 200,
    "admin": 200,
    "anonymous": 401,
}


@pytest.mark.parametrize("who", list(READ))
def test_reading_a_ticket(desk: Desk, people: dict[str, Any], who: str) -> None:
    ticket = _ticket(desk)
    response = api(people[who]).get(f"/tickets/{ticket.number}")
    assert response.status_code == READ[who]
    if response.status_code == 200:
        bodies = [m["body"] for m in response.json()["messages"]]
        # internal notes only for the platform
        assert ("secret" in bodies) is (who in {"agent", "arbitrator", "admin"})
        listed = [t["number"] for t in api(people[who]).get("/tickets").json()["items"]]
        assert ticket.number in listed


REPLY = {**READ, "other_consumer": 404, "other_merchant": 404}


@pytest.mark.parametrize("who", list(REPLY))
def test_replying(desk: Desk, people: dict[str, Any], who: str) -> None:
    ticket = _ticket(desk)
    before = TicketMessage.objects.count()
    response = api(people[who]).post(f"/tickets/{ticket.number}/messages", {"body": "Hello"})
    expected = 201 if REPLY[who] == 200 else REPLY[who]
    assert response.status_code == expected
    assert TicketMessage.objects.count() == before + (1 if expected == 201 else 0)


TRANSFER = {
    "consumer": 403,
    "other_consumer": 404,
    "merchant": 403,
    "other_merchant": 404,
    "agent": 200,
    "arbitrator": 200,
    "admin": 200,
    "anonymous": 401,
}


@pytest.mark.parametrize("who", list(TRANSFER))
def test_transferring(desk: Desk, people: dict[str, Any], who: str) -> None:
    ticket = _ticket(desk)
    response = api(people[who]).post(
        f"/tickets/{ticket.number}/transfer", {"team": "logistics", "reason": "carrier issue"}
    )
    assert response.status_code == TRANSFER[who]
    ticket.refresh_from_db()
    assert (ticket.team.code == "logistics") is (TRANSFER[who] == 200)


RESOLVE = {**TRANSFER, "consumer": 403, "merchant": 403}

STAFF_ENDPOINTS = [
    ("assign", lambda desk: {"assignee": desk.world.agent.pk}),
    ("tags", lambda desk: {"tags": ["vip"]}),
    ("verify", lambda desk: {"verified": True}),
    ("actions/wait_internal", lambda desk: {}),
    ("actions/merge", lambda desk: {"into": desk.open(subject="target").number}),
]


@pytest.mark.parametrize("who", list(TRANSFER))
@pytest.mark.parametrize(("endpoint", "body"), STAFF_ENDPOINTS, ids=[e[0] for e in STAFF_ENDPOINTS])
def test_staff_only_endpoints(
    desk: Desk, people: dict[str, Any], who: str, endpoint: str, body: Any
) -> None:
    ticket = _ticket(desk)
    payload = body(desk)
    before = Ticket.objects.filter(pk=ticket.pk).values().get()
    response = api(people[who]).post(f"/tickets/{ticket.number}/{endpoint}", payload)
    assert response.status_code == TRANSFER[who], (endpoint, who, response.content)
    if TRANSFER[who] != 200:
        after = Ticket.objects.filter(pk=ticket.pk).values().get()
        assert after == before
        assert not ticket.tags.exists()


@pytest.mark.parametrize("who", list(RESOLVE))
def test_resolving(desk: Desk, people: dict[str, Any], who: str) -> None:
    ticket = _ticket(desk)
    response = api(people[who]).post(f"/tickets/{ticket.number}/actions/resolve", {})
    expected = {403: 403, 404: 404, 401: 401, 200: 200}[RESOLVE[who]]
    assert response.status_code == expected
    ticket.refresh_from_db()
    assert (ticket.status == "resolved") is (expected == 200)


def test_consumer_opens_a_ticket_about_their_order(desk: Desk) -> None:
    response = api(desk.world.consumer).post(
        "/tickets",
        {"type": "complaint", "subject": "碎了", "body": "杯子碎了", "order": "E1001"},
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["channel"], body["verification"], body["order"]) == ("api", "verified", "E1001")
    assert body["stage"] == "reception"
    assert {c["metric"] for c in body["clocks"]} == {"first_response", "resolution"}
    ticket = Ticket.objects.get(number=body["number"])
    assert ticket.merchant_id == desk.world.shop.pk


def test_someone_elses_order_is_refused_with_the_field(desk: Desk) -> None:
    other = f.user("other_consumer", Role.CONSUMER)
    response = api(other).post(
        "/tickets", {"type": "inquiry", "subject": "x", "body": "y", "order": "E1001"}
    )
    assert response.status_code == 422
    assert "order" in response.json()["error"]["fields"]
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"type": "nope", "subject": "x", "body": "y"}, "type"),
        ({"type": "inquiry", "subject": "", "body": "y"}, "subject"),
        ({"type": "inquiry", "subject": "x" * 201, "body": "y"}, "subject"),
        ({"type": "inquiry", "subject": "x", "body": "y" * 10001}, "body"),
        (
            {"type": "inquiry", "subject": "x", "body": "y", "contact_email": "not-mail"},
            "contact_email",
        ),
        ({"type": "inquiry", "subject": "x", "body": "y", "surprise": 1}, "surprise"),
    ],
)
def test_bad_input_is_a_4xx_with_the_field(desk: Desk, payload: dict[str, Any], field: str) -> None:
    response = api(desk.world.consumer).post("/tickets", payload)
    assert response.status_code in {400, 422}
    assert field in response.json()["error"]["fields"]


def test_social_channel_intake_keeps_its_origin(desk: Desk) -> None:
    platform = ApiClient(token=f.token_for(None))
    response = platform.post(
        "/tickets",
        {
            "type": "complaint",
            "subject": "Weibo: parcel lost",
            "body": "@shop where is my parcel",
            "channel": "social",
            "contact_name": "weibo_user_1",
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["channel"] == "social"
    assert response.json()["verification"] == "unverified"


def test_merchant_token_sees_only_its_tickets(desk: Desk) -> None:
    own = desk.open(order="E1001")
    other = desk.open(order="E2001")
    token = ApiClient(token=f.token_for(desk.world.shop))
    listed = [t["number"] for t in token.get("/tickets").json()["items"]]
    assert own.number in listed
    assert other.number not in listed
    assert token.get(f"/tickets/{other.number}").status_code == 404


def test_a_shop_order_id_two_shops_use_links_no_order(desk: Desk) -> None:
    # given the second shop also has an order whose shop id is E1001
    from anxin.cases.tests.helpers import delivered_order
    from anxin.core.actors import SYSTEM
    from anxin.tickets.inputs import TicketOpenIn
    from anxin.tickets.services import ticket_open

    twin = delivered_order(desk.world.other_order.merchant, "E1001")
    # when an e-mail (the system, which sees every shop) names E1001, or the twin's number
    ambiguous = ticket_open(
        actor=SYSTEM,
        data=TicketOpenIn(type="inquiry", subject="?", body="?", order="E1001"),
        channel="email",
    )
    by_number = ticket_open(
        actor=SYSTEM,
        data=TicketOpenIn(type="inquiry", subject="?", body="?", order=twin.number),
        channel="email",
    )
    # then the shop id alone links no order and no merchant; the order number is unambiguous
    assert (ambiguous.order_id, ambiguous.merchant_id) == (None, None)
    assert (by_number.order_id, by_number.merchant_id) == (twin.pk, twin.merchant_id)


def test_a_merge_by_a_merchant_does_not_tell_whether_a_ticket_exists(desk: Desk) -> None:
    # given a ticket of the merchant's own order, and another shop's open ticket
    own = desk.open(order="E1001")
    other = desk.open(order="E2001")
    token = ApiClient(token=f.token_for(desk.world.shop))
    # when the merchant tries to merge into the other shop's ticket, and into no ticket at all
    into_other = token.post(f"/tickets/{own.number}/actions/merge", {"into": other.number})
    into_nothing = token.post(f"/tickets/{own.number}/actions/merge", {"into": "TK-NOPE"})
    # then both are the same refusal: merging is for staff
    assert into_other.status_code == into_nothing.status_code == 403
    assert into_other.json()["error"]["code"] == into_nothing.json()["error"]["code"]
