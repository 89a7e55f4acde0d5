"""The statistics as pure functions: Wilson intervals, the exact tails, and the acceptance tests
of the control chart on simulated SKUs (seeded, no database).

False-alarm bound: a stable SKU (its return rate constant, its category's rate the same) charted
weekly for 13 weeks (≈ 90 days) raises an alert with probability at most 13 × 0.135 % ≈ 1.8 % —
the per-point tail the rule guarantees (``charts.ALPHA``, a one-sided 3-sigma tail, checked on
the exact beta-binomial predictive distribution, so small volumes and an estimated baseline do
not inflate it). Over 500 simulated SKUs we require at most 1.8 % (9 SKUs) to raise any alert;
the seeded run measures 0.4 % (2 SKUs).
"""

from __future__ import annotations

import math
import random

import pytest

from anxin.quality.charts import (
    ALPHA,
    MIN_UNITS,
    baseline,
    beta_binomial_upper_tail,
    binomial_upper_tail,
    point,
    series_points,
    ucl,
    wilson,
)

WEEKS = 13  # ≈ 90 days of weekly delivery cohorts
FALSE_ALARM_BOUND = WEEKS * ALPHA  # 1.755 %


def _binomial(rng: random.Random, n: int, p: float) -> int:
    return sum(1 for _ in range(n) if rng.random() < p)


def _alerts(points: list) -> int:
    """Alerts the scan raises from a series: the first signal opens one, and no second is raised
    while it is open (nobody closes it in the simulation)."""
    return 1 if any(p.signal for p in points) else 0


def test_wilson_matches_the_textbook_values() -> None:
    # given 10 of 100 (Newcombe 1998, table I: 0.0552–0.1744)
    interval = wilson(10, 100)
    # then
    assert interval.low == pytest.approx(0.0552, abs=1e-4)
    assert interval.high == pytest.approx(0.1744, abs=1e-4)
    assert wilson(0, 0).low == 0.0 and wilson(0, 0).high == 1.0
    assert wilson(0, 50).low == pytest.approx(0.0, abs=1e-12)


def test_ucl_is_three_sigma_above_the_centre() -> None:
    assert ucl(0.02, 200) == pytest.approx(0.02 + 3 * math.sqrt(0.02 * 0.98 / 200))


def test_binomial_tail_is_exact() -> None:
    # P(X ≥ 1) for Binomial(10, 0.1) = 1 − 0.9^10
    assert binomial_upper_tail(1, 10, 0.1) == pytest.approx(1 - 0.9**10)
    assert binomial_upper_tail(0, 10, 0.1) == 1.0
    assert binomial_upper_tail(11, 10, 0.1) == 0.0


def test_beta_binomial_tail_approaches_the_binomial_with_a_firm_baseline() -> None:
    firm = beta_binomial_upper_tail(10, 200, 0.02 * 1e6, 0.98 * 1e6)
    assert firm == pytest.approx(binomial_upper_tail(10, 200, 0.02), rel=1e-3)
    # an uncertain baseline makes the same count less surprising
    assert beta_binomial_upper_tail(10, 200, 2, 98) > firm


def test_small_subgroups_are_not_charted() -> None:
    found = point(10, MIN_UNITS - 1, baseline(0, 0, 0.02))
    assert not found.charted and not found.signal


def test_young_sku_is_judged_against_its_category() -> None:
    young, old = baseline(0, 0, 0.03), baseline(40, 2000, 0.03)
    assert young.young and young.p0 == pytest.approx(0.03)
    assert not old.young and old.p0 == pytest.approx((40 + 200 * 0.03) / 2200)


def test_a_jump_from_2_to_9_percent_raises_exactly_one_alert() -> None:
    # given a SKU at 2 % for 9 weeks, then 9 % for 4 weeks, 200 units a week
    rng = random.Random(20261105)
    series = [(_binomial(rng, 200, 0.02), 200) for _ in range(9)]
    series += [(_binomial(rng, 200, 0.09), 200) for _ in range(4)]
    # when
    points = series_points(series, category_rate=0.02)
    # then the first signal is at the jump, and one alert is raised
    first = next(i for i, p in enumerate(points) if p.signal)
    assert first == 9
    assert not any(p.signal for p in points[:9])
    assert _alerts(points) == 1


def test_jumps_are_caught_within_the_first_two_weeks() -> None:
    # given 200 SKUs jumping from 2 % to 9 % at week 9 (200 units a week)
    rng = random.Random(7)
    caught = early = 0
    for _ in range(200):
        series = [(_binomial(rng, 200, 0.02), 200) for _ in range(9)]
        series += [(_binomial(rng, 200, 0.09), 200) for _ in range(4)]
        signals = [i for i, p in enumerate(series_points(series, 0.02)) if p.signal]
        early += bool(signals) and signals[0] < 9
        caught += bool(signals) and signals[0] in (9, 10)
    # then
    assert caught >= 196  # ≥ 98 %
    assert early <= 2


def test_stable_skus_raise_almost_no_false_alarms_over_90_days() -> None:
    # given 500 stable SKUs: rates 0.5–6 %, volumes 20–800 units a week (±30 %), 13 weeks
    rng = random.Random(500)
    alarms = 0
    for _ in range(500):
        rate = rng.uniform(0.005, 0.06)
        volume = rng.choice([20, 40, 60, 100, 200, 400, 800])
        series = []
        for _week in range(WEEKS):
            n = max(0, int(rng.gauss(volume, volume * 0.3)))
            series.append((_binomial(rng, n, rate), n))
        # when
        alarms += _alerts(series_points(series, category_rate=rate))
    # then (see the module's text for the bound)
    assert alarms / 500 <= FALSE_ALARM_BOUND, alarms
