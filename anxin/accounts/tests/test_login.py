"""Sign-in pages in both languages, brute-force lockout, password hashing, token lifecycle."""

import pytest
from django.conf import settings
from django.test import Client

from anxin.accounts.models import ApiToken
from anxin.accounts.services import actor_for_token, api_token_authenticate, api_token_revoke
from anxin.catalog.tests import factories as f
from anxin.core.actors import SYSTEM, Role
from anxin.core.models import AuditEntry

# Smoke set: sign-in and sessions, on PostgreSQL too.
pytestmark = [pytest.mark.django_db, pytest.mark.pg_smoke]


@pytest.mark.parametrize(
    ("lang", "title", "button"), [("zh-hans", "登录", "登录"), ("en", "Sign in", "Sign in")]
)
def test_the_login_page_speaks_both_languages(lang, title, button):
    client = Client(headers={"Accept-Language": lang})
    page = client.get("/accounts/login/").content.decode()
    assert f"<h1>{title}</h1>" in page
    assert "csrfmiddlewaretoken" in page
    assert f'lang="{lang}"' in page


def test_a_user_signs_in_and_out():
    f.user("agent1", Role.AGENT)
    client = Client()
    response = client.post("/accounts/login/", {"username": "agent1", "password": f.PASSWORD})
    assert response.status_code == 302
    assert client.get("/console/").status_code == 200  # an agent's home
    client.post("/accounts/logout/")
    response = client.get("/console/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_five_failures_lock_the_username_from_that_address():
    f.user("victim", Role.MERCHANT_STAFF)
    client = Client(REMOTE_ADDR="10.9.9.9")
    for _ in range(5):
        client.post("/accounts/login/", {"username": "victim", "password": "wrong"})
    # the right password no longer works from there
    locked = client.post("/accounts/login/", {"username": "victim", "password": f.PASSWORD})
    assert locked.status_code == 429
    # another address is not locked out
    other = Client(REMOTE_ADDR="10.9.9.10")
    assert (
        other.post("/accounts/login/", {"username": "victim", "password": f.PASSWORD}).status_code
        == 302
    )


def test_passwords_are_hashed_with_argon2_in_every_real_deployment():
    from config.settings import base

    assert base.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert settings.AUTH_USER_MODEL == "accounts.User"


def test_a_revoked_token_stops_authenticating_and_is_audited():
    shop = f.merchant("m1")
    raw = f.token_for(shop)
    token = api_token_authenticate(raw=raw)
    assert token is not None
    actor = actor_for_token(token)
    assert actor.merchant_ids == {shop.pk} and not actor.platform
    api_token_revoke(actor=SYSTEM, token=token)
    assert api_token_authenticate(raw=raw) is None
    assert AuditEntry.objects.filter(action="accounts.api_token.revoke").count() == 1
    assert ApiToken.objects.get().key_hash != raw
