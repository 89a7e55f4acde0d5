"""The public lists and their summary (tabs, paging, a fixed number of queries) and the figures
credit and quality read."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from anxin.cases.tests.builders import NOW, png_bytes, signed_order
from anxin.core import clock
from anxin.reviews import selectors
from anxin.reviews.models import Review
from anxin.reviews.services import review_append, review_create

from .world import ReviewWorld
from .world import _review_world as _review_world
from .world import w as w

pytestmark = pytest.mark.django_db


def more_reviews(w: ReviewWorld) -> list[Review]:
    """Two more published reviews of m1's T-shirt, an hour apart: 1★ with a photo, 4★."""
    a = w.actor("consumer_a")
    made = []
    for i, (stars, photos) in enumerate(((1, [png_bytes(color=(9, 9, 9))]), (4, []))):
        clock.freeze(NOW + timedelta(hours=i + 1))
        line = signed_order(w.base.m1, f"E-SEL{i}", "buyer-a").lines.get()
        made.append(
            review_create(
                actor=a,
                line=line,
                stars=stars,
                description_stars=stars,
                text=f"评价{i}",
                photos=photos,
            )
        )
    return made


def test_the_summary_counts_published_reviews_only(w: ReviewWorld) -> None:
    more_reviews(w)
    summary = selectors.review_summary(sku=w.review_a.sku)
    assert (summary.count, summary.average) == (3, Decimal("3.33"))  # the held review is left out
    assert summary.histogram == {1: 1, 2: 0, 3: 0, 4: 1, 5: 1}
    assert summary.positive_share == Decimal("0.6667")
    assert (summary.with_photos, summary.negative, summary.appended) == (2, 1, 0)
    assert (summary.description_average, summary.description_count) == (Decimal("3.00"), 3)


def test_tabs_and_paging_newest_first(w: ReviewWorld) -> None:
    worst, four = more_reviews(w)
    anonymous = w.api("anonymous")
    path = "/merchants/m1/skus/TS-01/reviews"
    ids = lambda r: [x["id"] for x in r.json()["items"]]  # noqa: E731
    assert ids(anonymous.get(path, {"filter": "negative"})) == [str(worst.public_id)]
    assert ids(anonymous.get(path, {"filter": "with_photos"})) == [
        str(worst.public_id),
        str(w.review_a.public_id),
    ]
    seen, cursor = [], None
    while True:
        page = anonymous.get(path, {"limit": 1, **({"cursor": cursor} if cursor else {})}).json()
        seen += [x["id"] for x in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [str(four.public_id), str(worst.public_id), str(w.review_a.public_id)]
    assert anonymous.get(path, {"cursor": "not-a-cursor"}).json()["error"]["fields"] == {
        "cursor": "This cursor is not valid."
    }


def test_a_public_page_costs_the_same_queries_whatever_its_size(w: ReviewWorld) -> None:
    anonymous = w.api("anonymous")
    path = "/merchants/m1/skus/TS-01/reviews"
    with CaptureQueriesContext(connection) as one:
        anonymous.get(path)
    more_reviews(w)
    clock.freeze(NOW + timedelta(days=1))
    review_append(
        actor=w.actor("consumer_a"), review=w.review_a, text="追评一下", photos=[png_bytes()]
    )
    with CaptureQueriesContext(connection) as three:
        assert len(anonymous.get(path).json()["items"]) == 3
    assert len(three.captured_queries) == len(one.captured_queries) <= 6


def test_figures_for_credit_and_quality(w: ReviewWorld) -> None:
    more_reviews(w)
    clock.freeze(NOW + timedelta(days=1))
    review_append(actor=w.actor("consumer_a"), review=w.review_a, text="洗了一次有点缩水")
    by_shop = selectors.description_figures(merchant_ids=[w.base.m1.pk])[w.base.m1.pk]
    assert (by_shop.count, by_shop.average, by_shop.low_share) == (
        3,
        Decimal("3.00"),
        Decimal("0.3333"),
    )
    by_sku = selectors.description_figures(sku_ids=[w.review_a.sku_id], by="sku")
    assert by_sku[w.review_a.sku_id].count == 3
    texts = selectors.review_texts_for_sku(sku_id=w.review_a.sku_id)
    assert (
        "洗了一次有点缩水" in texts and "有问题请打13812345678找我" not in texts
    )  # held: not published
    rating = selectors.rating_figures(merchant_ids=[w.base.m1.pk, w.base.m2.pk])
    assert (rating[w.base.m1.pk].count, rating[w.base.m2.pk].count) == (3, 1)
    assert selectors.service_figures() == {}
