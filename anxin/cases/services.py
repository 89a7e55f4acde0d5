"""Writes on cases: open, act (every transition), messages, evidence, return addresses.

Only ``case_act`` (through the workflow engine) changes a case's status; the per-action effects
(``effects.py``) run inside the same transaction, so a case never shows a tracking number it did
not accept or a refund that did not happen.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, BinaryIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from anxin.catalog.choices import MerchantStatus
from anxin.catalog.models import OrderLine
from anxin.core import clock
from anxin.core.actors import SYSTEM, Actor
from anxin.core.audit import audit_record
from anxin.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from anxin.core.sequences import number_next
from anxin.core.validation import model_parse
from anxin.core.workflow import (
    TransitionNotAllowed,
    TransitionResult,
    arm_state_deadlines,
    transition,
)

from .choices import (
    CaseChannel,
    CaseStatus,
    CaseType,
    EvidencePurpose,
    MessageAudience,
    MessageParty,
)
from .eligibility import decision_explanation, not_eligible
from .images import CleanImage, image_clean
from .inputs import ACTION_INPUTS, ActionIn, CaseOpenIn, DisputeTerms
from .models import Case, CaseEvent, CaseMessage, Evidence, InboundEvent, ReturnAddress
from .notify import case_message_notify, case_opened_notify
from .permissions import (
    can_act_without_reason,
    can_add_evidence,
    can_keep_return_addresses,
    can_open_case,
    party_of,
)
from .selectors import decision_for, line_id_for, reason_get
from .tracking import TrackingEvent
from .workflow import CASE_WORKFLOW

EVIDENCE_PER_CASE = 9  # request photos per side of a case: the common limit of upload widgets
PHOTOS_PER_MESSAGE = 9
DISPUTE_EVIDENCE_PER_CASE = 30
MESSAGE_MAX = 2000  # CaseMessage.body
# The moves whose terms (an amount, a request type) a dispute may set when it executes them.
TERMS_ACTIONS = frozenset({"approve", "settle_refund"})


def _policy_for(order: Any, snapshot: dict[str, Any]) -> dict[str, Any]:
    """A shop the platform restricted (its credit fell too low) answers requests sooner: its
    review deadline is at most ``ANXIN_RESTRICTED_REVIEW_HOURS``."""
    if order.merchant.status != MerchantStatus.RESTRICTED:
        return snapshot
    limit = int(settings.ANXIN_RESTRICTED_REVIEW_HOURS)
    return {**snapshot, "merchant_review_hours": min(snapshot["merchant_review_hours"], limit)}


def case_open(*, actor: Actor, data: CaseOpenIn, channel: str = CaseChannel.APP) -> Case:
    """Open a request after the eligibility engine allows it, with the policy snapshot whose
    numbers drive the case's clocks; arms the merchant-review deadline (#2/#3). ``channel`` says
    where it came from (the API is the apps' way in; the pages and the assistant name theirs)."""
    if not can_open_case(actor):
        raise Forbidden()
    with transaction.atomic():
        line_id = line_id_for(actor=actor, order_ref=data.order, line_ref=data.line)
        reason = reason_get(data.reason)
        # The line lock serialises concurrent requests for the same units; decide after it.
        OrderLine.objects.select_for_update(no_key=True).filter(pk=line_id).exists()
        now = clock.now()
        line, decision = decision_for(
            line_id=line_id,
            quantity=data.quantity,
            request_type=data.type,
            reason=reason,
            keep_gifts=data.keep_gifts,
            at=now,
        )
        if not decision.allowed:
            raise not_eligible(decision)
        order = line.order
        case = Case.objects.create(
            number=number_next(prefix="AS"),
            type=data.type,
            status=CaseStatus.MERCHANT_REVIEW,
            merchant_id=order.merchant_id,
            customer_id=order.customer_id,
            order=order,
            line=line,
            quantity=data.quantity,
            channel=channel,
            reason=reason,
            description=data.description,
            refund_amount=decision.refundable_amount,
            currency=decision.currency,
            freight_payer=decision.freight_payer,
            keep_gifts=data.keep_gifts,
            rule=decision.rule,
            policy=_policy_for(order, decision.policy.snapshot()),
            explanation=decision_explanation(decision),
        )
        CaseEvent.objects.create(
            case=case,
            action="open",
            from_status="",
            to_status=case.status,
            actor=actor.audit_label(),
            actor_role=str(actor.role),
            reason=decision.rule,
            data={"refund_amount": str(case.refund_amount), "quantity": case.quantity},
            created_at=now,
        )
        audit_record(
            actor=actor,
            action="cases.case.open",
            merchant_id=case.merchant_id,
            subject_type="cases.case",
            subject_id=case.pk,
            data={"number": case.number, "type": case.type, "amount": str(case.refund_amount)},
        )
        arm_state_deadlines(CASE_WORKFLOW, case, at=now)
        case_opened_notify(case=case)
    return case


def case_act(
    *,
    actor: Actor,
    case: Case,
    action: str,
    payload: dict[str, Any] | None = None,
    dispute: DisputeTerms | None = None,
) -> TransitionResult:
    """Take a workflow action on a case (approve, reject, ship_return, refund …) as ``actor``.

    Anyone rejecting or closing, and people intervening for the platform, must give a reason.
    ``dispute`` is how the disputes app drives a move (escalate, settle_refund, compensate, and
    approve or close a disputed case): its number, and for approve/settle_refund the agreed or
    ruled amount and request type; the case's own endpoints never pass it.
    """
    parsed = model_parse(ACTION_INPUTS.get(action, ActionIn), payload or {})
    if not parsed.reason and not can_act_without_reason(actor, action):
        raise ValidationFailed(fields={"reason": _("Give a reason for this action.")})
    if action == "ship_return":
        data = parsed.model_dump()
        if not data["pickup"] and not (data["carrier"] and data["tracking_number"]):
            raise ValidationFailed(
                fields={
                    "tracking_number": _(
                        "Enter the carrier and tracking number, or ask for a pickup."
                    )
                }
            )
    data = parsed.model_dump(mode="json", exclude={"reason", "version"}, exclude_none=True)
    terms = dispute is not None and (dispute.refund_amount is not None or dispute.type is not None)
    if terms and action not in TERMS_ACTIONS:
        raise ValueError(f"a dispute sets no amount or type on '{action}'")
    if dispute is not None:
        data |= dispute.data()
    with transaction.atomic():
        if terms and dispute is not None:
            locked = Case.objects.select_for_update(no_key=True).get(pk=case.pk)
            if locked.status != CaseStatus.DISPUTED:
                raise TransitionNotAllowed(data={"action": action, "state": locked.status})
            if dispute.type and locked.type != dispute.type:
                # The state an approval leads to depends on the request type (a refund-only
                # request skips the return): a ruled type is on the case before the engine looks.
                locked.type = dispute.type
                locked.save(update_fields=["type", "updated_at"])
        return transition(
            CASE_WORKFLOW,
            subject=case,
            action=action,
            actor=actor,
            reason=parsed.reason,
            data=data,
            expected_version=parsed.version,
        )


# --- evidence and addresses -----------------------------------------------------------------------


def _evidence_check_room(
    *, case: Case, purpose: str, party: str, message: CaseMessage | None, adding: int = 1
) -> None:
    """Each purpose has its own limit: request photos per side of a case, photos per message,
    dispute evidence per case. Call with the case row locked."""
    stored = Evidence.objects.filter(case=case, purpose=purpose)
    if purpose == EvidencePurpose.MESSAGE:
        limit, stored = PHOTOS_PER_MESSAGE, stored.filter(message=message)
        problem = _("A message can have at most %(n)s photos.")
    elif purpose == EvidencePurpose.DISPUTE:
        limit = DISPUTE_EVIDENCE_PER_CASE
        problem = _("A dispute can have at most %(n)s files of evidence.")
    else:
        # Per side: a consumer's nine photos never leave the merchant without room for its own.
        limit, stored = EVIDENCE_PER_CASE, stored.filter(party=party)
        problem = _("A case can have at most %(n)s photos.")
    if stored.count() + adding > limit:
        raise ValidationFailed(
            problem % {"n": limit},
            code="evidence.quota",
            fields={"file": _("Too many photos for this case.")},
        )


def _evidence_store(
    *,
    actor: Actor,
    case: Case,
    clean: CleanImage,
    purpose: str,
    party: str,
    message: CaseMessage | None = None,
) -> Evidence:
    evidence = Evidence(
        case=case,
        purpose=purpose,
        message=message,
        party=party,
        content_type=clean.content_type,
        size=len(clean.content),
        width=clean.width,
        height=clean.height,
        sha256=clean.sha256,
        uploaded_by=actor.audit_label(),
    )
    evidence.file.save(f"{clean.sha256}.{clean.extension}", ContentFile(clean.content), save=False)
    evidence.save()
    return evidence


def evidence_add(
    *,
    actor: Actor,
    case: Case,
    stream: BinaryIO | bytes,
    purpose: str = EvidencePurpose.REQUEST,
    message: CaseMessage | None = None,
) -> Evidence:
    """Attach a photo: validated, re-encoded without EXIF/GPS. Request photos: at most 9 per side
    of a case; a message's: at most 9, added by its author; a dispute's: at most 30 per case
    (the disputes app keeps its own link to each)."""
    party = party_of(actor)
    if not can_add_evidence(actor) or party is None:
        raise Forbidden()
    if purpose not in EvidencePurpose.values:
        raise ValidationFailed(fields={"purpose": _("Unknown purpose of the photo.")})
    if (message is not None) != (purpose == EvidencePurpose.MESSAGE):
        raise ValueError("message photos, and only they, name their message")
    if message is not None and (
        message.case_id != case.pk or message.author != actor.audit_label()
    ):
        raise NotFound()
    clean = image_clean(stream)
    with transaction.atomic():
        Case.objects.select_for_update(no_key=True).filter(pk=case.pk).exists()
        _evidence_check_room(case=case, purpose=purpose, party=party, message=message)
        evidence = _evidence_store(
            actor=actor, case=case, clean=clean, purpose=purpose, party=party, message=message
        )
        audit_record(
            actor=actor,
            action="cases.evidence.add",
            merchant_id=case.merchant_id,
            subject_type="cases.case",
            subject_id=case.pk,
            data={"sha256": clean.sha256, "purpose": purpose},
        )
    return evidence


# --- messages (留言) -------------------------------------------------------------------------------


def _photos_clean(photos: Iterable[BinaryIO | bytes]) -> list[CleanImage]:
    """Every photo of a message checked before anything is stored (the field at fault: photos)."""
    cleaned = []
    for photo in photos:
        try:
            cleaned.append(image_clean(photo))
        except ValidationFailed as error:
            name = getattr(photo, "name", "") or ""
            why = " ".join(str(v) for v in error.fields.values()) or str(error.message)
            raise ValidationFailed(
                error.message,
                code=error.code,
                fields={"photos": f"{name}: {why}" if name else why},
            ) from error
    return cleaned


def case_message_post(
    *,
    actor: Actor,
    case: Case,
    body: str,
    photos: Iterable[BinaryIO | bytes] = (),
    visible_to: str = MessageAudience.BOTH,
) -> CaseMessage:
    """Write a message (留言) on a case, with up to 9 photos, and tell the other side.

    The consumer of the case and the merchant's people and tokens write to both sides; platform
    agents, arbitrators and administrators may address one side only. Anyone else: Forbidden.
    """
    party = party_of(actor)
    if party is None:
        raise Forbidden()
    if not Case.objects.for_actor(actor).filter(pk=case.pk).exists():
        raise NotFound()
    body = (body or "").strip()
    photos = list(photos)
    if visible_to not in MessageAudience.values:
        raise ValidationFailed(fields={"visible_to": _("Choose who reads the message.")})
    if visible_to != MessageAudience.BOTH and party is not MessageParty.PLATFORM:
        raise ValidationFailed(
            fields={"visible_to": _("Your messages are read by both sides of the request.")}
        )
    if len(body) > MESSAGE_MAX:
        raise ValidationFailed(fields={"body": _("At most %(n)s characters.") % {"n": MESSAGE_MAX}})
    if not body and not photos:
        raise ValidationFailed(fields={"body": _("Write a message or attach a photo.")})
    if len(photos) > PHOTOS_PER_MESSAGE:
        raise ValidationFailed(
            _("A message can have at most %(n)s photos.") % {"n": PHOTOS_PER_MESSAGE},
            code="evidence.quota",
            fields={"photos": _("At most %(n)s photos.") % {"n": PHOTOS_PER_MESSAGE}},
        )
    cleaned = _photos_clean(photos)
    with transaction.atomic():
        message = CaseMessage.objects.create(
            case=case,
            author=actor.audit_label(),
            author_role=str(actor.role),
            party=party,
            visible_to=visible_to,
            body=body,
        )
        for clean in cleaned:
            _evidence_store(
                actor=actor,
                case=case,
                clean=clean,
                purpose=EvidencePurpose.MESSAGE,
                party=party,
                message=message,
            )
        audit_record(
            actor=actor,
            action="cases.message.post",
            merchant_id=case.merchant_id,
            subject_type="cases.case",
            subject_id=case.pk,
            data={
                "message": str(message.public_id),
                "party": party,
                "visible_to": visible_to,
                "photos": [c.sha256 for c in cleaned],
            },
        )
        case_message_notify(case=case, message=message, actor=actor)
    return message


@transaction.atomic
def return_address_create(
    *,
    actor: Actor,
    merchant_id: int,
    label: str,
    contact_name: str,
    phone: str,
    address: str,
    is_default: bool = False,
) -> ReturnAddress:
    """Add a warehouse to a merchant's address book (the first one becomes the default)."""
    if not actor.can_see_merchant(merchant_id):
        raise NotFound()
    if not can_keep_return_addresses(actor):
        raise Forbidden()
    existing = ReturnAddress.objects.select_for_update(no_key=True).filter(merchant_id=merchant_id)
    first = not existing.exists()
    if is_default and not first:
        existing.filter(is_default=True).update(is_default=False)
    created = ReturnAddress.objects.create(
        merchant_id=merchant_id,
        label=label,
        contact_name=contact_name,
        phone=phone,
        address=address,
        is_default=is_default or first,
    )
    audit_record(
        actor=actor,
        action="cases.return_address.create",
        merchant_id=merchant_id,
        subject_type="cases.returnaddress",
        subject_id=created.pk,
        data={"label": label},
    )
    return created


def label_instructions(case: Case) -> list[str]:
    """What the consumer must do with the parcel, in the active language."""
    days = case.policy.get("return_ship_days", 7)
    return [
        str(
            _("Pack the goods with all accessories, manuals and gifts in their original packaging.")
        ),
        str(
            _(
                "Print this label and stick it on the outside of the parcel; keep the barcode readable."
            )
        ),
        str(
            _("Send the parcel within %(days)s days; after that the request closes by itself.")
            % {"days": days}
        ),
        str(_("Enter the tracking number in your request once you have sent it.")),
    ]


def tracking_event_apply(*, event: TrackingEvent) -> str:
    """Apply a carrier event once: a "delivered" return parcel moves its case to
    return-delivered, which starts the merchant's confirmation clock (#5)."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                record = InboundEvent.objects.create(source=event.source, event_key=event.event_key)
        except IntegrityError:
            return "duplicate"
        cases = list(
            Case.objects.filter(
                return_tracking_number=event.tracking_number, status=CaseStatus.RETURN_IN_TRANSIT
            )
        )
        outcome = "no matching case"
        if event.status == "delivered":
            for case in cases:
                transition(
                    CASE_WORKFLOW,
                    subject=case,
                    action="mark_delivered",
                    actor=SYSTEM,
                    reason=f"{event.source}: {event.description}"[:500],
                    data={"carrier": event.carrier, "occurred_at": event.occurred_at.isoformat()},
                )
            outcome = f"delivered: {len(cases)} case(s)" if cases else outcome
        elif cases:
            outcome = f"{event.status}: recorded"
        record.outcome = outcome
        record.save(update_fields=["outcome"])
    return outcome


LABEL_STATES = frozenset({CaseStatus.AWAITING_RETURN_SHIPMENT, CaseStatus.RETURN_IN_TRANSIT})


def label_check(case: Case) -> None:
    """A return label exists once a return is approved, and while the parcel is on its way."""
    if case.type == CaseType.REFUND_ONLY or case.status not in LABEL_STATES:
        raise Conflict(
            _("A return label is available once the return is approved."), code="case.no_label"
        )
