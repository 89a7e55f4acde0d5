"""The sweeper reaches production three ways: the command, a Celery beat task, the embedded thread."""

import sys
from datetime import datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import call_command

from anxin.catalog.models import Merchant
from anxin.catalog.tests.factories import merchant
from anxin.catalog.workflow import MERCHANT_WORKFLOW
from anxin.core import calendars, clock, embedded
from anxin.core.actors import Actor, Role
from anxin.core.tasks import deadline_sweep_task
from anxin.core.workflow import transition

ADMIN = Actor(role=Role.ADMIN, user_id=1, platform=True)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def warned_and_due(db):
    shop = merchant(status="active")
    transition(MERCHANT_WORKFLOW, subject=shop, action="warn", actor=ADMIN)
    clock.freeze(clock.now() + timedelta(days=31))
    return shop


def test_the_celery_task_sweeps(warned_and_due):
    # eager in the embedded shape; beat schedules it every 2 s when REDIS_URL is set
    assert deadline_sweep_task.delay().get() == {
        "fired": 1,
        "noop": 0,
        "busy": 0,
        "retried": 0,
        "failed": 0,
    }
    assert Merchant.objects.get(pk=warned_and_due.pk).status == "restricted"
    assert settings.CELERY_BEAT_SCHEDULE["sweep-deadlines"]["task"] == deadline_sweep_task.name


def test_the_command_sweeps_once(warned_and_due):
    out = StringIO()
    call_command("run_sweeper", "--once", stdout=out)
    assert "fired=1" in out.getvalue()


def test_the_embedded_thread_starts_only_in_the_serving_process(monkeypatch, settings):
    settings.ANXIN_EMBEDDED_SWEEPER = True
    monkeypatch.setattr(sys, "argv", ["manage.py", "migrate"])
    assert embedded.embedded_sweeper_start() is None
    monkeypatch.setattr(sys, "argv", ["manage.py", "runserver", "--noreload"])
    assert embedded.serving_process()
    settings.ANXIN_EMBEDDED_SWEEPER = False
    assert embedded.embedded_sweeper_start() is None


@pytest.mark.django_db
def test_a_business_hours_deadline_skips_a_holiday():
    # given 4 business hours started on 2026-09-30 16:00 (National Day holidays Oct 1–7)
    # (a fixed instant: deriving it from today's UTC date moved it to Oct 1 after 16:00 UTC)
    start = datetime(2026, 9, 30, 16, 0, tzinfo=SHANGHAI)
    # when / then
    due = calendars.due_at("business", start, timedelta(hours=4))
    assert due == start.replace(month=10, day=8, hour=11)
    assert calendars.due_at("natural", start, timedelta(hours=4)) == start + timedelta(hours=4)
    with pytest.raises(LookupError):
        calendars.due_at("lunar", start, timedelta(hours=1))
