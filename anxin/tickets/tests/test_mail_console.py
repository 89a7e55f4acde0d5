"""Console /console/mail/: the inbound list, one mail, release and discard — platform staff only."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from anxin.catalog.tests import factories as f
from anxin.core.actors import Role
from anxin.tickets.choices import MailStatus
from anxin.tickets.mail.inbound import mail_receive
from anxin.tickets.models import InboundMail, Ticket

from .desk import Desk
from .test_mail_inbound import mail


@pytest.fixture
def desk(shared_desk: Desk) -> Desk:
    """This module's tests share one desk, built once (see conftest.shared_desk)."""
    return shared_desk


ROLES = ["consumer", "other_consumer", "merchant", "other_merchant", "agent", "admin", ""]
ALLOWED = {"agent", "admin"}


def client_as(desk: Any, who: str) -> Client:
    client = Client()
    if not who:
        return client
    world = desk.world
    users = {
        "consumer": world.consumer,
        "merchant": world.merchant,
        "other_merchant": world.other_merchant,
        "agent": world.agent,
        "admin": world.admin,
    }
    user = users.get(who) or f.user(who, Role.CONSUMER)
    client.force_login(user)
    return client


def quarantined(**fields: Any) -> InboundMail:
    """A mail without a From address (quarantined: "No usable From address.")."""
    row = mail_receive(raw=mail(sender="", **fields), source="maildir")
    assert row.status == MailStatus.QUARANTINED
    return row


def expect(response: Any, who: str, ok: int = 200) -> None:
    if who in ALLOWED:
        assert response.status_code == ok, (who, response.status_code)
    elif not who:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == 403, (who, response.status_code)


@pytest.mark.parametrize("who", ROLES)
def test_list_and_detail_are_for_platform_staff(desk: Any, who: str) -> None:
    # given a quarantined mail and an accepted one
    bad = quarantined(body="Help <script>alert(1)</script>")
    mail_receive(raw=mail(subject="Fine"), source="maildir")
    client = client_as(desk, who)
    # when / then
    listing = client.get("/console/mail/")
    expect(listing, who)
    detail = client.get(f"/console/mail/{bad.pk}/")
    expect(detail, who)
    if who in ALLOWED:
        rows = listing.content.decode()
        assert rows.index(f"/console/mail/{bad.pk}/") < rows.index("Fine")  # quarantined first
        body = detail.content.decode()
        assert "No usable From address." in body
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body and "<script>alert" not in body


def test_the_list_filters_by_status(desk: Any) -> None:
    quarantined(subject="Broken one")
    mail_receive(raw=mail(subject="Fine one"), source="maildir")
    body = client_as(desk, "agent").get("/console/mail/?status=accepted").content.decode()
    assert "Fine one" in body and "Broken one" not in body


def test_the_detail_shows_the_sender_address_to_agents(desk: Any) -> None:
    row = mail_receive(raw=mail(headers={"Auto-Submitted": "auto-replied"}), source="maildir")
    body = client_as(desk, "agent").get(f"/console/mail/{row.pk}/").content.decode()
    assert "li.lei@example.com" in body and "Auto-Submitted" in body


@pytest.mark.parametrize("who", ROLES)
def test_release_opens_a_ticket_only_for_staff(desk: Any, who: str, settings: Any) -> None:
    # given a mail quarantined for its size, from a usable sender
    settings.ANXIN_MAIL_MAX_BYTES = 500
    row = mail_receive(raw=mail(body="x" * 600), source="maildir")
    assert row.status == MailStatus.QUARANTINED
    # when
    response = client_as(desk, who).post(f"/console/mail/{row.pk}/release/")
    # then
    expect(response, who, ok=302)
    row.refresh_from_db()
    if who in ALLOWED:
        assert row.status == MailStatus.ACCEPTED and row.ticket is not None
        assert row.ticket.contact_email == "li.lei@example.com"
    else:
        assert row.status == MailStatus.QUARANTINED and not Ticket.objects.exists()


def test_release_without_a_sender_asks_for_an_address(desk: Any) -> None:
    # given
    raw = mail(sender="")
    row = mail_receive(raw=raw, source="maildir")
    client = client_as(desk, "agent")
    # when no address is given
    response = client.post(f"/console/mail/{row.pk}/release/")
    # then the page asks for one and nothing happens
    assert response.status_code == 400 and 'id="address-error"' in response.content.decode()
    assert not Ticket.objects.exists()
    # when an address is given
    response = client.post(f"/console/mail/{row.pk}/release/", {"address": "found@example.com"})
    # then
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == MailStatus.ACCEPTED and row.ticket is not None
    assert row.ticket.contact_email == "found@example.com"
    assert bytes(row.raw) == raw  # the message stays as received


def test_releasing_twice_is_refused(desk: Any, settings: Any) -> None:
    settings.ANXIN_MAIL_MAX_BYTES = 500
    row = mail_receive(raw=mail(body="x" * 600), source="maildir")
    client = client_as(desk, "agent")
    client.post(f"/console/mail/{row.pk}/release/")
    response = client.post(f"/console/mail/{row.pk}/release/")
    assert response.status_code == 400
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("who", ROLES)
def test_discard_keeps_the_status_and_adds_a_note(desk: Any, who: str) -> None:
    # given
    row = quarantined()
    # when
    response = client_as(desk, who).post(f"/console/mail/{row.pk}/discard/", {"note": "spam"})
    # then
    expect(response, who, ok=302)
    row.refresh_from_db()
    assert row.status == MailStatus.QUARANTINED
    if who in ALLOWED:
        assert row.reason.startswith("[discarded] spam") and "No usable From" in row.reason
    else:
        assert row.reason == "No usable From address."


def test_an_unknown_mail_is_404(desk: Any) -> None:
    assert client_as(desk, "agent").get("/console/mail/999999/").status_code == 404
