"""The merchant deposit ledger (保证金): deductions within and beyond the balance, top-ups paying
what is owed first, the one open top-up request, the settlement hold, idempotent keys."""

from __future__ import annotations

from decimal import Decimal

import pytest

from anxin.catalog.tests import factories as f
from anxin.core.actors import SYSTEM, Actor, Role
from anxin.core.errors import Conflict, Forbidden, ValidationFailed
from anxin.core.models import AuditEntry
from anxin.disputes.deposit import deposit_account_for, deposit_credit, deposit_deduct
from anxin.disputes.models import DepositAccount, DepositEntry, TopUpRequest
from anxin.disputes.services import deposit_top_up_record

from .builders import staff

pytestmark = pytest.mark.django_db

D = Decimal


@pytest.fixture
def shop(settings):
    settings.ANXIN_DEPOSIT_REQUIRED = "2000.00"
    return f.merchant("m1")


@pytest.fixture
def admin():
    return staff("admin-1", Role.ADMIN)


def _top_up(admin, shop, amount: str, reference: str):
    return deposit_top_up_record(
        actor=admin, merchant_id=shop.pk, payload={"amount": amount, "reference": reference}
    )


def _deduct(shop, amount: str, key: str):
    return deposit_deduct(actor=SYSTEM, merchant_id=shop.pk, amount=D(amount), key=key)


def _state(shop) -> tuple[Decimal, Decimal, bool, list[Decimal]]:
    """(balance, owed, settlement held, amounts of the open top-up requests)."""
    account = DepositAccount.objects.get(merchant=shop)
    asked = list(
        TopUpRequest.objects.filter(merchant=shop, status="open").values_list("amount", flat=True)
    )
    return account.balance, account.owed, account.settlement_held, asked


def test_a_deduction_within_the_balance_takes_it_from_the_balance(admin, shop):
    # given a deposit of 3000 (1000 over the required 2000): nothing asked, nothing held
    _top_up(admin, shop, "3000.00", "BANK-1")
    assert _state(shop) == (D("3000.00"), D(0), False, [])
    # when 100 is recovered
    entry = _deduct(shop, "100.00", "dispute:1:advance")
    # then the balance pays it, with an audited entry saying what is left
    assert (entry.kind, entry.amount, entry.balance_after) == ("deduction", D(100), D(2900))
    assert _state(shop) == (D("2900.00"), D(0), False, [])
    audit = AuditEntry.objects.get(action="disputes.deposit.deduction")
    assert audit.data["key"] == "dispute:1:advance" and audit.data["balance"] == "2900.00"
    # and a deduction that takes the balance under the minimum asks for the difference and holds
    # the settlement, though nothing is owed
    _deduct(shop, "1000.00", "dispute:2:advance")
    assert _state(shop) == (D("1900.00"), D(0), True, [D("100.00")])


def test_a_deduction_larger_than_the_balance_is_owed_never_negative(admin, shop):
    # given a deposit of 50
    _top_up(admin, shop, "50.00", "BANK-1")
    # when 80 is recovered
    entry = _deduct(shop, "80.00", "dispute:1:advance")
    # then the 50 is taken, 30 is owed, one open request asks for 30 + the 2000 minimum, and the
    # settlement is held
    assert entry.balance_after == D(0)
    assert _state(shop) == (D(0), D("30.00"), True, [D("2030.00")])
    # and another deduction adds to what is owed: still one open request (the old one replaced)
    _deduct(shop, "20.00", "dispute:2:advance")
    assert _state(shop) == (D(0), D("50.00"), True, [D("2050.00")])
    assert TopUpRequest.objects.filter(merchant=shop, status="superseded").count() == 2
    assert DepositAccount.objects.filter(balance__lt=0).count() == 0


def test_a_top_up_pays_what_is_owed_first_then_refills_and_releases_the_hold(admin, shop):
    # given 50 owed on an empty deposit
    _deduct(shop, "50.00", "dispute:1:advance")
    assert _state(shop) == (D(0), D("50.00"), True, [D("2050.00")])
    # when 30 is paid in: it goes to what is owed; the open request shrinks, the hold stays
    _top_up(admin, shop, "30.00", "BANK-1")
    assert _state(shop) == (D(0), D("20.00"), True, [D("2020.00")])
    # when the rest is paid in: the debt is cleared, the balance refilled to the minimum, the
    # request paid and the settlement released
    entry = _top_up(admin, shop, "2020.00", "BANK-2")
    assert entry.balance_after == D("2000.00")
    assert _state(shop) == (D("2000.00"), D(0), False, [])
    assert TopUpRequest.objects.get(merchant=shop, status="paid").amount == D("2020.00")
    # and a credit (an appeal that went the merchant's way) also pays a debt first
    _deduct(shop, "2100.00", "dispute:2:advance")
    assert _state(shop)[:2] == (D(0), D("100.00"))
    deposit_credit(actor=SYSTEM, merchant_id=shop.pk, amount=D("150.00"), key="dispute:2:credit")
    assert _state(shop) == (D("50.00"), D(0), True, [D("1950.00")])


def test_the_same_key_twice_moves_the_money_once(admin, shop):
    # a deduction repeated with its key
    first = _deduct(shop, "80.00", "dispute:1:advance")
    again = _deduct(shop, "80.00", "dispute:1:advance")
    assert again.pk == first.pk
    # a top-up recorded twice with its payment reference
    one = _top_up(admin, shop, "500.00", "BANK-7")
    two = _top_up(admin, shop, "500.00", "BANK-7")
    assert one.pk == two.pk
    assert DepositEntry.objects.filter(merchant=shop).count() == 2
    assert _state(shop)[:2] == (D("420.00"), D(0))
    # a key used for another kind of movement is refused, not applied
    with pytest.raises(Conflict):
        deposit_credit(
            actor=SYSTEM, merchant_id=shop.pk, amount=D("80.00"), key="dispute:1:advance"
        )
    assert DepositEntry.objects.filter(merchant=shop).count() == 2


def test_only_platform_administrators_record_a_top_up(admin, shop):
    owner = f.user("owner", Role.MERCHANT_ADMIN, merchants=[shop])
    merchant = Actor(role=Role.MERCHANT_ADMIN, user_id=owner.pk, merchant_ids=frozenset({shop.pk}))
    with pytest.raises(Forbidden):
        _top_up(merchant, shop, "10.00", "SELF")
    with pytest.raises(ValidationFailed) as refused:
        _top_up(admin, shop, "0", "BANK-0")
    assert "amount" in refused.value.fields
    assert not DepositEntry.objects.exists()


def test_the_required_deposit_is_the_amount_agreed_with_the_merchant(shop, admin):
    # given a shop whose agreed deposit is 5,000, paid in full
    type(shop).objects.filter(pk=shop.pk).update(deposit_amount=D("5000.00"))
    _top_up(admin, shop, "5000.00", "BZJ-1")
    assert _state(shop) == (D("5000.00"), D("0"), False, [])
    # when the platform raises the agreed deposit to 8,000
    type(shop).objects.filter(pk=shop.pk).update(deposit_amount=D("8000.00"))
    deposit_account_for(shop.pk)
    # then the ledger asks for the difference and holds the settlement until it is paid
    assert _state(shop) == (D("5000.00"), D("0"), True, [D("3000.00")])
    _top_up(admin, shop, "3000.00", "BZJ-2")
    assert _state(shop) == (D("8000.00"), D("0"), False, [])
