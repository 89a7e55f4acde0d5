"""Service-desk pages: who gets in (role matrix), and the journeys through the forms."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from anxin.catalog.tests import factories as f
from anxin.core.actors import Role
from anxin.tickets.models import Ticket, TicketMessage

from .pages_tickets import PAGES, desk_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    """This module's tests share one world, built once (see conftest.shared_world)."""
    return shared_world


# page name → expected status per user ("" = anonymous: redirected to the login page)
ALLOWED = {
    "console": {"agent", "admin"},
    "consumer": {"consumer"},
    "merchant": {"merchant", "merchant_admin"},
}
USERS = [
    "consumer",
    "other_consumer",
    "merchant",
    "merchant_admin",
    "other_merchant",
    "agent",
    "admin",
    "",
]


def _user(world: Any, name: str) -> Any:
    if name == "other_consumer":
        return f.user("other_consumer", Role.CONSUMER)
    return getattr(world, name)


def _expected(page: str, who: str) -> int:
    audience = page.split("-")[0]
    if who == "":
        return 302
    if who in ALLOWED[audience]:
        return 200
    own_audience = {
        "consumer": "consumer",
        "other_consumer": "consumer",
        "merchant": "merchant",
        "merchant_admin": "merchant",
        "other_merchant": "merchant",
        "agent": "console",
        "admin": "console",
    }[who]
    if own_audience == audience:
        # the right kind of user, but not theirs: a ticket page is "not found", a list is fine
        return 404 if page in {"consumer-ticket", "merchant-ticket"} else 200
    return 403


@pytest.mark.parametrize(("name", "_username", "url_of"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("who", USERS)
def test_role_matrix(
    world: Any, as_user: Any, name: str, _username: str, url_of: Any, who: str
) -> None:
    url = url_of(world)
    client = as_user(_user(world, who)) if who else __import__("django.test").test.Client()
    response = client.get(url)
    assert response.status_code == _expected(name, who), (name, who)
    if response.status_code == 200 and who in {"other_consumer", "other_merchant"}:
        # lists of someone else's tickets stay empty
        assert desk_ticket(world).number not in response.content.decode()


def test_internal_notes_never_reach_the_consumer_or_merchant(world: Any, as_user: Any) -> None:
    ticket = desk_ticket(world)
    for user, url in (
        (world.consumer, reverse("consumer_tickets:ticket", args=[ticket.number])),
        (world.merchant, reverse("merchant_tickets:ticket", args=[ticket.number])),
    ):
        body = as_user(user).get(url).content.decode()
        assert "核实物流签收照片" not in body
        assert "非常抱歉" in body
    assert (
        "核实物流签收照片"
        in as_user(world.agent)
        .get(reverse("console_tickets:ticket", args=[ticket.number]))
        .content.decode()
    )


def test_consumer_opens_agent_resolves_consumer_rejects_and_it_escalates(
    world: Any, as_user: Any
) -> None:
    desk_ticket(world)  # the agent is online in the first-line team
    from anxin.tickets.models import Team

    supervisor = f.user("supervisor", Role.AGENT)
    Team.objects.filter(code="service").update(supervisor=supervisor)
    consumer = as_user(world.consumer)
    # the consumer writes through the form
    response = consumer.post(
        reverse("consumer_tickets:new"),
        {"type": "complaint", "order": "E1002", "subject": "Late parcel", "body": "Still nothing."},
    )
    assert response.status_code == 302
    ticket = Ticket.objects.get(subject="Late parcel")
    assert (ticket.channel, ticket.order.external_id, ticket.assignee_id) == (
        "web",
        "E1002",
        world.agent.pk,
    )
    # the agent answers and resolves in one go
    agent = as_user(world.agent)
    agent.post(
        reverse("console_tickets:reply", args=[ticket.number]),
        {"body": "Re-sent today.", "then": "resolve"},
    )
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    # the consumer rejects without a reason: refused, nothing changes
    consumer.post(
        reverse("consumer_tickets:respond", args=[ticket.number, "reject"]), {"reason": ""}
    )
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    # with a reason: reopened and with the supervisor
    consumer.post(
        reverse("consumer_tickets:respond", args=[ticket.number, "reject"]),
        {"reason": "Tracking still empty"},
    )
    ticket.refresh_from_db()
    assert (ticket.status, ticket.escalation_level, ticket.assignee_id) == (
        "open",
        1,
        supervisor.pk,
    )


def test_merchant_answers_a_ticket_about_its_order(world: Any, as_user: Any) -> None:
    ticket = desk_ticket(world)
    as_user(world.merchant).post(
        reverse("merchant_tickets:reply", args=[ticket.number]), {"body": "We will send a new cup."}
    )
    message = TicketMessage.objects.get(body="We will send a new cup.")
    assert (message.author_kind, message.visibility) == ("merchant", "public")
    other = as_user(world.other_merchant).post(
        reverse("merchant_tickets:reply", args=[ticket.number]), {"body": "spam"}
    )
    assert other.status_code == 404
    assert not TicketMessage.objects.filter(body="spam").exists()


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("reply", {"body": ""}),
        ("reply", {"body": "x" * 10001}),
        ("act/resolve", {"version": "999"}),
        ("act/nonsense", {}),
        ("act/merge", {"into": "TK-nope"}),
        ("route/transfer", {"team": "nope", "reason": "x"}),
        ("route/transfer", {"team": "technical", "reason": ""}),
        ("route/assign", {"assignee": "999999"}),
        ("route/escalate", {"reason": ""}),
        ("route/tags", {"tags": ",".join(["t"] * 30)}),
    ],
)
def test_bad_console_input_is_a_message_not_an_error(
    world: Any, as_user: Any, path: str, data: dict[str, str]
) -> None:
    ticket = desk_ticket(world)
    before = (ticket.status, ticket.team_id, ticket.assignee_id, TicketMessage.objects.count())
    response = as_user(world.agent).post(
        f"/console/tickets/{ticket.number}/{path}/", data, follow=True
    )
    assert response.status_code == 200
    assert 'class="flash' in response.content.decode() or "flash" in response.content.decode()
    ticket.refresh_from_db()
    assert (
        ticket.status,
        ticket.team_id,
        ticket.assignee_id,
        TicketMessage.objects.count(),
    ) == before


def test_phone_form_errors_name_the_field(world: Any, as_user: Any) -> None:
    response = as_user(world.agent).post(reverse("console_tickets:phone"), {"type": "inquiry"})
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.content.decode()
    ok = as_user(world.agent).post(
        reverse("console_tickets:phone"),
        {
            "type": "inquiry",
            "priority": "normal",
            "subject": "Caller asks about invoice",
            "body": "Needs a VAT invoice",
            "order": "E1001",
            "language": "zh-hans",
            "verified": "on",
        },
    )
    assert ok.status_code == 302
    ticket = Ticket.objects.get(subject="Caller asks about invoice")
    assert (ticket.channel, ticket.verification) == ("phone", "verified")
