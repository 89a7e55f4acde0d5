"""Fixtures for page tests: the small world, signed-in clients, and a real Chromium browser.

Browser tests use Debian's Chromium (``/usr/bin/chromium``) driven by Playwright. Without it they
skip with a message on a laptop, and fail when ``CI=true`` (a missing browser is a CI failure).
"""

from __future__ import annotations

import copy
import importlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from anxin.core import clock
from anxin.core.tests.shared_rows import rows_for_the_group

from .world import NOW, PASSWORD, World, build_world

CHROMIUM = os.environ.get("ANXIN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-gpu",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1440, "height": 900}
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


# The rows the data migrations seed. A transactional (browser) test flushes the database afterwards,
# and the serialized copy that should restore them is not reachable once Playwright's event loop
# runs (the test gets a fresh connection object): put them back when they are gone.
SEEDS = (
    "anxin.catalog.migrations.0002_reference_categories",
    "anxin.policies.migrations.0002_reference_rows",
    "anxin.policies.migrations.0004_calendar_days",
    "anxin.tickets.migrations.0002_seed_desk",
    "anxin.knowledge.migrations.0002_seed_help",
    "anxin.credit.migrations.0002_seed_thresholds:seed",
)


def reseed() -> None:
    from django.apps import apps

    from anxin.catalog.models import Category

    if not Category.objects.exists():
        for seed in SEEDS:
            module, _, function = seed.partition(":")
            getattr(importlib.import_module(module), function or "install")(apps, None)


@pytest.fixture
def world(db: Any) -> World:
    reseed()
    return build_world()


@pytest.fixture(scope="module")
def _module_world(django_db_setup: Any, django_db_blocker: Any) -> Iterator[World]:
    with rows_for_the_group(django_db_blocker):
        with django_db_blocker.unblock():
            reseed()
            built = build_world()
        clock.unfreeze()
        yield built


@pytest.fixture
def shared_world(_module_world: World, db: Any) -> World:
    """The small world built once per module (a module opts in by defining ``world`` as this):
    what a test changes in the database rolls back after it, and each test gets its own copy of
    the objects, so one that changes an object in memory leaves the next test's world as built.
    Never for browser tests (``live_server`` flushes the database)."""
    clock.freeze(NOW)
    return copy.deepcopy(_module_world)


def signed_in(user: Any, language: str = "en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def as_user() -> Any:
    """as_user(world.merchant, "zh-hans") → a Django test client signed in as that user."""
    return signed_in


def _browser_missing() -> str | None:
    if shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed (make install-dev)"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    problem = _browser_missing()
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"browser tests are mandatory in CI: {problem}")
        pytest.skip(f"browser tests skipped: {problem}")
    # Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run in a
    # thread with a running loop unless told that this is deliberate (the test server is separate).
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


def htmx_idle(page: Any) -> None:
    """Wait until no htmx request is in flight (htmx marks the requesting element with
    .htmx-request). A request still running when the page navigates away is aborted, and htmx
    reports that on the console as an error."""
    page.wait_for_function("() => !document.querySelector('.htmx-request')")


class Session:
    """A browser context for one user and language, with helpers for the live server."""

    def __init__(self, browser: Any, base_url: str, language: str, viewport: dict[str, int]):
        self.base_url = base_url
        self.language = language
        self.context = browser.new_context(
            base_url=base_url,
            viewport=viewport,
            locale="zh-CN" if language == "zh-hans" else "en-US",
        )
        self.context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}]
        )
        self.page = self.context.new_page()
        self.console_errors: list[str] = []
        self.page.on(
            "console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None
        )
        self.page.on("pageerror", lambda e: self.console_errors.append(str(e)))

    def login(self, username: str, password: str = PASSWORD) -> Any:
        page = self.page
        page.goto("/accounts/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password)
        page.locator("form button[type=submit].primary").click()
        page.wait_for_load_state()
        return page

    def shot(self, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        width = self.page.viewport_size["width"]
        path = SCREENSHOTS / f"{name}-{self.language}-{width}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path

    def image_width(self, image: Any) -> int:
        """The decoded width of an <img>, once it has loaded (lazy images load when in view)."""
        from playwright.sync_api import expect

        image.scroll_into_view_if_needed()
        expect(image).to_have_js_property("complete", True)
        return int(image.evaluate("img => img.naturalWidth"))

    def htmx_idle(self) -> None:
        htmx_idle(self.page)

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_session(browser: Any, live_server: Any) -> Iterator[Any]:
    """open_session("zh-hans", phone=True) → a Session on the live server; closed afterwards."""
    sessions: list[Session] = []

    def make(language: str = "en", phone: bool = False) -> Session:
        session = Session(browser, live_server.url, language, PHONE if phone else DESKTOP)
        sessions.append(session)
        return session

    yield make
    for session in sessions:
        session.close()
