"""Demo data runs that load their own world: the same seed twice, and second runs."""

from collections import Counter

import pytest
from django.db import transaction

from anxin.accounts.models import User
from anxin.catalog.demo import demo_load
from anxin.catalog.models import Customer, Delivery, DeliveryLine, Merchant, Order, PaymentTender
from anxin.core import clock
from anxin.core.models import NumberSequence

from .test_demo_data import NOW


@pytest.fixture
def frozen_clock():
    with clock.frozen(NOW):
        yield NOW


class _Rollback(Exception):
    pass


def _snapshot():
    orders = Order.objects.order_by("number").values_list(
        "number", "external_id", "merchant__code", "customer__external_id", "paid_total"
    )
    return list(orders), list(PaymentTender.objects.order_by("pk").values_list("method", "amount"))


def test_the_same_seed_gives_the_same_world(db, frozen_clock):
    # given
    try:
        with transaction.atomic():
            demo_load(orders=60, seed=5)
            first = _snapshot()
            raise _Rollback
    except _Rollback:
        pass
    # when
    demo_load(orders=60, seed=5)
    # then
    assert _snapshot() == first
    assert DeliveryLine.objects.exists() and Delivery.objects.exists()


def test_a_second_run_adds_orders_and_keeps_numbers_unique(db, frozen_clock):
    # given
    demo_load(orders=60, seed=5)
    # when
    demo_load(orders=40, seed=6)
    # then
    assert Order.objects.count() == 100
    assert Merchant.objects.count() == 30
    numbers = list(Order.objects.values_list("number", flat=True))
    assert len(set(numbers)) == len(numbers)
    per_day = Counter(n[2:10] for n in numbers)
    for seq in NumberSequence.objects.filter(prefix="OD"):
        assert seq.last >= per_day[f"{seq.day:%Y%m%d}"]


def test_a_second_run_with_the_same_seed_reuses_the_customer_records(db, frozen_clock):
    # given
    demo_load(orders=60, seed=5)
    before = set(Customer.objects.values_list("pk", "merchant_id", "external_id", "user_id"))
    # when
    demo_load(orders=60, seed=5)
    # then
    assert Order.objects.count() == 120
    assert (
        set(Customer.objects.values_list("pk", "merchant_id", "external_id", "user_id")) == before
    )
    consumer = User.objects.get(username="consumer")
    (person,) = set(consumer.customer_records.values_list("external_id", flat=True))
    assert not Customer.objects.filter(external_id=person, user__isnull=True).exists()
