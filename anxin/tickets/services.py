"""Writes on tickets: open from any channel, reply, act (every status change), assign, transfer,
escalate, tag, verify.

Only ``ticket_act`` (through the workflow engine) changes a ticket's status. Replies move the SLA
clocks: an agent's public reply meets the response clocks, a customer's reply starts the next
response clock and brings a waiting ticket back.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from anxin.cases.models import Case
from anxin.catalog.models import Order
from anxin.core import clock
from anxin.core.actors import SYSTEM, Actor, Role
from anxin.core.audit import audit_record
from anxin.core.crypto import lookup_hash
from anxin.core.errors import Forbidden, NotFound, ValidationFailed
from anxin.core.sequences import number_next
from anxin.core.workflow import TransitionResult, subject_lock, transition

from . import assignment, sla
from .choices import (
    OPEN_STATUSES,
    AuthorKind,
    Availability,
    Channel,
    SlaMetric,
    TicketStatus,
    Verification,
    Visibility,
)
from .inputs import TicketOpenIn
from .models import AgentProfile, Tag, Team, Ticket, TicketEvent, TicketMessage
from .notify import ticket_notify
from .permissions import can_open_ticket, can_reply, can_see_internal, is_staff
from .workflow import TICKET_WORKFLOW

MAX_MESSAGE = 10_000  # TicketMessage.body
MAX_TAGS, MAX_TAG_LENGTH = 20, 40


def _reason_required(reason: str) -> str:
    if not reason.strip():
        raise ValidationFailed(fields={"reason": str(_("Give a reason."))})
    return reason.strip()


def _event(
    ticket: Ticket, *, action: str, actor: Actor, at: datetime, reason: str = "", **data: Any
) -> TicketEvent:
    event = TicketEvent.objects.create(
        ticket=ticket,
        action=action,
        from_status=ticket.status,
        to_status=ticket.status,
        actor=actor.audit_label(),
        actor_role=str(actor.role),
        reason=reason,
        data=data,
        created_at=at,
    )
    audit_record(
        actor=actor,
        action=f"tickets.ticket.{action}",
        merchant_id=ticket.merchant_id,
        subject_type="tickets.ticket",
        subject_id=ticket.pk,
        data={"reason": reason, **data},
    )
    return event


def _order_for(actor: Actor, ref: str) -> Order | None:
    """The order a ticket is about: by id, number or the shop's order id, within what the
    actor may see. Anonymous and e-mail senders may name any order by its number, but such a
    ticket stays unverified."""
    if not ref:
        return None
    # The system is platform-wide, so it reads every shop's orders (an e-mail names any of them).
    orders = Order.objects.for_actor(actor)
    try:
        return orders.filter(public_id=uuid.UUID(ref)).first()
    except ValueError:
        pass
    by_number = orders.filter(number=ref).first()
    if by_number is not None:
        return by_number
    # A shop's order id is unique per merchant only: one that several shops use names no order
    # (guessing would show the ticket to the wrong merchant).
    matches = list(orders.filter(external_id=ref)[:2])
    return matches[0] if len(matches) == 1 else None


def _case_for(actor: Actor, number: str) -> Any:
    if not number:
        return None
    return Case.objects.for_actor(actor).filter(number=number).first()


@dataclass(frozen=True)
class Contact:
    """Who wrote, when it is not (or not only) a signed-in user."""

    name: str = ""
    email: str = ""
    phone: str = ""


def _route(ticket: Ticket, *, at: datetime) -> None:
    """Give a new ticket its team and, when someone is free, an agent (team row locked)."""
    team = assignment.team_for(ticket)
    if team is None:
        return
    team = assignment.lock_team(team.pk)
    ticket.team = team
    profile = assignment.choose(team, ticket)
    if profile is not None:
        ticket.assignee_id = profile.user_id
        assignment.mark_assigned(profile, at)


@transaction.atomic
def ticket_open(
    *,
    actor: Actor,
    data: TicketOpenIn,
    channel: str,
    requester_id: int | None = None,
    contact: Contact | None = None,
    verified: bool | None = None,
    mail_message_id: str = "",
) -> Ticket:
    """Reception: record a ticket from any channel with its origin, check identity and order,
    route it to a team and an agent, and start the first-response and resolution clocks."""
    if not can_open_ticket(actor):
        raise Forbidden()
    now = clock.now()
    order = _order_for(actor, data.order)
    if data.order and order is None and not actor.platform:
        raise ValidationFailed(fields={"order": str(_("No such order of yours."))})
    case = _case_for(actor, data.case)
    if data.case and case is None:
        raise ValidationFailed(fields={"case": str(_("No such after-sales request of yours."))})
    if case is not None and order is None:
        order = case.order
    if actor.role is Role.CONSUMER:
        requester_id = actor.user_id
    contact = contact or Contact(
        name=data.contact_name, email=str(data.contact_email or ""), phone=data.contact_phone
    )
    if verified is None:
        # A signed-in consumer asking about their own order is verified by the login itself.
        verified = actor.role is Role.CONSUMER and (
            order is None or order.customer_id in actor.customer_ids
        )
    ticket = Ticket(
        number=number_next(prefix="TK"),
        type=data.type,
        priority=data.priority,
        channel=channel,
        subject=data.subject,
        language=data.language or "zh-hans",
        verification=Verification.VERIFIED if verified else Verification.UNVERIFIED,
        requester_id=requester_id,
        contact_name=contact.name,
        contact_email=contact.email,
        contact_email_hash=lookup_hash(contact.email.strip().lower()) if contact.email else "",
        contact_phone=contact.phone,
        order=order,
        case=case,
        merchant_id=order.merchant_id if order is not None else None,
    )
    ticket.sla_policy = sla.sla_policy_for(ticket)
    _route(ticket, at=now)
    ticket.save()
    TicketMessage.objects.create(
        ticket=ticket,
        visibility=Visibility.PUBLIC,
        author_kind=AuthorKind.AGENT if channel == Channel.PHONE else AuthorKind.CUSTOMER,
        author_id=actor.user_id if channel == Channel.PHONE else requester_id,
        author_label=contact.name,
        channel=channel,
        body=data.body,
        mail_message_id=mail_message_id,
        created_at=now,
    )
    TicketEvent.objects.create(
        ticket=ticket,
        action="open",
        to_status=ticket.status,
        actor=actor.audit_label(),
        actor_role=str(actor.role),
        data={"channel": channel, "team": ticket.team.code if ticket.team else ""},
        created_at=now,
    )
    audit_record(
        actor=actor,
        action="tickets.ticket.open",
        merchant_id=ticket.merchant_id,
        subject_type="tickets.ticket",
        subject_id=ticket.pk,
        data={"channel": channel, "type": ticket.type, "verification": ticket.verification},
    )
    sla.sla_clock_start(ticket=ticket, metric=SlaMetric.FIRST_RESPONSE, at=now)
    sla.sla_clock_start(ticket=ticket, metric=SlaMetric.RESOLUTION, at=now)
    if ticket.assignee_id is not None:
        _event(ticket, action="assign", actor=SYSTEM, at=now, assignee=ticket.assignee_id)
    ticket_notify(ticket=ticket, kind="open", at=now)
    return ticket


def _lock(ticket: Ticket | int, *, skip_locked: bool = False) -> Ticket:
    locked: Ticket = subject_lock(TICKET_WORKFLOW, ticket, skip_locked=skip_locked)
    return locked


def ticket_act(
    *,
    actor: Actor,
    ticket: Ticket,
    action: str,
    reason: str = "",
    version: int | None = None,
    data: dict[str, Any] | None = None,
) -> TransitionResult:
    """Every status change: the workflow table decides who may do what, from which state."""
    # Only staff merge (the table refuses everyone else): looking the target up for anyone else
    # would tell a merchant or a consumer whether another shop's ticket number exists.
    if action == "merge" and is_staff(actor):
        target = (data or {}).get("into", "")
        into = Ticket.objects.filter(number=target).exclude(pk=ticket.pk).first()
        if into is None or into.status not in OPEN_STATUSES:
            raise ValidationFailed(fields={"into": str(_("Name an open ticket to merge into."))})
        data = {**(data or {}), "into": into.number, "into_id": into.pk}
    with transaction.atomic():
        result = transition(
            TICKET_WORKFLOW,
            subject=ticket.pk,
            action=action,
            actor=actor,
            reason=reason,
            data=data,
            expected_version=version,
        )
        ticket_notify(ticket=result.subject, kind=action, at=clock.now(), actor=actor)
    return result


def _author_kind(actor: Actor) -> str:
    if is_staff(actor):
        return AuthorKind.AGENT
    if actor.role is Role.CONSUMER:
        return AuthorKind.CUSTOMER
    if actor.merchant_ids:
        return AuthorKind.MERCHANT
    return AuthorKind.SYSTEM


@transaction.atomic
def ticket_reply(
    *,
    actor: Actor,
    ticket: Ticket,
    body: str,
    internal: bool = False,
    channel: str = Channel.WEB,
    mail_message_id: str = "",
    author_label: str = "",
    from_customer: bool = False,
) -> TicketMessage:
    """Add a reply or an internal note, and move the ticket and its clocks accordingly.

    ``from_customer`` marks a reply that arrived by a channel on the customer's behalf (e-mail).
    """
    if not from_customer and not can_reply(actor, ticket):
        raise NotFound()
    body = body.strip()
    if not body or len(body) > MAX_MESSAGE:
        raise ValidationFailed(
            fields={"body": str(_("Write a message of at most 10,000 characters."))}
        )
    if internal and not can_see_internal(actor):
        raise Forbidden()
    ticket = _lock(ticket)
    now = clock.now()
    kind = AuthorKind.CUSTOMER if from_customer else _author_kind(actor)
    message = TicketMessage.objects.create(
        ticket=ticket,
        visibility=Visibility.INTERNAL if internal else Visibility.PUBLIC,
        author_kind=kind,
        author_id=None if from_customer else actor.user_id,
        author_label=author_label[:80],
        channel=channel,
        body=body,
        mail_message_id=mail_message_id,
        created_at=now,
    )
    if internal or kind == AuthorKind.MERCHANT:
        return message
    if kind == AuthorKind.AGENT:
        _agent_replied(ticket, actor=actor, now=now)
    elif kind == AuthorKind.CUSTOMER:
        _customer_replied(ticket, actor=SYSTEM if from_customer else actor, now=now)
    ticket_notify(ticket=ticket, kind=f"reply_{kind}", at=now, actor=actor, message=message)
    return message


def _agent_replied(ticket: Ticket, *, actor: Actor, now: datetime) -> None:
    if ticket.first_response_at is None:
        ticket.first_response_at = now
        ticket.save(update_fields=["first_response_at", "updated_at"])
    sla.sla_clocks_move(
        ticket=ticket,
        action="meet",
        metrics=[SlaMetric.FIRST_RESPONSE, SlaMetric.NEXT_RESPONSE],
        reason="agent replied",
    )
    if ticket.status == TicketStatus.NEW:
        transition(TICKET_WORKFLOW, subject=ticket.pk, action="accept", actor=actor)


def _customer_replied(ticket: Ticket, *, actor: Actor, now: datetime) -> None:
    status = ticket.status
    if status == TicketStatus.PENDING_CUSTOMER:
        transition(TICKET_WORKFLOW, subject=ticket.pk, action="customer_replied", actor=actor)
    elif status == TicketStatus.CLOSED:
        # a reply within the reopen window reopens; later, the guard explains a new ticket is due
        transition(TICKET_WORKFLOW, subject=ticket.pk, action="reopen", actor=SYSTEM)
    if ticket.first_response_at is not None and not sla.sla_has_live(
        ticket, SlaMetric.NEXT_RESPONSE
    ):
        ticket.refresh_from_db(fields=["sla_policy"])
        sla.sla_clock_start(ticket=ticket, metric=SlaMetric.NEXT_RESPONSE, at=now)


@transaction.atomic
def ticket_escalate(
    *, actor: Actor, ticket: Ticket | int, reason: str, skip_locked: bool = False
) -> Ticket:
    """Raise the escalation level and hand the ticket to its team's supervisor (people give a
    reason; the system names the rule). Staff and the system only: a customer escalates by
    rejecting the resolution, which the workflow table allows."""
    _require_staff(actor)
    return escalate_on_behalf(actor=actor, ticket=ticket, reason=reason, skip_locked=skip_locked)


def escalate_on_behalf(
    *, actor: Actor, ticket: Ticket | int, reason: str, skip_locked: bool = False
) -> Ticket:
    """The escalation itself, for workflow effects whose action the table has already allowed
    (a customer's rejection escalates in the customer's name)."""
    reason = _reason_required(reason)
    locked = _lock(ticket, skip_locked=skip_locked)
    now = clock.now()
    locked.escalation_level += 1
    supervisor = locked.team.supervisor_id if locked.team_id and locked.team else None
    if supervisor is not None:
        locked.assignee_id = supervisor
    locked.save(update_fields=["escalation_level", "assignee", "updated_at"])
    _event(
        locked,
        action="escalate",
        actor=actor,
        at=now,
        reason=reason,
        level=locked.escalation_level,
        assignee=supervisor,
    )
    ticket_notify(ticket=locked, kind="escalate", at=now, actor=actor)
    return locked


def _require_staff(actor: Actor) -> None:
    if not is_staff(actor):
        raise Forbidden()


@transaction.atomic
def ticket_assign(
    *, actor: Actor, ticket: Ticket, assignee_id: int | None, reason: str = ""
) -> Ticket:
    """Hand a ticket to a named agent (or back to the team queue). The SLA clocks keep running."""
    _require_staff(actor)
    locked = _lock(ticket)
    if assignee_id is not None and not AgentProfile.objects.filter(user_id=assignee_id).exists():
        raise ValidationFailed(fields={"assignee": str(_("Choose an agent of the desk."))})
    locked.assignee_id = assignee_id
    locked.save(update_fields=["assignee", "updated_at"])
    _event(
        locked, action="assign", actor=actor, at=clock.now(), reason=reason, assignee=assignee_id
    )
    return locked


@transaction.atomic
def ticket_transfer(*, actor: Actor, ticket: Ticket, team_code: str, reason: str) -> Ticket:
    """Diagnosis: hand the ticket to a specialist team; an agent there is chosen at once when one
    is free. The SLA clocks keep running: a transfer never restarts the customer's wait."""
    _require_staff(actor)
    reason = _reason_required(reason)
    team = Team.objects.filter(code=team_code).first()
    if team is None:
        raise ValidationFailed(fields={"team": str(_("No such team."))})
    locked = _lock(ticket)
    now = clock.now()
    team = assignment.lock_team(team.pk)
    locked.team = team
    locked.assignee_id = None
    profile = assignment.choose(team, locked)
    if profile is not None:
        locked.assignee_id = profile.user_id
        assignment.mark_assigned(profile, now)
    locked.save(update_fields=["team", "assignee", "updated_at"])
    _event(
        locked,
        action="transfer",
        actor=actor,
        at=now,
        reason=reason,
        team=team.code,
        assignee=locked.assignee_id,
    )
    return locked


@transaction.atomic
def ticket_tags_set(*, actor: Actor, ticket: Ticket, names: list[str]) -> Ticket:
    _require_staff(actor)
    locked = _lock(ticket)
    clean = sorted({n.strip().lower() for n in names if n.strip()})
    if len(clean) > MAX_TAGS or any(len(n) > MAX_TAG_LENGTH for n in clean):
        raise ValidationFailed(fields={"tags": str(_("At most 20 tags of 40 characters."))})
    tags = [Tag.objects.get_or_create(name=n)[0] for n in clean]
    locked.tags.set(tags)
    _event(locked, action="tag", actor=actor, at=clock.now(), tags=clean)
    return locked


@transaction.atomic
def ticket_verify(*, actor: Actor, ticket: Ticket, verified: bool, note: str = "") -> Ticket:
    """Reception: an agent confirms (or fails to confirm) the caller's identity and order."""
    _require_staff(actor)
    locked = _lock(ticket)
    locked.verification = Verification.VERIFIED if verified else Verification.UNVERIFIED
    locked.save(update_fields=["verification", "updated_at"])
    _event(
        locked,
        action="verify",
        actor=actor,
        at=clock.now(),
        reason=note,
        result=locked.verification,
    )
    return locked


@transaction.atomic
def agent_availability_set(*, actor: Actor, availability: str) -> AgentProfile:
    """An agent goes online, away or off; coming online picks up waiting tickets of their teams."""
    if actor.user_id is None or not is_staff(actor):
        raise Forbidden()
    if availability not in Availability.values:
        raise ValidationFailed(fields={"availability": str(_("Choose online, away or off."))})
    profile, _created = AgentProfile.objects.get_or_create(user_id=actor.user_id)
    profile.availability = availability
    profile.save(update_fields=["availability"])
    audit_record(
        actor=actor,
        action="tickets.agent.availability",
        subject_type="tickets.agentprofile",
        subject_id=profile.pk,
        data={"availability": availability},
    )
    if availability == Availability.ONLINE:
        for team in profile.teams.all():
            tickets_assign_waiting(team_id=team.pk)
    return profile


@transaction.atomic
def tickets_assign_waiting(*, team_id: int) -> int:
    """Give the team's unassigned open tickets to free agents, oldest first."""
    team = assignment.lock_team(team_id)
    now = clock.now()
    done = 0
    for ticket in assignment.unassigned_in(team)[:200]:
        profile = assignment.choose(team, ticket)
        if profile is None:
            break
        Ticket.objects.filter(pk=ticket.pk, assignee__isnull=True).update(
            assignee_id=profile.user_id, updated_at=now
        )
        assignment.mark_assigned(profile, now)
        _event(ticket, action="assign", actor=SYSTEM, at=now, assignee=profile.user_id)
        done += 1
    return done
