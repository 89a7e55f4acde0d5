from collections import Counter
from datetime import datetime, timedelta
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection

from anxin.accounts.models import ApiToken, Membership, User
from anxin.accounts.services import actor_for_user
from anxin.catalog.choices import ShopOrderStatus
from anxin.catalog.demo import DEMO_LOGINS, DEMO_PASSWORD
from anxin.catalog.models import (
    Customer,
    Merchant,
    Order,
    OrderLine,
    PurchaseConfirmation,
)
from anxin.core import clock
from anxin.core.crypto import phone_lookup_hash
from anxin.core.models import AuditEntry, NumberSequence
from anxin.core.sequences import number_next
from anxin.core.tests.shared_rows import rows_for_the_group

# Smoke set: the demo world writes most tables; built on PostgreSQL too.
pytestmark = pytest.mark.pg_smoke


SHANGHAI = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 3, 15, 15, 30, tzinfo=SHANGHAI)
ORDERS = 200


@pytest.fixture
def frozen_clock():
    with clock.frozen(NOW):
        yield NOW


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    """The demo world is built once for this module: every test here reads it (and what a test
    changes is rolled back after it). Tests that load their own are in test_demo_data_runs."""
    with rows_for_the_group(django_db_blocker):
        out = StringIO()
        with django_db_blocker.unblock(), clock.frozen(NOW):
            call_command(
                "demo_data", "--orders", str(ORDERS), "--seed", "11", "--no-reputation", stdout=out
            )
        yield out.getvalue()


@pytest.fixture
def demo(demo_world, db, frozen_clock):
    return demo_world


def _orders_with_everything():
    return Order.objects.prefetch_related("lines", "tenders", "deliveries__lines")


def test_demo_data_creates_about_30_merchants_and_n_orders(demo):
    # given / when: the demo loaded
    # then
    assert 25 <= Merchant.objects.count() <= 35
    assert Order.objects.count() == ORDERS
    people = set(Customer.objects.values_list("external_id", flat=True))
    assert 0 < len(people) <= ORDERS // 3
    pairs = set(Order.objects.values_list("merchant_id", "customer_id"))
    assert Customer.objects.count() == len(pairs) > len(people)  # one record per shop and person
    assert all(
        merchant_id == customer_merchant_id
        for merchant_id, customer_merchant_id in Order.objects.values_list(
            "merchant_id", "customer__merchant_id"
        )
    )
    statuses = Counter(Merchant.objects.values_list("status", flat=True))
    assert statuses["active"] > statuses["warned"] + statuses["applying"]
    assert statuses["warned"] and statuses["applying"]
    for merchant in Merchant.objects.exclude(status="applying").prefetch_related("skus"):
        assert 5 <= merchant.skus.count() <= 20
        assert isinstance(merchant.deposit_amount, Decimal) and merchant.deposit_amount > 0


def test_every_order_adds_up_to_the_cent(demo):
    # given / when: the demo loaded
    # then
    for order in _orders_with_everything():
        lines = list(order.lines.all())
        assert 1 <= len([line for line in lines if not line.is_gift]) <= 4
        lines_paid = sum((line.paid_amount for line in lines), Decimal(0))
        goods = sum((line.unit_price * line.quantity for line in lines), Decimal(0))
        assert sum(t.amount for t in order.tenders.all()) == order.paid_total
        assert all(t.amount > 0 for t in order.tenders.all())
        assert lines_paid + order.shipping_fee == order.paid_total
        assert order.goods_total == goods
        assert order.discount_total == goods - lines_paid
        for line in lines:
            assert 0 <= line.paid_amount <= line.unit_price * line.quantity
    # Realistic quantities, also of prices a float cannot hold exactly (3 × ¥39.90).
    assert OrderLine.objects.filter(quantity__gt=1, unit_price__gt=0).exists()
    assert any(
        float(price) * quantity != float(price * quantity)
        for price, quantity in OrderLine.objects.filter(quantity__gt=1).values_list(
            "unit_price", "quantity"
        )
    )


def test_threshold_promotions_name_real_lines_and_are_allocated_exactly(demo):
    # given
    promoted = [o for o in _orders_with_everything() if o.promotions]
    # when / then
    assert promoted
    for order in promoted:
        lines = {line.external_id: line for line in order.lines.all()}
        for promo in order.promotions:
            assert promo["kind"] == "threshold"
            assert set(promo["lines"]) <= set(lines)
            named = [lines[ext] for ext in promo["lines"]]
            listed = sum((line.unit_price * line.quantity for line in named), Decimal(0))
            paid = sum((line.paid_amount for line in named), Decimal(0))
            assert listed >= Decimal(promo["threshold"])
            assert listed - paid == Decimal(promo["reduction"])


def test_gift_lines_are_free_and_belong_to_a_line_of_the_same_order(demo):
    # given
    gifts = list(OrderLine.objects.filter(is_gift=True).select_related("gift_for"))
    # when / then
    assert gifts
    for gift in gifts:
        assert gift.paid_amount == 0
        assert gift.gift_value > 0
        assert gift.gift_for is not None
        assert gift.gift_for.order_id == gift.order_id
        assert not gift.gift_for.is_gift


def test_shop_status_matches_the_parcels(demo):
    # given / when: the demo loaded
    # then
    seen = Counter()
    for order in _orders_with_everything():
        seen[order.shop_status] += 1
        deliveries = list(order.deliveries.all())
        shipped: dict[int, int] = {}
        for delivery in deliveries:
            assert order.placed_at <= delivery.shipped_at <= NOW
            if delivery.signed_at is not None:
                assert delivery.shipped_at <= delivery.signed_at <= NOW
            for item in delivery.lines.all():
                shipped[item.line_id] = shipped.get(item.line_id, 0) + item.quantity
        if order.shop_status == ShopOrderStatus.PAID:
            assert deliveries == []
        elif order.shop_status == ShopOrderStatus.SHIPPED:
            assert deliveries
        else:
            assert deliveries and all(d.signed_at is not None for d in deliveries)
            assert shipped == {line.pk: line.quantity for line in order.lines.all()}
    assert seen[ShopOrderStatus.DELIVERED] and seen[ShopOrderStatus.COMPLETED]


def test_orders_fall_in_the_last_90_days_and_never_in_the_future(demo):
    # given / when: the demo loaded
    # then
    times = list(Order.objects.values_list("placed_at", flat=True))
    assert min(times) >= NOW - timedelta(days=90)
    assert max(times) <= NOW


def test_confirmations_only_for_kinds_the_category_asks_for(demo):
    # given
    confirmations = list(PurchaseConfirmation.objects.select_related("line__sku__category"))
    # when / then
    assert confirmations
    for confirmation in confirmations:
        assert confirmation.kind in confirmation.line.sku.category.confirm_kinds
        assert not confirmation.line.is_gift


def test_one_login_per_role_with_merchant_membership_and_a_consumer_with_orders(demo):
    # given / when: the demo loaded
    # then
    for role, username in DEMO_LOGINS:
        user = User.objects.get(username=username)
        assert user.role == role.value
        assert user.check_password(DEMO_PASSWORD)
    first = Merchant.objects.get(code="youyifang")
    members = set(
        Membership.objects.filter(merchant=first).values_list("user__username", flat=True)
    )
    assert members == {"merchant", "merchant_admin"}
    records = Customer.objects.filter(user__username="consumer")
    assert records.exists()
    assert len({record.external_id for record in records}) == 1  # one person, at several shops
    assert Order.objects.filter(customer__in=records).exists()
    assert ApiToken.objects.get().merchant == first
    assert DEMO_PASSWORD in demo and "http://127.0.0.1:8000" in demo and "anx_" in demo


def test_the_consumer_login_sees_its_orders_at_every_shop_it_bought_from(demo):
    # given
    user = User.objects.get(username="consumer")
    person = user.customer_records.values_list("external_id", flat=True).first()
    # when
    visible = Order.objects.for_actor(actor_for_user(user))
    # then
    assert visible.values("merchant_id").distinct().count() > 1
    assert set(visible) == set(Order.objects.filter(customer__external_id=person))
    assert visible.filter(shop_status=ShopOrderStatus.DELIVERED).exists()


def test_one_customer_record_per_shop_and_person_with_the_same_details(demo):
    # given
    keys = list(Customer.objects.values_list("merchant_id", "external_id"))
    # when
    by_person: dict[str, set[tuple[str, str, str, str]]] = {}
    for customer in Customer.objects.all():
        details = (customer.name, customer.phone, customer.phone_hash, customer.address)
        by_person.setdefault(customer.external_id, set()).add(details)
    # then
    assert len(keys) == len(set(keys))
    assert len(keys) > len(by_person)
    assert all(len(details) == 1 for details in by_person.values())
    phones = [phone for ((_, phone, _, _),) in by_person.values()]
    assert len(phones) == len(set(phones))


def test_number_next_never_collides_with_demo_order_numbers(demo):
    # given
    numbers = set(Order.objects.values_list("number", flat=True))
    days = set(NumberSequence.objects.filter(prefix="OD").values_list("day", flat=True))
    # when
    fresh = [number_next(prefix="OD")] + [number_next(prefix="OD", day=day) for day in days]
    # then
    assert not numbers & set(fresh)
    assert all(n.startswith("OD") and len(n) == 16 for n in numbers)


def test_if_empty_is_a_no_op_on_a_second_run(demo):
    # given
    before = (Order.objects.count(), Customer.objects.count(), User.objects.count())
    out = StringIO()
    # when
    call_command("demo_data", "--orders", "50", "--if-empty", "--no-reputation", stdout=out)
    # then
    assert (Order.objects.count(), Customer.objects.count(), User.objects.count()) == before
    assert "not loaded" in out.getvalue() and DEMO_PASSWORD in out.getvalue()


def test_customer_phones_are_encrypted_at_rest_and_hashed_for_lookup(demo):
    # given
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, name, address, phone_hash FROM catalog_customer")
        rows = cursor.fetchall()
    # when
    phones = list(Customer.objects.values_list("phone", "phone_hash"))
    # then
    assert rows
    for phone, name, address, _ in rows:
        assert phone.startswith("fx1:") and name.startswith("fx1:") and address.startswith("fx1:")
    for phone, phone_hash in phones:
        assert len(phone) == 11 and phone[:2] in {"13", "15", "18"}
        assert phone_hash == phone_lookup_hash(phone)


def test_the_load_writes_one_audit_row_not_one_per_order(demo):
    # given / when: the demo loaded
    # then
    entry = AuditEntry.objects.get(action="demo_data.load")
    assert entry.data["orders"] == ORDERS
    assert not AuditEntry.objects.filter(action__startswith="catalog.order").exists()
