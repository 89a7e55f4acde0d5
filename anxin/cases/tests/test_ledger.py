"""The refund ledger: exactly-once refunds, Σ ≤ paid, provider answers that never get lost."""

from datetime import timedelta
from decimal import Decimal

import pytest

from anxin.cases.ledger import OverRefund, refund_issue
from anxin.cases.models import LedgerEntry, Refund
from anxin.catalog.models import OrderLine
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import SYSTEM
from anxin.core.errors import Conflict
from anxin.core.sweeper import sweep_until_idle

from .helpers import NOW, delivered_order

# Refunds move money under row locks and check constraints (also runs on PostgreSQL).
pytestmark = [pytest.mark.django_db, pytest.mark.db]


@pytest.fixture
def line():
    clock.freeze(NOW)
    order = delivered_order(f.merchant("m1"))
    return OrderLine.objects.get(order=order, external_id="L1")  # paid 170.00


def test_the_same_key_refunds_once(line, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = refund_issue(actor=SYSTEM, line_id=line.pk, amount=Decimal("50.00"), key="k1")
        again = refund_issue(actor=SYSTEM, line_id=line.pk, amount=Decimal("50.00"), key="k1")
    assert first.pk == again.pk
    assert Refund.objects.get().status == "succeeded"
    assert sum(e.amount for e in LedgerEntry.objects.all()) == Decimal("50.00")
    with pytest.raises(Conflict):
        refund_issue(actor=SYSTEM, line_id=line.pk, amount=Decimal("60.00"), key="k1")


def test_refunds_never_exceed_what_was_paid(line):
    refund_issue(actor=SYSTEM, line_id=line.pk, amount=Decimal("120.00"), key="a")
    with pytest.raises(OverRefund):
        refund_issue(actor=SYSTEM, line_id=line.pk, amount=Decimal("50.01"), key="b")
    refund_issue(actor=SYSTEM, line_id=line.pk, amount=Decimal("50.00"), key="c")
    assert sum(e.amount for e in LedgerEntry.objects.all()) == line.paid_amount


def test_a_lost_provider_answer_is_asked_again(line, django_capture_on_commit_callbacks):
    # given a refund whose after-commit provider call never happened (the process died)
    refund = refund_issue(actor=SYSTEM, line_id=line.pk, amount=Decimal("10.00"), key="lost")
    assert Refund.objects.get(pk=refund.pk).status == "pending"
    # when the reconcile deadline comes due
    clock.advance(timedelta(minutes=11))
    with django_capture_on_commit_callbacks(execute=True):
        result = sweep_until_idle()
    # then the provider is asked again and the answer recorded
    assert result.fired == 1
    assert Refund.objects.get(pk=refund.pk).status == "succeeded"
