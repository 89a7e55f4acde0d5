"""Demo reviews on a small demo world: written through the services, in the past, with photos,
追评, replies, service reviews and a moderation queue with held parts and fraud signals."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from anxin.catalog.demo import demo_load
from anxin.core import clock
from anxin.reviews.demo import demo_reviews
from anxin.reviews.models import (
    AppendedReview,
    MerchantReply,
    ModerationItem,
    Review,
    ReviewPhoto,
    ServiceReview,
)

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.django_db
def test_demo_reviews(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = str(tmp_path)
    with clock.frozen(NOW):
        demo_load(
            orders=80, seed=7
        )  # the catalog's world, without the slower desk and disputes demos
        call_command("demo_cases", count=12, seed=7, stdout=StringIO())
        result = demo_reviews(seed=7)
        again = demo_reviews(seed=7)
    assert result.reviews > 20 and not result.reason
    assert again.reason == "reviews exist"
    assert Review.unscoped.filter(created_at__gt=NOW).count() == 0
    assert ReviewPhoto.objects.exists() and MerchantReply.objects.exists()
    assert AppendedReview.objects.exists() or result.appended == 0
    assert ServiceReview.unscoped.count() == result.service
    open_items = ModerationItem.unscoped.filter(decided_at__isnull=True)
    reasons = {r for item in open_items for r in item.reasons}
    assert {"personal_data", "ads"} <= reasons
    assert {"near_duplicate", "cluster"} & reasons
    # fraud signals never hold a review back
    for item in open_items.filter(held=False, part="review"):
        assert item.review.status == "published"
