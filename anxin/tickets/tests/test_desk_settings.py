"""Administrators change SLA rows, teams and revisit rules; others may not; bad values are 4xx."""

from __future__ import annotations

import pytest
from django.test import Client

from anxin.tickets.models import RevisitRule, SlaPolicy, Team

from .desk import Desk

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk(shared_desk: Desk) -> Desk:
    """This module's tests share one desk, built once (see conftest.shared_desk)."""
    return shared_desk


ROW = {
    "name": "Phone urgent",
    "ticket_type": "",
    "priority": "urgent",
    "channel": "phone",
    "first_response_minutes": "15",
    "next_response_minutes": "30",
    "resolution_minutes": "240",
    "calendar": "natural",
    "warn_share": "0.8",
    "active": "on",
}


def admin(desk: Desk) -> Client:
    client = Client()
    client.force_login(desk.world.admin)
    return client


def test_admin_adds_a_policy_and_new_tickets_use_it(desk: Desk) -> None:
    response = admin(desk).post("/manage/desk/sla/", ROW)
    assert response.status_code == 302
    row = SlaPolicy.objects.get(name="Phone urgent")
    ticket = desk.open(user=desk.world.agent, channel="phone", priority="urgent")
    assert ticket.sla_policy_id == row.pk
    first = ticket.sla_clocks.get(metric="first_response")
    assert first.calendar == "natural"
    assert (first.due_at - first.started_at).total_seconds() == 15 * 60


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"first_response_minutes": "0"}, "first_response_minutes"),
        ({"first_response_minutes": "500"}, "first_response_minutes"),  # longer than resolution
        ({"warn_share": "1.5"}, "warn_share"),
        ({"calendar": "lunar"}, "calendar"),
        ({"priority": "", "channel": "", "ticket_type": ""}, "ticket_type"),  # clashes "Default"
        ({"resolution_minutes": "abc"}, "resolution_minutes"),
    ],
)
def test_bad_rows_are_refused_with_the_field(
    desk: Desk, change: dict[str, str], field: str
) -> None:
    before = SlaPolicy.objects.count()
    response = admin(desk).post("/manage/desk/sla/", {**ROW, **change})
    assert response.status_code == 422
    assert 'class="field-error"' in response.content.decode()
    assert SlaPolicy.objects.count() == before


@pytest.mark.parametrize("who", ["agent", "merchant", "consumer"])
def test_only_admins(desk: Desk, who: str) -> None:
    client = Client()
    client.force_login(getattr(desk.world, who))
    team = Team.objects.get(code="technical")
    assert client.get("/manage/desk/").status_code == 403
    assert (
        client.post(
            f"/manage/desk/teams/{team.pk}/", {"assignment_mode": "least_loaded"}
        ).status_code
        == 403
    )
    team.refresh_from_db()
    assert team.assignment_mode == "round_robin"


def test_team_and_rule_changes(desk: Desk) -> None:
    team = Team.objects.get(code="technical")
    client = admin(desk)
    ok = client.post(
        f"/manage/desk/teams/{team.pk}/",
        {"supervisor": str(desk.supervisor.pk), "assignment_mode": "least_loaded"},
    )
    assert ok.status_code == 302
    team.refresh_from_db()
    assert (team.supervisor_id, team.assignment_mode) == (desk.supervisor.pk, "least_loaded")
    bad = client.post(
        f"/manage/desk/teams/{team.pk}/",
        {"supervisor": str(desk.world.consumer.pk), "assignment_mode": "least_loaded"},
    )
    assert bad.status_code == 422
    rule = RevisitRule.objects.get(trigger="repair_completed")
    assert client.post(f"/manage/desk/rules/{rule.pk}/", {"delay_days": "400"}).status_code == 422
    assert (
        client.post(
            f"/manage/desk/rules/{rule.pk}/", {"delay_days": "5", "active": "on"}
        ).status_code
        == 302
    )
    rule.refresh_from_db()
    assert rule.delay_days == 5
