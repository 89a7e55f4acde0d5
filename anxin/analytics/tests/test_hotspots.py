"""Hotspots: the exact one-sided Poisson tail against hand-computed values, Benjamini–Hochberg
on the textbook example, and the ranking of categories, shops and SKUs by excess over the
requests their deliveries would lead one to expect."""

from __future__ import annotations

import math
from datetime import date
from decimal import Decimal, localcontext

import pytest

from anxin.analytics.hotspots import MIN_EXPECTED, bh_qvalues, hotspots, poisson_sf
from anxin.analytics.queries import Filters
from anxin.catalog.models import Category
from anxin.core.actors import Actor, Role
from anxin.core.errors import ValidationFailed
from anxin.policies.models import Reason

from .test_queries import AGENT, cell, deliver

D = date(2026, 3, 1)
F = Filters(start=D, end=D)


def reference_sf(x: int, mu: int) -> float:
    """P(X ≥ x) = 1 − e^−mu Σ_{k<x} mu^k / k!, with 60 significant digits (no cancellation)."""
    with localcontext() as ctx:
        ctx.prec = 60
        m = Decimal(mu)
        below = sum(m**k / math.factorial(k) for k in range(x))
        return float(1 - (-m).exp() * below)


def test_poisson_tail_by_hand() -> None:
    assert poisson_sf(0, 3.0) == 1.0
    assert poisson_sf(1, 2.0) == pytest.approx(1 - math.exp(-2), rel=1e-12)
    # P(X ≥ 3 | 1) = 1 − e^−1 (1 + 1 + 1/2) = 1 − 2.5/e
    assert poisson_sf(3, 1.0) == pytest.approx(1 - 2.5 / math.e, rel=1e-12)
    assert poisson_sf(3, 1.0) == pytest.approx(0.080301397071394, rel=1e-12)
    for x, mu in ((10, 2), (60, 30), (20, 30), (30, 30), (400, 300), (5, 5)):
        assert poisson_sf(x, float(mu)) == pytest.approx(reference_sf(x, mu), rel=1e-9), (x, mu)
    # far in the tail, where 1 − cdf in floating point would be 0
    assert poisson_sf(100, 10.0) == pytest.approx(reference_sf(100, 10), rel=1e-9)
    assert 0 < poisson_sf(100, 10.0) < 1e-50
    assert poisson_sf(5, 0.0) == 0.0


def test_poisson_tail_agrees_with_scipy_when_present() -> None:
    stats = pytest.importorskip("scipy.stats")
    for x, mu in ((7, 3.3), (1234, 1100.5), (2, 9.0)):
        assert poisson_sf(x, mu) == pytest.approx(float(stats.poisson.sf(x - 1, mu)), rel=1e-8)


def test_benjamini_hochberg_on_the_textbook_example() -> None:
    # Benjamini & Hochberg (1995), the 15 p-values of their example: 4 discoveries at 0.05.
    p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459,
         0.3240, 0.4262, 0.5719, 0.6528, 0.7590, 1.0000]  # fmt: skip
    q = bh_qvalues(p)
    assert sum(v < 0.05 for v in q) == 4
    assert q[0] == pytest.approx(0.0001 * 15 / 1)
    assert q[3] == pytest.approx(0.0095 * 15 / 4)  # 0.035625
    # the 5th: min(p_5·15/5, p_6·15/6, …) = 0.0201 × 3 = 0.0603
    assert q[4] == pytest.approx(0.0603)
    assert q[-1] == 1.0
    # order given is kept; monotone in p
    shuffled = [p[3], p[0], p[14]]
    assert bh_qvalues(shuffled) == pytest.approx([0.0095 * 3 / 2, 0.0001 * 3, 1.0])
    assert bh_qvalues([]) == []


@pytest.fixture
def spread():
    """Three categories with 1,000 orders each: 60, 20 and 10 requests (baseline 3 %)."""
    cats = [Category.objects.get(code=c).pk for c in ("apparel", "books", "digital")]
    reason = Reason.objects.get(code="quality/defect").pk
    for i, (cat, x) in enumerate(zip(cats, (60, 20, 10), strict=True)):
        deliver(D, 20 + i, cat, 500 + i, 1000)
        cell(D, 20 + i, cat, 500 + i, "return_refund", reason, "web", cases=x)
    return cats, reason


@pytest.mark.django_db
def test_category_hotspots_against_the_platform_rate(spread) -> None:
    cats, _reason = spread
    rows = hotspots(actor=AGENT, filters=F, by="category")
    assert [r.key for r in rows] == cats  # by excess: +30, −10, −20
    top = rows[0]
    assert (top.observed, top.delivered) == (60, 1000)
    assert top.baseline == pytest.approx(90 / 3000)
    assert top.expected == pytest.approx(30.0) and top.excess == pytest.approx(30.0)
    assert top.ratio == pytest.approx(2.0)
    assert top.p_value == pytest.approx(reference_sf(60, 30), rel=1e-9)
    pvals = [reference_sf(60, 30), reference_sf(20, 30), reference_sf(10, 30)]
    assert [r.q_value for r in rows] == pytest.approx(bh_qvalues(pvals), rel=1e-9)
    assert top.significant and top.tested
    assert not rows[1].significant and not rows[2].significant  # fewer than expected
    assert top.label  # the category's name


@pytest.mark.django_db
def test_sku_hotspots_use_their_categorys_rate_and_skip_tiny_expectations(spread) -> None:
    cats, reason = spread
    # a second apparel SKU of shop 20 with 1,000 orders and no request: apparel 60/2000 = 3 %
    deliver(D, 20, cats[0], 900, 1000)
    # a books SKU with 20 orders: expected 20 × 2 % = 0.4 < MIN_EXPECTED → not tested
    deliver(D, 21, cats[1], 901, 20)
    cell(D, 21, cats[1], 901, "return_refund", reason, "web", cases=3)
    rows = {r.key: r for r in hotspots(actor=AGENT, filters=F, by="sku", limit=None)}
    assert rows[500].baseline == pytest.approx(60 / 2000)
    assert rows[500].expected == pytest.approx(30.0) and rows[500].significant
    assert rows[900].expected == pytest.approx(30.0) and rows[900].excess == pytest.approx(-30)
    assert rows[500].category_id == cats[0] and rows[500].merchant_id == 20
    assert rows[501].baseline == pytest.approx(23 / 1020)  # books: both books SKUs
    tiny = rows[901]
    assert tiny.expected < MIN_EXPECTED and not tiny.tested
    assert tiny.p_value is None and tiny.q_value is None and not tiny.significant
    ordered = hotspots(actor=AGENT, filters=F, by="sku", limit=None)
    assert ordered[-1].key == 901  # untested groups come after the tested ones
    assert [r.key for r in ordered[:1]] == [500]


@pytest.mark.django_db
def test_a_shops_hotspots_are_measured_against_the_platform(spread) -> None:
    cats, _reason = spread
    shop = Actor(role=Role.MERCHANT_ADMIN, merchant_ids=frozenset({20}))
    rows = hotspots(actor=shop, filters=F, by="category")
    assert [r.key for r in rows] == [cats[0]]  # only its own figures
    # two other shops only: the platform's rate would give away theirs, so nothing is tested
    assert rows[0].baseline is None and not rows[0].tested
    deliver(D, 23, cats[2], 503, 1000)  # a third other shop, no request: 90 / 4000
    rows = hotspots(actor=shop, filters=F, by="category")
    assert rows[0].baseline == pytest.approx(0.0225)  # the platform's rate, all shops
    shops = hotspots(actor=AGENT, filters=F, by="merchant")
    assert [r.key for r in shops] == [20, 21, 22, 23]
    with pytest.raises(ValidationFailed):
        hotspots(actor=AGENT, filters=F, by="reason")
