"""The demo desk opens tickets through the services, once."""

from __future__ import annotations

import pytest

from anxin.catalog.demo import demo_load
from anxin.tickets.demo import demo_desk
from anxin.tickets.models import AgentProfile, Ticket

pytestmark = pytest.mark.django_db


def test_demo_desk_opens_tickets_once() -> None:
    demo_load(orders=40, seed=3)
    made = demo_desk(count=30)
    assert made == 30 == Ticket.objects.count()
    assert AgentProfile.objects.filter(availability="online").count() == 3
    statuses = set(Ticket.objects.values_list("status", flat=True))
    assert {"new", "resolved"} <= statuses
    assert len(set(Ticket.objects.values_list("channel", flat=True))) >= 5
    assert demo_desk(count=30) == 0
