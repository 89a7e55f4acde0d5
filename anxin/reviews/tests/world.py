"""The world the reviews API tests share (built once per module, through the real services).

The cases isolation world (shops m1/m2, consumers A and B, staff, tokens; clock at 5 Nov 2026,
orders signed for on 3 Nov; ``anxin/cases/tests/builders.py``) plus:

- ``review_a``: A's published review of order_a's line at m1, with a photo;
- ``held``: A's review at m1 (another order) held for personal data, with a photo, and its
  moderation ``item``;
- ``review_b``: B's published review at m2;
- order_a_m2 (A at m2) is delivered and not reviewed; ``unsigned``: A's order at m1 in transit;
- case ``refunded`` (A at m1) is finished and has no service review.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from django.test import override_settings

from anxin.accounts.models import User
from anxin.accounts.services import actor_for_user
from anxin.cases.tests.builders import (
    LOADER,
    NOW,
    SHANGHAI,
    World,
    order_payload,
    png_bytes,
    signed_order,
    world,
)
from anxin.catalog.inputs import DeliveryIn, OrderIn
from anxin.catalog.models import Order
from anxin.catalog.services import delivery_record, order_upsert
from anxin.core import clock
from anxin.core.actors import Actor
from anxin.core.models import AuditEntry
from anxin.core.tests.shared_rows import rows_for_the_group
from anxin.reviews.models import (
    AppendedReview,
    MerchantReply,
    ModerationEvent,
    ModerationItem,
    Review,
    ReviewPhoto,
    ServiceReview,
)
from anxin.reviews.services import review_create
from conftest import ApiClient

LONG_AGO = datetime(2026, 1, 1, tzinfo=SHANGHAI)


@dataclass
class ReviewWorld:
    base: World
    review_a: Review
    held: Review
    review_b: Review
    item: ModerationItem
    unsigned: Order
    photo_a: str
    held_photo: str

    def api(self, role: str, lang: str = "en") -> ApiClient:
        return self.base.api(role, lang)

    def actor(self, role: str) -> Actor:
        return actor_for_user(User.objects.get(pk=self.base.users[role].pk))


def unsigned_order(shop: Any, external_id: str, buyer: str) -> Order:
    """Shipped on 2 Nov, not signed for yet."""
    order = order_upsert(
        actor=LOADER, data=OrderIn.model_validate(order_payload(shop, external_id, buyer))
    ).order
    parcel = {
        "carrier": "SF",
        "tracking_number": f"SF-{external_id}",
        "shipped_at": "2026-11-02T09:00:00+08:00",
    }
    delivery_record(actor=LOADER, order=order, data=DeliveryIn.model_validate(parcel))
    return order


def reviews_snapshot() -> dict[str, Any]:
    """Everything a denied write must leave as it was."""
    return {
        "reviews": sorted(
            Review.unscoped.values_list("pk", "status", "has_photos", "has_appended")
        ),
        "photos": ReviewPhoto.objects.count(),
        "appended": sorted(AppendedReview.objects.values_list("pk", "status")),
        "replies": sorted(MerchantReply.objects.values_list("pk", "status", "text")),
        "service": ServiceReview.unscoped.count(),
        "items": sorted(ModerationItem.unscoped.values_list("pk", "decided_at", "decision")),
        "events": ModerationEvent.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def review_world() -> ReviewWorld:
    base = world()
    User.objects.filter(pk__in=[u.pk for u in base.users.values()]).update(date_joined=LONG_AGO)
    a = actor_for_user(User.objects.get(pk=base.users["consumer_a"].pk))
    b = actor_for_user(User.objects.get(pk=base.users["consumer_b"].pk))
    review_a = review_create(
        actor=a, line=base.order_a.lines.get(), stars=5, description_stars=4,
        text="面料很舒服，尺码标准，物流很快。", photos=[png_bytes()],
    )  # fmt: skip
    second = signed_order(base.m1, "E-A9", "buyer-a")
    held = review_create(
        actor=a,
        line=second.lines.get(),
        stars=2,
        text="有问题请打13812345678找我",
        photos=[png_bytes(color=(1, 2, 3))],
    )
    review_b = review_create(actor=b, line=base.order_b.lines.get(), stars=4, text="还可以")
    return ReviewWorld(
        base=base,
        review_a=review_a,
        held=held,
        review_b=review_b,
        item=ModerationItem.unscoped.get(review=held, part="review"),
        unsigned=unsigned_order(base.m1, "E-A10", "buyer-a"),
        photo_a=str(review_a.photos.get().public_id),
        held_photo=str(held.photos.get().public_id),
    )


@pytest.fixture(scope="module")
def _review_world(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[ReviewWorld]:
    """Built once for the module in an outer transaction; each test runs in a savepoint of it."""
    media = tmp_path_factory.mktemp("media")
    with (
        override_settings(MEDIA_ROOT=str(media)),
        rows_for_the_group(django_db_blocker),
        django_db_blocker.unblock(),
    ):
        yield review_world()


@pytest.fixture
def w(_review_world: ReviewWorld, db: Any) -> ReviewWorld:
    clock.freeze(NOW)
    return _review_world
