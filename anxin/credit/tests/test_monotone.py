"""Property (issue 13, acceptance "Credit"): a merchant's score never rises when one of its
figures gets worse, whatever its peers and its other figures — more returns, disputes, losses
or interventions, fewer answers in time, slower refunds, fewer stars."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from anxin.credit.engine import evaluate_all
from anxin.credit.factors import FACTORS, Factor, Kind, Unit
from anxin.credit.figures import MerchantFigures

SUBJECT = 0


@st.composite
def pair(draw: st.DrawFn, factor: Factor) -> tuple[float, float]:
    n = draw(st.integers(min_value=1, max_value=400))
    if factor.kind is Kind.RATE:
        return float(draw(st.integers(min_value=0, max_value=n))), float(n)
    if factor.unit is Unit.HOURS:
        return draw(st.floats(min_value=0.5, max_value=300)) * n, float(n)
    return draw(st.floats(min_value=1, max_value=5)) * n, float(n)


@st.composite
def merchant(draw: st.DrawFn, mid: int) -> MerchantFigures:
    pairs = {f.key: draw(pair(f)) for f in FACTORS if draw(st.booleans()) or mid == SUBJECT}
    return MerchantFigures(
        merchant_id=mid,
        category=draw(st.sampled_from(["apparel", "digital"])),
        pairs=pairs,
    )


def _worse(factor: Factor, pair: tuple[float, float], step: float) -> tuple[float, float] | None:
    x, n = pair
    if factor.kind is Kind.RATE:
        moved = x - step if factor.higher_is_better else x + step
        moved = round(moved)
        return (float(moved), n) if 0 <= moved <= n and moved != x else None
    value = x / n
    moved = value - step if factor.higher_is_better else value + step
    if factor.unit is Unit.STARS and moved < 1:
        return None
    return moved * n, n


@settings(max_examples=300, deadline=None)
@given(
    peers=st.integers(min_value=0, max_value=7).flatmap(
        lambda k: st.tuples(*[merchant(i) for i in range(1, k + 1)])
    ),
    subject=merchant(SUBJECT),
    factor=st.sampled_from(FACTORS),
    step=st.floats(min_value=0.5, max_value=50),
)
def test_the_score_is_monotone_non_increasing_in_every_bad_figure(peers, subject, factor, step):
    worse_pair = _worse(factor, subject.pairs[factor.key], step)
    if worse_pair is None:
        return
    worse = MerchantFigures(
        merchant_id=SUBJECT,
        category=subject.category,
        pairs={**subject.pairs, factor.key: worse_pair},
    )
    others = {p.merchant_id: p for p in peers}
    before = evaluate_all({**others, SUBJECT: subject})[SUBJECT]
    after = evaluate_all({**others, SUBJECT: worse})[SUBJECT]
    if before.score is None:  # nobody else to compare with: not rated, either way
        assert after.score is None
        return
    assert after.score <= before.score, (
        factor.key,
        before.factors[factor.key],
        after.factors[factor.key],
    )
    row_before, row_after = before.factors[factor.key], after.factors[factor.key]
    if row_before["available"]:
        assert row_after["sub_score"] <= row_before["sub_score"]
