"""The metrics, defined once: each one hand-computed on small totals, the edge cases (no orders,
no answers, empty histograms), medians and 90th percentiles read from merged histograms, the
localized display, and NPS from the surveys answered on local days."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from anxin.analytics.bins import NBINS
from anxin.analytics.metrics import (
    CASE_METRICS,
    DESK_METRICS,
    METRICS,
    Source,
    Totals,
    Unit,
    case_totals_from,
    format_value,
    nps_counts,
    target_met,
    with_nps,
)
from anxin.feedback.models import NpsSurvey

CONTRACT_KEYS = {
    "after_sales_rate", "refund_rate", "exchange_rate", "repair_rate", "response_median",
    "response_p90", "approve_median", "approve_p90", "refund_median", "refund_p90",
    "close_median", "close_p90", "deadline_attainment", "auto_action_share", "dispute_rate",
    "intervention_rate", "csat", "csat_satisfied", "ticket_response_median",
    "ticket_response_p90", "ticket_resolve_median", "ticket_sla_attainment", "reopen_rate",
    "ticket_csat", "nps", "assistant_containment",
}  # fmt: skip
SHANGHAI = ZoneInfo("Asia/Shanghai")


def bins(**counts: int) -> tuple[int, ...]:
    """A histogram from ``b3=4``-style counts."""
    out = [0] * NBINS
    for name, n in counts.items():
        out[int(name[1:])] = n
    return tuple(out)


def hist(**measures: tuple[int, ...]) -> dict[str, tuple[int, ...]]:
    base = {m: (0,) * NBINS for m in ("response", "approve", "refund", "close")}
    base.update(measures)
    return base


def test_every_contract_key_is_defined_once_with_words_for_a_person() -> None:
    assert set(METRICS) == CONTRACT_KEYS
    assert set(CASE_METRICS) | set(DESK_METRICS) == CONTRACT_KEYS
    for key, m in METRICS.items():
        assert m.key == key
        assert str(m.label) and "_" not in str(m.label)  # no internal names shown
        unit_words = {
            Unit.RATE: "per cent", Unit.HOURS: "hours", Unit.STARS: "stars", Unit.SCORE: "100",
        }  # fmt: skip
        assert unit_words[m.unit] in str(m.formula)  # every formula states its unit
        assert m.compute(Totals()) is None  # nothing to measure: no value, never 0 or an error
    assert METRICS["after_sales_rate"].unit is Unit.RATE
    assert not METRICS["after_sales_rate"].higher_is_better
    assert METRICS["csat_satisfied"].higher_is_better
    assert METRICS["nps"].source is Source.NPS and METRICS["nps"].unit is Unit.SCORE


def test_case_rates_by_hand() -> None:
    t = Totals(
        cases=12, orders=200, refunded=6, exchanges=2, repairs=3, answered=10,
        answered_in_time=8, auto_acted=3, disputed=2, intervened=1, csat_n=5, csat_sum=21,
        csat_high=4,
    )  # fmt: skip
    assert t.metric("after_sales_rate") == pytest.approx(12 / 200)  # 6 %
    assert t.metric("refund_rate") == pytest.approx(0.03)
    assert t.metric("exchange_rate") == pytest.approx(0.01)
    assert t.metric("repair_rate") == pytest.approx(0.015)
    assert t.metric("deadline_attainment") == pytest.approx(0.8)
    assert t.metric("auto_action_share") == pytest.approx(0.25)
    assert t.metric("dispute_rate") == pytest.approx(2 / 12)
    assert t.metric("intervention_rate") == pytest.approx(1 / 12)
    assert t.metric("csat") == pytest.approx(4.2)
    assert t.metric("csat_satisfied") == pytest.approx(0.8)


def test_no_orders_delivered_gives_no_rate_not_zero_or_infinity() -> None:
    t = Totals(cases=4, refunded=2, exchanges=1, orders=0)
    for key in ("after_sales_rate", "refund_rate", "exchange_rate", "repair_rate"):
        assert t.metric(key) is None
    assert t.metric("dispute_rate") == 0.0  # per request: 4 requests, none disputed
    assert Totals(orders=50).metric("after_sales_rate") == 0.0  # orders, no request: 0 %
    assert Totals(orders=50).metric("dispute_rate") is None  # no request: nothing to dispute


def test_medians_and_p90_interpolate_inside_the_bins_of_the_merged_histogram() -> None:
    # 2 responses in [0, 0.5) h, 4 in [1, 2) h, 4 in [24, 36) h: 10 in all.
    t = Totals(hist=hist(response=bins(b0=2, b2=4, b7=4)))
    # median: rank 5 → 3rd of the 4 in [1, 2): 1 + 1 × (5 − 2) / 4 = 1.75 h
    assert t.metric("response_median") == pytest.approx(1.75)
    # p90: rank 9 → 3rd of the 4 in [24, 36): 24 + 12 × (9 − 6) / 4 = 33 h
    assert t.metric("response_p90") == pytest.approx(33.0)
    # merged with 10 more in [48, 72): rank 10 of 20 is the last of [24, 36) → 36 h;
    # p90 rank 18: 48 + 24 × (18 − 10) / 10 = 67.2 h
    merged = t + Totals(hist=hist(response=bins(b9=10)))
    assert merged.metric("response_median") == pytest.approx(36.0)
    assert merged.metric("response_p90") == pytest.approx(67.2)
    # the open last bin reports its lower edge (360 h = 15 days)
    assert Totals(hist=hist(close=bins(b15=3))).metric("close_median") == 360.0
    assert Totals().metric("refund_median") is None


def test_totals_add_up_like_their_rows() -> None:
    a = Totals(cases=3, orders=10, refund_amount=Decimal("10.50"), refund_hours=5.5)
    b = Totals(cases=1, orders=30, refund_amount=Decimal("0.25"), refund_hours=1.0)
    s = a + b
    assert (s.cases, s.orders, s.refund_amount, s.refund_hours) == (4, 40, Decimal("10.75"), 6.5)
    assert s.metric("after_sales_rate") == pytest.approx(0.1)


def test_a_row_of_case_sums_reads_back_with_nulls_as_zero() -> None:
    row = {"t_cases": 7, "t_refund_amount": Decimal("12.5"), "t_refund_b3": 2, "t_csat_n": None}
    t = case_totals_from(row, orders=70)
    assert t.cases == 7 and t.csat_n == 0 and t.refund_amount == Decimal("12.50")
    assert t.hist["refund"][3] == 2 and sum(t.hist["approve"]) == 0
    assert t.metric("after_sales_rate") == pytest.approx(0.1)


def test_desk_assistant_and_nps_metrics_by_hand() -> None:
    t = Totals(
        sla_n=10, sla_met=9, ticket_resolved=4, reopened=1, ticket_csat_n=2, ticket_csat_sum=9,
        conversations=10, handed_off=3, nps_responses=10, nps_promoters=5, nps_detractors=2,
        ticket_hist={"response": bins(b1=1, b3=1), "resolve": bins(b7=2)},
    )  # fmt: skip
    assert t.metric("ticket_sla_attainment") == pytest.approx(0.9)
    assert t.metric("reopen_rate") == pytest.approx(0.25)
    assert t.metric("ticket_csat") == pytest.approx(4.5)
    assert t.metric("assistant_containment") == pytest.approx(0.7)
    assert t.metric("nps") == pytest.approx(30.0)  # 50 % promoters − 20 % detractors
    # 2 responses, one in [0.5, 1), one in [2, 4): median rank 1 = the end of the first bin
    assert t.metric("ticket_response_median") == pytest.approx(1.0)
    assert t.metric("ticket_resolve_median") == pytest.approx(30.0)  # 24 + 12 × 1/2


def test_format_value_in_the_readers_units() -> None:
    with translation.override("en"):
        assert format_value("after_sales_rate", 0.0423) == "4.2 %"
        assert format_value(METRICS["refund_median"], 31.54) == "31.5 h"
        assert format_value("csat", 4.56) == "4.6"
        assert format_value("nps", 30.0) == "+30"
        assert format_value("nps", -4.4) == "-4"
        assert format_value("after_sales_rate", None) == "–"


def test_target_met_follows_the_metrics_direction() -> None:
    assert target_met("csat_satisfied", 0.91, Decimal("0.9")) is True
    assert target_met("csat_satisfied", 0.89, 0.9) is False
    assert target_met("refund_median", 47.0, 48) is True  # lower is better
    assert target_met("refund_median", 49.0, 48) is False
    assert target_met("refund_median", None, 48) is None


@pytest.mark.django_db
def test_nps_counts_the_answers_of_local_days() -> None:
    users = get_user_model()
    answers = [
        # (answered at, local time, score)
        (datetime(2026, 3, 1, 0, 10, tzinfo=SHANGHAI), 10),  # the first minutes of 1 March
        (datetime(2026, 3, 1, 23, 50, tzinfo=SHANGHAI), 9),  # the last of 1 March (UTC: 15:50)
        (datetime(2026, 3, 1, 12, 0, tzinfo=SHANGHAI), 7),
        (datetime(2026, 3, 1, 13, 0, tzinfo=SHANGHAI), 3),
        (datetime(2026, 3, 2, 0, 5, tzinfo=SHANGHAI), 0),  # the next local day: not counted
        (datetime(2026, 2, 28, 23, 59, tzinfo=SHANGHAI), 0),  # the day before: not counted
    ]
    for i, (at, score) in enumerate(answers):
        user = users.objects.create_user(username=f"nps{i}", password="x")
        NpsSurvey.unscoped.create(
            recipient=user, period="2026Q1", sent_at=at, answered_at=at, score=score
        )
    unanswered = users.objects.create_user(username="nps-silent", password="x")
    NpsSurvey.unscoped.create(recipient=unanswered, period="2026Q1", sent_at=answers[0][0])

    assert nps_counts(start=date(2026, 3, 1), end=date(2026, 3, 1)) == (4, 2, 1)
    t = with_nps(Totals(), start=date(2026, 3, 1), end=date(2026, 3, 1))
    assert t.metric("nps") == pytest.approx(25.0)  # (2 − 1) ÷ 4
    assert with_nps(Totals(), start=date(2026, 4, 1), end=date(2026, 4, 30)).metric("nps") is None
