"""The after-sales request form of one order line, its live eligibility preview, and submitting it.

The preview asks the eligibility engine on every change (htmx) and shows the explanation, the
refundable amount, who pays the return freight and how the refund splits over the tenders —
before anything is submitted. Submitting opens the case (``case_open``), then attaches the photos
one by one (``evidence_add``); a photo refused after the case exists never loses the case.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from pydantic import ValidationError as PydanticError

from anxin.cases import services
from anxin.cases.choices import CaseChannel, CaseType
from anxin.cases.images import DEFAULT_MAX_BYTES
from anxin.cases.inputs import CaseOpenIn
from anxin.cases.selectors import decision_for, line_id_for, reason_get
from anxin.catalog.choices import TenderMethod
from anxin.catalog.models import OrderLine
from anxin.core.errors import DomainError, NotFound, ValidationFailed
from anxin.core.validation import localized_field_errors
from anxin.policies.eligibility import Decision
from anxin.policies.models import Reason

from ..common import CONSUMERS, actor, audience, flash_error
from .home import DEFAULT_REASON, FREIGHT, page, reason_name, window_end_day

MAX_PHOTOS = services.EVIDENCE_PER_CASE
MAX_PHOTO_BYTES = DEFAULT_MAX_BYTES  # what evidence_add (image_clean) accepts
# What an image file starts with: JPEG, PNG, WebP (RIFF....WEBP). The full check (decoding,
# re-encoding without metadata) is evidence_add's; this only refuses obvious non-images early.
IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


# --- the choices on the form ------------------------------------------------------------------


@dataclass
class Choice:
    """What the consumer picked so far (raw strings from the request, then parsed)."""

    type: str = ""
    reason: str = ""
    quantity_raw: str = "1"
    description: str = ""
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def quantity(self) -> int:
        try:
            return int(self.quantity_raw)
        except ValueError:
            return 0


def choice_from(data: Any) -> Choice:
    return Choice(
        type=(data.get("type") or "").strip(),
        reason=(data.get("reason") or "").strip(),
        quantity_raw=(data.get("quantity") or "1").strip(),
        description=data.get("description") or "",
    )


ReasonOption = tuple[str, str]  # (code, name in the active language)


def reason_groups() -> tuple[list[tuple[str, list[ReasonOption]]], list[ReasonOption]]:
    """Selectable reasons grouped under their (unselectable) parents, and the selectable
    top-level reasons without children, with names in the active language."""
    reasons = list(Reason.objects.order_by("code"))
    children: dict[int, list[ReasonOption]] = {}
    for reason in reasons:
        if reason.parent_id is not None and reason.selectable:
            children.setdefault(reason.parent_id, []).append((reason.code, reason_name(reason)))
    groups, loose = [], []
    for reason in reasons:
        if reason.parent_id is not None:
            continue
        if children.get(reason.pk):
            groups.append((reason_name(reason), children[reason.pk]))
        elif reason.selectable:
            loose.append((reason.code, reason_name(reason)))
    return groups, loose


def selectable_reason(code: str) -> Reason | None:
    """The selectable reason with this code (the selector's rule), or None."""
    if not code:
        return None
    try:
        return reason_get(code)
    except ValidationFailed:
        return None


@dataclass(frozen=True)
class TypeChoice:
    value: str
    label: str
    allowed: bool
    until: Any
    why_not: list[str]


@dataclass
class Assessment:
    """The engine's answer for the current choice, ready for the templates."""

    line: OrderLine
    reason: Reason | None
    type: str
    quantity: int
    types: list[TypeChoice]
    decision: Decision | None
    problem: str = ""

    @property
    def allowed(self) -> bool:
        return bool(self.decision and self.decision.allowed and not self.problem)


def assess(line_id: int, choice: Choice) -> Assessment:
    """Decide the current choice. Without a reason yet, the type list comes from the no-reason
    default (so "repair: quality problems only" already shows) and no amount is computed."""
    reason = selectable_reason(choice.reason)
    basis = reason or Reason.objects.get(code=DEFAULT_REASON)
    quantity = choice.quantity
    problem = ""
    if choice.reason and reason is None:
        problem = _("Choose a reason from the list.")
    if quantity < 1:  # more units than the line has: the engine explains that itself
        problem = problem or _("Enter a quantity of at least 1.")
        quantity = 1
    wanted = choice.type if choice.type in CaseType.values else None
    line, decision = decision_for(
        line_id=line_id, quantity=quantity, request_type=wanted, reason=basis
    )
    options = decision.options
    if wanted is None or not options[wanted].allowed:
        # The chosen type is not (or no longer) possible for this reason: move to the first that is.
        first = next((o.type for o in options.values() if o.allowed), wanted)
        if first != wanted and first is not None:
            wanted = first
            _line, decision = decision_for(
                line_id=line_id, quantity=quantity, request_type=wanted, reason=basis
            )
    labels = dict(CaseType.choices)
    types = [
        TypeChoice(
            value=o.type,
            label=str(labels.get(o.type, o.type)),
            allowed=o.allowed,
            until=window_end_day(o.until) if o.until else None,
            why_not=[] if o.allowed else [n.render() for n in o.notes],
        )
        for o in decision.options.values()
    ]
    return Assessment(
        line=line,
        reason=reason,
        type=wanted or "",
        quantity=quantity,
        types=types,
        decision=decision if reason else None,
        problem=problem,
    )


def preview_context(assessment: Assessment) -> dict[str, Any]:
    decision = assessment.decision
    methods = dict(TenderMethod.choices)
    return {
        "a": assessment,
        "explanation": decision.explain() if decision else [],
        "tenders": [
            {"method": methods.get(t.method, t.method), "amount": t.amount, "in_kind": t.in_kind}
            for t in (decision.tenders if decision else ())
        ],
        "has_amount": assessment.type in (CaseType.REFUND_ONLY, CaseType.RETURN_REFUND),
        "freight_label": FREIGHT.get(decision.freight_payer, "") if decision else "",
    }


# --- views ------------------------------------------------------------------------------------


def _line_id(request: HttpRequest, order_id: uuid.UUID, line_ref: str) -> int:
    try:
        return line_id_for(actor=actor(request), order_ref=str(order_id), line_ref=line_ref)
    except ValidationFailed as error:  # "this order has no such line": a missing page
        raise NotFound() from error


def _form(
    request: HttpRequest,
    order_id: uuid.UUID,
    line_ref: str,
    line_id: int,
    choice: Choice,
    *,
    status: int = 200,
    photos_lost: bool = False,
) -> HttpResponse:
    assessment = assess(line_id, choice)
    groups, loose = reason_groups()
    return page(
        request,
        "web/consumer/request.html",
        {
            **preview_context(assessment),
            "order": assessment.line.order,
            "line": assessment.line,
            "line_ref": line_ref,
            "order_id": order_id,
            "choice": choice,
            "errors": choice.errors,
            "reason_groups": groups,
            "loose_reasons": loose,
            "max_photos": MAX_PHOTOS,
            "max_photo_bytes": MAX_PHOTO_BYTES,
            "photos_lost": photos_lost,
        },
        nav="orders",
        status=status,
    )


@audience(CONSUMERS)
def request_form(request: HttpRequest, order_id: uuid.UUID, line_ref: str) -> HttpResponse:
    line_id = _line_id(request, order_id, line_ref)
    if request.method == "POST":
        return _submit(request, order_id, line_ref, line_id)
    return _form(request, order_id, line_ref, line_id, choice_from(request.GET))


@audience(CONSUMERS)
def request_preview(request: HttpRequest, order_id: uuid.UUID, line_ref: str) -> HttpResponse:
    """The eligibility box for the current choice (htmx), with the type list swapped out of band."""
    line_id = _line_id(request, order_id, line_ref)
    assessment = assess(line_id, choice_from(request.GET))
    return render(
        request,
        "web/consumer/_request_preview.html",
        {**preview_context(assessment), "oob": True},
    )


def photo_errors(files: list[UploadedFile]) -> str:
    """Cheap checks before anything is stored: count, size, and that each file is an image."""
    if len(files) > MAX_PHOTOS:
        return _("At most %(n)s photos.") % {"n": MAX_PHOTOS}
    problems = []
    for upload in files:
        name = upload.name or _("photo")
        size = upload.size or 0
        if size == 0:
            problems.append(_("%(name)s is empty.") % {"name": name})
        elif size > MAX_PHOTO_BYTES:
            problems.append(
                _("%(name)s is larger than %(mb)s MB.")
                % {"name": name, "mb": MAX_PHOTO_BYTES // (1024 * 1024)}
            )
        else:
            head = upload.read(12)
            upload.seek(0)
            webp = head[:4] == b"RIFF" and head[8:12] == b"WEBP"
            if not (webp or head.startswith(IMAGE_MAGIC)):
                problems.append(_("%(name)s is not a JPEG, PNG or WebP photo.") % {"name": name})
    return " ".join(problems)


def _submit(request: HttpRequest, order_id: uuid.UUID, line_ref: str, line_id: int) -> HttpResponse:
    who = actor(request)
    choice = choice_from(request.POST)
    files = request.FILES.getlist("photos")
    errors: dict[str, str] = {}
    if not choice.reason:
        errors["reason"] = _("Choose a reason.")
    elif selectable_reason(choice.reason) is None:
        errors["reason"] = _("Choose a reason from the list.")
    if choice.type not in CaseType.values:
        errors["type"] = _("Choose what you would like.")
    if choice.quantity < 1:
        errors["quantity"] = _("Enter a whole number of at least 1.")
    problem = photo_errors(files)
    if problem:
        errors["photos"] = problem
    case = None
    if errors:
        messages.error(request, _("Please correct the marked fields."))
    else:
        try:
            data = CaseOpenIn(
                order=str(order_id),
                line=line_ref,
                type=choice.type,  # type: ignore[arg-type]
                reason=choice.reason,
                quantity=choice.quantity,
                description=choice.description,
            )
            case = services.case_open(actor=who, data=data, channel=CaseChannel.WEB)
        except PydanticError as exc:
            errors = localized_field_errors(list(exc.errors()))  # type: ignore[arg-type]
            messages.error(request, _("Please correct the marked fields."))
        except DomainError as error:
            errors = flash_error(request, error) or {"__all__": str(error.message)}
    if case is None:
        choice.errors = _by_field(errors)
        return _form(
            request, order_id, line_ref, line_id, choice, status=422, photos_lost=bool(files)
        )
    refused = attach_photos(request, case, files)
    messages.success(
        request, _("Your request %(number)s was sent to the shop.") % {"number": case.number}
    )
    if refused:
        messages.warning(
            request,
            ngettext(
                "Your request was kept, but %(n)s photo was not attached: %(why)s "
                "You can add photos on this page.",
                "Your request was kept, but %(n)s photos were not attached: %(why)s "
                "You can add photos on this page.",
                len(refused),
            )
            % {"n": len(refused), "why": " ".join(refused)},
        )
    return redirect("consumer:case", number=case.number)


FORM_FIELDS = frozenset({"type", "reason", "quantity", "description", "photos"})


def _by_field(errors: dict[str, str]) -> dict[str, str]:
    """Errors of fields the form has stay there; any other (order, line …) go on top as
    ``form`` ("__all__" is a message already flashed)."""
    shown = {k: v for k, v in errors.items() if k in FORM_FIELDS}
    others = [v for k, v in errors.items() if k not in FORM_FIELDS and k != "__all__"]
    if others:
        shown["form"] = " ".join(others)
    return shown


def attach_photos(request: HttpRequest, case: Any, files: list[UploadedFile]) -> list[str]:
    """Attach each photo; return what went wrong with the ones refused."""
    refused = []
    for upload in files:
        try:
            services.evidence_add(actor=actor(request), case=case, stream=upload)  # type: ignore[arg-type]
        except DomainError as error:
            why = " ".join(str(v) for v in error.fields.values()) or str(error.message)
            refused.append(f"{upload.name}: {why}")
    return refused
