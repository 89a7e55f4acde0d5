"""Every page renders in both languages, and a zh-Hans page shows no untranslated English."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from .conftest import signed_in
from .pages import all_pages, untranslated, visible_texts

pytestmark = pytest.mark.django_db

PAGES = all_pages()


@pytest.fixture
def world(shared_world):
    """Every page is read from one world built for this module."""
    return shared_world


def world_data(world) -> set[str]:
    """Names and codes that are data, not interface text (they may be English)."""
    from anxin.catalog.models import Category, Merchant
    from anxin.policies.models import Policy

    return {
        *Category.objects.values_list("code", flat=True),
        *Policy.objects.values_list("code", flat=True),
        *Merchant.objects.values_list("name", flat=True),
        *(f"SF SF-{o.external_id}" for o in (world.order, world.second_order, world.other_order)),
        world.shop.name,
        world.other_shop.name,
        *(u.username for u in (world.consumer, world.merchant, world.merchant_admin, world.agent)),
        world.admin.username,
    }


def client_for(world, username: str, language: str) -> Client:
    if not username:
        return Client(HTTP_ACCEPT_LANGUAGE=language)
    user = next(
        u
        for u in (world.consumer, world.merchant, world.merchant_admin, world.agent, world.admin)
        if u.username == username
    )
    return signed_in(user, language)


@pytest.mark.parametrize(("name", "username", "url_of"), PAGES, ids=[p[0] for p in PAGES])
def test_page_has_no_untranslated_text_in_chinese(world, name, username, url_of):
    response = client_for(world, username, "zh-hans").get(url_of(world))
    assert response.status_code == 200, (name, response.status_code)
    problems = untranslated(visible_texts(response.content.decode()), world_data(world))
    assert not problems, f"{name}: untranslated in zh-Hans: {problems[:10]}"


@pytest.mark.parametrize(("name", "username", "url_of"), PAGES, ids=[p[0] for p in PAGES])
def test_page_renders_in_english(world, name, username, url_of):
    response = client_for(world, username, "en").get(url_of(world))
    assert response.status_code == 200, (name, response.status_code)
    assert '<html lang="en"' in response.content.decode()


POST_FORM = re.compile(r"<form\b[^>]*method=\"post\"[^>]*>(.*?)</form>", re.S | re.I)


@pytest.mark.parametrize(("name", "username", "url_of"), PAGES, ids=[p[0] for p in PAGES])
def test_every_post_form_carries_a_csrf_token_and_no_inline_script(world, name, username, url_of):
    body = client_for(world, username, "en").get(url_of(world)).content.decode()
    forms = POST_FORM.findall(body)
    for form in forms:
        assert 'name="csrfmiddlewaretoken"' in form, f"{name}: a POST form without CSRF token"
    # Content-Security-Policy forbids inline scripts; the pages must not need any.
    for script in re.findall(r"<script\b([^>]*)>", body, re.I):
        assert "src=" in script or 'type="application/json"' in script, f"{name}: inline script"
    assert not re.search(r"\son[a-z]+=", re.sub(r"<script.*?</script>", "", body, flags=re.S)), (
        f"{name}: inline event handler attribute"
    )
