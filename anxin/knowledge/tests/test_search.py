"""Search finds the right seeded article for Chinese and English questions; only published
articles are ever found."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anxin.knowledge.models import Article
from anxin.knowledge.selectors import article_search
from anxin.knowledge.text import blocks, tokens

from .helpers import article

# Search is substring matching and ranking in SQL (also runs on PostgreSQL).
pytestmark = [pytest.mark.django_db, pytest.mark.db]


@pytest.mark.parametrize(
    ("query", "language", "expected"),
    [
        ("退货运费", "zh-hans", "return-shipping-cost"),
        ("运费谁出", "zh-hans", "return-shipping-cost"),
        ("退款多久到账", "zh-hans", "refund-timing"),
        ("七天无理由", "zh-hans", "seven-day-no-reason-returns"),
        ("七天无理由退货", "zh-hans", "seven-day-no-reason-returns"),
        ("哪些商品不能退", "zh-hans", "seven-day-no-reason-returns"),
        ("信用卡退款几天到账", "zh-hans", "refund-timing"),
        ("换尺码", "zh-hans", "exchanges"),
        ("手机坏了保修", "zh-hans", "repairs-and-warranty"),
        ("退货物流单号", "zh-hans", "track-a-return"),
        ("开发票", "zh-hans", "invoices"),
        ("改收货地址", "zh-hans", "change-delivery-address"),
        ("客服让我转账是诈骗吗", "zh-hans", "account-security"),
        ("投诉商家", "zh-hans", "complaints-and-escalation"),
        ("refund time", "en", "refund-timing"),
        ("refund times credit card", "en", "refund-timing"),
        ("who pays return shipping", "en", "return-shipping-cost"),
        ("7-day no-reason returns", "en", "seven-day-no-reason-returns"),
        ("warranty repair", "en", "repairs-and-warranty"),
        ("change delivery address", "en", "change-delivery-address"),
        ("invoice", "en", "invoices"),
        ("complain", "en", "complaints-and-escalation"),
    ],
)
def test_search_puts_the_right_article_first(query, language, expected):
    # given the seeded help articles
    # when
    found = article_search(query=query, language=language)
    # then
    assert found, query
    assert found[0].slug == expected, (query, [a.slug for a in found[:3]])


def test_a_chinese_query_finds_the_english_text_too():
    # given an article whose Chinese text does not hold the words, but its English does
    article(
        slug="kb-english-only",
        status="published",
        title_zh="礼品卡",
        title_en="Gift cards",
        body_zh="说明。",
        body_en="Gift cards cannot be refunded.",
    )
    # when
    found = article_search(query="gift cards", language="zh-hans")
    # then
    assert [a.slug for a in found][:1] == ["kb-english-only"]


@pytest.mark.parametrize("status", ["draft", "in_review", "archived"])
def test_unpublished_articles_never_appear(status):
    # given an unpublished article that matches the query better than any other
    article(slug="kb-hidden", status=status, title_zh="退款多久到账", body_zh="退款多久到账")
    # when
    found = article_search(query="退款多久到账", language="zh-hans")
    # then
    assert "kb-hidden" not in [a.slug for a in found]


def test_an_archived_seeded_article_disappears_from_search():
    # given
    Article.objects.filter(slug="invoices").update(status="archived")
    # when
    found = article_search(query="发票", language="zh-hans")
    # then
    assert "invoices" not in [a.slug for a in found]


@pytest.mark.parametrize("query", ["", "   ", "？？", "的了吗", "zzzqqq", "了"])
def test_empty_or_meaningless_queries_find_nothing(query):
    assert article_search(query=query, language="zh-hans") == []


def test_search_respects_the_limit_and_ranks_by_score():
    # when
    found = article_search(query="退款 退货 运费", language="zh-hans", limit=3)
    # then
    assert len(found) == 3
    scores = [a.score for a in found]
    assert scores == sorted(scores, reverse=True)


def test_search_costs_two_queries_whatever_the_number_of_results():
    # given
    with CaptureQueriesContext(connection) as queries:
        # when
        article_search(query="退款 退货 运费 发票 地址 投诉 保修 换货", language="zh-hans")
    # then
    assert len(queries) == 2


def test_tokens_mix_jieba_words_bigrams_and_english_words():
    # when
    terms = tokens("运费谁出? Refunds TAKE time")
    # then
    assert {"运费", "费谁", "谁出", "refund", "take", "time"} <= set(terms)


def test_blocks_keep_text_as_text():
    # when
    result = blocks("## 标题\n\n第一段<script>\n第二行\n\n- 一\n- 二")
    # then
    assert [(b.kind, b.text, b.items) for b in result] == [
        ("h", "标题", []),
        ("p", "第一段<script>\n第二行", []),
        ("ul", "", ["一", "二"]),
    ]
