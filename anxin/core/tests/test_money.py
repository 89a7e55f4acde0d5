from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from anxin.core.money import allocate, round_money

cents = st.integers(min_value=-10_000_000, max_value=10_000_000).map(lambda c: Decimal(c) / 100)
weights = st.lists(
    st.integers(min_value=0, max_value=1_000_000).map(lambda c: Decimal(c) / 100),
    min_size=1,
    max_size=12,
)


@given(total=cents, parts=weights)
def test_allocation_sums_exactly_and_stays_proportional(total, parts):
    # when
    shares = allocate(total, parts)
    # then
    assert sum(shares, Decimal(0)) == total
    assert len(shares) == len(parts)
    assert all(s == s.quantize(Decimal("0.01")) for s in shares)
    weight_sum = sum(parts, Decimal(0))
    if weight_sum:
        for share, weight in zip(shares, parts, strict=True):
            exact = total * weight / weight_sum
            assert abs(share - exact) < Decimal("0.01")


@given(total=cents.filter(lambda t: t >= 0), parts=weights)
def test_allocation_of_a_positive_total_has_no_negative_part(total, parts):
    assert all(share >= 0 for share in allocate(total, parts))


def test_allocation_gives_leftover_cents_to_largest_remainders():
    # given 100.00 over three equal weights
    # when
    shares = allocate(Decimal("100.00"), [1, 1, 1])
    # then the one extra cent goes to the first of the tied parts
    assert shares == [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]


def test_allocation_in_a_currency_without_minor_units():
    assert allocate(Decimal("100"), [1, 2], currency="JPY") == [Decimal("33"), Decimal("67")]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1.005", "1.01"), ("1.004", "1.00"), ("-1.005", "-1.01"), ("2.5", "2.50"), (3, "3.00")],
)
def test_rounding_is_half_up_to_the_cent(raw, expected):
    assert round_money(raw) == Decimal(expected)


def test_floats_are_refused_near_money():
    with pytest.raises(TypeError):
        round_money(0.1)  # type: ignore[arg-type]


def test_allocation_refuses_a_total_finer_than_the_currency():
    with pytest.raises(ValueError, match="precision"):
        allocate(Decimal("1.001"), [1, 1])
