"""Product quality end to end, through the real services: 13 weeks of deliveries and returns of a
SKU that jumps from 2 % to 9 % defective and of a stable one, scanned every day; then the alert's
task through a failed inspection (the SKU delisted — intake refuses it —, the penalty deducted,
the public notice, the rectification request with its deadline), the merchant's rectification, the
re-inspection that passes and puts the SKU back on sale."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from anxin.accounts.services import actor_for_user
from anxin.cases.tests.builders import LOADER, warehouse
from anxin.catalog.choices import SkuStatus
from anxin.catalog.inputs import OrderIn
from anxin.catalog.models import Sku
from anxin.catalog.services import order_upsert
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Role
from anxin.core.errors import Forbidden, ValidationFailed
from anxin.core.models import Deadline, DeadlineState
from anxin.core.sweeper import deadline_sweep
from anxin.core.workflow import TransitionNotAllowed
from anxin.disputes.deposit import deposit_top_up
from anxin.disputes.models import DepositEntry
from anxin.notifications.events import webhook_events
from anxin.quality.choices import AlertStatus, RectificationStatus, TaskStatus
from anxin.quality.models import QualityAlert, QualityNotice, QualityTask
from anxin.quality.scan import quality_scan
from anxin.quality.services import inspection_record, rectification_submit, task_act

from .builders import START, at, day_of, freeze_on, order_payload, week_delivered

pytestmark = [pytest.mark.django_db]

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def shop():
    clock.freeze(at(START - timedelta(days=7)))
    m1 = f.merchant("m1")
    warehouse(m1)
    deposit_top_up(actor=LOADER, merchant_id=m1.pk, amount=Decimal("2000.00"), key="dep-m1")
    return m1


@pytest.fixture
def people(shop):
    return {
        "inspector": actor_for_user(f.user("inspector", Role.QUALITY_INSPECTOR)),
        "merchant": actor_for_user(f.user("m1-admin", Role.MERCHANT_ADMIN, merchants=[shop])),
        "agent": actor_for_user(f.user("agent", Role.AGENT)),
    }


def _history(shop, weeks: int = 13) -> list[str]:
    """Deliver both SKUs week by week and scan every day; the alert numbers raised."""
    raised: list[str] = []
    for week in range(weeks):
        jump = 18 if week >= 9 else 4
        week_delivered(shop, sku="JUMP", week=week, units=200, returns=jump,
                       description="颜色不对，色差严重")  # fmt: skip
        week_delivered(shop, sku="STABLE", week=week, units=200, returns=4)
        for day in range(2, 9):
            freeze_on(day_of(week, day))
            raised += quality_scan(today=day_of(week, day)).alerts
    return raised


def test_a_jump_raises_one_alert_and_the_stable_sku_none(shop) -> None:
    # when 13 weeks (91 days) are scanned daily
    raised = _history(shop)
    # then
    assert len(raised) == 1
    alert = QualityAlert.objects.get(number=raised[0])
    assert alert.sku.code == "JUMP"
    assert alert.metric == "defect"
    assert alert.period_start == START + timedelta(weeks=9)
    assert (alert.returns, alert.units) == (18, 200)
    assert alert.rate > alert.ucl > alert.centre
    assert alert.task.status == TaskStatus.OPEN


def _inspect(task, actor, result: str, **more):
    payload = {"sample_size": 20, "method": "lab", "lab_name": "SGS 上海", "result": result,
               "defects_found": 6 if result == "fail" else 0,
               "notes": "抽检20件，6件色差超标" if result == "fail" else "复检合格", **more}  # fmt: skip
    return inspection_record(actor=actor, task=task, payload=payload, report=PDF)


def _new_order(shop, sku: str, external_id: str):
    data = order_payload(shop, external_id, sku=sku, units=1, placed=clock.now())
    return order_upsert(actor=LOADER, data=OrderIn.model_validate(data))


def test_alert_to_inspection_to_delisting_notice_rectification_and_relisting(shop, people) -> None:
    # given the alert of the jumping SKU
    _history(shop)
    task = QualityTask.objects.get(alert__isnull=False)
    sku = Sku.objects.get(pk=task.sku_id)
    # a merchant cannot inspect; an agent without the inspector role cannot either
    with pytest.raises(Forbidden):
        _inspect(task, people["merchant"], "pass")
    with pytest.raises(Forbidden):
        _inspect(task, people["agent"], "pass")
    with pytest.raises(Forbidden):
        task_act(actor=people["agent"], task=task, action="start")
    with pytest.raises(Forbidden):
        task_act(actor=people["merchant"], task=task, action="start")
    with pytest.raises(TransitionNotAllowed):  # nothing to rectify before a failed inspection
        task_act(actor=people["merchant"], task=task, action="rectify", payload={"response": "x"})

    # when the inspector records a failing lab inspection with its report
    record = _inspect(task, people["inspector"], "fail", penalty="800.00")

    # then the task failed and everything a failure brings happened
    task.refresh_from_db()
    sku.refresh_from_db()
    assert task.status == TaskStatus.FAILED
    assert record.report_content_type == "application/pdf" and record.report_sha256
    assert sku.status == SkuStatus.DELISTED and task.delisted
    entry = DepositEntry.unscoped.get(key=f"quality:{task.number}:penalty")
    assert entry.amount == Decimal("800.00")
    notice = QualityNotice.unscoped.get(task=task)
    public_text = " ".join(str(v) for v in notice.__dict__.values())
    assert "李四" not in public_text and "1390000" not in public_text
    assert notice.product_name == sku.name and notice.penalty == Decimal("800.00")
    rectification = task.rectifications.get()
    assert rectification.status == RectificationStatus.REQUESTED
    assert rectification.due_at == task.due_at
    assert {"colour"} <= {a["aspect"] for a in rectification.aspects}
    assert Deadline.objects.filter(
        subject_type="quality.qualitytask", subject_id=task.pk, action="lapse",
        state=DeadlineState.PENDING, due_at=task.due_at,
    ).exists()  # fmt: skip

    # and intake refuses new orders of the delisted SKU
    with pytest.raises(ValidationFailed) as refused:
        _new_order(shop, "JUMP", "AFTER-DELIST")
    assert "lines.0.sku" in refused.value.fields

    # when the merchant submits its rectification
    clock.freeze(clock.now() + timedelta(days=5))
    rectification_submit(
        actor=people["merchant"], task=task, payload={"response": "更换面料供应商，重拍商品图片"}
    )
    task.refresh_from_db()
    assert task.status == TaskStatus.REINSPECTING and task.round == 2
    assert not Deadline.objects.filter(subject_id=task.pk, subject_type="quality.qualitytask",
                                       state=DeadlineState.PENDING).exists()  # fmt: skip

    # and the re-inspection passes
    _inspect(task, people["inspector"], "pass")

    # then the SKU is back on sale, the notice says rectified, the alert is closed
    task.refresh_from_db()
    sku.refresh_from_db()
    assert task.status == TaskStatus.PASSED and task.closed_at is not None
    assert sku.status == SkuStatus.LISTED
    assert QualityNotice.unscoped.get(task=task).resolved_at is not None
    assert task.alert.status == AlertStatus.CLOSED
    assert task.rectifications.get().status == RectificationStatus.ACCEPTED
    assert _new_order(shop, "JUMP", "AFTER-RELIST").created
    # one penalty only, whatever happened since
    assert DepositEntry.unscoped.filter(key__startswith="quality:").count() == 1
    assert list(task.events.values_list("action", flat=True)) == [
        "start",
        "fail",
        "rectify",
        "pass",
    ]


def test_a_missed_rectification_deadline_makes_the_task_overdue(shop, people) -> None:
    # given a failed inspection
    _history(shop)
    task = QualityTask.objects.get(alert__isnull=False)
    _inspect(task, people["inspector"], "fail", rectify_days="3")
    task.refresh_from_db()
    # when the deadline passes and the sweeper runs
    clock.freeze(task.due_at + timedelta(minutes=1))
    deadline_sweep()
    # then
    task.refresh_from_db()
    assert task.status == TaskStatus.OVERDUE
    assert task.rectifications.get().status == RectificationStatus.OVERDUE
    # the merchant may still rectify
    rectification_submit(actor=people["merchant"], task=task, payload={"response": "已整改"})
    task.refresh_from_db()
    assert task.status == TaskStatus.REINSPECTING


def test_a_failed_reinspection_asks_again_and_keeps_the_sku_off_sale(shop, people) -> None:
    _history(shop)
    task = QualityTask.objects.get(alert__isnull=False)
    _inspect(task, people["inspector"], "fail")
    rectification_submit(actor=people["merchant"], task=task, payload={"response": "已整改"})
    # when
    _inspect(task, people["inspector"], "fail")
    # then
    task.refresh_from_db()
    assert task.status == TaskStatus.FAILED
    assert list(task.rectifications.order_by("round").values_list("status", flat=True)) == [
        RectificationStatus.REJECTED, RectificationStatus.REQUESTED,
    ]  # fmt: skip
    assert Sku.objects.get(pk=task.sku_id).status == SkuStatus.DELISTED
    assert DepositEntry.unscoped.filter(key__startswith="quality:").count() == 1


def test_quality_webhook_events_are_declared() -> None:
    assert {"quality.alert_raised", "quality.sku_delisted"} <= set(webhook_events())
