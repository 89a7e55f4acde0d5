"""The analytics pages, for the translation, CSRF, XSS and screenshot sweeps: the platform's
dashboard and the cases behind its numbers, the desk's figures, a shop's own dashboard and its
cases, the service targets (list and editing one) and the public transparency report (the latest
month and a month's own address).

The address functions first make sure the rows their page shows exist, so the pages are read with
figures in them: the rollups rebuilt from the world's cases (``with_figures``), a shop's target
(``shop_target``) and October 2026's report published (``published_month``). Each is idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

OCTOBER = date(2026, 10, 1)  # the world's clock is on 5 Nov 2026: October has ended


def with_figures(world: Any) -> None:
    """The analytics rollups rebuilt from the world's cases and deliveries, as of its clock."""
    from anxin.analytics.refresh import analytics_rebuild
    from anxin.cases.tests.helpers import NOW

    analytics_rebuild(now=NOW)


def shop_target(world: Any) -> Any:
    """A 48-hour refund target for the world's shop (set again if it exists: one per scope)."""
    from anxin.analytics.targets import target_set
    from anxin.core.actors import SYSTEM

    return target_set(
        actor=SYSTEM,
        metric="refund_median",
        scope="merchant",
        merchant_id=world.shop.pk,
        value="48",
    )


def published_month(world: Any) -> str:
    """October 2026 published (left as it is when it already was); its "YYYY-MM"."""
    from anxin.analytics.transparency import transparency_publish
    from anxin.cases.tests.helpers import NOW

    transparency_publish(OCTOBER, now=NOW)
    return OCTOBER.strftime("%Y-%m")


def _figures(url: str) -> Callable[[Any], str]:
    def url_of(world: Any) -> str:
        with_figures(world)
        return url

    return url_of


def _targets(world: Any) -> str:
    shop_target(world)
    return "/manage/targets/"


def _target_edit(world: Any) -> str:
    return f"/manage/targets/?edit={shop_target(world).pk}"


def _transparency(world: Any) -> str:
    published_month(world)
    return "/transparency/"


def _month(world: Any) -> str:
    return f"/transparency/{published_month(world)}/"


PAGES: list[tuple[str, str, Callable[[Any], str]]] = [
    ("console-analytics", "agent", _figures("/console/analytics/")),
    ("console-analytics-cases", "agent", _figures("/console/analytics/cases/")),
    ("console-analytics-desk", "agent", _figures("/console/analytics/desk/")),
    ("merchant-analytics", "merchant", _figures("/shop/analytics/")),
    ("merchant-analytics-cases", "merchant", _figures("/shop/analytics/cases/")),
    ("manage-targets", "admin", _targets),
    ("manage-target-edit", "admin", _target_edit),
    ("public-transparency", "", _transparency),
    ("public-transparency-month", "", _month),
]
