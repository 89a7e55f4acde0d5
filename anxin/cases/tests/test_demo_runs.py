"""Demo case runs that load their own world: the same seed twice, --if-empty, and no cases."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction

from anxin.cases.demo import demo_cases
from anxin.cases.models import Case
from anxin.catalog.demo import demo_load
from anxin.core import clock

from .test_demo import NOW, ORDERS, _snapshot


@pytest.fixture
def frozen_clock():
    with clock.frozen(NOW):
        yield NOW


class _Rollback(Exception):
    pass


def test_the_same_seed_gives_the_same_cases(db, frozen_clock):
    # given
    demo_load(orders=ORDERS, seed=5)
    try:
        with transaction.atomic():
            demo_cases(count=15, seed=3)
            first = _snapshot()
            raise _Rollback
    except _Rollback:
        pass
    # when
    made = demo_cases(count=15, seed=3)
    # then
    assert _snapshot() == first
    assert made == len(first) >= 12


def test_an_if_empty_run_gives_a_demo_world_without_cases_its_cases(db, frozen_clock):
    # given: a demo world loaded before there were demo cases
    demo_load(orders=ORDERS, seed=5)
    out = StringIO()
    # when
    call_command(
        "demo_data", "--orders", "50", "--cases", "8", "--if-empty", "--no-reputation", stdout=out
    )
    # then
    assert 6 <= Case.objects.count() <= 8
    assert "Orders already exist" in out.getvalue()


def test_no_cases_when_asked_for_none(db, frozen_clock):
    # given / when
    call_command(
        "demo_data", "--orders", "40", "--cases", "0", "--no-reputation", stdout=StringIO()
    )
    # then
    assert not Case.objects.exists()
