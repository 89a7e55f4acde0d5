"""Writes on the rules: policy rows, reason codes, the business calendar, category exclusions.

Every value of a policy row is checked against the law (``resolve.LEGAL_LIMITS``) before it is
saved. A merchant's row is also checked against what the shop inherits from the platform: a
merchant may only be *more generous* to consumers (``resolve.kinder``), never stricter. Resolution
ignores a stricter merchant value anyway (the platform row may change later); saving refuses it, so
nobody believes a rule is in force when it is not. Each change writes an audit row.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, TypeVar

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError

from anxin.catalog.models import Category, Merchant
from anxin.core.actors import Actor
from anxin.core.audit import audit_record
from anxin.core.errors import Forbidden, NotFound, ValidationFailed
from anxin.core.validation import localized_field_errors, model_parse

from .choices import Fault, PolicyScope
from .inputs import CalendarDayIn, CategoryFlagsIn, PolicyIn, ReasonIn
from .models import POLICY_FIELDS, CalendarDay, Policy, Reason
from .permissions import can_edit_shop_policy, can_write_rules
from .resolve import LEGAL_LIMITS, kinder, policy_resolve

In = TypeVar("In", bound=BaseModel)
FieldErrors = dict[str, Any]
SATURDAY = 5
# Free text a merchant cannot be held to "more generous": only the platform edits it.
CONDITION_FIELDS = ("intact_conditions_zh", "intact_conditions_en")


def _parse(schema: type[In], data: In | Mapping[str, Any]) -> In:
    return model_parse(schema, data) if isinstance(data, Mapping) else data


def _require_rule_writer(actor: Actor) -> None:
    if not can_write_rules(actor):
        raise Forbidden()


# --- how values read ---------------------------------------------------------------------------


def field_unit(field: str) -> str:
    """ "days", "hours" or "percent": how a policy field's number is counted."""
    if field.endswith("_hours"):
        return "hours"
    if field.endswith("_percent"):
        return "percent"
    return "days"


def _plain(value: Any) -> str:
    text = f"{value:f}" if isinstance(value, Decimal) else str(value)
    return text.rstrip("0").rstrip(".") if "." in text else text


def amount_text(field: str, value: Any) -> str:
    """A field's value with its unit, in the active language ("7 days", "48 hours", "5%")."""
    unit = field_unit(field)
    if unit == "percent":
        return _("%(n)s%%") % {"n": _plain(value)}
    if unit == "hours":
        return ngettext("%(n)s hour", "%(n)s hours", int(value)) % {"n": value}
    return ngettext("%(n)s day", "%(n)s days", int(value)) % {"n": value}


def generous_text(field: str) -> str:
    """Which way is more generous to consumers, in words for a table or an error."""
    unit = field_unit(field)
    if POLICY_FIELDS[field] == "up":
        return _("longer is more generous")
    if unit == "percent":
        return _("lower is more generous")
    return _("shorter is more generous")


def legal_problem(field: str, value: Any) -> str | None:
    """Why ``value`` crosses the law for ``field``, or None."""
    floor, ceiling = LEGAL_LIMITS.get(field, (None, None))
    if floor is not None and value < floor:
        return _("The law requires at least %(limit)s.") % {"limit": amount_text(field, floor)}
    if ceiling is not None and value > ceiling:
        return _("The law allows at most %(limit)s.") % {"limit": amount_text(field, ceiling)}
    return None


def platform_values() -> dict[str, Any]:
    """What every shop inherits before any category or merchant row: the platform row, clamped
    to the law (the baseline a merchant row must match or beat)."""
    return dict(policy_resolve(merchant_id=None, category=None).values)


def stricter_problem(field: str, value: Any, inherited: Any) -> str | None:
    """Why a merchant's ``value`` is stricter than the inherited one, or None."""
    if value is None or inherited is None or kinder(field, value, inherited) == value:
        return None
    limit = {"inherited": amount_text(field, inherited)}
    if POLICY_FIELDS[field] == "up":
        return (
            _(
                "Stricter than the platform's %(inherited)s: a shop may offer %(inherited)s or more, never less."
            )
            % limit
        )
    return (
        _(
            "Stricter than the platform's %(inherited)s: a shop may offer %(inherited)s or less, never more."
        )
        % limit
    )


# --- policy rows -------------------------------------------------------------------------------


def _target(
    data: PolicyIn, actor: Actor, errors: FieldErrors
) -> tuple[Category | None, Merchant | None]:
    category = merchant = None
    if data.scope == PolicyScope.CATEGORY:
        if not data.category:
            errors["category"] = _("Choose a category.")
        else:
            category = Category.objects.filter(code=data.category).first()
            if category is None:
                errors["category"] = _("Unknown category.")
    elif data.category:
        errors["category"] = _("Only category rows name a category.")
    if data.scope == PolicyScope.MERCHANT:
        if not data.merchant:
            errors["merchant"] = _("Choose a merchant.")
        else:
            merchant = Merchant.objects.for_actor(actor).filter(code=data.merchant).first()
            if merchant is None:
                errors["merchant"] = _("Unknown merchant.")
                merchant = None
    elif data.merchant:
        errors["merchant"] = _("Only merchant rows name a merchant.")
    return category, merchant


def _check_writer(actor: Actor, scope: str, merchant: Merchant | None) -> None:
    if can_write_rules(actor):
        return
    if scope != PolicyScope.MERCHANT or merchant is None:
        raise Forbidden()
    if not actor.can_see_merchant(merchant.pk):
        raise NotFound()
    if not can_edit_shop_policy(actor):
        raise Forbidden(_("Only the shop's administrators may change its policy."))


def _row_code(scope: str, category: Category | None, merchant: Merchant | None) -> str:
    if scope == PolicyScope.PLATFORM:
        return "P-platform"
    target: Category | Merchant | None = category if category is not None else merchant
    assert target is not None
    prefix = "P-cat-" if category is not None else "P-m-"
    code = f"{prefix}{target.code}"
    return code if len(code) <= 40 else f"{prefix}#{target.pk}"


def _existing(scope: str, category: Category | None, merchant: Merchant | None) -> Policy | None:
    rows = Policy.objects.select_for_update(no_key=True).filter(scope=scope)
    if scope == PolicyScope.CATEGORY:
        rows = rows.filter(category=category)
    elif scope == PolicyScope.MERCHANT:
        rows = rows.filter(merchant=merchant)
    return rows.first()


def policy_check(data: PolicyIn, *, inherited: Mapping[str, Any] | None = None) -> FieldErrors:
    """Per-field problems of a row's values: the law for every row, a value for every field of the
    platform row, and "never stricter than what it inherits" for merchant rows."""
    errors: FieldErrors = {}
    for field in POLICY_FIELDS:
        value = getattr(data, field)
        if value is None:
            if data.scope == PolicyScope.PLATFORM:
                errors[field] = _("The platform default needs a value.")
            continue
        problem = legal_problem(field, value)
        if problem is None and data.scope == PolicyScope.MERCHANT and inherited is not None:
            problem = stricter_problem(field, value, inherited.get(field))
        if problem:
            errors[field] = problem
    return errors


def _parse_policy(data: PolicyIn | Mapping[str, Any]) -> tuple[PolicyIn, FieldErrors]:
    """The row with its malformed values left out, and their errors: the rules still check the
    rest, so one answer names every problem of the form."""
    if isinstance(data, PolicyIn):
        return data, {}
    try:
        return PolicyIn.model_validate(data), {}
    except PydanticError as exc:
        errors: FieldErrors = dict(localized_field_errors(list(exc.errors())))  # type: ignore[arg-type]
    bad = {path.split(".")[0] for path in errors}
    try:
        rest = PolicyIn.model_validate({k: v for k, v in data.items() if k not in bad})
    except PydanticError:
        raise ValidationFailed(fields=errors) from None
    return rest, errors


@transaction.atomic
def policy_save(
    *, actor: Actor, data: PolicyIn | Mapping[str, Any], expect_new: bool = False
) -> Policy:
    """Create or update the row of one layer (platform, a category or a merchant).

    Empty values inherit from the layer below. ``expect_new`` refuses to overwrite a row that
    already exists (the "add a row" form). Merchant administrators may save their own shop's row;
    everything else is for platform administrators. Intact conditions of a merchant row are the
    platform's to write: a merchant's edit keeps them as they are.
    """
    parsed, malformed = _parse_policy(data)
    errors: FieldErrors = {}
    category, merchant = _target(parsed, actor, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    _check_writer(actor, parsed.scope, merchant)
    row = _existing(parsed.scope, category, merchant)
    if row is not None and expect_new:
        raise ValidationFailed(
            fields={
                "category" if category else "merchant": _(
                    "This one already has its own row: edit that row instead."
                )
            }
        )
    merchant_writing = not can_write_rules(actor)
    if merchant_writing:
        stored = {name: getattr(row, name) if row else "" for name in CONDITION_FIELDS}
        for name in CONDITION_FIELDS:
            given = getattr(parsed, name)
            if given and given != stored[name]:
                errors[name] = _("Only the platform sets the intact conditions.")
        parsed = parsed.model_copy(update=stored)
    inherited = platform_values() if parsed.scope == PolicyScope.MERCHANT else None
    errors.update(policy_check(parsed, inherited=inherited))
    errors.update(malformed)
    if errors:
        raise ValidationFailed(fields=errors)
    names = [*POLICY_FIELDS, *CONDITION_FIELDS]
    created = row is None
    if row is None:
        row = Policy(
            scope=parsed.scope,
            category=category,
            merchant=merchant,
            code=_row_code(parsed.scope, category, merchant),
        )
    changes = {}
    for name in names:
        old, new = getattr(row, name), getattr(parsed, name)
        if old != new:
            changes[name] = [old, new]
        setattr(row, name, new)
    if created or changes:
        row.save()
        audit_record(
            actor=actor,
            action="policies.policy.create" if created else "policies.policy.update",
            merchant_id=merchant.pk if merchant else None,
            subject_type="policies.policy",
            subject_id=row.pk,
            data={"code": row.code, "scope": row.scope, "changes": changes},
        )
    return row


# --- reasons -----------------------------------------------------------------------------------


def _reason_errors(data: ReasonIn) -> FieldErrors:
    errors: FieldErrors = {}
    if data.is_quality and data.fault != Fault.MERCHANT:
        errors["fault"] = _("A quality problem is the merchant's fault (CPL art. 24).")
    return errors


@transaction.atomic
def reason_create(*, actor: Actor, data: ReasonIn | Mapping[str, Any]) -> Reason:
    """Add a reason code: top-level (``quality``) or under its parent (``quality/scratched``)."""
    _require_rule_writer(actor)
    parsed = _parse(ReasonIn, data)
    errors = _reason_errors(parsed)
    parent = None
    if parsed.parent:
        parent = Reason.objects.filter(code=parsed.parent).first()
        if parent is None:
            errors["parent"] = _("Unknown parent reason.")
        elif not parsed.code.startswith(f"{parent.code}/") or "/" in parsed.code.removeprefix(
            f"{parent.code}/"
        ):
            errors["code"] = _(
                "A child's code is its parent's code, a slash and a name: %(ex)s."
            ) % {"ex": f"{parent.code}/…"}
    elif "/" in parsed.code:
        errors["code"] = _("A top-level code has no slash; choose its parent instead.")
    if Reason.objects.filter(code=parsed.code).exists():
        errors["code"] = _("This code is already in use.")
    if errors:
        raise ValidationFailed(fields=errors)
    reason = Reason.objects.create(
        code=parsed.code,
        parent=parent,
        name_zh=parsed.name_zh,
        name_en=parsed.name_en,
        fault=parsed.fault,
        is_quality=parsed.is_quality,
        selectable=parsed.selectable,
    )
    audit_record(
        actor=actor,
        action="policies.reason.create",
        subject_type="policies.reason",
        subject_id=reason.pk,
        data=parsed.model_dump(mode="json"),
    )
    return reason


@transaction.atomic
def reason_update(*, actor: Actor, reason: Reason, data: ReasonIn | Mapping[str, Any]) -> Reason:
    """Change a reason's names, fault and flags. Its code and parent stay: cases and integrators
    refer to the code."""
    _require_rule_writer(actor)
    parsed = _parse(ReasonIn, data)
    errors = _reason_errors(parsed)
    parent_code = reason.parent.code if reason.parent_id and reason.parent else None
    if parsed.code != reason.code:
        errors["code"] = _("A reason's code cannot change.")
    if (parsed.parent or None) != parent_code:
        errors["parent"] = _("A reason's parent cannot change.")
    if errors:
        raise ValidationFailed(fields=errors)
    changes = {}
    for name in ("name_zh", "name_en", "fault", "is_quality", "selectable"):
        old, new = getattr(reason, name), getattr(parsed, name)
        if old != new:
            changes[name] = [old, str(new) if isinstance(new, Fault) else new]
            setattr(reason, name, new)
    if changes:
        reason.save()
        audit_record(
            actor=actor,
            action="policies.reason.update",
            subject_type="policies.reason",
            subject_id=reason.pk,
            data={"code": reason.code, "changes": changes},
        )
    return reason


# --- the business calendar ---------------------------------------------------------------------


@transaction.atomic
def calendar_day_set(*, actor: Actor, data: CalendarDayIn | Mapping[str, Any]) -> CalendarDay:
    """Mark a date as a public holiday or a make-up working day (replacing what it was).

    Deadlines already running keep their due times; the calendar applies to new ones.
    """
    _require_rule_writer(actor)
    parsed = _parse(CalendarDayIn, data)
    errors: FieldErrors = {}
    if parsed.kind == CalendarDay.WORKDAY and parsed.date.weekday() < SATURDAY:
        errors["kind"] = _(
            "A make-up working day is a Saturday or Sunday; %(date)s is a working day anyway."
        ) % {"date": parsed.date.isoformat()}
    if not parsed.name_zh and not parsed.name_en:
        errors["name_en"] = _("Say what the day is (for example the holiday's name).")
    if errors:
        raise ValidationFailed(fields=errors)
    values = {
        "kind": parsed.kind,
        "name_zh": (parsed.name_zh or parsed.name_en)[:40],
        "name_en": parsed.name_en or parsed.name_zh,
        "provisional": parsed.provisional,
    }
    day = CalendarDay.objects.select_for_update().filter(date=parsed.date).first()
    before = {name: getattr(day, name) for name in values} if day is not None else None
    if day is None:
        day = CalendarDay.objects.create(date=parsed.date, **values)
    else:
        for name, value in values.items():
            setattr(day, name, value)
        day.save()
    audit_record(
        actor=actor,
        action="policies.calendar_day.set",
        subject_type="policies.calendarday",
        subject_id=parsed.date.isoformat(),
        data={"date": parsed.date, "before": before, "after": values},
    )
    return day


@transaction.atomic
def calendar_day_clear(*, actor: Actor, date: Any) -> None:
    """Remove a date's override: it follows the ordinary week again."""
    _require_rule_writer(actor)
    day = CalendarDay.objects.select_for_update().filter(date=date).first()
    if day is None:
        raise NotFound()
    before = {"kind": day.kind, "name_zh": day.name_zh, "name_en": day.name_en}
    day.delete()
    audit_record(
        actor=actor,
        action="policies.calendar_day.clear",
        subject_type="policies.calendarday",
        subject_id=str(date),
        data={"date": date, "before": before},
    )


# --- category exclusions -----------------------------------------------------------------------

FLAG_FIELDS = ("is_custom_made", "is_perishable", "is_digital", "is_periodical", "confirm_kinds")


@transaction.atomic
def category_flags_set(
    *, actor: Actor, category: Category, data: CategoryFlagsIn | Mapping[str, Any]
) -> Category:
    """Set a category's art. 6 exclusions and art. 7 confirm-at-purchase kinds.

    Only the category itself changes; its children keep their own flags.
    """
    _require_rule_writer(actor)
    parsed = _parse(CategoryFlagsIn, data)
    category = Category.objects.select_for_update().get(pk=category.pk)
    wanted: dict[str, Any] = {
        name: getattr(parsed, name) for name in FLAG_FIELDS if name != "confirm_kinds"
    }
    wanted["confirm_kinds"] = sorted({str(kind) for kind in parsed.confirm_kinds})
    changes = {}
    for name, new in wanted.items():
        old = getattr(category, name)
        if old != new:
            changes[name] = [old, new]
            setattr(category, name, new)
    if changes:
        category.save()
        audit_record(
            actor=actor,
            action="catalog.category.flags",
            subject_type="catalog.category",
            subject_id=category.pk,
            data={"code": category.code, "changes": changes},
        )
    return category
