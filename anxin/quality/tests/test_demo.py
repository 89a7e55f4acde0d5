"""The demo: an open alert, a task in inspection, a failed inspection with everything it brings,
a sampling plan — grown through the services and the real scan."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command

from anxin.cases.tests.builders import SHANGHAI, warehouse
from anxin.catalog.choices import SkuStatus
from anxin.catalog.models import Sku
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Role
from anxin.disputes.deposit import deposit_top_up
from anxin.quality.choices import AlertStatus, RectificationStatus, TaskStatus
from anxin.quality.demo import demo_quality
from anxin.quality.models import (
    QualityAlert,
    QualityNotice,
    QualityTask,
    Rectification,
    SamplingPlan,
)

from .builders import LOADER, START, week_delivered

pytestmark = [pytest.mark.django_db]


def test_demo_quality_makes_every_state_the_inspector_needs() -> None:
    # given a shop with three SKUs, the demo logins of a merchant and an inspector
    clock.freeze(datetime(2026, 7, 1, 10, tzinfo=SHANGHAI))
    shop = f.merchant("demo-shop")
    warehouse(shop)
    deposit_top_up(actor=LOADER, merchant_id=shop.pk, amount=Decimal("2000.00"), key="demo-dep")
    f.user("merchant_admin", Role.MERCHANT_ADMIN, merchants=[shop])
    f.user("inspector", Role.QUALITY_INSPECTOR)
    for sku in ("A-1", "B-2", "C-3"):
        week_delivered(shop, sku=sku, week=0, units=10)
    clock.freeze(datetime(2026, 11, 5, 10, tzinfo=SHANGHAI))
    # when
    result = demo_quality(seed=1)
    # then
    assert len(result.alerts) == 3, result
    statuses = sorted(QualityTask.unscoped.values_list("status", flat=True))
    assert statuses == sorted([TaskStatus.OPEN, TaskStatus.INSPECTING, TaskStatus.FAILED])
    assert QualityAlert.unscoped.filter(status=AlertStatus.OPEN).count() == 3
    failed = QualityTask.unscoped.get(status=TaskStatus.FAILED)
    assert Sku.objects.get(pk=failed.sku_id).status == SkuStatus.DELISTED
    assert QualityNotice.unscoped.filter(task=failed).exists()
    assert Rectification.unscoped.get(task=failed).status == RectificationStatus.REQUESTED
    assert SamplingPlan.unscoped.count() == 1
    # run once
    assert demo_quality().reason == "quality tasks exist"


def test_the_commands_run() -> None:
    call_command("quality_scan", "--date", START.isoformat())
    call_command("quality_reports", "--month", "2026-10")
    call_command("demo_quality")
