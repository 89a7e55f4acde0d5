"""Platform console: every page renders for platform staff in both languages, nobody else gets in,
and the case list filters, sorts and paginates."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from anxin.cases.services import case_act
from anxin.core import clock
from anxin.web.views.console import cases as console_cases

from .pages_console import PAGES

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    """This module's tests share one world, built once (see conftest.shared_world)."""
    return shared_world


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_page_renders_for_an_agent(world, as_user, language):
    client = as_user(world.agent, language)
    for name, _username, url in PAGES:
        response = client.get(url(world))
        assert response.status_code == 200, name
        body = response.content.decode()
        assert body.count("<h1") == 1, name
        assert 'aria-current="page"' in body, name
        assert f'lang="{language}"' in body, name


def test_admin_gets_the_console_and_an_administration_link(world, as_user):
    body = as_user(world.admin).get(reverse("console:home")).content.decode()
    assert 'href="/manage/"' in body
    agent_body = as_user(world.agent).get(reverse("console:home")).content.decode()
    assert 'href="/manage/"' not in agent_body


@pytest.mark.parametrize("who", ["consumer", "merchant", "merchant_admin", "other_merchant"])
def test_other_roles_are_refused(world, as_user, who):
    client = as_user(getattr(world, who))
    for name, _username, url in PAGES:
        assert client.get(url(world)).status_code == 403, name
    act = reverse("console:case_act", args=[world.case.number, "approve"])
    assert client.post(act, {"reason": "x"}).status_code == 403


def test_anonymous_is_sent_to_sign_in(world, client):
    response = client.get(reverse("console:cases"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_home_counts_open_overdue_and_at_risk(world, as_user):
    clock.advance(timedelta(hours=49))  # both cases' 48 h review deadlines have passed
    body = as_user(world.agent).get(reverse("console:home")).content.decode()
    assert reverse("console:board") in body
    overview = body.split('class="kpis"')[1].split("</section>")[0]
    values = [part.split("</span>")[0] for part in overview.split('class="value">')[1:]]
    assert values[:3] == ["2", "2", "0"]  # open, overdue, at risk


def _numbers(response):
    body = response.content.decode()
    rows = body.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in body else ""
    return [part.split("</a>")[0].split(">")[-1] for part in rows.split('<th scope="row">')[1:]]


def test_list_shows_every_merchants_cases_with_merchant_and_countdown(world, as_user):
    response = as_user(world.agent).get(reverse("console:cases"))
    body = response.content.decode()
    assert set(_numbers(response)) == {world.case.number, world.other_case.number}
    assert "Shop m1" in body and "Shop m2" in body
    assert "data-countdown=" in body
    assert 'class="badge status-merchant_review"' in body


def test_list_filters(world, as_user):
    client = as_user(world.agent)
    url = reverse("console:cases")
    assert _numbers(client.get(url, {"merchant": "m2"})) == [world.other_case.number]
    assert _numbers(client.get(url, {"type": "return_refund"})) == [world.case.number]
    assert _numbers(client.get(url, {"reason": "quality"})) == [world.other_case.number]
    assert _numbers(client.get(url, {"reason": "quality/defect"})) == [world.other_case.number]
    assert _numbers(client.get(url, {"q": world.case.number.lower()})) == [world.case.number]
    assert _numbers(client.get(url, {"q": "E2001"})) == [world.other_case.number]
    assert _numbers(client.get(url, {"q": str(world.order.public_id)})) == [world.case.number]
    assert _numbers(client.get(url, {"status": "refund_pending"})) == []
    assert _numbers(client.get(url, {"created_from": "2026-11-05", "created_to": "2026-11-05"}))
    empty = client.get(url, {"created_from": "2026-11-06"})
    assert _numbers(empty) == []
    assert "No case matches these filters." in empty.content.decode()


def test_bad_filters_are_400_with_the_field_error(world, as_user):
    client = as_user(world.agent)
    response = client.get(reverse("console:cases"), {"created_from": "yesterday", "status": "x"})
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="created_from-error"' in body
    assert 'id="status-error"' in body
    backwards = client.get(
        reverse("console:cases"), {"created_from": "2026-11-05", "created_to": "2026-11-01"}
    )
    assert backwards.status_code == 400
    assert "The end date is before the start date." in backwards.content.decode()
    too_long = client.get(reverse("console:cases"), {"q": "x" * 65})
    assert too_long.status_code == 400


def test_list_is_sorted_by_nearest_deadline(world, as_user):
    # world.case approved: its next deadline is the 7-day return shipment; other_case still 48 h.
    case_act(
        actor=world.actor(world.merchant),
        case=world.case,
        action="approve",
        payload={},
    )
    client = as_user(world.agent)
    url = reverse("console:cases")
    assert _numbers(client.get(url)) == [world.other_case.number, world.case.number]
    clock.advance(timedelta(minutes=1))
    newest = _numbers(client.get(url, {"sort": "newest"}))
    oldest = _numbers(client.get(url, {"sort": "oldest"}))
    assert newest == list(reversed(oldest))


def test_list_paginates(world, as_user, monkeypatch):
    monkeypatch.setattr(console_cases, "PAGE_SIZE", 1)
    client = as_user(world.agent)
    first = client.get(reverse("console:cases"), {"merchant": "", "sort": "oldest"})
    assert _numbers(first) == [world.case.number]
    body = first.content.decode()
    assert "Page 1 of 2" in body
    assert "page=2" in body and "sort=oldest" in body
    second = client.get(reverse("console:cases"), {"sort": "oldest", "page": 2})
    assert _numbers(second) == [world.other_case.number]
    assert client.get(reverse("console:cases"), {"page": "junk"}).status_code == 200
