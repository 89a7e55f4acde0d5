"""Every administration page renders for administrators in both languages; nobody else gets in."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from .pages_manage import PAGES

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    """This module's tests share one world, built once (see conftest.shared_world)."""
    return shared_world


ADMIN_PAGES = [p for p in PAGES if p[1] == "admin"]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(
    ("name", "username", "url_of"), ADMIN_PAGES, ids=[p[0] for p in ADMIN_PAGES]
)
def test_admin_pages_render(world, as_user, language, name, username, url_of):
    response = as_user(world.admin, language).get(url_of(world))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.count("<h1") == 1
    assert 'class="audience-manage"' in body or "audience-manage" in body
    assert f'lang="{language}"' in body
    # Every POST form carries the CSRF token.
    for form in re.findall(r"<form[^>]*method=\"post\"[^>]*>.*?</form>", body, flags=re.S):
        assert "csrfmiddlewaretoken" in form
    # Every visible input has a label (hidden inputs and the CSRF token aside).
    ids = set(re.findall(r"<label[^>]*for=\"([^\"]+)\"", body))
    for tag in re.findall(r"<(?:input|select|textarea)\b[^>]*>", body):
        if 'type="hidden"' in tag:
            continue
        found = re.search(r'\bid="([^"]+)"', tag)
        assert found and found.group(1) in ids, tag


def test_nav_marks_the_current_area(world, as_user):
    body = as_user(world.admin).get("/manage/calendar/").content.decode()
    assert re.search(r'href="/manage/calendar/" aria-current="page"', body)


@pytest.mark.parametrize(
    ("name", "username", "url_of"), ADMIN_PAGES, ids=[p[0] for p in ADMIN_PAGES]
)
def test_other_roles_are_refused(world, as_user, name, username, url_of):
    url = url_of(world)
    for user in (world.agent, world.merchant, world.merchant_admin, world.consumer):
        response = as_user(user).get(url)
        assert response.status_code == 403, (user.username, url)


def test_posts_by_other_roles_are_refused_and_change_nothing(world, as_user):
    from anxin.policies.models import Policy

    platform = Policy.objects.get(scope="platform")
    for user in (world.agent, world.merchant_admin, world.consumer):
        response = as_user(user).post(f"/manage/policies/{platform.pk}/", {"no_reason_days": "30"})
        assert response.status_code == 403
    platform.refresh_from_db()
    assert platform.no_reason_days == 7


def test_anonymous_visitors_are_sent_to_sign_in():
    response = Client().get("/manage/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_unknown_objects_are_404(world, as_user):
    client = as_user(world.admin)
    for url in (
        "/manage/policies/999999/",
        "/manage/reasons/999999/",
        "/manage/merchants/nope/",
        "/manage/users/999999/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post("/manage/categories/nope/", {}).status_code == 404
    assert client.post("/manage/tokens/999999/revoke/").status_code == 404


def test_home_counts(world, as_user):
    body = as_user(world.admin).get("/manage/").content.decode()
    counts = dict(
        re.findall(
            r'href="/manage/(\w+)/">\s*<h2>[^<]*</h2>\s*<span class="area-count">(\d+)', body
        )
    )
    assert counts["merchants"] == "2"
    assert counts["users"] == "6"
    assert counts["categories"] == "31"
    assert counts["reasons"] == "13"
    assert counts["policies"] == "6"  # the platform row and five category rows


def test_user_text_is_escaped(world, as_user):
    from anxin.catalog.services import merchant_create
    from anxin.core.actors import SYSTEM

    merchant_create(actor=SYSTEM, code="xss", name="<script>alert(1)</script>")
    body = as_user(world.admin).get("/manage/merchants/?q=xss").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_script_in_every_free_text_field_is_escaped(world, as_user):
    evil = "<script>alert(1)</script>"
    client = as_user(world.admin)
    client.post(
        "/manage/reasons/",
        {"code": "size_fit_x", "name_zh": evil, "name_en": evil, "fault": "consumer"},
    )
    client.post(
        "/manage/calendar/",
        {"date": "2026-12-31", "kind": "holiday", "name_zh": evil, "name_en": evil},
    )
    client.post("/manage/merchants/m1/deposit/", {"deposit_amount": "1", "note": evil})
    client.post("/manage/merchants/m1/act/", {"action": "warn", "reason": evil})
    client.post("/manage/tokens/", {"name": evil})
    client.post(
        "/manage/policies/new/",
        {"scope": "category", "category": "books", "intact_conditions_en": evil},
    )
    pages = [
        "/manage/reasons/",
        "/manage/calendar/?year=2026",
        "/manage/merchants/m1/",
        "/manage/tokens/",
        "/manage/policies/",
    ]
    from anxin.policies.models import Policy

    pages.append(f"/manage/policies/{Policy.objects.get(category__code='books').pk}/")
    for url in pages:
        for language in ("en", "zh-hans"):
            body = as_user(world.admin, language).get(url).content.decode()
            assert evil not in body, url
    body = client.get("/manage/reasons/").content.decode()
    assert "&lt;script&gt;" in body
    # Refused forms echo the input escaped too.
    body = client.post("/manage/users/", {"username": evil, "password": "x"}).content.decode()
    assert evil not in body and "&lt;script&gt;" in body
