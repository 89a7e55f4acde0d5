"""The last screen of ``make run``: the address, every demo login and a fresh API token that works,
the previous demo token revoked (ADR 0012)."""

from __future__ import annotations

import socket
from io import StringIO

import pytest
from django.core.management import call_command

from anxin.accounts.models import ApiToken
from anxin.accounts.services import api_token_authenticate
from anxin.catalog.demo import DEMO_LOGINS, DEMO_PASSWORD, DEMO_TOKEN_NAME, demo_load
from anxin.core import clock

from .test_demo_data import NOW


@pytest.fixture
def frozen_clock():
    with clock.frozen(NOW):
        yield NOW


@pytest.fixture
def world(db, frozen_clock):
    return demo_load(orders=6, seed=3)


def banner(*args: str) -> str:
    out = StringIO()
    call_command("demo_banner", *args, stdout=out)
    return out.getvalue()


def test_the_banner_shows_the_address_every_login_and_a_token_that_works(world):
    # given / when
    text = banner("--url", "http://127.0.0.1:8765")
    # then
    assert "http://127.0.0.1:8765/" in text and DEMO_PASSWORD in text
    assert all(username in text for _, username in DEMO_LOGINS)
    raw = next(word for word in text.split() if word.startswith("anx_"))
    token = api_token_authenticate(raw=raw)
    assert token is not None and token.merchant == world.token_merchant


def test_each_banner_issues_a_new_token_and_revokes_the_one_before(world):
    # given
    first = next(w for w in banner().split() if w.startswith("anx_"))
    # when
    second = next(w for w in banner().split() if w.startswith("anx_"))
    # then
    assert first != second
    assert api_token_authenticate(raw=first) is None
    assert api_token_authenticate(raw=second) is not None
    assert ApiToken.objects.filter(name=DEMO_TOKEN_NAME, revoked_at__isnull=True).count() == 1


def test_without_a_demo_world_the_banner_issues_no_token(db):
    # given / when
    text = banner()
    # then
    assert "anx_" not in text and not ApiToken.objects.exists()


def test_waiting_prints_nothing_when_another_server_already_listens(world):
    # given: a port somebody else already serves
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        # when
        text = banner("--wait", f"127.0.0.1:{port}", "--timeout", "1")
    # then
    assert text == ""
    assert ApiToken.objects.filter(name=DEMO_TOKEN_NAME, revoked_at__isnull=True).count() == 1


def test_waiting_gives_up_quietly_when_no_server_starts(world):
    # given: a free port
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # when
    text = banner("--wait", f"127.0.0.1:{port}", "--timeout", "0.3")
    # then
    assert text == ""


def test_demo_data_without_banner_prints_no_login_or_token(db, frozen_clock):
    # given
    out = StringIO()
    # when
    call_command(
        "demo_data", "--orders", "6", "--cases", "0", "--no-banner", "--no-reputation", stdout=out
    )
    # then
    assert DEMO_PASSWORD not in out.getvalue() and "anx_" not in out.getvalue()
