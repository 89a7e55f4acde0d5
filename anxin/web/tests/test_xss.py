"""Every free-text field takes ``<script>`` and every page shows it as text, never as markup.

The payload is typed into the forms people use (consumer request, tracking, reject reason,
revision, receipt note, return address, saved view, agent intervention, admin reason names,
token name, calendar day names, deposit note), then every page of the UI and every case page is
read as each role: the raw markup must not appear anywhere, the escaped text must.
"""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from PIL import Image

from anxin.cases.models import Case

from .pages import all_pages

pytestmark = pytest.mark.django_db

PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(2)>'
RAW = re.compile(r"<script>alert|<img src=x", re.IGNORECASE)


def csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def post(client: Client, url: str, data: dict, via: str | None = None) -> object:
    """GET the page the form is on (``via``, else ``url``) for the CSRF token, then POST."""
    page = client.get(via or url)
    token = client.cookies["csrftoken"].value if "csrftoken" in client.cookies else ""
    if not token:
        match = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content)
        token = match.group(1).decode() if match else ""
    response = client.post(url, {**data, "csrfmiddlewaretoken": token})
    assert response.status_code < 500, (url, response.status_code)
    return response


def png() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 64), (1, 2, 3)).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "x.png"
    return buffer


def test_script_in_every_free_text_field_is_shown_as_text(world, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    consumer, merchant, agent, admin = (
        csrf_client(world.consumer),
        csrf_client(world.merchant_admin),
        csrf_client(world.agent),
        csrf_client(world.admin),
    )
    # Consumer: a request with the payload as its description (and a photo).
    request_url = f"/my/orders/{world.second_order.public_id}/lines/L1/request/"
    response = post(
        consumer,
        request_url,
        {
            "type": "return_refund",
            "reason": "no_reason/changed_mind",
            "quantity": "1",
            "description": PAYLOAD,
            "photos": png(),
        },
    )
    assert response.status_code == 302, response.content[:2000]
    new_case = Case.objects.exclude(pk__in=[world.case.pk, world.other_case.pk]).get()
    assert new_case.description == PAYLOAD

    # Merchant: rejects the world case with the payload; adds an address; saves a view.
    post(
        merchant,
        f"/shop/cases/{world.case.number}/act/",
        {"action": "reject", "reason": PAYLOAD, "version": world.case.state_version},
        via=f"/shop/cases/{world.case.number}/",
    )
    world.case.refresh_from_db()
    assert world.case.status == "rejected"
    post(
        merchant,
        "/shop/addresses/",
        {
            "label": PAYLOAD[:60],
            "contact_name": PAYLOAD[:60],
            "phone": "02155550001",
            "address": PAYLOAD,
        },
    )
    post(
        merchant,
        "/shop/cases/views/",
        {"name": PAYLOAD[:60], "query": "status=rejected"},
        via="/shop/cases/",
    )

    # Consumer revises with the payload; merchant approves the new case; consumer ships it.
    post(
        consumer,
        f"/my/requests/{world.case.number}/act/revise/",
        {"description": PAYLOAD, "version": world.case.state_version},
        via=f"/my/requests/{world.case.number}/",
    )
    new_case.refresh_from_db()
    post(
        merchant,
        f"/shop/cases/{new_case.number}/act/",
        {"action": "approve", "version": new_case.state_version},
        via=f"/shop/cases/{new_case.number}/",
    )
    new_case.refresh_from_db()
    post(
        consumer,
        f"/my/requests/{new_case.number}/act/ship_return/",
        {
            "carrier": PAYLOAD[:40],
            "tracking_number": PAYLOAD[:60],
            "version": new_case.state_version,
        },
        via=f"/my/requests/{new_case.number}/",
    )
    new_case.refresh_from_db()
    # Agent intervenes on the other shop's case with the payload as the reason.
    other = world.other_case
    post(
        agent,
        f"/console/cases/{other.number}/act/approve/",
        {"reason": PAYLOAD, "version": other.state_version},
        via=f"/console/cases/{other.number}/",
    )
    other.refresh_from_db()
    # Admin: a reason code, a token, a calendar day, a deposit note.
    post(
        admin,
        "/manage/reasons/",
        {
            "code": "xsstest",
            "parent": "",
            "name_zh": PAYLOAD[:60],
            "name_en": PAYLOAD[:60],
            "fault": "consumer",
            "selectable": "on",
        },
    )
    post(admin, "/manage/tokens/", {"name": PAYLOAD[:60], "merchant": ""})
    post(
        admin,
        "/manage/calendar/?year=2026",
        {"date": "2026-12-24", "kind": "holiday", "name_zh": PAYLOAD[:40], "name_en": PAYLOAD[:40]},
    )

    # Each form stored the payload as typed.
    from anxin.accounts.models import ApiToken
    from anxin.cases.models import CaseEvent, ReturnAddress
    from anxin.policies.models import CalendarDay, Reason
    from anxin.web.models import SavedView

    assert any(a.address == PAYLOAD for a in ReturnAddress.objects.all())
    assert SavedView.objects.filter(name=PAYLOAD[:60]).exists()
    assert Reason.objects.filter(code="xsstest", name_en=PAYLOAD[:60]).exists()
    assert ApiToken.objects.filter(name=PAYLOAD[:60]).exists()
    assert CalendarDay.objects.filter(name_en=PAYLOAD[:40]).exists()
    assert CaseEvent.objects.filter(case=other, action="approve", reason=PAYLOAD).exists()
    assert CaseEvent.objects.filter(case=world.case, action="revise").exists()
    assert new_case.return_carrier == PAYLOAD[:40]

    # Every page, and every case page, as every role: text, never markup.
    pages = [(username, url_of(world)) for _name, username, url_of in all_pages()]
    for number in (world.case.number, new_case.number):
        pages += [
            ("consumer", f"/my/requests/{number}/"),
            ("merchant_admin", f"/shop/cases/{number}/"),
        ]
        pages += [("agent", f"/console/cases/{number}/")]
    pages += [("agent", f"/console/cases/{other.number}/"), ("admin", "/manage/reasons/")]
    pages += [("admin", "/manage/calendar/?year=2026"), ("merchant_admin", "/shop/addresses/")]
    clients = {
        "consumer": consumer,
        "merchant": merchant,
        "merchant_admin": merchant,
        "agent": agent,
        "admin": admin,
        "": Client(),
    }
    escaped_seen = 0
    for username, url in pages:
        response = clients[username].get(url)
        assert response.status_code == 200, (username, url, response.status_code)
        body = response.content.decode()
        assert not RAW.search(body), f"unescaped payload on {url} as {username}"
        escaped_seen += body.count("&lt;script&gt;alert")
    assert escaped_seen >= 10  # the payload really is on the pages, as text
