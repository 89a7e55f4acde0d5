"""The shared layout: role homes, language choice remembered, error pages, security headers."""

from __future__ import annotations

import pytest
from django.test import Client

# Smoke set: the page foundation, on PostgreSQL too.
pytestmark = [pytest.mark.django_db, pytest.mark.pg_smoke]


@pytest.fixture
def world(shared_world):
    """This module's tests share one world, built once (see conftest.shared_world)."""
    return shared_world


def test_login_page_renders_in_both_languages():
    for language, word in (("en", "Sign in"), ("zh-hans", "登录")):
        response = Client(HTTP_ACCEPT_LANGUAGE=language).get("/accounts/login/")
        assert response.status_code == 200
        assert word in response.content.decode()


def test_csp_header_forbids_inline_scripts():
    response = Client().get("/accounts/login/")
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in directives["script-src"]
    assert "unsafe-inline" not in directives["style-src-elem"]
    assert directives["frame-ancestors"] == "'none'"


def test_anonymous_home_goes_to_login():
    response = Client().get("/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_each_role_has_a_home(world, as_user):
    homes = {
        world.consumer: "/my/",
        world.merchant: "/shop/",
        world.agent: "/console/",
        world.admin: "/console/",
    }
    for user, prefix in homes.items():
        response = as_user(user).get("/")
        assert response.status_code == 302
        assert response["Location"].startswith(prefix)


def test_language_choice_is_remembered_on_the_user(world):
    client = Client(enforce_csrf_checks=False)
    client.force_login(world.merchant)
    response = client.post("/language/", {"language": "en", "next": "/shop/"})
    assert response.status_code == 302
    world.merchant.refresh_from_db()
    assert world.merchant.language == "en"
    # A new browser (no cookie) gets the remembered language.
    fresh = Client()
    fresh.force_login(world.merchant)
    page = fresh.get("/accounts/login/", follow=True)
    assert page.status_code == 200


def test_language_switch_refuses_foreign_next(world):
    client = Client()
    client.force_login(world.merchant)
    response = client.post("/language/", {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] != "https://evil.example/"


def test_unknown_page_is_the_404_page_in_the_layout(world, as_user):
    response = as_user(world.consumer, "zh-hans").get("/no/such/page/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "页面不存在" in body or "Page not found" in body
    assert 'class="topbar"' in body


def test_csrf_is_enforced_on_forms(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.merchant)
    response = client.post("/language/", {"language": "en"})
    assert response.status_code == 403
    assert 'class="error-page"' in response.content.decode()
