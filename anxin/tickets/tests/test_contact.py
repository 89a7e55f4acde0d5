"""The anonymous contact form: request → e-mail with a link → confirm once → an unverified ticket."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from anxin.core import clock
from anxin.notifications.models import OutboxMessage
from anxin.tickets.choices import Channel, Verification
from anxin.tickets.contact import ContactIn, ContactTooMany, contact_request_create
from anxin.tickets.models import ContactRequest, Ticket

from .desk import Desk


@pytest.fixture
def desk(shared_desk: Desk) -> Desk:
    """This module's tests share one desk, built once (see conftest.shared_desk)."""
    return shared_desk


FORM = {
    "type": "logistics",
    "subject": "Parcel damaged",
    "message": "The box arrived crushed.",
    "email": "Visitor@Example.com",
    "name": "Han Meimei",
    "order": "E1001",
}
LINK = re.compile(r"https?://[^\s]+/contact/confirm/([A-Za-z0-9_-]+)/")


def send_form(client: Client, **changes: str) -> Any:
    return client.post("/contact/", {**FORM, **changes})


def token_from_outbox() -> str:
    mail = OutboxMessage.objects.filter(event="contact.confirm").latest("pk")
    found = LINK.search(mail.payload["body"])
    assert found, mail.payload["body"]
    return found.group(1)


def test_the_whole_flow_opens_an_unverified_web_ticket(desk: Any) -> None:
    client = Client()
    # given the form page
    assert client.get("/contact/").status_code == 200
    # when a visitor sends it
    response = send_form(client)
    # then they are told to check their inbox, and the link went to the outbox
    assert response.status_code == 302 and response["Location"] == "/contact/sent/"
    assert client.get("/contact/sent/").status_code == 200
    mail = OutboxMessage.objects.get(event="contact.confirm")
    assert mail.recipient_email == "Visitor@example.com"  # the form lower-cases the domain
    assert mail.payload["headers"]["Auto-Submitted"] == "auto-generated"
    token = token_from_outbox()
    request = ContactRequest.objects.get()
    assert request.ticket is None and request.token_hash != token
    with connection.cursor() as cursor:  # the address is encrypted at rest
        cursor.execute("SELECT email FROM tickets_contactrequest")
        assert "Visitor" not in cursor.fetchone()[0]
    assert not Ticket.objects.exists()

    # when they open the link and confirm
    page = client.get(f"/contact/confirm/{token}/")
    assert page.status_code == 200 and "Parcel damaged" in page.content.decode()
    done = client.post(f"/contact/confirm/{token}/")
    # then the ticket exists, unverified, from the web, about the named order
    ticket = Ticket.objects.get()
    assert done.status_code == 200 and ticket.number in done.content.decode()
    assert (ticket.channel, ticket.type, ticket.verification) == (
        Channel.WEB,
        "logistics",
        Verification.UNVERIFIED,
    )
    assert ticket.contact_email == "Visitor@example.com" and ticket.contact_name == "Han Meimei"
    assert ticket.order == desk.world.order

    # and the link works only once
    assert client.post(f"/contact/confirm/{token}/").status_code == 409
    assert client.get(f"/contact/confirm/{token}/").status_code == 409
    assert Ticket.objects.count() == 1


def test_an_expired_link_opens_nothing(desk: Any) -> None:
    # given
    send_form(Client())
    token = token_from_outbox()
    # when
    clock.freeze(clock.now() + timedelta(hours=24, minutes=1))
    response = Client().post(f"/contact/confirm/{token}/")
    # then
    assert response.status_code == 410
    assert not Ticket.objects.exists()


def test_an_unknown_link_is_404(desk: Any) -> None:
    assert Client().get("/contact/confirm/nope/").status_code == 404
    assert Client().post("/contact/confirm/nope/").status_code == 404
    assert not Ticket.objects.exists()


def test_field_errors_are_shown_localized_and_nothing_is_stored(desk: Any) -> None:
    # when
    response = send_form(Client(HTTP_ACCEPT_LANGUAGE="zh-hans"), email="not-an-address", subject="")
    # then
    body = response.content.decode()
    assert response.status_code == 400
    assert (
        'aria-invalid="true"' in body
        and 'id="email-error"' in body
        and 'id="subject-error"' in body
    )
    assert "Enter a valid email address." not in body
    assert not ContactRequest.objects.exists() and not OutboxMessage.objects.exists()


def test_the_form_needs_its_csrf_token(desk: Any) -> None:
    response = send_form(Client(enforce_csrf_checks=True))
    assert response.status_code == 403
    assert not ContactRequest.objects.exists()


def test_too_many_waiting_requests_for_one_address_are_refused(desk: Any) -> None:
    # given five waiting requests within the hour
    data = ContactIn(subject="Hi", body="Hello", email="visitor@example.com")
    for _ in range(5):
        contact_request_create(data=data, language="en")
    # when
    with pytest.raises(ContactTooMany):
        contact_request_create(data=data, language="en")
    response = send_form(Client(), email="VISITOR@example.com")
    # then
    assert response.status_code == 400
    assert ContactRequest.objects.count() == 5
    # and an hour later the address may write again
    clock.freeze(clock.now() + timedelta(hours=1, minutes=1))
    assert send_form(Client(), email="visitor@example.com").status_code == 302
