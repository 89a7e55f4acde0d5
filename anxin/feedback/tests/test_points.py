"""The feedback-points ledger: idempotent by reference, never below zero (service and database),
and writers that read the same last line cannot both append."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from anxin.catalog.tests import factories as f
from anxin.core.actors import Role
from anxin.core.errors import Conflict, ValidationFailed
from anxin.feedback import services
from anxin.feedback.choices import PointsReason
from anxin.feedback.models import PointsEntry
from anxin.feedback.selectors import points_balance

# A check constraint and row locks keep balances whole (also runs on PostgreSQL).
pytestmark = [pytest.mark.django_db, pytest.mark.db]


@pytest.fixture
def user():
    return f.user("points-user", Role.CONSUMER)


def test_the_same_reference_credits_once(user):
    # given
    services.points_credit(user_id=user.pk, amount=10, reason=PointsReason.CSAT, ref="survey:a")
    # when
    again = services.points_credit(
        user_id=user.pk, amount=10, reason=PointsReason.CSAT, ref="survey:a"
    )
    # then
    assert PointsEntry.objects.count() == 1
    assert again.balance_after == 10
    assert points_balance(user.pk) == 10


def test_entries_chain_their_balance(user):
    # given / when
    services.points_credit(user_id=user.pk, amount=10, reason=PointsReason.CSAT, ref="a")
    services.points_credit(user_id=user.pk, amount=20, reason=PointsReason.NPS, ref="b")
    services.points_debit(user_id=user.pk, amount=25, reason=PointsReason.REDEMPTION, ref="c")
    # then
    rows = list(PointsEntry.objects.order_by("seq").values_list("seq", "delta", "balance_after"))
    assert rows == [(1, 10, 10), (2, 20, 30), (3, -25, 5)]
    assert points_balance(user.pk) == 5


def test_a_debit_below_zero_is_refused_and_changes_nothing(user):
    # given
    services.points_credit(user_id=user.pk, amount=10, reason=PointsReason.CSAT, ref="a")
    services.points_debit(user_id=user.pk, amount=7, reason=PointsReason.REDEMPTION, ref="d1")
    # when
    with pytest.raises(ValidationFailed) as error:
        services.points_debit(user_id=user.pk, amount=7, reason=PointsReason.REDEMPTION, ref="d2")
    # then
    assert error.value.status == 422
    assert "amount" in error.value.fields
    assert points_balance(user.pk) == 3
    assert PointsEntry.objects.count() == 2


@pytest.mark.parametrize("amount", [0, -5, True])
def test_amounts_must_be_positive_whole_numbers(user, amount):
    with pytest.raises(ValidationFailed):
        services.points_credit(user_id=user.pk, amount=amount, reason="csat", ref="x")
    assert not PointsEntry.objects.exists()


def test_the_database_refuses_a_negative_balance(user):
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        PointsEntry.objects.create(
            user=user, seq=1, delta=-4, balance_after=-4, reason="redemption", ref="raw"
        )


def test_two_debits_that_read_the_same_balance_cannot_both_land(user, monkeypatch):
    # given: 10 points; two debits of 7 both read the ledger before either writes (a race the
    # row lock prevents on PostgreSQL; here the stale read is forced)
    services.points_credit(user_id=user.pk, amount=10, reason=PointsReason.CSAT, ref="a")
    stale = PointsEntry.objects.get()
    real = PointsEntry.objects.select_for_update

    class StaleRead:
        def filter(self, **kwargs):
            return self

        def order_by(self, *args):
            return self

        def first(self):
            return stale

    services.points_debit(user_id=user.pk, amount=7, reason=PointsReason.REDEMPTION, ref="d1")
    monkeypatch.setattr(PointsEntry.objects, "select_for_update", lambda: StaleRead())
    # when
    with pytest.raises(Conflict):
        services.points_debit(user_id=user.pk, amount=7, reason=PointsReason.REDEMPTION, ref="d2")
    # then
    monkeypatch.setattr(PointsEntry.objects, "select_for_update", real)
    assert points_balance(user.pk) == 3
    assert list(PointsEntry.objects.values_list("balance_after", flat=True).order_by("seq")) == [
        10,
        3,
    ]
