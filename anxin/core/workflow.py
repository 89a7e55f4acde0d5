"""A small explicit workflow engine: a transition table as data, and one function that applies it.

Each domain declares its machine in its own ``workflow.py`` as a list of ``Transition`` rows
(action | from states | to state | roles | guard | deadlines it starts) and its deadline map: plain
data, no database, no effects. The app's ``effects.py`` then ``register``s the machine with what it
does besides changing the status — its effects (function objects, keyed by action), its ``History``
(the event table every transition writes a row to) and the steps after that row — so a reader can
follow a transition from the table to its effects, and ``services.py`` imports the table without
importing the effects back.

``transition()`` is the only code that changes a workflow's status field: it locks the row, checks
the table, saves with ``update_fields``, runs the action's effect, records the event row and an
audit row, cancels the deadlines the old state armed and starts the ones the new state needs.
Effects queue their own work for after the commit (``core.dispatch.on_commit``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from . import calendars, clock, deadlines
from .actors import Actor
from .audit import audit_record
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
    """What a workflow's effects and its history writer receive about one transition."""

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


Effect = Callable[[StepContext], None]


def step_data(step: StepContext) -> dict[str, Any]:
    """The transition's data as given (for a history table that keeps all of it)."""
    return step.data


@dataclass(frozen=True)
class History:
    """The event table a workflow writes one row to per transition, and which of the common
    columns (``action``, ``from_status``/``to_status``, ``actor``, ``actor_role``, ``reason``,
    ``data``, ``created_at``) it has; one writer for every machine keeps the rows alike."""

    model_label: str
    # The row's link to the subject, e.g. "case" (or "ticket_id" with ``of_subject``).
    subject_field: str
    # What to store in ``subject_field`` when it is not the subject itself (a clock's ticket).
    of_subject: Callable[[Any], Any] | None = None
    action_prefix: str = ""
    # Only these actions get a row (None: every action).
    actions: frozenset[str] | None = None
    states: bool = True
    actor_role: bool = True
    # The ``data`` column's content; None when the table keeps no data.
    data: Callable[[StepContext], dict[str, Any]] | None = None

    def record(self, step: StepContext) -> models.Model | None:
        """Write the row of one transition (inside it); None for an action the table skips."""
        action = step.transition.action
        if self.actions is not None and action not in self.actions:
            return None
        subject = step.subject if self.of_subject is None else self.of_subject(step.subject)
        columns: dict[str, Any] = {
            self.subject_field: subject,
            "action": f"{self.action_prefix}{action}",
            "actor": step.actor.audit_label(),
            "reason": step.reason,
            "created_at": step.at,
        }
        if self.states:
            columns |= {"from_status": step.from_state, "to_status": step.to_state}
        if self.actor_role:
            columns["actor_role"] = str(step.actor.role)
        if self.data is not None:
            columns["data"] = self.data(step)
        return apps.get_model(self.model_label)._default_manager.create(**columns)


@dataclass(frozen=True)
class Hooks:
    """What a registered workflow does besides changing the status, all in the transition's
    transaction: the action's effect, then the history row, then the steps after every row."""

    history: History | None = None
    effects: Mapping[str, Effect] = field(default_factory=dict)
    after_record: Sequence[Effect] = ()


@dataclass
class Workflow:
    """A machine as data: the model it drives (app label), its status field, its transition
    table and its deadline map; ``register`` gives it its hooks."""

    model_label: str
    transitions: Sequence[Transition]
    status_field: str = "status"
    # Incremented by every transition; deadlines remember it, so one armed in an earlier visit to
    # a state can never fire in a later one.
    version_field: str = "state_version"
    tenant_of: Callable[[Any], int | None] = lambda subject: None
    # Which branch of a mapped target applies to a subject (e.g. its case type).
    branch: Callable[[Any], str] = lambda subject: ANY
    # Deadlines armed whenever a state is entered ("waiting in X: after N, do Y").
    state_deadlines: Mapping[str, Sequence[Start]] = field(default_factory=dict)
    # Set once by ``register`` (from the app's effects.py); a machine without them cannot move.
    hooks: Hooks | None = field(default=None, init=False)
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


def register(
    workflow: Workflow,
    *,
    history: History | None = None,
    effects: Mapping[str, Effect] | None = None,
    after_record: Sequence[Effect] = (),
) -> Workflow:
    """Give a machine its hooks (once, from its app's effects.py) and make it known to the
    sweeper and the diagram command; an effect for an action the table lacks is a typo."""
    effects = dict(effects or {})
    unknown = set(effects) - set(workflow.actions)
    if unknown:
        raise ValueError(f"{workflow.model_label}: effects for unknown actions {sorted(unknown)}")
    if workflow.hooks is not None:
        raise ValueError(f"{workflow.model_label}: registered twice")
    workflow.hooks = Hooks(history=history, effects=effects, after_record=tuple(after_record))
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
        hooks = workflow.hooks
        if hooks is None:
            raise ImproperlyConfigured(
                f"{workflow.model_label}: not registered (its app's effects.py registers it)"
            )
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
        effect = hooks.effects.get(action)
        if effect is not None:
            effect(context)
        event = hooks.history.record(context) if hooks.history is not None else None
        for step in hooks.after_record:
            step(context)
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
    return TransitionResult(obj, action, state, target, event)
