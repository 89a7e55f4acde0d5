"""Every (state, action) pair for every role: allowed moves change the state and write an event
and an audit row; refused ones change nothing."""

from __future__ import annotations

import copy

import pytest

from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Role
from anxin.core.errors import DomainError
from anxin.core.models import AuditEntry
from anxin.core.tests.shared_rows import rows_for_the_group
from anxin.knowledge.choices import ArticleStatus
from anxin.knowledge.models import Article, ArticleEvent
from anxin.knowledge.services import article_act
from anxin.knowledge.workflow import ARTICLE_WORKFLOW
from anxin.tickets.tests.desk import build_desk
from anxin.web.tests.world import NOW

from .helpers import actor, article

pytestmark = pytest.mark.django_db

STATES = [s.value for s in ArticleStatus]
ACTIONS = ["submit", "approve", "send_back", "archive", "restore"]
ROLES = ["consumer", "merchant", "agent", "supervisor", "arbitrator", "admin"]
SUPERVISORS = {"supervisor", "arbitrator", "admin"}
ALLOWED = {
    ("draft", "submit"): ({"agent", "supervisor", "admin"}, "in_review"),
    ("in_review", "approve"): (SUPERVISORS, "published"),
    ("in_review", "send_back"): (SUPERVISORS, "draft"),
    ("published", "archive"): (SUPERVISORS, "archived"),
    ("archived", "restore"): (SUPERVISORS, "draft"),
}


@pytest.fixture(scope="module")
def _people(django_db_setup, django_db_blocker):
    """The people are made once for this module; each test's articles roll back after it."""
    with rows_for_the_group(django_db_blocker):
        with django_db_blocker.unblock():
            made = _make_people()
        clock.unfreeze()
        yield made


@pytest.fixture
def people(_people, db):
    clock.freeze(NOW)
    return copy.deepcopy(_people)


def _make_people():
    desk = build_desk()
    w = desk.world
    return {
        "consumer": w.consumer,
        "merchant": w.merchant,
        "agent": w.agent,
        "supervisor": desk.supervisor,
        "arbitrator": f.user("arbitrator", Role.ARBITRATOR),
        "admin": w.admin,
        "author": f.user("writer", Role.AGENT),
    }


def test_the_table_covers_every_state():
    assert set(ARTICLE_WORKFLOW.states) == set(STATES)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", STATES)
def test_every_state_action_and_role(people, state, action, role):
    # given an article by someone else in ``state``
    subject = article(status=state, author=people["author"])
    roles, target = ALLOWED.get((state, action), (set(), ""))
    events = ArticleEvent.objects.count()
    audits = AuditEntry.objects.count()
    # when
    if role in roles:
        result = article_act(actor=actor(people[role]), article=subject, action=action)
        # then
        assert result.status == target
        assert result.state_version == 1
        assert ArticleEvent.objects.filter(article=subject, action=action).count() == 1
        assert AuditEntry.objects.filter(action=f"knowledge.article.{action}").count() == 1
    else:
        with pytest.raises(DomainError):
            article_act(actor=actor(people[role]), article=subject, action=action)
        # then nothing changed
        subject.refresh_from_db()
        assert (subject.status, subject.state_version) == (state, 0)
        assert ArticleEvent.objects.count() == events
        assert AuditEntry.objects.count() == audits


def test_approving_stamps_the_reviewer_and_the_time(people):
    # given
    subject = article(status="in_review", author=people["author"])
    # when
    article_act(actor=actor(people["supervisor"]), article=subject, action="approve")
    # then
    subject.refresh_from_db()
    assert subject.reviewer == people["supervisor"]
    assert subject.published_at is not None


def test_a_supervisor_does_not_approve_their_own_article(people):
    # given
    subject = article(status="in_review", author=people["supervisor"])
    # when / then
    with pytest.raises(DomainError) as error:
        article_act(actor=actor(people["supervisor"]), article=subject, action="approve")
    assert "other than the author" in str(error.value.message)
    assert Article.objects.get(pk=subject.pk).status == "in_review"


def test_an_administrator_may_approve_their_own_article(people):
    # given
    subject = article(status="in_review", author=people["admin"])
    # when
    result = article_act(actor=actor(people["admin"]), article=subject, action="approve")
    # then
    assert result.status == "published"


@pytest.mark.parametrize("missing", ["title_en", "body_zh", "category"])
def test_an_incomplete_draft_cannot_be_submitted(people, missing):
    # given
    fields = {"category": None} if missing == "category" else {missing: ""}
    subject = article(author=people["agent"], **fields)
    # when / then
    with pytest.raises(DomainError):
        article_act(actor=actor(people["agent"]), article=subject, action="submit")
    assert Article.objects.get(pk=subject.pk).status == "draft"


def test_a_stale_version_is_refused(people):
    # given an article that moved on since the page was shown
    subject = article(author=people["agent"])
    article_act(actor=actor(people["agent"]), article=subject, action="submit")
    # when / then
    with pytest.raises(DomainError):
        article_act(
            actor=actor(people["supervisor"]), article=subject, action="send_back", version=0
        )
    assert Article.objects.get(pk=subject.pk).status == "in_review"


def test_send_back_keeps_the_reason_in_the_history(people):
    # given
    subject = article(status="in_review", author=people["agent"])
    # when
    article_act(
        actor=actor(people["arbitrator"]), article=subject, action="send_back", reason="补充英文"
    )
    # then
    event = ArticleEvent.objects.get(article=subject, action="send_back")
    assert (event.from_status, event.to_status, event.reason) == ("in_review", "draft", "补充英文")
