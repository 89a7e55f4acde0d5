"""The merchant deposit ledger: deductions for advance compensation, credits after an appeal,
top-ups; every movement once per key, under a lock on the account, audited.

The balance never goes negative and never silently: a deduction larger than the balance takes
what is there and records the rest as ``owed``. While anything is owed or the balance is under the
required minimum, one open top-up request says how much to pay in and the merchant's settlement
is held (JD dispute rules, articles 45 and 51). A top-up first pays what is owed, then refills the balance.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from anxin.catalog.models import Merchant
from anxin.core import clock
from anxin.core.actors import Actor
from anxin.core.audit import audit_record
from anxin.core.errors import Conflict, ValidationFailed

from .choices import DepositKind, TopUpStatus
from .models import DepositAccount, DepositEntry, TopUpRequest


def required_for(merchant_id: int) -> Decimal:
    """The deposit a merchant must keep: the amount agreed at admission (``Merchant.deposit_amount``,
    set by the platform's administrators), else the platform's default."""
    agreed = (
        Merchant.unscoped.filter(pk=merchant_id).values_list("deposit_amount", flat=True).first()
    )
    return agreed if agreed else Decimal(str(settings.ANXIN_DEPOSIT_REQUIRED))


def _account_locked(merchant_id: int) -> DepositAccount:
    deposit_account_for(merchant_id)
    account = DepositAccount.unscoped.select_for_update().get(merchant_id=merchant_id)
    account.required = required_for(merchant_id)  # the agreed amount may have changed
    return account


def _existing(key: str, kind: str, amount: Decimal) -> DepositEntry | None:
    entry = DepositEntry.unscoped.filter(key=key).first()
    if entry is not None and (entry.kind != kind or entry.amount != amount):
        raise Conflict(
            _("This deposit key was already used for another movement."), code="deposit.key_reused"
        )
    return entry


def _entry(
    account: DepositAccount,
    *,
    key: str,
    kind: str,
    amount: Decimal,
    actor: Actor,
    dispute_id: int | None,
    note: str,
    at: datetime,
) -> DepositEntry:
    entry = DepositEntry.unscoped.create(
        account=account,
        merchant_id=account.merchant_id,
        key=key,
        kind=kind,
        amount=amount,
        balance_after=account.balance,
        dispute_id=dispute_id,
        note=note[:300],
        actor=actor.audit_label(),
        created_at=at,
    )
    audit_record(
        actor=actor,
        action=f"disputes.deposit.{kind}",
        merchant_id=account.merchant_id,
        subject_type="disputes.depositaccount",
        subject_id=account.pk,
        data={"key": key, "amount": str(amount), "balance": str(account.balance),
              "owed": str(account.owed)},
    )  # fmt: skip
    return entry


def _settle_requests(account: DepositAccount, dispute_id: int | None, at: datetime) -> None:
    """One open request for what is needed now; the settlement held while one is open."""
    need = account.owed + max(account.required - account.balance, Decimal(0))
    open_requests = TopUpRequest.unscoped.filter(
        merchant_id=account.merchant_id, status=TopUpStatus.OPEN
    )
    current = open_requests.first()
    if need <= 0:
        open_requests.update(status=TopUpStatus.PAID, paid_at=at)
    elif current is None or current.amount < need:
        open_requests.update(status=TopUpStatus.SUPERSEDED)
        TopUpRequest.unscoped.create(
            merchant_id=account.merchant_id, amount=need, dispute_id=dispute_id, created_at=at
        )
    elif current.amount != need:
        open_requests.update(amount=need)
    account.settlement_held = need > 0
    account.save(update_fields=["balance", "owed", "required", "settlement_held", "updated_at"])


def deposit_deduct(
    *,
    actor: Actor,
    merchant_id: int,
    amount: Decimal,
    key: str,
    dispute_id: int | None = None,
    note: str = "",
    at: datetime | None = None,
) -> DepositEntry:
    """Recover ``amount`` (an advance compensation) from the merchant's deposit, once per key;
    what the balance cannot cover is owed."""
    at = at or clock.now()
    with transaction.atomic():
        account = _account_locked(merchant_id)
        existing = _existing(key, DepositKind.DEDUCTION, amount)
        if existing is not None:
            return existing
        take = min(account.balance, amount)
        account.balance -= take
        account.owed += amount - take
        entry = _entry(account, key=key, kind=DepositKind.DEDUCTION, amount=amount, actor=actor,
                       dispute_id=dispute_id, note=note, at=at)  # fmt: skip
        _settle_requests(account, dispute_id, at)
    return entry


def deposit_credit(
    *,
    actor: Actor,
    merchant_id: int,
    amount: Decimal,
    key: str,
    dispute_id: int | None = None,
    note: str = "",
    at: datetime | None = None,
) -> DepositEntry:
    """Give money back to the merchant's deposit (an appeal reversed what it had paid)."""
    return _add(actor=actor, merchant_id=merchant_id, amount=amount, key=key,
                kind=DepositKind.CREDIT, dispute_id=dispute_id, note=note, at=at)  # fmt: skip


def deposit_top_up(
    *, actor: Actor, merchant_id: int, amount: Decimal, key: str, note: str = "",
    at: datetime | None = None,
) -> DepositEntry:  # fmt: skip
    """Record money the merchant paid into its deposit (platform staff record the receipt)."""
    if amount <= 0:
        raise ValidationFailed(fields={"amount": _("Enter an amount greater than zero.")})
    return _add(actor=actor, merchant_id=merchant_id, amount=amount, key=key,
                kind=DepositKind.TOP_UP, dispute_id=None, note=note, at=at)  # fmt: skip


def _add(
    *,
    actor: Actor,
    merchant_id: int,
    amount: Decimal,
    key: str,
    kind: str,
    dispute_id: int | None,
    note: str,
    at: datetime | None,
) -> DepositEntry:
    at = at or clock.now()
    with transaction.atomic():
        account = _account_locked(merchant_id)
        existing = _existing(key, kind, amount)
        if existing is not None:
            return existing
        pays_owed = min(account.owed, amount)
        account.owed -= pays_owed
        account.balance += amount - pays_owed
        entry = _entry(account, key=key, kind=kind, amount=amount, actor=actor,
                       dispute_id=dispute_id, note=note, at=at)  # fmt: skip
        _settle_requests(account, dispute_id, at)
    return entry


def deposit_account_for(merchant_id: int) -> DepositAccount:
    """The merchant's account (created empty: money comes in as recorded top-ups), its required
    minimum as agreed now."""
    account, _created = DepositAccount.unscoped.get_or_create(
        merchant_id=merchant_id, defaults={"required": required_for(merchant_id)}
    )
    required = required_for(merchant_id)
    if account.required != required:  # the agreed deposit changed since: the hold follows it
        with transaction.atomic():
            account = DepositAccount.unscoped.select_for_update().get(pk=account.pk)
            account.required = required
            _settle_requests(account, None, clock.now())
    return account
