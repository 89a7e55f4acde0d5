"""A shop restricted for low credit answers requests sooner (ANXIN_RESTRICTED_REVIEW_HOURS)."""

from datetime import timedelta

import pytest
from django.test import override_settings

from anxin.catalog.services import merchant_transition
from anxin.catalog.tests import factories as f
from anxin.core.actors import SYSTEM
from anxin.core.models import Deadline

from .helpers import NOW, delivered_order, open_case

pytestmark = pytest.mark.django_db


@override_settings(ANXIN_RESTRICTED_REVIEW_HOURS=24)
def test_a_restricted_shop_gets_a_shorter_review_deadline_than_an_active_one():
    active, restricted = f.merchant("m1"), f.merchant("m2")
    first = open_case(delivered_order(active, "A1"))
    order = delivered_order(restricted, "B1")  # placed before the restriction
    merchant_transition(actor=SYSTEM, merchant=restricted, action="warn")
    merchant_transition(actor=SYSTEM, merchant=restricted, action="restrict")
    # when
    second = open_case(order)
    # then
    assert first.policy["merchant_review_hours"] == 48
    assert second.policy["merchant_review_hours"] == 24
    due = Deadline.objects.get(
        subject_type="cases.case", subject_id=second.pk, kind="merchant_review"
    )
    assert due.due_at == NOW + timedelta(hours=24)
