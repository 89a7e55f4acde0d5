"""Help center and knowledge-base console: who gets in (role matrix), and the journeys through
the forms (write → review → publish, votes, canned replies)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from anxin.catalog.tests import factories as f
from anxin.core.actors import Role
from anxin.knowledge.models import Article, ArticleVote, CannedReply

from .pages_knowledge import PAGES

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    """This module's tests share one world, built once (see conftest.shared_world)."""
    return shared_world


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
STAFF = {"agent", "admin"}


def _user(world: Any, name: str) -> Any:
    if name == "other_consumer":
        return f.user("other_consumer", Role.CONSUMER)
    return getattr(world, name)


def _client(world: Any, as_user: Any, who: str) -> Client:
    return as_user(_user(world, who)) if who else Client()


def _expected(page: str, who: str) -> int:
    if page.startswith("help-"):
        return 200
    if who == "":
        return 302
    return 200 if who in STAFF else 403


@pytest.mark.parametrize(("name", "_username", "url_of"), PAGES, ids=[p[0] for p in PAGES])
@pytest.mark.parametrize("who", USERS)
def test_role_matrix(world: Any, as_user: Any, name: str, _username: str, url_of: Any, who: str):
    # given
    url = url_of(world)
    # when
    response = _client(world, as_user, who).get(url)
    # then
    expected = _expected(name, who)
    if name == "console-kb-canned-edit" and who == "agent":
        expected = 302  # agents use canned replies; supervisors and administrators edit them
    assert response.status_code == expected, (name, who)


def test_help_pages_show_the_seeded_content_and_the_contact_link(world: Any):
    # when
    home = Client(HTTP_ACCEPT_LANGUAGE="zh-hans").get(reverse("help:home")).content.decode()
    article = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("help:article", args=["refund-timing"]))
    # then
    assert "退货与退款" in home
    assert 'href="/contact/"' in home
    body = article.content.decode()
    assert "Refund times" in body
    assert "<li>Debit card: 1 to 5 business days</li>" in body
    assert 'href="/contact/"' in body


def test_search_page_finds_chinese_questions(world: Any):
    response = Client().get(reverse("help:search"), {"q": "运费谁出"})
    assert 'href="/help/a/return-shipping-cost/"' in response.content.decode()


def test_search_page_without_results_shows_an_empty_state(world: Any):
    response = Client().get(reverse("help:search"), {"q": "zzzqqq"})
    assert response.status_code == 200
    assert 'class="empty"' in response.content.decode()


@pytest.mark.parametrize("status", ["draft", "in_review", "archived"])
def test_unpublished_articles_are_not_found_on_the_help_center(world: Any, status: str):
    Article.objects.filter(slug="invoices").update(status=status)
    assert Client().get(reverse("help:article", args=["invoices"])).status_code == 404
    vote = Client().post(reverse("help:vote", args=["invoices"]), {"helpful": "yes"})
    assert vote.status_code == 404
    assert not ArticleVote.objects.exists()


def test_an_unknown_category_is_not_found(world: Any):
    assert Client().get(reverse("help:category", args=["nope"])).status_code == 404


def test_anonymous_readers_vote_once_each_and_may_change_their_mind(world: Any):
    # given two anonymous readers
    url = reverse("help:vote", args=["invoices"])
    first, second = Client(), Client()
    before = Article.objects.get(slug="invoices").helpful_yes
    # when
    first.post(url, {"helpful": "yes"})
    first.post(url, {"helpful": "yes"})
    second.post(url, {"helpful": "yes"})
    response = first.post(url, {"helpful": "no"})
    # then
    assert response.status_code == 302
    assert response["Location"].endswith("/help/a/invoices/#feedback")
    found = Article.objects.get(slug="invoices")
    assert (found.helpful_yes, found.helpful_no) == (before + 1, 1)
    assert ArticleVote.objects.count() == 2
    page = first.get(reverse("help:article", args=["invoices"])).content.decode()
    assert 'value="no" class="" aria-pressed="true"' in page


def test_a_signed_in_reader_votes_as_themselves(world: Any, as_user: Any):
    as_user(world.consumer).post(reverse("help:vote", args=["invoices"]), {"helpful": "no"})
    assert ArticleVote.objects.get().voter_key == f"u:{world.consumer.pk}"


def test_a_vote_needs_the_csrf_token(world: Any):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("help:vote", args=["invoices"]), {"helpful": "yes"})
    assert response.status_code == 403
    assert not ArticleVote.objects.exists()


def test_a_vote_needs_yes_or_no(world: Any):
    Client().post(reverse("help:vote", args=["invoices"]), {"helpful": "maybe"})
    assert not ArticleVote.objects.exists()


def test_article_text_is_escaped(world: Any, as_user: Any):
    # given an article whose text holds markup
    Article.objects.filter(slug="invoices").update(
        body_en="<script>alert(1)</script>\n\n- <b>x</b>"
    )
    # when
    body = Client(HTTP_ACCEPT_LANGUAGE="en").get(reverse("help:article", args=["invoices"]))
    # then
    html = body.content.decode()
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<li>&lt;b&gt;x&lt;/b&gt;</li>" in html


def test_write_review_publish_through_the_console(world: Any, as_user: Any):
    # given
    supervisor = f.user("supervisor", Role.ARBITRATOR)
    agent = as_user(world.agent)
    # when the agent writes a draft
    response = agent.post(
        reverse("console_kb:article_new"),
        {
            "slug": "gift-cards",
            "category": "refunds",
            "title_zh": "礼品卡能退吗",
            "title_en": "Can gift cards be refunded?",
            "body_zh": "礼品卡一经售出不能退款。",
            "body_en": "Gift cards cannot be refunded once sold.",
        },
    )
    # then
    assert response.status_code == 302
    draft = Article.objects.get(slug="gift-cards")
    assert (draft.status, draft.author) == ("draft", world.agent)
    # when the agent edits and submits it
    agent.post(
        reverse("console_kb:article", args=["gift-cards"]),
        {
            "category": "refunds",
            "title_zh": "礼品卡可以退款吗",
            "title_en": "Can gift cards be refunded?",
            "body_zh": "礼品卡一经售出不能退款。",
            "body_en": "Gift cards cannot be refunded once sold.",
        },
    )
    agent.post(reverse("console_kb:act", args=["gift-cards", "submit"]), {"version": "0"})
    # then it is in review and not yet public
    assert Article.objects.get(slug="gift-cards").status == "in_review"
    assert Client().get(reverse("help:article", args=["gift-cards"])).status_code == 404
    # when the agent tries to approve it, nothing changes
    agent.post(reverse("console_kb:act", args=["gift-cards", "approve"]), {"version": "1"})
    assert Article.objects.get(slug="gift-cards").status == "in_review"
    # when a supervisor approves it
    as_user(supervisor).post(
        reverse("console_kb:act", args=["gift-cards", "approve"]), {"version": "1"}
    )
    # then it is public and found by search
    published = Article.objects.get(slug="gift-cards")
    assert (published.status, published.reviewer, published.title_zh) == (
        "published",
        supervisor,
        "礼品卡可以退款吗",
    )
    assert Client().get(reverse("help:article", args=["gift-cards"])).status_code == 200
    found = Client().get(reverse("help:search"), {"q": "礼品卡退款"}).content.decode()
    assert "/help/a/gift-cards/" in found


def test_a_bad_draft_comes_back_with_the_errors(world: Any, as_user: Any):
    response = as_user(world.agent).post(
        reverse("console_kb:article_new"), {"slug": "refund-timing", "title_zh": "重复"}
    )
    assert response.status_code == 422
    assert "Another article already uses this address." in response.content.decode()
    assert Article.objects.filter(slug="refund-timing").count() == 1


@pytest.mark.parametrize("who", ["consumer", "merchant", "other_merchant"])
def test_outsiders_cannot_write_or_act(world: Any, as_user: Any, who: str):
    # given
    client = as_user(getattr(world, who))
    before = Article.objects.get(slug="invoices")
    # when
    created = client.post(reverse("console_kb:article_new"), {"slug": "x", "title_zh": "x"})
    acted = client.post(reverse("console_kb:act", args=["invoices", "archive"]))
    canned = client.post(reverse("console_kb:canned_new"), {"title_zh": "x"})
    # then
    assert (created.status_code, acted.status_code, canned.status_code) == (403, 403, 403)
    assert not Article.objects.filter(slug="x").exists()
    after = Article.objects.get(slug="invoices")
    assert (after.status, after.state_version) == (before.status, before.state_version)
    assert CannedReply.objects.count() == 6


def test_canned_replies_are_managed_by_administrators(world: Any, as_user: Any):
    # given
    data = {
        "title_zh": "催促商家",
        "title_en": "Chasing the merchant",
        "body_zh": "我们已催促商家处理订单 {order_number}。",
        "body_en": "We have asked the merchant to act on order {order_number}.",
        "team_code": "service",
        "active": "on",
    }
    # when an agent tries, then nothing is created
    response = as_user(world.agent).post(reverse("console_kb:canned_new"), data)
    assert response.status_code == 302
    assert not CannedReply.objects.filter(title_en="Chasing the merchant").exists()
    # when an administrator creates it
    response = as_user(world.admin).post(reverse("console_kb:canned_new"), data)
    # then
    assert response.status_code == 302
    created = CannedReply.objects.get(title_en="Chasing the merchant")
    assert (created.team_code, created.active, created.created_by) == ("service", True, world.admin)
    # when the administrator switches it off
    as_user(world.admin).post(
        reverse("console_kb:canned_edit", args=[created.pk]), {**data, "active": ""}
    )
    # then
    created.refresh_from_db()
    assert created.active is False


def test_the_console_list_costs_the_same_queries_for_more_articles(world: Any, as_user: Any):
    # given
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from anxin.knowledge.tests.helpers import article

    client = as_user(world.agent)
    url = reverse("console_kb:articles")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(5):
        article(slug=f"kb-more-{n}", author=world.agent)
    # when
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    # then
    assert "kb-more-4" in response.content.decode()
    assert len(many) == len(few)
