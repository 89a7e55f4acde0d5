"""POST /api/v1/webhooks/inbound/mail: raw MIME and Postmark-style JSON, signed with HMAC-SHA256."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from anxin.tickets.choices import MailStatus
from anxin.tickets.mail.webhook import sign
from anxin.tickets.models import InboundMail, Ticket
from conftest import ApiClient

from .desk import Desk
from .test_mail_inbound import mail


@pytest.fixture
def desk(shared_desk: Desk) -> Desk:
    """This module's tests share one desk, built once (see conftest.shared_desk)."""
    return shared_desk


SECRET = "test-inbound-secret"
URL = "/webhooks/inbound/mail"


@pytest.fixture
def hook(settings: Any) -> ApiClient:
    settings.ANXIN_INBOUND_MAIL_SECRET = SECRET
    return ApiClient()


def push(client: ApiClient, payload: Any, *, secret: str = SECRET, raw: bytes | None = None) -> Any:
    body = raw if raw is not None else json.dumps(payload).encode()
    return client.post(URL, raw=body, X_Anxin_Signature=sign(body, secret=secret))


def test_a_raw_mime_push_opens_a_ticket(desk: Any, hook: ApiClient) -> None:
    # given
    raw = mail(message_id="<hook-raw@example.com>").decode()
    # when
    response = push(hook, {"raw": raw})
    # then
    assert response.status_code == 200, response.content
    ticket = Ticket.objects.get(channel="email")
    assert response.json() == {"status": "accepted", "reason": "", "ticket": ticket.number}
    assert bytes(InboundMail.objects.get().raw) == raw.encode()


def test_a_base64_push_and_its_replay_make_one_ticket(desk: Any, hook: ApiClient) -> None:
    # given
    payload = {"raw_base64": base64.b64encode(mail(message_id="<hook-b64@example.com>")).decode()}
    # when
    first = push(hook, payload)
    again = push(hook, payload)
    # then
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert Ticket.objects.count() == 1 and InboundMail.objects.count() == 1


def test_a_postmark_shaped_push_goes_through_the_same_mail_receive(desk: Any, hook: ApiClient):
    # given
    payload = {
        "From": "Wang Fang <wang@example.cn>",
        "To": "support@anxin.example",
        "Subject": "发票",
        "TextBody": "请开发票，谢谢。",
        "HtmlBody": "<p>请开发票，谢谢。</p>",
        "MessageID": "b7bc2f4a-e38e-4336-af7d-e6c392c2f817",
        "Headers": [
            {"Name": "Message-ID", "Value": "<pm-1@example.cn>"},
            {"Name": "X-Spam-Status", "Value": "No"},
        ],
        "Attachments": [
            {
                "Name": "receipt.txt",
                "Content": base64.b64encode(b"paid").decode(),
                "ContentType": "text/plain",
            },
        ],
    }
    # when
    response = push(hook, payload)
    # then
    assert response.status_code == 200, response.content
    row = InboundMail.objects.get()
    assert (row.status, row.mail_message_id) == (MailStatus.ACCEPTED, "<pm-1@example.cn>")
    assert row.ticket is not None and row.ticket.language == "zh-hans"
    assert row.message is not None and row.message.body == "请开发票，谢谢。"
    assert row.message.attachments.count() == 1


def test_a_postmark_auto_reply_is_ignored(desk: Any, hook: ApiClient) -> None:
    payload = {
        "From": "away@example.com",
        "Subject": "Out of office",
        "TextBody": "Away.",
        "Headers": [{"Name": "Auto-Submitted", "Value": "auto-replied"}],
    }
    response = push(hook, payload)
    assert response.status_code == 200 and response.json()["status"] == "ignored"
    assert not Ticket.objects.exists()


@pytest.mark.parametrize(
    "signature",
    ["", "sha256=" + "0" * 64, "not-a-signature", sign(b"{}", secret="another")],
    ids=["missing", "zeros", "garbage", "wrong-secret"],
)
def test_a_bad_signature_is_401_and_changes_nothing(desk: Any, hook: ApiClient, signature: str):
    body = json.dumps({"raw": mail().decode()}).encode()
    headers = {"X_Anxin_Signature": signature} if signature else {}
    response = hook.post(URL, raw=body, **headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "mail.bad_signature"
    assert not InboundMail.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b"not json", "body"),
        (b"[1, 2]", "body"),
        (json.dumps({"raw": ""}).encode(), "raw"),
        (json.dumps({"raw": 5}).encode(), "raw"),
        (json.dumps({"raw_base64": "***"}).encode(), "raw_base64"),
        (json.dumps({"TextBody": "hi"}).encode(), "From"),
        (json.dumps({"From": "a@b.cn", "Headers": "x"}).encode(), "Headers"),
        (json.dumps({"hello": "world"}).encode(), "raw"),
    ],
    ids=["not-json", "list", "empty-raw", "raw-number", "bad-base64", "no-from", "headers", "?"],
)
def test_a_malformed_push_is_422_with_fields(desk: Any, hook: ApiClient, body: bytes, field: str):
    response = push(hook, None, raw=body)
    assert response.status_code == 422, response.content
    assert field in response.json()["error"]["fields"]
    assert not InboundMail.objects.exists()


def test_without_a_secret_the_endpoint_is_off(desk: Any, settings: Any) -> None:
    settings.ANXIN_INBOUND_MAIL_SECRET = ""
    settings.DEBUG = False
    body = json.dumps({"raw": mail().decode()}).encode()
    response = ApiClient().post(URL, raw=body, X_Anxin_Signature=sign(body, secret="x"))
    assert response.status_code == 404
    assert not InboundMail.objects.exists()
