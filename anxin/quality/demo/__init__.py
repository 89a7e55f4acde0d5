"""Demo product quality (``manage.py demo_quality``, for ``demo_data``): an open alert, a task
being inspected, a finished inspection that failed (the SKU taken off sale, the penalty deducted
from the deposit, the public notice, the rectification request) and a routine sampling plan, all
relative to today.

Nothing is inserted directly. Three SKUs of the demo merchant get nine weeks of deliveries
(orders pushed through intake, parcels signed for) with about 2 % of units returned as defective;
in the last full week their returns jump to about 12 %. Requests are opened with ``case_open`` as
the consumers would, each with the clock frozen at its moment, and the real daily scan raises the
alerts. The demo inspector then takes one task on and fails another through
``inspection_record``. Run once: nothing happens when quality tasks exist or when the world has
no merchant with SKUs.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from anxin.accounts.models import User
from anxin.accounts.services import actor_for_user
from anxin.cases.choices import CaseType
from anxin.cases.inputs import CaseOpenIn
from anxin.cases.services import case_act, case_open
from anxin.catalog.choices import SkuStatus
from anxin.catalog.inputs import DeliveryIn, OrderIn
from anxin.catalog.models import Merchant, Order, Sku
from anxin.catalog.services import delivery_record, order_upsert
from anxin.core import clock
from anxin.core.actors import Actor, Role
from anxin.core.errors import DomainError

from ..choices import InspectionMethod, PlanFrequency
from ..models import QualityTask
from ..scan import quality_scan
from ..scores import accuracy_scores_store
from ..services import inspection_record, plan_create, task_act

LOADER = Actor(role=Role.ADMIN, platform=True, label="demo_quality")
WEEKS = 9  # the last is the jump
UNITS = 150
BASE_RATE, JUMP_RATE = 0.02, 0.12
COMPLAINTS = ["颜色和图片差别很大，色差严重", "做工粗糙，线头很多", "尺码偏小，材质也不对",
              "用了两天就坏了", "质量太差，开线了"]  # fmt: skip

__all__ = ["DemoQuality", "demo_quality"]


@dataclass
class DemoQuality:
    alerts: list[str] = field(default_factory=list)
    tasks: dict[str, str] = field(default_factory=dict)  # task number -> its state
    plan: str = ""
    reason: str = ""  # why nothing was made
    scores: int = 0  # merchants whose 描述相符 score was stored (the public pages read it)


def _merchant() -> Merchant | None:
    """The demo merchant login's shop, else the first active shop with SKUs."""
    user = User.objects.filter(username="merchant_admin").first()
    shops = Merchant.unscoped.filter(status="active", skus__isnull=False).distinct()
    if user is not None:
        mine = shops.filter(memberships__user=user).first()
        if mine is not None:
            return mine
    return shops.order_by("pk").first()


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _week(rng: random.Random, shop: Merchant, sku: Sku, monday: date, rate: float, n: int) -> None:
    """One weekly delivery of ``sku`` signed for on Tuesday, its returns opened on Wednesday."""
    placed, signed = _at(monday, 10), _at(monday + timedelta(days=1), 18)
    clock.freeze(signed)
    external = f"QDEMO-{sku.code}-{monday:%Y%m%d}"
    paid = f"{UNITS * 59:.2f}"
    data = {
        "external_id": external, "merchant": shop.code,
        "customer": {"external_id": f"qdemo-{n}", "name": "演示买家", "phone": "13700000000",
                     "address": "上海市静安区南京西路1号"},
        "currency": "CNY", "placed_at": placed.isoformat(), "shipping_fee": "0.00",
        "lines": [{"external_id": "L1", "sku": sku.code, "product_name": sku.name,
                   "category": sku.category.code, "quantity": UNITS, "unit_price": "59.00",
                   "paid_amount": paid}],
        "tenders": [{"method": "alipay", "amount": paid}], "promotions": [],
    }  # fmt: skip
    order: Order = order_upsert(actor=LOADER, data=OrderIn.model_validate(data)).order
    parcel = {"carrier": "SF", "tracking_number": f"SF{external[-14:]}{n}",
              "shipped_at": _at(monday, 16).isoformat(), "signed_at": signed.isoformat()}  # fmt: skip
    delivery_record(actor=LOADER, order=order, data=DeliveryIn.model_validate(parcel))
    returned = sum(1 for _ in range(UNITS) if rng.random() < rate)
    if returned:
        clock.freeze(_at(monday + timedelta(days=2), 11))
        consumer = Actor(role=Role.CONSUMER, customer_ids=frozenset({order.customer_id}))
        case = case_open(actor=consumer, data=CaseOpenIn(
            order=str(order.public_id), line="L1", type=CaseType.REFUND_ONLY, reason="quality/defect",
            quantity=returned, description=rng.choice(COMPLAINTS),
        ))  # fmt: skip
        # History, not live work: the shop settled each request weeks ago, so none waits in the
        # demo merchant's queue with a deadline long past when the platform starts.
        owner = Actor(role=Role.MERCHANT_ADMIN, merchant_ids=frozenset({shop.pk}), label="demo")
        for hours, action in ((5, "approve"), (9, "refund")):
            clock.freeze(_at(monday + timedelta(days=2), 11 + hours))
            case = case_act(actor=owner, case=case, action=action).subject


def demo_quality(*, seed: int = 2026) -> DemoQuality:
    """Grow the history, scan, and act on two of the alerts (see the module's text)."""
    result = DemoQuality()
    if QualityTask.unscoped.exists():
        result.reason = "quality tasks exist"
        result.scores = accuracy_scores_store()  # a re-run still refreshes the public scores
        return result
    shop = _merchant()
    inspector = (
        User.objects.filter(role=Role.QUALITY_INSPECTOR, is_active=True).order_by("pk").first()
    )
    if shop is None or inspector is None:
        result.reason = (
            "no demo merchant with SKUs or no quality inspector (load the demo world first)"
        )
        return result
    skus = list(Sku.objects.filter(merchant=shop, status=SkuStatus.LISTED).order_by("pk")[:3])
    if len(skus) < 3:
        result.reason = "the demo merchant has fewer than three SKUs on sale"
        return result
    rng = random.Random(seed)
    now = clock.now()
    today = timezone.localtime(now).date()
    this_monday = today - timedelta(days=today.weekday())
    try:
        for week in range(WEEKS):
            monday = this_monday - timedelta(weeks=WEEKS - week)
            rate = JUMP_RATE if week == WEEKS - 1 else BASE_RATE
            for n, sku in enumerate(skus):
                with transaction.atomic():
                    _week(rng, shop, sku, monday, rate, n)
    finally:
        clock.unfreeze()
    scanned = quality_scan(today=today)  # also stores every merchant's 描述相符 score
    result.alerts, result.scores = scanned.alerts, scanned.scores
    actor = actor_for_user(inspector)
    tasks = list(QualityTask.unscoped.filter(alert__number__in=result.alerts).order_by("pk"))
    try:
        if len(tasks) >= 2:
            task_act(actor=actor, task=tasks[1], action="start")
        if len(tasks) >= 3:
            inspection_record(actor=actor, task=tasks[2], payload={
                "sample_size": 20, "method": InspectionMethod.LAB, "lab_name": "上海市质量监督检验技术研究院",
                "result": "fail", "defects_found": 5, "penalty": str(Decimal("500.00")),
                "notes": "抽检20件，5件存在开线、色差问题，不符合商品详情页描述。",
                "request": "更换面料供应商，出库前逐件检查走线；按实物重拍商品图片并标注色差说明。",
            })  # fmt: skip
        category = skus[0].category.code
        plan = plan_create(actor=actor, payload={
            "name": f"{skus[0].category.name_zh}月度抽检", "category": category,
            "frequency": PlanFrequency.MONTHLY, "sample_skus": 3, "units_per_sku": 5,
            "method": InspectionMethod.VISUAL, "next_run_at": (now + timedelta(days=7)).isoformat(),
        })  # fmt: skip
        result.plan = plan.name
    except DomainError as exc:
        result.reason = f"{type(exc).__name__}: {exc}"
    result.tasks = dict(
        QualityTask.unscoped.filter(pk__in=[t.pk for t in tasks]).values_list("number", "status")
    )
    return result
