"""Fixtures of the notifications tests: a local webhook receiver that checks signatures, and a
merchant with two members and a consumer (the funnel knows no app that emits events)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from anxin.accounts.models import User
from anxin.catalog.tests import factories as f
from anxin.core.actors import Role

from .receiver import Receiver, receiver_serving


@pytest.fixture(autouse=True)
def _loopback_receivers_allowed(settings: Any) -> None:
    settings.ANXIN_WEBHOOK_ALLOW_PRIVATE = True


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiver_serving() as rec:
        yield rec


@dataclass
class People:
    merchant: Any
    other_merchant: Any
    consumer: User
    clerk_en: User
    clerk_zh: User


def person(username: str, role: Role, merchants: list[Any], *, language: str, email: str) -> User:
    user = f.user(username, role, merchants)
    User.objects.filter(pk=user.pk).update(language=language, email=email)
    user.refresh_from_db()
    return user


@pytest.fixture
def people(db: Any) -> People:
    """Merchant m1 with an English member (with e-mail) and a Chinese one (without); merchant m2;
    an English consumer with e-mail."""
    m1, m2 = f.merchant("m1"), f.merchant("m2")
    return People(
        merchant=m1,
        other_merchant=m2,
        consumer=person("buyer", Role.CONSUMER, [], language="en", email="buyer@example.com"),
        clerk_en=person("clerk-en", Role.MERCHANT_ADMIN, [m1], language="en", email="en@m1.test"),
        clerk_zh=person("clerk-zh", Role.MERCHANT_STAFF, [m1], language="zh-hans", email=""),
    )
