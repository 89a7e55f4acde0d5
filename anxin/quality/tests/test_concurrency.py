"""A quality race on PostgreSQL: two inspectors record a failing inspection of the same task at
the same moment. The task row is locked (``subject_lock``): exactly one failure takes effect —
one inspection record, one SKU delisting, one notice, one rectification request and ONE penalty
deducted from the deposit; the other inspector gets a 409 (the task is no longer being inspected)
and nothing of theirs is written.

Real threads, each on its own database connection, against committed rows (``transaction=True``);
they skip on SQLite unless ``ANXIN_REQUIRE_POSTGRES`` is set.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from anxin.accounts.services import actor_for_user
from anxin.cases.tests.fixtures_pg import postgres_required, race, reference_rows
from anxin.cases.tests.helpers import ADMIN, NOW, delivered_order
from anxin.catalog.choices import SkuStatus
from anxin.catalog.models import Sku
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import SYSTEM, Role
from anxin.core.errors import Conflict
from anxin.disputes.choices import DepositKind
from anxin.disputes.deposit import deposit_account_for, deposit_top_up
from anxin.disputes.models import DepositEntry
from anxin.quality.choices import TaskOrigin, TaskStatus
from anxin.quality.models import InspectionRecord, QualityNotice, QualityTask, Rectification
from anxin.quality.services import inspection_record, task_open

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

PENALTY = Decimal("500.00")


def test_two_inspectors_failing_one_task_at_once_take_one_penalty() -> None:
    postgres_required()
    reference_rows()
    clock.freeze(NOW)
    shop = f.merchant("race-q1")
    delivered_order(shop, "RQ-1")  # the shop's SKU
    deposit_top_up(actor=ADMIN, merchant_id=shop.pk, amount=Decimal("5000.00"), key="dep-rq1")
    inspectors = [
        actor_for_user(f.user(f"race-inspector-{i}", Role.QUALITY_INSPECTOR)) for i in (1, 2)
    ]
    sku = Sku.objects.filter(merchant=shop).order_by("pk").first()
    assert sku is not None
    task = task_open(actor=SYSTEM, sku_id=sku.pk, origin=TaskOrigin.MANUAL)

    def fail(inspector) -> InspectionRecord:
        return inspection_record(
            actor=inspector, task=QualityTask.unscoped.get(pk=task.pk),
            payload={"sample_size": 10, "method": "visual", "result": "fail", "defects_found": 3,
                     "notes": f"{inspector.audit_label()} 发现色差", "penalty": str(PENALTY)},
        )  # fmt: skip

    # when
    results = race(lambda: fail(inspectors[0]), lambda: fail(inspectors[1]))
    # then one failure took effect, the other was told the task moved on
    recorded = [r for r in results if isinstance(r, InspectionRecord)]
    refused = [r for r in results if isinstance(r, Conflict)]
    assert (len(recorded), len(refused)) == (1, 1), results
    task.refresh_from_db()
    assert (task.status, task.penalty, task.delisted) == (TaskStatus.FAILED, PENALTY, True)
    assert InspectionRecord.unscoped.filter(task=task).count() == 1
    assert QualityNotice.unscoped.filter(task=task).count() == 1
    assert Rectification.unscoped.filter(task=task).count() == 1
    assert Sku.objects.get(pk=sku.pk).status == SkuStatus.DELISTED
    deductions = DepositEntry.objects.filter(merchant_id=shop.pk, kind=DepositKind.DEDUCTION)
    assert list(deductions.values_list("key", "amount")) == [
        (f"quality:{task.number}:penalty", PENALTY)
    ]
    assert deposit_account_for(shop.pk).balance == Decimal("5000.00") - PENALTY
