"""The webhook events a merchant can subscribe to, declared by the apps that emit them.

Dependencies point one way: notifications knows no emitting app. Each app declares its event
names here from its ``AppConfig.ready`` (``anxin.cases`` declares ``case.*``), and endpoint
subscriptions are checked against what was declared.
"""

from __future__ import annotations

from collections.abc import Iterable

# An ordered set: the order of declaration is the order the pages list the events in.
_declared: dict[str, None] = {}


def webhook_events_declare(names: Iterable[str]) -> None:
    """Make ``names`` subscribable (declaring a name twice changes nothing)."""
    for name in names:
        _declared.setdefault(name, None)


def webhook_events() -> tuple[str, ...]:
    """Every subscribable event name, in the order they were declared."""
    return tuple(_declared)
