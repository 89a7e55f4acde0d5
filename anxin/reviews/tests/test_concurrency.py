"""A review race on PostgreSQL: the same consumer sends the review of one order line twice at
once (a double tap, two devices). Exactly one review is written; the other send gets the field
error a second review always gets (``fields={"line": …}``), never a 500.

Real threads, each on its own database connection, against committed rows (``transaction=True``);
they skip on SQLite unless ``ANXIN_REQUIRE_POSTGRES`` is set.
"""

from __future__ import annotations

from collections import Counter

import pytest

from anxin.cases.tests.fixtures_pg import postgres_required, race, reference_rows
from anxin.cases.tests.helpers import NOW, delivered_order
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Actor, Role
from anxin.core.errors import ValidationFailed
from anxin.reviews.models import Review
from anxin.reviews.services import review_create

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_reviews_of_one_line_at_once_write_one() -> None:
    postgres_required()
    reference_rows()
    clock.freeze(NOW)
    shop = f.merchant("race-r1")
    user = f.user("race-buyer", Role.CONSUMER)
    seen: Counter[str] = Counter()
    for i in range(6):
        # given a delivered line not yet reviewed
        order = delivered_order(shop, f"RR-{i}")
        line = order.lines.order_by("pk").first()
        assert line is not None
        buyer = Actor(
            role=Role.CONSUMER, user_id=user.pk, customer_ids=frozenset({order.customer_id})
        )

        def send(stars: int, line=line, buyer=buyer) -> Review:
            return review_create(actor=buyer, line=line, stars=stars, text=f"第{stars}次提交")

        # when the two sends race
        results = race(lambda: send(5), lambda: send(4))
        # then one review, the other refused on the line
        written = [r for r in results if isinstance(r, Review)]
        refused = [r for r in results if isinstance(r, ValidationFailed)]
        assert (len(written), len(refused)) == (1, 1), results
        assert set(refused[0].fields) == {"line"}
        assert Review.unscoped.filter(line=line).count() == 1
        assert Review.unscoped.get(line=line).stars == written[0].stars
        seen[refused[0].code] += 1
    assert seen == {"review.exists": 6}
