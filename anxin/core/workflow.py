"""A small explicit workflow engine: a transition table as data, and one function that applies it.

Each domain declares its machine in its own ``workflow.py`` as a list of ``Transition`` rows
(action | from states | to state | roles | guard | deadlines it starts). ``transition()`` is the only
code that changes a workflow's status field: it locks the row, checks the table, saves with
``update_fields``, records the event and an audit row, cancels the deadlines the old state armed,
starts the ones the new state needs, and queues side effects for after the commit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import calendars, clock, deadlines
from .actors import Actor
from .audit import audit_record
from .dispatch import on_commit
from .errors import Conflict, CoreErrorCode, DomainError, Forbidden, NotFound

Guard = Callable[[Any, Actor], "str | Promise | None"]


class TransitionNotAllowed(Conflict):
    default_code: str = CoreErrorCode.TRANSITION_NOT_ALLOWED
    default_message = _("This action is not possible in the current state.")


class UnknownAction(DomainError):
    status = 400
    default_code: str = CoreErrorCode.ACTION_UNKNOWN
    default_message = _("Unknown action.")


class ActionForbidden(Forbidden):
    default_code: str = CoreErrorCode.ACTION_FORBIDDEN
    default_message = _("Your role may not take this action.")


class GuardFailed(Conflict):
    default_code: str = CoreErrorCode.GUARD_FAILED


class SubjectBusy(Conflict):
    default_code: str = CoreErrorCode.SUBJECT_BUSY
    default_message = _("Someone else is changing this right now; try again.")


@dataclass(frozen=True)
class Start:
    """A deadline armed on a transition or on entering a state: after ``after``, apply ``action``
    as the system. ``after`` may read the subject (its policy); returning None arms nothing."""

    kind: str
    action: str
    after: timedelta | Callable[[Any], timedelta | None]
    rule: str | Callable[[Any], str] = ""
    calendar: str = "natural"
    cancel_on_transition: bool = True

    def delay(self, subject: Any) -> timedelta | None:
        return self.after(subject) if callable(self.after) else self.after

    def rule_for(self, subject: Any) -> str:
        return self.rule(subject) if callable(self.rule) else self.rule


ANY = "*"


@dataclass(frozen=True)
class Transition:
    """One row: ``target`` is a state, or a mapping from the subject's branch (e.g. its case
    type) to a state, with ``ANY`` as the fallback."""

    action: str
    sources: frozenset[str]
    target: str | Mapping[str, str]
    roles: frozenset[str]
    guard: Guard | None = None
    starts: tuple[Start, ...] = ()

    def targets(self) -> list[str]:
        return [self.target] if isinstance(self.target, str) else list(self.target.values())


def row(
    action: str,
    sources: Iterable[str],
    target: str | Mapping[str, str],
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
    to_state: str
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
    # Which branch of a mapped target applies to a subject (e.g. its case type).
    branch: Callable[[Any], str] = lambda subject: ANY
    # Deadlines armed whenever a state is entered ("waiting in X: after N, do Y").
    state_deadlines: Mapping[str, Sequence[Start]] = field(default_factory=dict)
    # Work that must commit with the transition or not at all (e.g. moving money), keyed by action.
    effects: Mapping[str, Callable[[StepContext], None]] = field(default_factory=dict)
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
            for target in t.targets():
                found[target] = None
        return list(found)

    def target_of(self, transition: Transition, subject: Any) -> str:
        if isinstance(transition.target, str):
            return transition.target
        branch = self.branch(subject)
        return transition.target.get(branch, transition.target.get(ANY, ""))

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
            and actor.workflow_role in t.roles
            and (t.guard is None or t.guard(subject, actor) is None)
        ]

    def mermaid(self) -> str:
        lines = ["stateDiagram-v2"]
        for t in self.transitions:
            roles = ", ".join(sorted(t.roles))
            branches: list[tuple[str | None, str]] = (
                [(None, t.target)] if isinstance(t.target, str) else list(t.target.items())
            )
            for s in sorted(t.sources):
                for branch, target in branches:
                    label = t.action if branch in (None, ANY) else f"{t.action} [{branch}]"
                    lines.append(f"    {s} --> {target}: {label} ({roles})")
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


def subject_lock(workflow: Workflow, subject: Any, *, skip_locked: bool = False) -> Any:
    """Lock a workflow's subject row (an instance or a primary key) for a change: NotFound when
    missing; with ``skip_locked``, SubjectBusy instead of waiting for another holder."""
    model = workflow.model
    pk = subject.pk if isinstance(subject, models.Model) else subject
    found = (
        model._default_manager.select_for_update(skip_locked=skip_locked, no_key=True)
        .filter(pk=pk)
        .first()
    )
    if found is None:
        if skip_locked and model._default_manager.filter(pk=pk).exists():
            raise SubjectBusy()
        raise NotFound()
    return found


def _arm(
    workflow: Workflow, obj: Any, starts: Sequence[Start], now: datetime, version: int
) -> None:
    for start in starts:
        delay = start.delay(obj)
        if delay is None:
            continue
        deadlines.deadline_start(
            subject_type=workflow.model_label,
            subject_id=obj.pk,
            kind=start.kind,
            action=start.action,
            due_at=calendars.due_at(start.calendar, now, delay),
            rule=start.rule_for(obj),
            calendar=start.calendar,
            cancel_on_transition=start.cancel_on_transition,
            armed_version=version,
            at=now,
        )


def arm_state_deadlines(workflow: Workflow, obj: Any, *, at: datetime) -> None:
    """Arm the deadlines of the state a new subject starts in (its creation is no transition)."""
    state = getattr(obj, workflow.status_field)
    version = getattr(obj, workflow.version_field)
    _arm(workflow, obj, workflow.state_deadlines.get(state, ()), at, version)


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
        obj = subject_lock(workflow, subject, skip_locked=skip_locked)
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
        if actor.workflow_role not in rule.roles:
            raise ActionForbidden(data={"action": action, "role": str(actor.role)})
        if rule.guard is not None:
            problem = rule.guard(obj, actor)
            if problem is not None:
                raise GuardFailed(problem, data={"action": action})
        now = clock.now()
        target = workflow.target_of(rule, obj)
        if not target:
            raise TransitionNotAllowed(data={"action": action, "state": state})
        setattr(obj, workflow.status_field, target)
        setattr(obj, workflow.version_field, version + 1)
        update_fields = [workflow.status_field, workflow.version_field]
        if any(f.name == "updated_at" for f in obj._meta.concrete_fields):
            update_fields.append("updated_at")
        obj.save(update_fields=update_fields)
        context = StepContext(obj, rule, state, target, actor, reason, dict(data or {}), now)
        effect = workflow.effects.get(action)
        if effect is not None:
            effect(context)
        event = workflow.record(context) if workflow.record else None
        deadlines.deadline_cancel_for(subject_type=workflow.model_label, subject_id=obj.pk, at=now)
        audit_record(
            actor=actor,
            action=f"{workflow.model_label}.{action}",
            merchant_id=workflow.tenant_of(obj),
            subject_type=workflow.model_label,
            subject_id=obj.pk,
            data={"from": state, "to": target, "reason": reason, **(data or {})},
        )
        starts = [*rule.starts, *workflow.state_deadlines.get(target, ())]
        _arm(workflow, obj, starts, now, version + 1)
        result = TransitionResult(obj, action, state, target, event)
        if workflow.after_commit is not None:
            on_commit(workflow.after_commit, result)
    return result
