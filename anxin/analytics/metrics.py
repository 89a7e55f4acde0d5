"""Every metric of the dashboards, targets and the transparency report, defined once: what a
person reads (label), how it is computed (formula, in words, with its unit), whether more is
better, where its figures come from, and the computation itself over a ``Totals``.

A ``Totals`` holds additive sums only (counts, sums of hours, histogram bins, delivered orders),
read from the rollups by ``analytics.queries`` (cases) and ``analytics.desk_queries`` (desk,
assistant, NPS): any two add up to the figures of their union, so the same metric serves a day,
a week, a category or the whole platform. Medians and the 90th percentile come from the merged
duration histograms (``analytics.bins.quantile``), never from a median of medians.

Units: a rate is a share 0..1 (shown as a percentage), durations are hours, stars 1..5, NPS
−100..100. A metric is None when its denominator is zero (no orders delivered, no answers…).
The aggregates below are plain SUMs with a condition (``Sum(…, filter=Q(…))``), which every SQL
engine (and a columnar one) can run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from anxin.cases.choices import CaseType
from anxin.feedback.models import NpsSurvey

from .bins import HISTOGRAMS, NBINS, bin_fields, quantile
from .models.desk import DESK_HISTOGRAMS


class Unit(StrEnum):
    RATE = "rate"  # a share 0..1, shown as a percentage
    HOURS = "hours"
    STARS = "stars"  # 1..5
    SCORE = "score"  # net promoter score, −100..100
    COUNT = "count"


class Source(StrEnum):
    CASES = "cases"  # the case rollups (PlatformDay, MerchantDay, CaseDay) and deliveries
    DESK = "desk"  # DeskDay
    ASSISTANT = "assistant"  # AssistantDay
    NPS = "nps"  # feedback's recommendation surveys


EXCHANGE_TYPES: tuple[str, ...] = (CaseType.EXCHANGE,)
REPAIR_TYPES: tuple[str, ...] = (CaseType.REPAIR, CaseType.WARRANTY)

# The additive columns of every case rollup (CaseMeasures), histogram bins aside.
CASE_COLUMNS: tuple[str, ...] = (
    "cases",
    "refunded",
    "refund_amount",
    "responded",
    "response_hours",
    "approved",
    "approve_hours",
    "refund_hours",
    "closed",
    "close_hours",
    "answered",
    "answered_in_time",
    "auto_acted",
    "disputed",
    "intervened",
    "csat_n",
    "csat_sum",
    "csat_low",
    "csat_high",
)
# DeskDay column -> Totals field.
DESK_COLUMNS: dict[str, str] = {
    "tickets": "tickets",
    "responded": "ticket_responded",
    "response_hours": "ticket_response_hours",
    "resolved": "ticket_resolved",
    "resolve_hours": "ticket_resolve_hours",
    "sla_n": "sla_n",
    "sla_met": "sla_met",
    "reopened": "reopened",
    "csat_n": "ticket_csat_n",
    "csat_sum": "ticket_csat_sum",
    "csat_low": "ticket_csat_low",
    "csat_high": "ticket_csat_high",
}
_FLOAT_FIELDS = frozenset(
    {
        "response_hours",
        "approve_hours",
        "refund_hours",
        "close_hours",
        "ticket_response_hours",
        "ticket_resolve_hours",
    }
)
PREFIX = "t_"  # aggregate aliases never clash with a rollup's own column names


def _zero_bins(names: Iterable[str]) -> dict[str, tuple[int, ...]]:
    return {name: (0,) * NBINS for name in names}


@dataclass
class Totals:
    """The summed measures of a set of rollup rows: everything a metric reads."""

    # Cases (CaseMeasures sums)
    cases: int = 0
    refunded: int = 0
    refund_amount: Decimal = Decimal("0.00")
    responded: int = 0
    response_hours: float = 0.0
    approved: int = 0
    approve_hours: float = 0.0
    refund_hours: float = 0.0
    closed: int = 0
    close_hours: float = 0.0
    answered: int = 0
    answered_in_time: int = 0
    auto_acted: int = 0
    disputed: int = 0
    intervened: int = 0
    csat_n: int = 0
    csat_sum: int = 0
    csat_low: int = 0
    csat_high: int = 0
    exchanges: int = 0  # cases of type exchange
    repairs: int = 0  # cases of type repair or warranty repair
    hist: dict[str, tuple[int, ...]] = field(default_factory=lambda: _zero_bins(HISTOGRAMS))
    # Denominators: orders (and units) delivered in the period (DeliveredDay / DeliveredSkuDay)
    orders: int = 0
    units: int = 0
    # Desk (DeskDay sums)
    tickets: int = 0
    ticket_responded: int = 0
    ticket_response_hours: float = 0.0
    ticket_resolved: int = 0
    ticket_resolve_hours: float = 0.0
    sla_n: int = 0
    sla_met: int = 0
    reopened: int = 0
    ticket_csat_n: int = 0
    ticket_csat_sum: int = 0
    ticket_csat_low: int = 0
    ticket_csat_high: int = 0
    ticket_hist: dict[str, tuple[int, ...]] = field(
        default_factory=lambda: _zero_bins(DESK_HISTOGRAMS)
    )
    # The assistant (AssistantDay) and recommendation surveys answered in the period
    conversations: int = 0
    handed_off: int = 0
    nps_responses: int = 0
    nps_promoters: int = 0
    nps_detractors: int = 0

    def metric(self, key: str) -> float | None:
        """The value of the metric ``key`` over these totals."""
        return METRICS[key].compute(self)

    def values(self, keys: Iterable[str]) -> dict[str, float | None]:
        return {key: self.metric(key) for key in keys}

    def __add__(self, other: Totals) -> Totals:
        merged: dict[str, Any] = {}
        for f in fields(self):
            a, b = getattr(self, f.name), getattr(other, f.name)
            if isinstance(a, dict):
                merged[f.name] = {
                    k: tuple(x + y for x, y in zip(a[k], b[k], strict=True)) for k in a
                }
            else:
                merged[f.name] = a + b
        return Totals(**merged)


DeskTotals = Totals  # the desk's figures live in the same value (desk fields filled)


def _share(x: float, n: float) -> float | None:
    return x / n if n else None


@dataclass(frozen=True)
class Metric:
    key: str
    label: Promise
    formula: Promise
    unit: Unit
    higher_is_better: bool
    source: Source
    compute: Callable[[Totals], float | None] = field(repr=False, compare=False)


def _quantile(measure: str, q: float) -> Callable[[Totals], float | None]:
    return lambda t: quantile(t.hist[measure], q)


def _ticket_quantile(measure: str, q: float) -> Callable[[Totals], float | None]:
    return lambda t: quantile(t.ticket_hist[measure], q)


def _nps(t: Totals) -> float | None:
    if not t.nps_responses:
        return None
    return (t.nps_promoters - t.nps_detractors) * 100 / t.nps_responses


_ALL: tuple[Metric, ...] = (
    Metric(
        key="after_sales_rate",
        label=_("After-sales rate"),
        formula=_("after-sales requests opened ÷ orders delivered in the same period, in per cent"),
        unit=Unit.RATE,
        higher_is_better=False,
        source=Source.CASES,
        compute=lambda t: _share(t.cases, t.orders),
    ),
    Metric(
        key="refund_rate",
        label=_("Refund rate"),
        formula=_("requests with a refund paid ÷ orders delivered in the same period, in per cent"),
        unit=Unit.RATE,
        higher_is_better=False,
        source=Source.CASES,
        compute=lambda t: _share(t.refunded, t.orders),
    ),
    Metric(
        key="exchange_rate",
        label=_("Exchange rate"),
        formula=_("exchange requests ÷ orders delivered in the same period, in per cent"),
        unit=Unit.RATE,
        higher_is_better=False,
        source=Source.CASES,
        compute=lambda t: _share(t.exchanges, t.orders),
    ),
    Metric(
        key="repair_rate",
        label=_("Repair rate"),
        formula=_(
            "repair and warranty repair requests ÷ orders delivered in the same period, in per cent"
        ),
        unit=Unit.RATE,
        higher_is_better=False,
        source=Source.CASES,
        compute=lambda t: _share(t.repairs, t.orders),
    ),
    Metric(
        key="response_median",
        label=_("Time to first merchant response (median)"),
        formula=_("median hours from a request's opening to the shop's first action or message"),
        unit=Unit.HOURS,
        higher_is_better=False,
        source=Source.CASES,
        compute=_quantile("response", 0.5),
    ),
    Metric(
        key="response_p90",
        label=_("Time to first merchant response (90th percentile)"),
        formula=_(
            "hours from a request's opening to the shop's first action or message that nine in ten "
            "requests stay within"
        ),
        unit=Unit.HOURS,
        higher_is_better=False,
        source=Source.CASES,
        compute=_quantile("response", 0.9),
    ),
    Metric(
        key="approve_median",
        label=_("Time to approval (median)"),
        formula=_(
            "median hours from a request's opening to its approval (by the shop or the platform)"
        ),
        unit=Unit.HOURS,
        higher_is_better=False,
        source=Source.CASES,
        compute=_quantile("approve", 0.5),
    ),
    Metric(
        key="approve_p90",
        label=_("Time to approval (90th percentile)"),
        formula=_(
            "hours from a request's opening to its approval that nine in ten approvals stay within"
        ),
        unit=Unit.HOURS,
        higher_is_better=False,
        source=Source.CASES,
        compute=_quantile("approve", 0.9),
    ),
    Metric(
        key="refund_median",
        label=_("Time to refund (median)"),
        formula=_("median hours from a request's opening to the first refund paid"),
        unit=Unit.HOURS,
        higher_is_better=False,
        source=Source.CASES,
        compute=_quantile("refund", 0.5),
    ),
    Metric(
        key="refund_p90",
        label=_("Time to refund (90th percentile)"),
        formula=_(
            "hours from a request's opening to the first refund paid that nine in ten refunds stay within"
        ),
        unit=Unit.HOURS,
        higher_is_better=False,
        source=Source.CASES,
        compute=_quantile("refund", 0.9),
    ),
    Metric(
        key="close_median",
        label=_("Time to close (median)"),
        formula=_(
            "median hours from a request's opening to its end (refunded, completed or closed)"
        ),
        unit=Unit.HOURS,
        higher_is_better=False,
        source=Source.CASES,
        compute=_quantile("close", 0.5),
    ),
    Metric(
        key="close_p90",
        label=_("Time to close (90th percentile)"),
        formula=_(
            "hours from a request's opening to its end that nine in ten finished requests stay within"
        ),
        unit=Unit.HOURS,
        higher_is_better=False,
        source=Source.CASES,
        compute=_quantile("close", 0.9),
    ),
    Metric(
        key="deadline_attainment",
        label=_("Answered before the deadline"),
        formula=_(
            "requests the shop answered before its review deadline ÷ requests that left the shop's "
            "review, in per cent"
        ),
        unit=Unit.RATE,
        higher_is_better=True,
        source=Source.CASES,
        compute=lambda t: _share(t.answered_in_time, t.answered),
    ),
    Metric(
        key="auto_action_share",
        label=_("Automatic actions"),
        formula=_(
            "requests the platform moved on by itself because a party stayed silent ÷ requests, "
            "in per cent"
        ),
        unit=Unit.RATE,
        higher_is_better=False,
        source=Source.CASES,
        compute=lambda t: _share(t.auto_acted, t.cases),
    ),
    Metric(
        key="dispute_rate",
        label=_("Dispute rate"),
        formula=_("requests taken to a dispute ÷ requests, in per cent"),
        unit=Unit.RATE,
        higher_is_better=False,
        source=Source.CASES,
        compute=lambda t: _share(t.disputed, t.cases),
    ),
    Metric(
        key="intervention_rate",
        label=_("Platform intervention rate"),
        formula=_("requests the platform stepped in on ÷ requests, in per cent"),
        unit=Unit.RATE,
        higher_is_better=False,
        source=Source.CASES,
        compute=lambda t: _share(t.intervened, t.cases),
    ),
    Metric(
        key="csat",
        label=_("Satisfaction (stars)"),
        formula=_("mean score of the consumers' request surveys, 1 to 5 stars"),
        unit=Unit.STARS,
        higher_is_better=True,
        source=Source.CASES,
        compute=lambda t: _share(t.csat_sum, t.csat_n),
    ),
    Metric(
        key="csat_satisfied",
        label=_("Satisfied consumers"),
        formula=_("request surveys answered with 4 or 5 stars ÷ surveys answered, in per cent"),
        unit=Unit.RATE,
        higher_is_better=True,
        source=Source.CASES,
        compute=lambda t: _share(t.csat_high, t.csat_n),
    ),
    Metric(
        key="ticket_response_median",
        label=_("Ticket first response (median)"),
        formula=_("median hours from a ticket's opening to the desk's first reply"),
        unit=Unit.HOURS,
        higher_is_better=False,
        source=Source.DESK,
        compute=_ticket_quantile("response", 0.5),
    ),
    Metric(
        key="ticket_response_p90",
        label=_("Ticket first response (90th percentile)"),
        formula=_(
            "hours from a ticket's opening to the desk's first reply that nine in ten tickets stay within"
        ),
        unit=Unit.HOURS,
        higher_is_better=False,
        source=Source.DESK,
        compute=_ticket_quantile("response", 0.9),
    ),
    Metric(
        key="ticket_resolve_median",
        label=_("Ticket resolution time (median)"),
        formula=_("median hours from a ticket's opening to its resolution"),
        unit=Unit.HOURS,
        higher_is_better=False,
        source=Source.DESK,
        compute=_ticket_quantile("resolve", 0.5),
    ),
    Metric(
        key="ticket_sla_attainment",
        label=_("Tickets within their service targets"),
        formula=_(
            "tickets that met their service targets ÷ tickets with a service target, in per cent"
        ),
        unit=Unit.RATE,
        higher_is_better=True,
        source=Source.DESK,
        compute=lambda t: _share(t.sla_met, t.sla_n),
    ),
    Metric(
        key="reopen_rate",
        label=_("Reopened tickets"),
        formula=_("tickets reopened at least once ÷ tickets resolved, in per cent"),
        unit=Unit.RATE,
        higher_is_better=False,
        source=Source.DESK,
        compute=lambda t: _share(t.reopened, t.ticket_resolved),
    ),
    Metric(
        key="ticket_csat",
        label=_("Ticket satisfaction (stars)"),
        formula=_("mean score of the consumers' ticket surveys, 1 to 5 stars"),
        unit=Unit.STARS,
        higher_is_better=True,
        source=Source.DESK,
        compute=lambda t: _share(t.ticket_csat_sum, t.ticket_csat_n),
    ),
    Metric(
        key="nps",
        label=_("Net promoter score"),
        formula=_(
            "per cent of answers scoring 9–10 minus per cent scoring 0–6, of the recommendation "
            "surveys answered in the period (−100 to 100)"
        ),
        unit=Unit.SCORE,
        higher_is_better=True,
        source=Source.NPS,
        compute=_nps,
    ),
    Metric(
        key="assistant_containment",
        label=_("Solved by the assistant"),
        formula=_(
            "assistant conversations not handed to a person ÷ assistant conversations, in per cent"
        ),
        unit=Unit.RATE,
        higher_is_better=True,
        source=Source.ASSISTANT,
        compute=lambda t: _share(t.conversations - t.handed_off, t.conversations),
    ),
)

METRICS: dict[str, Metric] = {m.key: m for m in _ALL}
CASE_METRICS: tuple[str, ...] = tuple(m.key for m in _ALL if m.source is Source.CASES)
DESK_METRICS: tuple[str, ...] = tuple(m.key for m in _ALL if m.source is not Source.CASES)


def metric(key: str) -> Metric:
    """The metric ``key`` (KeyError when there is none)."""
    return METRICS[key]


def format_value(m: Metric | str, value: float | Decimal | None) -> str:
    """A metric's value as a person reads it, in the active language: "4.2 %", "31.5 h", "4.6",
    "+12"; "–" when there is no value."""
    if isinstance(m, str):
        m = METRICS[m]
    if value is None:
        return "–"
    v = float(value)
    if m.unit is Unit.RATE:
        number = number_format(round(v * 100, 1), 1)
        return pgettext("percentage", "%(value)s %%") % {"value": number}
    if m.unit is Unit.HOURS:
        number = number_format(round(v, 1), 1)
        return pgettext("hours", "%(value)s h") % {"value": number}
    if m.unit is Unit.STARS:
        return number_format(round(v, 1), 1)
    if m.unit is Unit.SCORE:
        n = round(v)
        return f"+{n}" if n > 0 else str(n)
    return number_format(round(v), 0, force_grouping=True)


def target_met(m: Metric | str, value: float | None, target: float | Decimal) -> bool | None:
    """Whether ``value`` reaches ``target`` in the metric's direction; None without a value."""
    if isinstance(m, str):
        m = METRICS[m]
    if value is None:
        return None
    return value >= float(target) if m.higher_is_better else value <= float(target)


# --- Aggregates: every reader sums the same columns --------------------------------------------


def case_sums() -> dict[str, Any]:
    """Aggregates over a case rollup (PlatformDay, MerchantDay or CaseDay) for ``.aggregate()``
    or ``.values(…).annotate()``; read the result with ``case_totals_from``."""
    sums: dict[str, Any] = {PREFIX + c: Sum(c) for c in CASE_COLUMNS}
    sums[PREFIX + "exchanges"] = Sum("cases", filter=Q(type__in=EXCHANGE_TYPES))
    sums[PREFIX + "repairs"] = Sum("cases", filter=Q(type__in=REPAIR_TYPES))
    for measure in HISTOGRAMS:
        for name in bin_fields(measure):
            sums[PREFIX + name] = Sum(name)
    return sums


def case_count_sums() -> dict[str, Any]:
    """Only the request count (for heat maps and mixes that need nothing else)."""
    return {PREFIX + "cases": Sum("cases")}


def _int(row: Mapping[str, Any], name: str) -> int:
    return int(row.get(PREFIX + name) or 0)


def case_totals_from(row: Mapping[str, Any], *, orders: int = 0, units: int = 0) -> Totals:
    """A ``Totals`` from a row of ``case_sums()`` (missing or NULL sums read as zero)."""
    values: dict[str, Any] = {}
    for c in CASE_COLUMNS:
        raw = row.get(PREFIX + c)
        if c == "refund_amount":
            values[c] = Decimal(raw or 0).quantize(Decimal("0.01"))
        elif c in _FLOAT_FIELDS:
            values[c] = float(raw or 0)
        else:
            values[c] = int(raw or 0)
    values["exchanges"] = _int(row, "exchanges")
    values["repairs"] = _int(row, "repairs")
    values["hist"] = {m: tuple(_int(row, name) for name in bin_fields(m)) for m in HISTOGRAMS}
    return Totals(**values, orders=orders, units=units)


def delivered_sums() -> dict[str, Any]:
    """Aggregates over DeliveredDay / DeliveredSkuDay."""
    return {PREFIX + "orders": Sum("orders"), PREFIX + "units": Sum("units")}


def delivered_from(row: Mapping[str, Any] | None) -> tuple[int, int]:
    """(orders, units) of a row of ``delivered_sums()``."""
    if not row:
        return 0, 0
    return _int(row, "orders"), _int(row, "units")


def desk_sums() -> dict[str, Any]:
    """Aggregates over DeskDay; read the result with ``desk_totals_from``."""
    sums: dict[str, Any] = {PREFIX + c: Sum(c) for c in DESK_COLUMNS}
    for measure in DESK_HISTOGRAMS:
        for name in bin_fields(measure):
            sums[PREFIX + name] = Sum(name)
    return sums


def desk_totals_from(row: Mapping[str, Any], *, base: Totals | None = None) -> Totals:
    """``base`` (or empty totals) with the desk fields read from a row of ``desk_sums()``."""
    values: dict[str, Any] = {}
    for column, name in DESK_COLUMNS.items():
        raw = row.get(PREFIX + column)
        values[name] = float(raw or 0) if name in _FLOAT_FIELDS else int(raw or 0)
    values["ticket_hist"] = {
        m: tuple(_int(row, name) for name in bin_fields(m)) for m in DESK_HISTOGRAMS
    }
    return replace(base or Totals(), **values)


def local_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """The aware instants [start 00:00, day after end 00:00) of local days ``start``…``end``."""
    tz = timezone.get_current_timezone()
    low = timezone.make_aware(datetime.combine(start, time.min), tz)
    high = timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz)
    return low, high


def nps_counts(*, start: date, end: date) -> tuple[int, int, int]:
    """(answers, promoters, detractors) of the recommendation surveys answered on local days
    ``start``…``end`` (a platform-wide figure: NPS is about the platform, not a shop)."""
    low, high = local_bounds(start, end)
    row = NpsSurvey.unscoped.filter(
        answered_at__gte=low, answered_at__lt=high, score__isnull=False
    ).aggregate(
        n=Count("pk"),
        promoters=Count("pk", filter=Q(score__gte=9)),
        detractors=Count("pk", filter=Q(score__lte=6)),
    )
    return int(row["n"] or 0), int(row["promoters"] or 0), int(row["detractors"] or 0)


def with_nps(t: Totals, *, start: date, end: date) -> Totals:
    """``t`` with the recommendation surveys answered in the period."""
    n, promoters, detractors = nps_counts(start=start, end=end)
    return replace(t, nps_responses=n, nps_promoters=promoters, nps_detractors=detractors)
