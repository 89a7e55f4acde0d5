"""Fixtures shared by every app's tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from anxin.core import clock


@pytest.fixture(autouse=True)
def _running_clock() -> Iterator[None]:
    """Every test starts and ends with the real clock."""
    clock.unfreeze()
    yield
    clock.unfreeze()


@pytest.fixture(autouse=True)
def _english_by_default(settings: Any) -> None:
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def is_postgres() -> bool:
    return connection.vendor == "postgresql"


class ApiClient:
    """A JSON client for /api/v1 with a bearer token or a logged-in session."""

    def __init__(self, token: str | None = None, client: Client | None = None, lang: str = "en"):
        self.client = client or Client()
        self.token = token
        self.lang = lang

    def _headers(self, extra: dict[str, str] | None) -> dict[str, str]:
        headers = {"Accept-Language": self.lang}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        headers.update(extra or {})
        return headers

    def get(self, path: str, params: dict[str, Any] | None = None, **headers: str) -> Any:
        return self.client.get(f"/api/v1{path}", params or {}, headers=self._headers(headers))

    def post(self, path: str, body: Any = None, raw: bytes | None = None, **headers: str) -> Any:
        data = raw if raw is not None else json.dumps(body, ensure_ascii=False).encode()
        return self.client.post(
            f"/api/v1{path}", data, content_type="application/json", headers=self._headers(headers)
        )
