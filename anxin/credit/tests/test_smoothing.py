"""Smoothing and weights on hand-computed examples (issue 13, acceptance "Credit")."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from anxin.credit.choices import Tier
from anxin.credit.engine import evaluate_all
from anxin.credit.factors import BY_KEY, FACTORS
from anxin.credit.figures import MerchantFigures
from anxin.credit.scoring import Scored, combine, sub_score
from anxin.credit.smoothing import BetaPrior, beta_prior, posterior_mean, shrink


def test_the_weights_add_up_to_100() -> None:
    assert sum(f.weight for f in FACTORS) == 100


def test_beta_prior_by_the_method_of_moments() -> None:
    # four merchants, 100 units each: rates 2 %, 4 %, 6 %, 8 %; mean 5 %
    points = [(2, 100), (4, 100), (6, 100), (8, 100)]
    prior = beta_prior(points, floor=30)  # equal n: equal weights; the cap is 300
    assert prior is not None
    spread = (0.03**2 + 0.01**2 + 0.01**2 + 0.03**2) / 3  # 0.000666…
    noise = 0.05 * 0.95 / 100  # 0.000475
    strength = 0.05 * 0.95 / (spread - noise) - 1  # 246.83…
    assert prior.mean == pytest.approx(0.05)
    assert prior.strength == pytest.approx(strength)
    assert prior.alpha == pytest.approx(0.05 * strength)


def test_one_large_merchant_does_not_set_its_own_norm() -> None:
    # weights n/(n+10): 100/110 for the three small shops, 1000/1010 for the large one
    prior = beta_prior([(1, 100), (1, 100), (1, 100), (900, 1000)], floor=10)
    small, large = 100 / 110, 1000 / 1010
    assert prior is not None
    assert prior.mean == pytest.approx((3 * small * 0.01 + large * 0.9) / (3 * small + large))
    assert prior.mean < 0.25


def test_a_tiny_shop_barely_moves_the_norm() -> None:
    # three shops at 1 % with 1,000 units, one at 100 % with 1 unit; floor 200
    prior = beta_prior([(10, 1000), (10, 1000), (10, 1000), (1, 1)], floor=200)
    big, tiny = 1000 / 1200, 1 / 201
    assert prior is not None
    assert prior.mean == pytest.approx((3 * big * 0.01 + tiny * 1.0) / (3 * big + tiny))
    assert prior.mean < 0.013


def test_the_prior_strength_has_a_floor_and_a_cap() -> None:
    # wildly different merchants: the moments say a weak prior, the floor holds it at 200
    assert beta_prior([(0, 10), (10, 10), (0, 10), (10, 10)], floor=200).strength == 200
    # look-alikes (no spread beyond noise): the cap (10 × floor) holds it
    assert beta_prior([(5, 100), (5, 100), (5, 100)], floor=20).strength == 200
    # one merchant alone tells nothing about the spread: the floor
    assert beta_prior([(3, 100)], floor=20).strength == 20
    assert beta_prior([(0, 0)], floor=20) is None


def test_posterior_mean_and_shrinkage_by_hand() -> None:
    prior = BetaPrior(alpha=5.0, beta=95.0)  # mean 5 %, strength 100
    # a shop with 3 units and 1 request: (1 + 5) / (3 + 100) = 5.83 %, not 33 %
    assert posterior_mean(1, 3, prior) == pytest.approx(6 / 103)
    # a shop with 10,000 units and 1,000 requests keeps its own 10 %: (1000+5)/(10100) = 9.95 %
    assert posterior_mean(1000, 10000, prior) == pytest.approx(1005 / 10100)
    # 2 refunds averaging 100 h against a 24 h norm with k = 10: (200 + 240) / 12 = 36.7 h
    assert shrink(100, 2, 24, 10) == pytest.approx(440 / 12)


def test_sub_score_is_75_at_the_norm_and_follows_the_odds() -> None:
    loss = BY_KEY["dispute_loss"]
    assert sub_score(loss, 0.3, 0.3) == pytest.approx(75)
    # odds doubled: 100 / (1 + 2^1.5 / 3) = 51.47
    doubled = (0.3 / 0.7) * 2
    assert sub_score(loss, doubled / (1 + doubled), 0.3) == pytest.approx(100 / (1 + 2**1.5 / 3))
    sla = BY_KEY["response_sla"]  # higher is better: a better figure scores above 75
    assert sub_score(sla, 0.99, 0.9) > 75 > sub_score(sla, 0.8, 0.9)
    hours = BY_KEY["refund_latency"]
    assert sub_score(hours, 48, 24) == pytest.approx(100 / (1 + math.exp(1.5 * math.log(2)) / 3))


def test_combine_renormalises_over_the_factors_with_data() -> None:
    combined = combine([Scored("a", 90.0, 10), Scored("b", 60.0, 30)])
    assert combined is not None
    # (10 × 90 + 30 × 60) / 40 = 67.5
    assert combined.score == Decimal("67.50")
    assert combined.shares == {"a": 25.0, "b": 75.0}
    assert combined.lost == {"a": 0.0, "b": pytest.approx(11.25)}
    assert combined.tier is Tier.FAIR
    assert combine([]) is None


def _shop(
    mid: int, *, units: int, cases: int, disputes: int, ruled: int, lost: int
) -> MerchantFigures:
    return MerchantFigures(
        merchant_id=mid,
        category="apparel",
        units=units,
        cases=cases,
        pairs={
            "return_rate": (cases, units),
            "dispute_rate": (disputes, cases),
            "intervention": (disputes // 2, cases),
            "dispute_loss": (lost, ruled),
        },
    )


def _category(**extra: MerchantFigures) -> dict[int, MerchantFigures]:
    """Eight ordinary apparel shops: 5 % returns, 10 % of requests disputed, 30 % of decided
    disputes lost — plus the shops under test."""
    shops = {
        i: _shop(i, units=2000, cases=100 + 4 * (i % 3), disputes=10 + (i % 2), ruled=10, lost=3)
        for i in range(1, 9)
    }
    for fig in extra.values():
        shops[fig.merchant_id] = fig
    return shops


def test_a_three_order_shop_stays_near_the_category_mean() -> None:
    # 3 units, 1 request, disputed and lost: raw rates 33 %, 100 %, 100 %
    tiny = _shop(100, units=3, cases=1, disputes=1, ruled=1, lost=1)
    scores = evaluate_all(_category(tiny=tiny))
    tiny_score = scores[100]
    typical = scores[1]
    loss = tiny_score.factors["dispute_loss"]
    assert loss["value"] == 1.0
    assert loss["smoothed"] == pytest.approx(loss["norm"], abs=0.07)  # pulled almost all the way
    assert tiny_score.factors["return_rate"]["smoothed"] < 0.06
    assert abs(tiny_score.score - typical.score) < 6
    assert tiny_score.tier in (Tier.GOOD, Tier.FAIR)


def test_a_large_shop_with_a_bad_dispute_loss_rate_drops() -> None:
    # the same volume as its peers, but 180 of 200 decided disputes lost (90 % vs 30 %)
    big = _shop(200, units=20000, cases=1000, disputes=200, ruled=200, lost=180)
    scores = evaluate_all(_category(big=big))
    loss = scores[200].factors["dispute_loss"]
    # its peers all lose 30 %: the prior is at its cap (10 × 10 = 100 decisions), and the shop's
    # own 200 decisions outweigh it: (180 + 30) / (200 + 100) = 70 %
    assert loss["norm"] == pytest.approx(0.3)
    assert loss["smoothed"] == pytest.approx(0.7)
    assert loss["sub_score"] < 20
    assert scores[200].score < scores[1].score - 10
    assert scores[200].tier in (Tier.WARNING, Tier.POOR, Tier.FAIR)
    # the weights it was judged on: the four factors with data, renormalised to 100 %
    shares = {k: r["weight"] for k, r in scores[200].factors.items() if r["available"]}
    assert shares == {
        "return_rate": pytest.approx(100 * 10 / 45, abs=0.01),
        "dispute_rate": pytest.approx(100 * 10 / 45, abs=0.01),
        "dispute_loss": pytest.approx(100 * 15 / 45, abs=0.01),
        "intervention": pytest.approx(100 * 10 / 45, abs=0.01),
    }


def test_leaving_the_merchant_out_of_its_own_norm() -> None:
    # the same large bad shop: its norm is its peers' 30 %, not pulled up by its own 90 %
    big = _shop(200, units=20000, cases=1000, disputes=200, ruled=200, lost=180)
    with_big = evaluate_all(_category(big=big))
    assert with_big[200].factors["dispute_loss"]["norm"] == pytest.approx(0.3)
    # while a peer's norm includes the big shop
    assert with_big[1].factors["dispute_loss"]["norm"] > 0.3
