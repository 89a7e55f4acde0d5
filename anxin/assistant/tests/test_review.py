"""Agents read bot conversations with personal data masked, correct intents (which the next
training run learns from), and see the assistant's figures."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.test import Client

from anxin.assistant.masking import mask
from anxin.assistant.models import Conversation, IntentCorrection, Message
from anxin.assistant.nlu import model as intent_model
from anxin.assistant.selectors import assistant_figures, corrections_for_training
from anxin.cases.tests.builders import world

from .chat import Chat

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop():
    return world()


def console(shop, role="agent") -> Client:
    client = Client()
    client.force_login(shop.users[role])
    return client


def test_masking():
    text = mask(
        "我手机13812345678，邮箱 li.lei@example.com，身份证110101199003071234，卡号6222020200112233445"
    )
    assert "13812345678" not in text and "138****5678" in text
    assert "li.lei@example.com" not in text and "l***@***" in text
    assert "110101199003071234" not in text and "6222020200112233445" not in text


def test_agents_read_masked_conversations_and_correct_intents(shop, tmp_path):
    chat = Chat(shop.api("consumer_a"), "zh-hans").start()
    chat.say("我的电话13812345678，帮我看看那个东西")
    chat.say("asdfgh qwerty")
    conversation = Conversation.objects.get(public_id=chat.id)
    agent = console(shop)
    listing = agent.get("/console/assistant/")
    assert listing.status_code == 200
    page = agent.get(f"/console/assistant/{conversation.public_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "13812345678" not in html and "138****5678" in html
    message = Message.objects.filter(conversation=conversation, role="user").order_by("id").first()
    url = f"/console/assistant/{conversation.public_id}/messages/{message.pk}/intent/"
    assert agent.post(url, {"intent": "not_an_intent"}).status_code == 422
    response = agent.post(url, {"intent": "order_status"})
    assert response.status_code == 302
    assert IntentCorrection.objects.get(message=message).intent == "order_status"
    assert corrections_for_training() == [(message.text, "order_status", message.lang)]
    # consumers and merchants do not see the review pages
    assert console(shop, "consumer_a").get("/console/assistant/").status_code in (302, 403)
    assert console(shop, "m1_staff").get(
        f"/console/assistant/{conversation.public_id}/"
    ).status_code in (302, 403)
    # the next training run learns from the correction
    out = io.StringIO()
    call_command("assistant_train", output=tmp_path, stdout=out)
    trained = intent_model.load(tmp_path)
    assert trained is not None and trained.meta is not None
    files_only = io.StringIO()
    call_command(
        "assistant_train", output=tmp_path / "plain", no_corrections=True, stdout=files_only
    )
    plain = intent_model.load(tmp_path / "plain")
    assert plain is not None and plain.meta is not None
    assert trained.meta["examples"] == plain.meta["examples"] + 1
    assert "held-out: accuracy" in out.getvalue()


def test_figures(shop):
    contained = Chat(shop.api("consumer_a"), "en").start()
    contained.say("where is my parcel")
    contained.press("order:")
    assert (
        contained.api.post(f"/assistant/sessions/{contained.id}/rating", {"score": 5}).status_code
        == 200
    )
    handed = Chat(shop.api("consumer_a"), "en").start()
    handed.say("zzkq vvbn plorf")
    handed.say("qqq wwwx eeer")  # twice not understood: a person takes over
    assert handed.last["ticket"]
    assert Conversation.objects.get(public_id=handed.id).handoff_reason == "not_understood"
    figures = assistant_figures()
    assert (figures.conversations, figures.contained, figures.handed_off) == (2, 1, 1)
    assert figures.containment_rate == 0.5 and figures.handoff_rate == 0.5
    assert figures.fallbacks == 2 and figures.user_messages == 4
    assert figures.csat == 1.0 and figures.rated == 1
    assert [text for text, _n in figures.top_unrecognised] == [
        "qqq wwwx eeer",
        "zzkq vvbn plorf",
    ] or {text for text, _n in figures.top_unrecognised} == {"qqq wwwx eeer", "zzkq vvbn plorf"}


def test_eval_and_classify_commands(tmp_path, capsys, monkeypatch):
    labelled = tmp_path / "set.jsonl"
    labelled.write_text(
        "\n".join(
            json.dumps(row, ensure_ascii=False)
            for row in [
                {"text": "where is my parcel", "intent": "order_status"},
                {"text": "我要退货", "intent": "return_request"},
                {"text": "转人工", "intent": "human_agent"},
            ]
        ),
        encoding="utf-8",
    )
    out = io.StringIO()
    call_command("assistant_eval", str(labelled), "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["total"] == 3 and report["accuracy"] == 1.0
    assert len(report["confusion"]) == len(report["labels"]) == 19
    text_report = io.StringIO()
    call_command("assistant_eval", str(labelled), stdout=text_report)
    assert "macro-F1" in text_report.getvalue() and "confusion" in text_report.getvalue()
    monkeypatch.setattr(
        "sys.stdin", io.TextIOWrapper(io.BytesIO("我要退貨 OD20261105000123\nhello\n".encode()))
    )
    out = io.StringIO()
    call_command("assistant_classify", stdout=out)
    rows = [json.loads(line) for line in out.getvalue().splitlines()]
    assert [set(r) for r in rows] == [{"text", "intent", "confidence", "lang", "slots"}] * 2
    assert rows[0]["intent"] == "return_request" and rows[0]["lang"] == "zh-Hans"
    assert rows[0]["slots"]["order_number"] == "OD20261105000123"
