"""Who may chat, and bad input: empty, 10,000 characters, binary-looking and script
injection get a polite answer or a 4xx with the field at fault, never a 500."""

from __future__ import annotations

import pytest

from anxin.assistant.models import Conversation, Message
from anxin.cases.tests.builders import world

from .chat import Chat

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return world()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 401),
        ("m1_staff", 403),
        ("agent", 403),
        ("m1_token", 403),
        ("platform_token", 403),
        ("consumer_a", 201),
    ],
)
def test_only_customers_chat(shop, role, status):
    response = shop.api(role).post("/assistant/sessions", {"language": "en"})
    assert response.status_code == status, response.content


def test_a_conversation_is_its_customers_alone(shop):
    chat = Chat(shop.api("consumer_a"), "en").start()
    other = shop.api("consumer_b")
    assert other.get(f"/assistant/sessions/{chat.id}").status_code == 404
    assert other.post(f"/assistant/sessions/{chat.id}/messages", {"text": "hi"}).status_code == 404
    assert other.post(f"/assistant/sessions/{chat.id}/rating", {"score": 5}).status_code == 404
    mine = shop.api("consumer_a").get(f"/assistant/sessions/{chat.id}")
    assert mine.status_code == 200 and mine.json()["messages"][0]["role"] == "bot"


def test_the_greeting_is_in_the_language_asked_for(shop):
    zh = Chat(shop.api("consumer_a", lang="zh-hans"), "zh-hans").start()
    assert "您好" in zh.last["messages"][0]["text"] or "你好" in zh.last["messages"][0]["text"]
    en = Chat(shop.api("consumer_a"), "en").start()
    assert en.last["messages"][0]["text"].startswith("Hello")


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_empty_messages_are_refused_with_the_field(shop, lang):
    chat = Chat(shop.api("consumer_a", lang=lang), lang).start()
    for text in ("", "   ", "\n\t"):
        response = chat.api.post(f"/assistant/sessions/{chat.id}/messages", {"text": text})
        assert response.status_code == 422
        assert "text" in response.json()["error"]["fields"]


def test_bad_input_never_fails(shop):
    chat = Chat(shop.api("consumer_a"), "en").start()
    hostile = [
        "退" * 10_000,
        "x" * 10_000 + " where is my parcel",
        "\x00\x01\x02\xff\xfe" * 50,
        "".join(chr(c) for c in range(1, 300)),
        "<script>alert('x')</script>",
        "<img src=x onerror=alert(1)>",
        "'; DROP TABLE assistant_message; --",
        "{{ 7*7 }} ${7*7} %(x)s %s {0}",
        "🙂" * 500,
    ]
    for text in hostile:
        response = chat.api.post(f"/assistant/sessions/{chat.id}/messages", {"text": text})
        assert response.status_code in (200, 422), (text[:40], response.status_code)
        if response.status_code == 200:
            assert response.json()["messages"], text[:40]
    stored = Message.objects.filter(conversation__public_id=chat.id, role="user")
    assert all(len(m.text) <= 2000 for m in stored)
    assert any(
        m.text == "<script>alert('x')</script>" for m in stored
    )  # kept as typed, escaped on output


def test_wrong_shapes_are_4xx(shop):
    chat = Chat(shop.api("consumer_a"), "en").start()
    url = f"/assistant/sessions/{chat.id}/messages"
    assert chat.api.post(url, raw=b"\xff\xfe not json").status_code == 400
    assert chat.api.post(url, {"text": 42}).status_code in (400, 422)
    response = chat.api.post(url, {"text": "hi", "choice": "rm -rf /"})
    assert response.status_code == 422 and "choice" in response.json()["error"]["fields"]
    # "²" is a digit to str.isdigit() but not to int(): refused as a choice, not a 500
    for choice in ("rate:²", "qty:²", "rate:٣"):
        response = chat.api.post(url, {"text": "", "choice": choice})
        assert response.status_code == 422 and "choice" in response.json()["error"]["fields"]
    assert chat.api.post(url, {"text": "a" * 20_001}).status_code == 422
    assert chat.api.post(url, raw=b'{"text": "\xff\xfe"}').status_code == 400
    assert chat.api.post("/assistant/sessions/not-a-uuid/messages", {"text": "hi"}).status_code in (
        404,
        422,
    )
    assert chat.api.post("/assistant/sessions", {"language": "fr"}).status_code == 422
    assert chat.api.post(f"/assistant/sessions/{chat.id}/rating", {"score": 9}).status_code == 422


def test_rating_is_recorded(shop):
    chat = Chat(shop.api("consumer_a"), "en").start()
    assert chat.api.post(f"/assistant/sessions/{chat.id}/rating", {"score": 4}).status_code == 200
    assert Conversation.objects.get(public_id=chat.id).rating == 4
