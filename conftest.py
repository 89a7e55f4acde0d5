"""Fixtures shared by every app's tests, and which tests run on PostgreSQL."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from anxin.core import clock

# On PostgreSQL, `make test` runs only the tests that exercise database behaviour (locks, races,
# constraints, SQL) and a smoke set: the rest proves Python code that does not change with the
# database and already ran on SQLite, browser tests included. ANXIN_PG_ALL=1 runs everything.
ON_POSTGRES = ("postgres", "db", "pg_smoke")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if connection.vendor != "postgresql" or os.environ.get("ANXIN_PG_ALL"):
        return
    kept: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        (kept if any(item.get_closest_marker(m) for m in ON_POSTGRES) else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept
    _note_deselected(config, len(dropped), len(kept))


def _note_deselected(config: pytest.Config, dropped: int, kept: int) -> None:
    workeroutput = getattr(config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: the controller prints it
        workeroutput["pg_deselected"] = (dropped, kept)
    else:
        config.stash[_PG_NOTE] = (dropped, kept)


_PG_NOTE = pytest.StashKey[tuple[int, int]]()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    note = getattr(node, "workeroutput", {}).get("pg_deselected")
    if note is not None:
        node.config.stash[_PG_NOTE] = tuple(note)


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    note = config.stash.get(_PG_NOTE, None)
    if note is not None:
        dropped, kept = note
        terminalreporter.write_line(
            f"PostgreSQL: {kept} tests marked postgres/db/pg_smoke selected, {dropped} deselected "
            "(they run on SQLite and do not depend on the database; ANXIN_PG_ALL=1 runs all)"
        )


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
