"""Complaint hotspots (投诉热点): the categories, shops or SKUs with more requests than their
deliveries would lead one to expect, and whether the excess is more than chance.

For each group: observed requests ``x``, orders delivered ``n``, expected ``e = baseline × n``
where the baseline is the platform's after-sales rate under the same filters (for a SKU: the
rate of the SKU's category, over all shops); ``excess = x − e``. Under "the group is like the
baseline" ``x`` is Poisson with mean ``e``; the one-sided p-value is ``P(X ≥ x)``, computed
exactly (``poisson_sf``). The p-values of all tested groups get Benjamini–Hochberg q-values
(the share of false alarms among the groups flagged), and a group is a significant hotspot
when ``q < 0.05`` and its excess is positive. A group expected to have fewer than
``MIN_EXPECTED`` requests is not tested (no test could tell it from chance); it is listed after
the tested ones.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Max, Sum
from django.utils.translation import gettext_lazy as _

from anxin.core.actors import Actor
from anxin.core.errors import ValidationFailed

from . import labels
from .models import DeliveredDay
from .queries.filters import Filters, scoped
from .queries.sources import case_model, case_q, delivered_model, delivered_q
from .queries.totals import MIN_PEER_SHOPS, other_shops, other_shops_by_category

MIN_EXPECTED = 5.0  # groups expected to have fewer requests are not tested
ALPHA = 0.05  # the false discovery rate a flagged hotspot is held to
GROUPINGS: dict[str, str] = {"category": "category_id", "sku": "sku_id", "merchant": "merchant_id"}
_TAIL_EPS = 1e-17


@dataclass(frozen=True)
class Hotspot:
    key: int
    label: str
    observed: int  # requests
    delivered: int  # orders delivered
    expected: float  # baseline × delivered
    excess: float  # observed − expected
    ratio: float | None  # observed ÷ expected
    p_value: float | None  # P(X ≥ observed | Poisson(expected)); None: not tested
    q_value: float | None  # Benjamini–Hochberg over the tested groups
    significant: bool
    tested: bool
    baseline: float | None  # the rate the group is compared with
    category_id: int | None = None
    merchant_id: int | None = None


def poisson_sf(x: int, mu: float) -> float:
    """P(X ≥ x) for X ~ Poisson(mu), exact to double precision: the tail is summed in the
    direction its terms shrink, scaled by the term at ``x`` computed in log space."""
    if x <= 0:
        return 1.0
    if mu <= 0:
        return 0.0
    log_pmf_x = x * math.log(mu) - mu - math.lgamma(x + 1)
    if x > mu:
        # Upper tail: pmf(k+1) = pmf(k) · mu / (k+1), falling for k ≥ x > mu.
        total, term, k = 0.0, 1.0, x
        while term > total * _TAIL_EPS:
            total += term
            k += 1
            term *= mu / k
        return min(1.0, math.exp(log_pmf_x + math.log(total)))
    # Lower part P(X ≤ x−1): pmf(k−1) = pmf(k) · k / mu, falling for k ≤ x ≤ mu.
    total, term, k = 0.0, 1.0, x - 1
    while k >= 0 and term > total * _TAIL_EPS:
        total += term
        term *= k / mu
        k -= 1
    cdf = math.exp(log_pmf_x + math.log(x / mu) + math.log(total))
    return min(1.0, max(0.0, 1.0 - cdf))


def bh_qvalues(pvalues: Sequence[float]) -> list[float]:
    """Benjamini–Hochberg adjusted p-values (q-values), in the order given: q of the i-th
    smallest p is min over j ≥ i of p_(j) · m / j, at most 1."""
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: pvalues[i])
    q = [0.0] * m
    running = 1.0
    for rank in range(m, 0, -1):
        i = order[rank - 1]
        running = min(running, pvalues[i] * m / rank)
        q[i] = running
    return q


def _rate(cases: int, orders: int) -> float | None:
    return cases / orders if orders else None


def _platform_rate(filters: Filters) -> float | None:
    cases = case_model(filters).objects.filter(case_q(filters)).aggregate(n=Sum("cases"))["n"]
    orders = (
        delivered_model(filters)
        .objects.filter(delivered_q(filters))
        .aggregate(n=Sum("orders"))["n"]
    )
    return _rate(int(cases or 0), int(orders or 0))


def _category_rates(filters: Filters) -> dict[int, float | None]:
    cases = (
        case_model(filters)
        .objects.filter(case_q(filters))
        .values("category_id")
        .annotate(n=Sum("cases"))
        .order_by()
    )
    orders = (
        DeliveredDay.objects.filter(delivered_q(filters))
        .values("category_id")
        .annotate(n=Sum("orders"))
        .order_by()
    )
    x = {r["category_id"]: int(r["n"] or 0) for r in cases}
    n = {r["category_id"]: int(r["n"] or 0) for r in orders}
    return {c: _rate(x.get(c, 0), n[c]) for c in n}


def _shared_rates(
    filters: Filters, rates: dict[int, float | None], platform: float | None
) -> dict[int, float | None]:
    """A shop's baselines, never a competitor's own rate: a category shared with fewer than
    ``MIN_PEER_SHOPS`` other shops is compared with the platform (if enough shops share that)."""
    everywhere, per_category = other_shops_by_category(filters)
    fallback = platform if everywhere >= MIN_PEER_SHOPS else None
    return {
        c: rate if per_category.get(c, 0) >= MIN_PEER_SHOPS else fallback
        for c, rate in rates.items()
    }


def _groups(filters: Filters, by: str) -> dict[int, dict[str, Any]]:
    """Observed requests and deliveries per group (SKUs: with their category and shop)."""
    column = GROUPINGS[by]
    out: dict[int, dict[str, Any]] = {}
    cases = case_model(filters, by).objects.filter(case_q(filters)).values(column)
    deliveries = delivered_model(filters, by).objects.filter(delivered_q(filters)).values(column)
    extra: dict[str, Any] = {}
    if by == "sku":
        extra = {"c": Max("category_id"), "m": Max("merchant_id")}
    for r in cases.annotate(x=Sum("cases"), **extra).order_by():
        out[r[column]] = {"x": int(r["x"] or 0), "n": 0, "c": r.get("c"), "m": r.get("m")}
    for r in deliveries.annotate(n=Sum("orders"), **extra).order_by():
        g = out.setdefault(r[column], {"x": 0, "n": 0, "c": r.get("c"), "m": r.get("m")})
        g["n"] = int(r["n"] or 0)
    return out


def hotspots(*, actor: Actor, filters: Filters, by: str, limit: int | None = 20) -> list[Hotspot]:
    """The groups of ``by`` ("category", "sku" or "merchant") under the filters, tested ones
    first, each ranked by excess over its expected requests (largest first)."""
    if by not in GROUPINGS:
        raise ValidationFailed(fields={"by": _("Choose one of the groupings offered.")})
    filters = scoped(actor, filters)
    # The baseline is the platform's: a shop's hotspots are measured against all shops.
    baseline_filters = filters.replace(merchant_id=None, sku_id=None)
    groups = _groups(filters, by)
    if by == "sku":
        rates = _category_rates(baseline_filters)
        if filters.merchant_id is not None:
            rates = _shared_rates(filters, rates, _platform_rate(baseline_filters))
        baselines = {k: rates.get(g["c"]) for k, g in groups.items()}
    else:
        rate = _platform_rate(baseline_filters)
        if filters.merchant_id is not None and other_shops(filters) < MIN_PEER_SHOPS:
            rate = None
        baselines = dict.fromkeys(groups, rate)

    rows: list[dict[str, Any]] = []
    for key, g in groups.items():
        base = baselines[key]
        expected = (base or 0.0) * g["n"]
        rows.append(
            {
                "key": key,
                "g": g,
                "base": base,
                "expected": expected,
                "tested": base is not None and expected >= MIN_EXPECTED,
            }
        )
    tested = [r for r in rows if r["tested"]]
    pvalues = [poisson_sf(r["g"]["x"], r["expected"]) for r in tested]
    for r, p, qv in zip(tested, pvalues, bh_qvalues(pvalues), strict=True):
        r["p"], r["q"] = p, qv
    rows.sort(key=lambda r: (not r["tested"], -(r["g"]["x"] - r["expected"]), r["key"]))
    if limit is not None:
        rows = rows[:limit]
    names = _labels(by, [r["key"] for r in rows])
    out = []
    for r in rows:
        x, e = r["g"]["x"], r["expected"]
        q: float | None = r.get("q")
        out.append(
            Hotspot(
                key=r["key"],
                label=names.get(r["key"], str(r["key"])),
                observed=x,
                delivered=r["g"]["n"],
                expected=e,
                excess=x - e,
                ratio=x / e if e > 0 else None,
                p_value=r.get("p"),
                q_value=q,
                significant=q is not None and q < ALPHA and x > e,
                tested=r["tested"],
                baseline=r["base"],
                category_id=r["g"]["c"]
                if by == "sku"
                else (r["key"] if by == "category" else None),
                merchant_id=r["g"]["m"]
                if by == "sku"
                else (r["key"] if by == "merchant" else None),
            )
        )
    return out


def _labels(by: str, keys: list[int]) -> dict[int, str]:
    if by == "category":
        return labels.category_labels(keys)
    if by == "merchant":
        return labels.merchant_labels(keys)
    return labels.sku_labels(keys)


__all__ = ["ALPHA", "MIN_EXPECTED", "Hotspot", "bh_qvalues", "hotspots", "poisson_sf"]
