"""Administrators' writes on the desk's settings: SLA policy rows, teams, revisit rules.

Every write is validated (targets positive and ordered sensibly, one active row per type ×
priority × channel), audited, and never touches running clocks: a clock keeps the targets it
started with, like a case keeps its policy snapshot.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from anxin.core.actors import Actor, Role
from anxin.core.audit import audit_record
from anxin.core.errors import Forbidden, ValidationFailed
from anxin.core.validation import model_parse

from .choices import AssignmentMode, Channel, Priority, TicketType
from .models import RevisitRule, SlaPolicy, Team
from .permissions import can_configure_desk

MINUTES_PER_YEAR = 525_600
Minutes = Annotated[int, Field(ge=1, le=MINUTES_PER_YEAR)]


class SlaPolicyIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: Annotated[str, StringConstraints(min_length=1, max_length=80)]
    ticket_type: TicketType | None = None
    priority: Priority | None = None
    channel: Channel | None = None
    first_response_minutes: Minutes
    next_response_minutes: Minutes
    resolution_minutes: Minutes
    calendar: Annotated[str, StringConstraints(pattern=r"^(business|natural)$")] = "business"
    warn_share: Annotated[
        Decimal, Field(ge=Decimal("0.05"), le=Decimal("0.95"), decimal_places=2)
    ] = Decimal("0.75")
    active: bool = True


class TeamIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    supervisor: int | None = None
    assignment_mode: AssignmentMode
    first_line: bool = False


class RevisitRuleIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    delay_days: Annotated[int, Field(ge=1, le=365)]
    active: bool = True


def _admin(actor: Actor) -> None:
    if not can_configure_desk(actor):
        raise Forbidden()


@transaction.atomic
def sla_policy_save(
    *, actor: Actor, data: Mapping[str, object], pk: int | None = None
) -> SlaPolicy:
    """Create or change an SLA row; the first response may not exceed the resolution target."""
    _admin(actor)
    parsed = model_parse(SlaPolicyIn, data)
    assert isinstance(parsed, SlaPolicyIn)
    if parsed.first_response_minutes > parsed.resolution_minutes:
        raise ValidationFailed(
            fields={
                "first_response_minutes": str(
                    _("The first response cannot take longer than the resolution.")
                )
            }
        )
    policy = SlaPolicy.objects.select_for_update().get(pk=pk) if pk else SlaPolicy()
    key = {
        "ticket_type": parsed.ticket_type or "",
        "priority": parsed.priority or "",
        "channel": parsed.channel or "",
    }
    clash = SlaPolicy.objects.filter(active=True, **key).exclude(pk=policy.pk or 0)
    if parsed.active and clash.exists():
        raise ValidationFailed(
            fields={
                "ticket_type": str(_("An active row for this type, priority and channel exists."))
            }
        )
    for name, value in {**parsed.model_dump(), **key}.items():
        setattr(policy, name, value)
    policy.save()
    audit_record(
        actor=actor,
        action="tickets.sla_policy.save",
        subject_type="tickets.slapolicy",
        subject_id=policy.pk,
        data={k: str(v) for k, v in parsed.model_dump().items()},
    )
    return policy


@transaction.atomic
def team_update(*, actor: Actor, team: Team, data: Mapping[str, object]) -> Team:
    """Set a team's supervisor (a platform agent or arbitrator), assignment mode and first line."""
    _admin(actor)
    parsed = model_parse(TeamIn, data)
    assert isinstance(parsed, TeamIn)
    if parsed.supervisor is not None:
        from django.contrib.auth import get_user_model

        ok = get_user_model().objects.filter(
            pk=parsed.supervisor, role__in=[Role.AGENT, Role.ARBITRATOR], is_active=True
        )
        if not ok.exists():
            raise ValidationFailed(fields={"supervisor": str(_("Choose an agent or arbitrator."))})
    locked = Team.objects.select_for_update().get(pk=team.pk)
    locked.supervisor_id = parsed.supervisor
    locked.assignment_mode = parsed.assignment_mode
    locked.first_line = parsed.first_line
    locked.save(update_fields=["supervisor", "assignment_mode", "first_line"])
    if parsed.first_line:  # one first-line team takes what no team claims
        Team.objects.exclude(pk=locked.pk).update(first_line=False)
    audit_record(
        actor=actor,
        action="tickets.team.update",
        subject_type="tickets.team",
        subject_id=locked.pk,
        data=parsed.model_dump(mode="json"),
    )
    return locked


@transaction.atomic
def revisit_rule_update(
    *, actor: Actor, rule: RevisitRule, data: Mapping[str, object]
) -> RevisitRule:
    _admin(actor)
    parsed = model_parse(RevisitRuleIn, data)
    assert isinstance(parsed, RevisitRuleIn)
    rule.delay_days = parsed.delay_days
    rule.active = parsed.active
    rule.save(update_fields=["delay_days", "active"])
    audit_record(
        actor=actor,
        action="tickets.revisit_rule.update",
        subject_type="tickets.revisitrule",
        subject_id=rule.pk,
        data=parsed.model_dump(),
    )
    return rule
