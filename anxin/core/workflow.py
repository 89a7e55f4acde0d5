"""A small explicit workflow engine: a transition table as data, and one function that applies it.

Each domain declares its machine in its own ``workflow.py`` as a list of ``Transition`` rows
(action | from states | to state | roles | guard | deadlines it starts). ``transition()`` is the only
code that changes a workflow's status field: it locks the row, checks the table, saves with
``update_fields``, records the event and an audit row, cancels the deadlines the old state armed,
starts the ones the new state needs, and queues side effects for after the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import clock, deadlines
from .actors import Actor, Role
from .audit import audit_record
from .dispatch import on_commit
from .errors import Conflict, CoreErrorCode, DomainError, Forbidden, NotFound

Guard = Callable[[Any, Actor], "str | Promise | None"]


class TransitionNotAllowed(Conflict):
    default_code = CoreErrorCode.TRANSITION_NOT_ALLOWED
    default_message = _("This action is not possible in the current state.")


class UnknownAction(DomainError):
    status = 400
    default_code = CoreErrorCode.ACTION_UNKNOWN
    default_message = _("Unknown action.")


class ActionForbidden(Forbidden):
    default_code = CoreErrorCode.ACTION_FORBIDDEN
    default_message = _("Your role may not take this action.")


class GuardFailed(Conflict):
    default_code = CoreErrorCode.GUARD_FAILED


class SubjectBusy(Conflict):
    default_code = CoreErrorCode.SUBJECT_BUSY
    default_message = _("Someone else is changing this right now; try again.")


@dataclass(frozen=True)
class Start:
    """A deadline that a transition arms: after ``after``, apply ``action`` as the system."""

    kind: str
    action: str
    after: timedelta | Callable[[Any], timedelta]
    rule: str = ""
    calendar: str = "natural"
    cancel_on_transition: bool = True

    def due_at(self, subject: Any, start: datetime) -> datetime:
        delay = self.after(subject) if callable(self.after) else self.after
        return start + delay


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    guard: Guard | None = None
    starts: tuple[Start, ...] = ()


def row(
    action: str,
    sources: Iterable[str],
    target: str,
    roles: Iterable[str],
    guard: Guard | None = None,
    starts: Sequence[Start] = (),
) -> Transition:
    """One line of a transition table (keeps the tables aligned like a spreadsheet)."""
    return Transition(action, frozenset(sources), target, frozenset(roles), guard, tuple(starts))


@dataclass(frozen=True)
class StepContext:
    """What a workflow's ``record`` hook receives to write its event row."""

    subject: Any
    transition: Transition
    from_state: str
    actor: Actor
    reason: str
    data: dict[str, Any]
    at: datetime


@dataclass(frozen=True)
class TransitionResult:
    subject: Any
    action: str
    from_state: str
    to_state: str
    event: Any


@dataclass
class Workflow:
    """A machine: the model it drives (app label), its status field and its transition table."""

    model_label: str
    transitions: Sequence[Transition]
    status_field: str = "status"
    # Incremented by every transition; deadlines remember it, so one armed in an earlier visit to
    # a state can never fire in a later one.
    version_field: str = "state_version"
    record: Callable[[StepContext], Any] | None = None
    tenant_of: Callable[[Any], int | None] = lambda subject: None
    after_commit: Callable[[TransitionResult], None] | None = None
    _by_action: dict[str, list[Transition]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._by_action = {}
        for t in self.transitions:
            self._by_action.setdefault(t.action, []).append(t)
        for action, rows in self._by_action.items():
            seen: set[str] = set()
            for t in rows:
                if seen & t.sources:
                    raise ValueError(
                        f"{self.model_label}: '{action}' is ambiguous from {seen & t.sources}"
                    )
                seen |= t.sources

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    @property
    def actions(self) -> list[str]:
        return list(self._by_action)

    @property
    def states(self) -> list[str]:
        found: dict[str, None] = {}
        for t in self.transitions:
            for s in sorted(t.sources):
                found[s] = None
            found[t.target] = None
        return list(found)

    def find(self, action: str, state: str) -> Transition | None:
        for t in self._by_action.get(action, []):
            if state in t.sources:
                return t
        return None

    def available(self, subject: Any, actor: Actor) -> list[Transition]:
        """The transitions ``actor`` may take now (guards included)."""
        state = getattr(subject, self.status_field)
        return [
            t
            for t in self.transitions
            if state in t.sources
            and actor.role in t.roles
            and (t.guard is None or t.guard(subject, actor) is None)
        ]

    def mermaid(self) -> str:
        lines = ["stateDiagram-v2"]
        for t in self.transitions:
            for s in sorted(t.sources):
                roles = ", ".join(sorted(t.roles))
                lines.append(f"    {s} --> {t.target}: {t.action} ({roles})")
        return "\n".join(lines)


_REGISTRY: dict[str, Workflow] = {}


def register(workflow: Workflow) -> Workflow:
    _REGISTRY[workflow.model_label.lower()] = workflow
    return workflow


def workflow_for(model_label: str) -> Workflow:
    try:
        return _REGISTRY[model_label.lower()]
    except KeyError:
        raise LookupError(f"no workflow registered for {model_label}") from None


def registered_workflows() -> dict[str, Workflow]:
    return dict(_REGISTRY)


def _lock(workflow: Workflow, subject: Any, skip_locked: bool) -> Any:
    model = workflow.model
    pk = subject.pk if isinstance(subject, models.Model) else subject
    found = model._default_manager.select_for_update(skip_locked=skip_locked).filter(pk=pk).first()
    if found is None:
        if skip_locked and model._default_manager.filter(pk=pk).exists():
            raise SubjectBusy()
        raise NotFound()
    return found


def transition(
    workflow: Workflow,
    *,
    subject: Any,
    action: str,
    actor: Actor,
    reason: str = "",
    data: dict[str, Any] | None = None,
    skip_locked: bool = False,
    expected_version: int | None = None,
) -> TransitionResult:
    """Apply ``action`` to ``subject`` (an instance or a primary key) as ``actor``.

    Raises UnknownAction, TransitionNotAllowed, ActionForbidden or GuardFailed and changes nothing
    in those cases. ``skip_locked`` (the sweeper) raises SubjectBusy instead of waiting for a lock;
    ``expected_version`` refuses to act on a subject that moved on since the caller looked.
    """
    if action not in workflow.actions:
        raise UnknownAction(data={"action": action})
    with transaction.atomic():
        obj = _lock(workflow, subject, skip_locked)
        state = getattr(obj, workflow.status_field)
        version = getattr(obj, workflow.version_field)
        if expected_version is not None and version != expected_version:
            raise TransitionNotAllowed(
                _("The state changed since this action was scheduled."),
                data={"action": action, "state": state},
            )
        rule = workflow.find(action, state)
        if rule is None:
            raise TransitionNotAllowed(data={"action": action, "state": state})
        if actor.role not in rule.roles and not (
            actor.role is Role.INTEGRATOR and actor.platform and Role.ADMIN in rule.roles
        ):
            raise ActionForbidden(data={"action": action, "role": str(actor.role)})
        if rule.guard is not None:
            problem = rule.guard(obj, actor)
            if problem is not None:
                raise GuardFailed(problem, data={"action": action})
        now = clock.now()
        setattr(obj, workflow.status_field, rule.target)
        setattr(obj, workflow.version_field, version + 1)
        update_fields = [workflow.status_field, workflow.version_field]
        if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
            update_fields.append("updated_at")
        obj.save(update_fields=update_fields)
        context = StepContext(obj, rule, state, actor, reason, dict(data or {}), now)
        event = workflow.record(context) if workflow.record else None
        deadlines.deadline_cancel_for(subject_type=workflow.model_label, subject_id=obj.pk, at=now)
        audit_record(
            actor=actor,
            action=f"{workflow.model_label}.{action}",
            merchant_id=workflow.tenant_of(obj),
            subject_type=workflow.model_label,
            subject_id=obj.pk,
            data={"from": state, "to": rule.target, "reason": reason, **(data or {})},
        )
        for start in rule.starts:
            deadlines.deadline_start(
                subject_type=workflow.model_label,
                subject_id=obj.pk,
                kind=start.kind,
                action=start.action,
                due_at=start.due_at(obj, now),
                rule=start.rule,
                calendar=start.calendar,
                cancel_on_transition=start.cancel_on_transition,
                armed_version=version + 1,
                at=now,
            )
        result = TransitionResult(obj, action, state, rule.target, event)
        if workflow.after_commit is not None:
            on_commit(workflow.after_commit, result)
    return result
