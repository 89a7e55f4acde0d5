"""Every page in a real Chromium, at phone (390×844) and desktop (1440×900) widths, in zh-Hans
and en: a screenshot under var/screenshots/, no horizontal overflow, no script or CSP errors,
and no untranslated English on the zh-Hans page (after scripts ran, so countdowns count too)."""

from __future__ import annotations

import pytest

from .pages import all_pages, untranslated
from .pages_manage import integrations
from .test_pages_i18n import world_data

PAGES = all_pages()
# The pages in three groups of about the same size, so that parallel workers share them evenly.
AUDIENCES = {
    "public-consumer": ("", "consumer"),
    "merchant-agent": ("merchant", "merchant_admin", "agent"),
    "admin": ("admin",),
}


def test_the_groups_cover_every_page():
    grouped = {username for usernames in AUDIENCES.values() for username in usernames}
    assert {username for _name, username, _url in PAGES} <= grouped


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("audience", list(AUDIENCES))
@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_every_page_looks_right(world, open_session, language, phone, audience, settings):
    if audience == "admin":
        settings.ANXIN_WEBHOOK_ALLOW_PRIVATE = True
        integrations(world)  # rows in the token, endpoint and delivery lists
    sessions = {}
    failures = []
    for name, username, url_of in PAGES:
        if username not in AUDIENCES[audience]:
            continue
        if username not in sessions:
            session = open_session(language, phone=phone)
            if username:
                session.login(username)
            sessions[username] = session
        session = sessions[username]
        page = session.page
        response = page.goto(url_of(world))
        assert response is not None
        if response.status != 200:
            failures.append(f"{name}: HTTP {response.status}")
            continue
        page.wait_for_timeout(150)  # let countdowns and charts draw once
        session.shot(name)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        if overflow > 1:
            failures.append(f"{name}: {overflow}px horizontal overflow")
        if language == "zh-hans":
            texts = page.evaluate(
                """() => {
                  const out = [];
                  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
                  while (walk.nextNode()) {
                    const node = walk.currentNode, tag = node.parentElement.tagName;
                    if (node.parentElement.closest('[lang=en],[translate=no]')) continue;
                    if (tag !== 'SCRIPT' && tag !== 'STYLE' && node.textContent.trim())
                      out.push(node.textContent.trim().split(/\\s+/).join(' '));
                  }
                  document.querySelectorAll('[placeholder],[title],[aria-label],img[alt]').forEach(e => {
                    if (e.closest('[lang=en],[translate=no]')) return;
                    for (const a of ['placeholder', 'title', 'aria-label', 'alt'])
                      if (e.getAttribute(a)) out.push(e.getAttribute(a));
                  });
                  return out;
                }"""
            )
            problems = untranslated(texts, world_data(world))
            if problems:
                failures.append(f"{name}: untranslated {problems[:5]}")
        if session.console_errors:
            failures.append(f"{name}: console errors {session.console_errors[:3]}")
            session.console_errors.clear()
    assert not failures, "\n".join(failures)
