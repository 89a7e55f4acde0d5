"""Description accuracy, the monthly report and routine sampling, on data built through the
real services (see ``builders.py``)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from anxin.accounts.services import actor_for_user
from anxin.cases.tests.builders import consumer_of, warehouse
from anxin.catalog.models import OrderLine, Sku
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Role
from anxin.notifications.models import Notification
from anxin.quality.accuracy import merchant_accuracy, score, sku_aspects
from anxin.quality.choices import TaskOrigin
from anxin.quality.models import MonthlyReport, QualityTask
from anxin.quality.report import quality_report_for, quality_reports_send
from anxin.quality.scan import sampling_run_due
from anxin.quality.services import plan_create
from anxin.reviews.services import review_create

from .builders import NOT_AS_DESCRIBED, START, at, day_of, freeze_on, week_delivered

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def shops():
    clock.freeze(at(START - timedelta(days=7)))
    m1, m2 = f.merchant("m1"), f.merchant("m2")
    warehouse(m1)
    warehouse(m2)
    member = f.user("m1-admin", Role.MERCHANT_ADMIN, merchants=[m1])
    for week in range(6):
        week_delivered(m1, sku="BAD", week=week, units=100, returns=12, reason=NOT_AS_DESCRIBED,
                       description="尺码偏小，而且色差很大")  # fmt: skip
        week_delivered(m1, sku="GOOD", week=week, units=100, returns=1, reason=NOT_AS_DESCRIBED)
        week_delivered(m2, sku="PEER", week=week, units=400, returns=4, reason=NOT_AS_DESCRIBED)
    week_delivered(m2, sku="TINY", week=5, units=3, returns=1, reason=NOT_AS_DESCRIBED)
    freeze_on(day_of(6, 0))
    return m1, m2, member


def test_a_sku_above_its_category_norm_is_flagged_with_the_words_used(shops) -> None:
    m1, _m2, _member = shops
    # when
    acc = merchant_accuracy(merchant_id=m1.pk)
    # then
    bad = next(s for s in acc.skus if s.sku_id == Sku.objects.get(code="BAD").pk)
    good = next(s for s in acc.skus if s.sku_id == Sku.objects.get(code="GOOD").pk)
    assert (bad.units, bad.returns) == (600, 72)
    assert bad.flagged and bad.interval.low > bad.norm
    assert not good.flagged
    assert [s.sku_id for s in acc.flagged] == [bad.sku_id]
    assert acc.score.value < 4.0


def test_the_score_is_near_the_norm_for_a_tiny_shop_and_falls_with_the_rate() -> None:
    tiny = score(returns=1, units=3, expected=0.02)
    assert 4.0 <= tiny.value <= 4.5
    assert score(returns=0, units=1000, expected=0.02).value == 5.0
    assert score(returns=20, units=1000, expected=0.02).value == 4.5
    assert score(returns=80, units=1000, expected=0.02).value < 2.0
    assert score(returns=20, units=1000, expected=0.02, stars=5.0, stars_count=20).value == 4.8


def test_the_monthly_report_says_what_to_fix_and_is_sent_once(shops) -> None:
    m1, _m2, member = shops
    # when
    report = quality_report_for(actor=actor_for_user(member), merchant_id=m1.pk)
    # then
    bad = next(row for row in report.skus if row.code == "BAD")
    assert bad.flagged and {a.aspect for a in bad.aspects} >= {"size", "colour"}
    assert bad.rates["not_as_described"].rate == pytest.approx(0.12)
    assert any("BAD" in item for item in report.todo)
    # sent once per shop and month
    month = clock.localnow().date().replace(day=1)
    assert quality_reports_send(month=month) == 2
    assert quality_reports_send(month=month) == 0
    assert MonthlyReport.unscoped.filter(merchant=m1, month=month).exists()
    assert Notification.objects.filter(recipient=member, kind="quality_report").count() == 1


def test_a_due_sampling_plan_opens_tasks_and_moves_on(shops) -> None:
    _m1, _m2, _member = shops
    inspector = actor_for_user(f.user("inspector", Role.QUALITY_INSPECTOR))
    plan = plan_create(actor=inspector, payload={"name": "服装抽检", "category": "apparel-clothing",
                                                 "frequency": "weekly", "sample_skus": 2,
                                                 "method": "visual"})  # fmt: skip
    # when
    opened = sampling_run_due()
    # then
    assert len(opened) == 2
    assert QualityTask.unscoped.filter(plan=plan, origin=TaskOrigin.SAMPLING).count() == 2
    plan.refresh_from_db()
    assert plan.next_run_at > clock.now() and plan.last_run_at is not None
    assert sampling_run_due() == []


def test_critical_reviews_add_their_words_and_stars(shops) -> None:
    m1, _m2, _member = shops
    sku = Sku.objects.get(merchant=m1, code="BAD")
    lines = list(OrderLine.objects.filter(sku=sku).select_related("order").order_by("pk")[:2])
    before = {a.aspect: a.count for a in sku_aspects(sku_id=sku.pk)}
    # when one consumer complains in a review and another praises the colour
    for line, stars, text in (
        (lines[0], 1, "材质很差，和描述不一致"),
        (lines[1], 5, "颜色很正，材质不错"),
    ):
        review_create(actor=consumer_of(line.order), line=line, stars=stars,
                      description_stars=stars, text=text)  # fmt: skip
    # then only the complaint counts
    after = {a.aspect: a.count for a in sku_aspects(sku_id=sku.pk)}
    assert after.get("material", 0) == before.get("material", 0) + 1
    assert after.get("colour") == before.get("colour")
    stars = merchant_accuracy(merchant_id=m1.pk).score
    assert stars.stars == pytest.approx(3.0) and stars.stars_count == 2
