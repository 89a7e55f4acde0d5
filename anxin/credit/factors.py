"""The factors of the credit score, defined once: what each measures, its formula, unit,
direction and weight, how it is smoothed, and what a merchant can do about it.

Two kinds of factor:

- ``RATE`` — x events out of n chances (cases per delivered unit, disputes lost per dispute
  decided…). Smoothed by empirical Bayes: a beta prior fitted to the category's merchants by the
  method of moments (``smoothing.beta_prior``), with ``prior_floor`` as the least prior strength
  α+β (so a shop with three orders is pulled almost all the way to its category), and the
  posterior mean (x+α)/(n+α+β).
- ``MEAN`` — an average of n measurements (hours to refund, stars). Shrunk toward the category
  mean with weight n/(n+k), ``k = shrink_k``.

The weights add up to 100; when a factor has no data for a merchant (no reviews, no disputes
decided, the source not built), it is left out and the others' weights are renormalised.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Kind(StrEnum):
    RATE = "rate"
    MEAN = "mean"


class Unit(StrEnum):
    RATE = "rate"  # a share 0..1, shown as a percentage
    HOURS = "hours"
    STARS = "stars"  # 1..5


@dataclass(frozen=True)
class Factor:
    key: str
    label: Promise
    formula: Promise
    unit: Unit
    higher_is_better: bool
    weight: int
    kind: Kind
    prior_floor: float = 0.0  # RATE: the least α+β of the category prior, in units of n
    shrink_k: float = 0.0  # MEAN: pseudo-count of the category mean
    advice: Promise | str = ""
    volume_label: Promise | str = ""


FACTORS: tuple[Factor, ...] = (
    Factor(
        key="return_rate",
        label=_("After-sales rate"),
        formula=_("after-sales requests ÷ units delivered, last 90 days"),
        unit=Unit.RATE,
        higher_is_better=False,
        weight=10,
        kind=Kind.RATE,
        prior_floor=200,
        advice=_("Many of your delivered units come back as after-sales requests: check the product pages, sizes and packing of your most returned items."),
        volume_label=_("units delivered"),
    ),
    Factor(
        key="not_as_described",
        label=_("Not as described"),
        formula=_("'not as described' returns ÷ units delivered, last 90 days"),
        unit=Unit.RATE,
        higher_is_better=False,
        weight=10,
        kind=Kind.RATE,
        prior_floor=200,
        advice=_("Consumers say items differ from their description: correct photos, sizes, colours and materials on the listings they name."),
        volume_label=_("units delivered"),
    ),
    Factor(
        key="response_sla",
        label=_("Answered in time"),
        formula=_("requests the merchant answered before its review deadline ÷ requests that waited for it"),
        unit=Unit.RATE,
        higher_is_better=True,
        weight=15,
        kind=Kind.RATE,
        prior_floor=20,
        advice=_("Requests wait past your review deadline and are decided without you: answer every request before its deadline (the queue sorts them by it)."),
        volume_label=_("requests reviewed"),
    ),
    Factor(
        key="refund_latency",
        label=_("Time to refund"),
        formula=_("mean hours from the request to the refund paid"),
        unit=Unit.HOURS,
        higher_is_better=False,
        weight=10,
        kind=Kind.MEAN,
        shrink_k=10,
        advice=_("Refunds take longer than in your category: confirm receipt of returns promptly and refund as soon as the item is back."),
        volume_label=_("refunds"),
    ),
    Factor(
        key="dispute_rate",
        label=_("Disputes"),
        formula=_("disputes opened ÷ after-sales requests"),
        unit=Unit.RATE,
        higher_is_better=False,
        weight=10,
        kind=Kind.RATE,
        prior_floor=30,
        advice=_("Many consumers take their request to a dispute: explain rejections with evidence and offer a fair solution before they have to."),
        volume_label=_("requests"),
    ),
    Factor(
        key="dispute_loss",
        label=_("Disputes lost"),
        formula=_("disputes the platform decided (wholly or partly) for the consumer ÷ disputes it decided"),
        unit=Unit.RATE,
        higher_is_better=False,
        weight=15,
        kind=Kind.RATE,
        prior_floor=10,
        advice=_("The platform often decides your disputes for the consumer: read the decisions' reasons and settle such claims yourself."),
        volume_label=_("disputes decided"),
    ),
    Factor(
        key="intervention",
        label=_("Platform interventions"),
        formula=_("requests the platform had to step in on ÷ after-sales requests"),
        unit=Unit.RATE,
        higher_is_better=False,
        weight=10,
        kind=Kind.RATE,
        prior_floor=30,
        advice=_("The platform often has to step in: answer consumers' messages and proposals in negotiation so they need not ask for help."),
        volume_label=_("requests"),
    ),
    Factor(
        key="service_review",
        label=_("After-sales service reviews"),
        formula=_("mean stars of consumers' reviews of the after-sales service (1–5)"),
        unit=Unit.STARS,
        higher_is_better=True,
        weight=10,
        kind=Kind.MEAN,
        shrink_k=10,
        advice=_("Consumers rate your after-sales service low: read their reviews, answer them, and be quicker and fairer with requests."),
        volume_label=_("reviews"),
    ),
    Factor(
        key="csat",
        label=_("Satisfaction surveys"),
        formula=_("mean score of satisfaction surveys answered after requests (1–5)"),
        unit=Unit.STARS,
        higher_is_better=True,
        weight=10,
        kind=Kind.MEAN,
        shrink_k=10,
        advice=_("Consumers are less satisfied after a request than in your category: look at the comments of low surveys."),
        volume_label=_("surveys answered"),
    ),
)  # fmt: skip

BY_KEY: dict[str, Factor] = {f.key: f for f in FACTORS}
WINDOW_DAYS = 90  # the figures read the last 90 days
TREND_DAYS = 30  # the trend compares with the snapshot this many days earlier
