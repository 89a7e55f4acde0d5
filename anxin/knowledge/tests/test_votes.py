"""One vote per reader and article; repeating it is a no-op, changing it moves the counters."""

from __future__ import annotations

import pytest

from anxin.core.errors import NotFound, ValidationFailed
from anxin.knowledge.models import Article, ArticleVote
from anxin.knowledge.services import article_vote

from .helpers import article

pytestmark = pytest.mark.django_db


def counters(subject):
    subject.refresh_from_db()
    return subject.helpful_yes, subject.helpful_no


def test_a_first_vote_counts():
    # given
    subject = article(status="published")
    # when
    article_vote(article=subject, voter_key="u:1", helpful=True)
    # then
    assert counters(subject) == (1, 0)
    assert ArticleVote.objects.filter(article=subject).count() == 1


def test_the_same_vote_twice_counts_once():
    # given
    subject = article(status="published")
    article_vote(article=subject, voter_key="u:1", helpful=False)
    # when
    article_vote(article=subject, voter_key="u:1", helpful=False)
    # then
    assert counters(subject) == (0, 1)
    assert ArticleVote.objects.filter(article=subject).count() == 1


def test_changing_ones_mind_moves_the_vote_back_and_forth():
    # given
    subject = article(status="published")
    article_vote(article=subject, voter_key="u:1", helpful=True)
    article_vote(article=subject, voter_key="s:abc", helpful=True)
    # when
    article_vote(article=subject, voter_key="u:1", helpful=False)
    # then
    assert counters(subject) == (1, 1)
    # when
    article_vote(article=subject, voter_key="u:1", helpful=True)
    # then
    assert counters(subject) == (2, 0)
    assert ArticleVote.objects.filter(article=subject).count() == 2


@pytest.mark.parametrize("status", ["draft", "in_review", "archived"])
def test_unpublished_articles_take_no_votes(status):
    # given
    subject = article(status=status)
    # when / then
    with pytest.raises(NotFound):
        article_vote(article=subject, voter_key="u:1", helpful=True)
    assert counters(subject) == (0, 0)
    assert not ArticleVote.objects.exists()


@pytest.mark.parametrize("key", ["", "x" * 81])
def test_a_voter_must_be_known(key):
    # given
    subject = article(status="published")
    # when / then
    with pytest.raises(ValidationFailed):
        article_vote(article=subject, voter_key=key, helpful=True)
    assert counters(subject) == (0, 0)


def test_seeded_counters_are_kept():
    # given a seeded article with earlier votes
    subject = Article.objects.get(slug="refund-timing")
    before = counters(subject)
    # when
    article_vote(article=subject, voter_key="u:9", helpful=True)
    # then
    assert counters(subject) == (before[0] + 1, before[1])
