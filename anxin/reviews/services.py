"""Review services: write a review, its 追评, the shop's reply, a service review; decide on a
moderation item. Each checks who may act, screens the text (``screening.py``), looks for fraud
signals (``signals.py``), writes an audit row and tells whoever needs to know after the commit.

Held (pending) parts are the content findings only; a fraud signal queues a review for a person
and leaves it published (PIPL art. 24).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, BinaryIO

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from anxin.accounts.models import User
from anxin.cases.choices import TERMINAL as CASE_CLOSED
from anxin.cases.images import CleanImage, image_clean
from anxin.cases.models import Case
from anxin.catalog.models import DeliveryLine, OrderLine
from anxin.core import clock
from anxin.core.actors import SYSTEM, Actor
from anxin.core.audit import audit_record
from anxin.core.errors import Conflict, Forbidden, NotFound, ValidationFailed

from . import thresholds as t
from .choices import ModerationAction, Part, ReviewStatus
from .models import (
    AppendedReview,
    MerchantReply,
    ModerationEvent,
    ModerationItem,
    Review,
    ReviewPhoto,
    ServiceReview,
)
from .notify import (
    decision_notify,
    review_event_notify,
    review_published_notify,
    service_review_notify,
)
from .permissions import can_moderate, can_reply, can_write_review
from .screening import screen
from .signals import Signal, address_hash, device_hash, signals_for
from .workflow import decision_target

Photos = Iterable[BinaryIO | bytes]


# --- checks ---------------------------------------------------------------------------------------


def _text(value: str | None, field: str, *, required: bool = False) -> str:
    text = (value or "").strip()
    if "\x00" in text:  # no text (PostgreSQL refuses to store it)
        raise ValidationFailed(fields={field: _("This value is not valid.")})
    if required and not text:
        raise ValidationFailed(fields={field: _("This field is required.")})
    if len(text) > t.TEXT_MAX:
        raise ValidationFailed(
            fields={field: _("Write at most %(n)s characters.") % {"n": t.TEXT_MAX}}
        )
    return text


def _stars(value: Any, field: str, *, required: bool = True) -> int | None:
    if value is None or value == "":
        if required:
            raise ValidationFailed(fields={field: _("This field is required.")})
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
        raise ValidationFailed(fields={field: _("Give 1 to 5 stars.")})
    return value


def _photos_clean(photos: Photos, *, room: int = t.PHOTOS_MAX) -> list[CleanImage]:
    """Every photo checked (as case evidence is) before anything is stored; field ``photos``."""
    photos = list(photos)
    if len(photos) > room:
        raise ValidationFailed(
            fields={"photos": _("At most %(n)s photos.") % {"n": t.PHOTOS_MAX}},
            code="review.too_many_photos",
        )
    cleaned = []
    for photo in photos:
        try:
            cleaned.append(image_clean(photo))
        except ValidationFailed as error:
            name = getattr(photo, "name", "") or ""
            why = " ".join(str(v) for v in error.fields.values()) or str(error.message)
            raise ValidationFailed(
                error.message, code=error.code, fields={"photos": f"{name}: {why}" if name else why}
            ) from error
    return cleaned


def _photos_store(review: Review, cleaned: list[CleanImage], part: str) -> None:
    start = review.photos.filter(part=part).count()
    for i, clean in enumerate(cleaned):
        photo = ReviewPhoto(
            review=review,
            part=part,
            position=start + i,
            content_type=clean.content_type,
            size=len(clean.content),
            width=clean.width,
            height=clean.height,
            sha256=clean.sha256,
        )
        photo.file.save(f"{clean.sha256}.{clean.extension}", ContentFile(clean.content), save=False)
        photo.save()


def delivered_at(line: OrderLine) -> datetime | None:
    """When the consumer first signed for a parcel carrying the line (the same notion of
    "delivered" as the after-sales eligibility rules: ``Delivery.signed_at``)."""
    signed = (
        DeliveryLine.objects.filter(line=line, delivery__signed_at__isnull=False)
        .order_by("delivery__signed_at")
        .values_list("delivery__signed_at", flat=True)
        .first()
    )
    return signed if signed is not None and signed <= clock.now() else None


# --- moderation items -----------------------------------------------------------------------------


def _flag(
    *,
    part: str,
    merchant_id: int,
    at: datetime,
    reasons: Iterable[str] = (),
    signals: Iterable[Signal] = (),
    held: bool,
    review: Review | None = None,
    service: ServiceReview | None = None,
) -> ModerationItem:
    """Open (or join) the part's moderation item with what screening or the signals found."""
    reasons, signals = list(reasons), list(signals)
    open_items = ModerationItem.unscoped.select_for_update().filter(
        part=part, decided_at__isnull=True
    )
    open_items = (
        open_items.filter(service_review=service) if service else open_items.filter(review=review)
    )
    item = open_items.first()
    if item is None:
        item = ModerationItem.unscoped.create(
            part=part,
            review=review,
            service_review=service,
            merchant_id=merchant_id,
            reasons=sorted(set(reasons) | {s["code"] for s in signals}),
            signals=signals,
            held=held,
            created_at=at,
        )
    else:
        item.reasons = sorted(set(item.reasons) | set(reasons) | {s["code"] for s in signals})
        item.signals = [*item.signals, *signals]
        item.held = item.held or held
        item.save(update_fields=["reasons", "signals", "held"])
    ModerationEvent.objects.create(
        item=item,
        action="flag",
        actor=SYSTEM.audit_label(),
        actor_role=str(SYSTEM.role),
        data={"reasons": sorted(set(reasons)), "signals": signals},
        created_at=at,
    )
    return item


def _screen_and_flag(*, text: str, part: str, merchant_id: int, at: datetime,
                     review: Review | None = None, service: ServiceReview | None = None,
                     signals: list[Signal] | None = None) -> bool:  # fmt: skip
    """Screen ``text``; open an item for content findings (held) or signals (not held). True when
    the part must wait for a moderator."""
    screening = screen(text)
    if screening.held or signals:
        _flag(
            part=part,
            merchant_id=merchant_id,
            at=at,
            reasons=screening.reasons,
            signals=signals or [],
            held=screening.held,
            review=review,
            service=service,
        )
    return screening.held


# --- reviews --------------------------------------------------------------------------------------


def review_create(
    *,
    actor: Actor,
    line: OrderLine,
    stars: int,
    text: str = "",
    description_stars: int | None = None,
    anonymous: bool = False,
    photos: Photos = (),
    device: str = "",
) -> Review:
    """The consumer's verified-purchase review of a delivered order line: one per line, 1–5 stars,
    an optional 描述相符 score, up to 500 characters and 9 photos. Published at once unless the
    text holds abuse, advertising or personal data (then it waits for a moderator); fraud signals
    put it in the moderation queue and leave it published."""
    if not can_write_review(actor):
        raise Forbidden()
    order = line.order
    if order.customer_id not in actor.customer_ids:
        raise NotFound()
    stars_ = _stars(stars, "stars") or 0  # required: never None
    description = _stars(description_stars, "description_stars", required=False)
    body = _text(text, "text")
    if delivered_at(line) is None:
        raise ValidationFailed(
            _("This item cannot be reviewed yet."),
            code="review.not_delivered",
            fields={"line": _("You can review this item once you have signed for its delivery.")},
        )
    cleaned = _photos_clean(photos)
    if Review.unscoped.filter(line=line).exists():
        raise ValidationFailed(
            code="review.exists", fields={"line": _("You have already reviewed this item.")}
        )
    at = clock.now()
    held = bool(screen(body).held)
    try:
        with transaction.atomic():
            review = Review.unscoped.create(
                line=line,
                order=order,
                customer_id=order.customer_id,
                user_id=actor.user_id,
                merchant_id=order.merchant_id,
                sku_id=line.sku_id,
                stars=stars_,
                description_stars=description,
                text=body,
                anonymous=bool(anonymous),
                status=ReviewStatus.PENDING if held else ReviewStatus.PUBLISHED,
                published_at=None if held else at,
                has_photos=bool(cleaned),
                address_hash=address_hash(order.customer.address),
                device_hash=device_hash(device),
                created_at=at,
            )
            _photos_store(review, cleaned, Part.REVIEW)
            _screen_and_flag(
                text=body,
                part=Part.REVIEW,
                merchant_id=review.merchant_id,
                at=at,
                review=review,
                signals=signals_for(review, at),
            )
            audit_record(
                actor=actor,
                action="reviews.review.create",
                merchant_id=review.merchant_id,
                subject_type="reviews.review",
                subject_id=review.pk,
                data={"stars": stars_, "status": review.status, "photos": len(cleaned)},
            )
            if not held:
                review_published_notify(review=review, at=at)
    except IntegrityError as exc:  # a second review of the line raced this one
        raise ValidationFailed(
            code="review.exists", fields={"line": _("You have already reviewed this item.")}
        ) from exc
    return review


def append_deadline(review: Review) -> datetime:
    return review.created_at + t.APPEND_WINDOW


def review_append(
    *, actor: Actor, review: Review, text: str, photos: Photos = ()
) -> AppendedReview:
    """The author's one 追评, within 180 days of the review, with up to 9 more photos."""
    if not can_write_review(actor):
        raise Forbidden()
    if review.customer_id not in actor.customer_ids:
        raise NotFound()
    body = _text(text, "text", required=True)
    if review.status == ReviewStatus.REJECTED:
        raise Conflict(_("A rejected review cannot be appended to."), code="review.rejected")
    at = clock.now()
    if at > append_deadline(review):
        raise ValidationFailed(
            code="review.append_window",
            fields={"text": _("An appended review is possible within %(days)s days of the review.") % {"days": t.APPEND_WINDOW.days}},
        )  # fmt: skip
    cleaned = _photos_clean(photos)
    with transaction.atomic():
        locked = Review.unscoped.select_for_update().get(pk=review.pk)
        if AppendedReview.objects.filter(review=locked).exists():
            raise ValidationFailed(
                code="review.appended_exists",
                fields={"text": _("You have already appended to this review.")},
            )
        held = screen(body).held
        appended = AppendedReview.objects.create(
            review=locked,
            text=body,
            status=ReviewStatus.PENDING if held else ReviewStatus.PUBLISHED,
            created_at=at,
        )
        _photos_store(locked, cleaned, Part.APPENDED)
        locked.has_photos = locked.has_photos or bool(cleaned)
        locked.has_appended = not held
        locked.save(update_fields=["has_photos", "has_appended", "updated_at"])
        _screen_and_flag(
            text=body, part=Part.APPENDED, merchant_id=locked.merchant_id, at=at, review=locked
        )
        audit_record(
            actor=actor,
            action="reviews.review.append",
            merchant_id=locked.merchant_id,
            subject_type="reviews.review",
            subject_id=locked.pk,
            data={"status": appended.status, "photos": len(cleaned)},
        )
        if not held:
            review_event_notify(event="review.appended", review=locked, at=at)
    return appended


def review_reply(*, actor: Actor, review: Review, text: str) -> MerchantReply:
    """The shop's one public reply to a review of its own: written once, editable afterwards
    (each edit screened again and audited) unless a moderator hid or rejected it."""
    if not can_reply(actor):
        raise Forbidden()
    if review.merchant_id not in actor.merchant_ids or review.status not in (
        ReviewStatus.PUBLISHED,
        ReviewStatus.HIDDEN,
    ):
        raise NotFound()
    body = _text(text, "text", required=True)
    at = clock.now()
    with transaction.atomic():
        Review.unscoped.select_for_update().filter(pk=review.pk).exists()
        reply = MerchantReply.objects.select_for_update().filter(review=review).first()
        edit = reply is not None
        if reply is not None and reply.status in (ReviewStatus.HIDDEN, ReviewStatus.REJECTED):
            raise Conflict(
                _("A moderator took this reply down; it can no longer be edited."),
                code="review.reply_moderated",
            )
        held = screen(body).held
        still_held = (
            reply is not None
            and reply.status == ReviewStatus.PENDING
            and ModerationItem.unscoped.filter(
                part=Part.REPLY, review=review, decided_at__isnull=True, held=True
            ).exists()
        )
        status = ReviewStatus.PENDING if held or still_held else ReviewStatus.PUBLISHED
        if reply is None:
            reply = MerchantReply(review=review, replied_at=at)
        else:
            reply.edited_at = at
        reply.text, reply.status = body, status
        reply.author, reply.author_user_id = actor.audit_label(), actor.user_id
        reply.save()
        _screen_and_flag(
            text=body, part=Part.REPLY, merchant_id=review.merchant_id, at=at, review=review
        )
        audit_record(
            actor=actor,
            action="reviews.reply.edit" if edit else "reviews.reply.create",
            merchant_id=review.merchant_id,
            subject_type="reviews.review",
            subject_id=review.pk,
            data={"status": status},
        )
        if status == ReviewStatus.PUBLISHED:
            review_event_notify(event="review.replied", review=review, at=at, edited=edit)
    return reply


# --- service reviews ------------------------------------------------------------------------------


def service_review_create(
    *, actor: Actor, case: Case, fair: int, fast: int, polite: int, comment: str = ""
) -> ServiceReview:
    """The consumer's review of how the merchant handled a finished request: one per case."""
    if not can_write_review(actor):
        raise Forbidden()
    if case.customer_id not in actor.customer_ids:
        raise NotFound()
    scores = {
        name: _stars(value, name)
        for name, value in (("fair", fair), ("fast", fast), ("polite", polite))
    }
    body = _text(comment, "comment")
    if case.status not in CASE_CLOSED:
        raise ValidationFailed(
            _("This request cannot be reviewed yet."),
            code="review.case_open",
            fields={"case": _("You can review the service once the request is finished.")},
        )
    if ServiceReview.unscoped.filter(case=case).exists():
        raise ValidationFailed(
            code="review.service_exists",
            fields={"case": _("You have already reviewed the service of this request.")},
        )
    at = clock.now()
    held = screen(body).held
    try:
        with transaction.atomic():
            service = ServiceReview.unscoped.create(
                case=case,
                merchant_id=case.merchant_id,
                customer_id=case.customer_id,
                user_id=actor.user_id,
                comment=body,
                status=ReviewStatus.PENDING if held else ReviewStatus.PUBLISHED,
                created_at=at,
                **scores,
            )
            _screen_and_flag(
                text=body, part=Part.SERVICE, merchant_id=case.merchant_id, at=at, service=service
            )
            audit_record(
                actor=actor,
                action="reviews.service.create",
                merchant_id=case.merchant_id,
                subject_type="reviews.servicereview",
                subject_id=service.pk,
                data={**scores, "status": service.status},
            )
            service_review_notify(service=service, at=at)
    except IntegrityError as exc:
        raise ValidationFailed(
            code="review.service_exists",
            fields={"case": _("You have already reviewed the service of this request.")},
        ) from exc
    return service


# --- moderation -----------------------------------------------------------------------------------


def _part_of(item: ModerationItem) -> Any:
    if item.part == Part.SERVICE:
        return ServiceReview.unscoped.select_for_update().get(moderation_items=item)
    review = Review.unscoped.select_for_update().get(moderation_items=item)
    if item.part == Part.REVIEW:
        return review
    if item.part == Part.APPENDED:
        return AppendedReview.objects.select_for_update().get(review=review)
    return MerchantReply.objects.select_for_update().get(review=review)


def moderation_decide(
    *, actor: Actor, item: ModerationItem, action: str, reason: str
) -> ModerationItem:
    """A moderator publishes, hides or rejects the part an item is about, saying why; the item
    closes, the decision is a history row and an audit row, and the author of a part taken down
    is told why."""
    if not can_moderate(actor):
        raise Forbidden()
    if action not in ModerationAction.values:
        raise ValidationFailed(fields={"action": _("Choose publish, hide or reject.")})
    why = _text(reason, "reason", required=True)
    at = clock.now()
    with transaction.atomic():
        item = ModerationItem.unscoped.select_for_update().get(pk=item.pk)
        if item.decided_at is not None:
            raise Conflict(_("This item has already been decided."), code="review.decided")
        part = _part_of(item)
        before = part.status
        after = decision_target(action, before)
        if after is None:
            raise ValidationFailed(
                fields={"action": _("This decision is not possible for a part that is %(status)s.") % {"status": ReviewStatus(before).label}}
            )  # fmt: skip
        part.status = after
        fields = ["status"]
        if (
            item.part == Part.REVIEW
            and after == ReviewStatus.PUBLISHED
            and part.published_at is None
        ):
            part.published_at = at
            fields.append("published_at")
        part.save(update_fields=fields)
        review = (
            part
            if item.part == Part.REVIEW
            else (part.review if item.part != Part.SERVICE else None)
        )
        if item.part == Part.APPENDED:
            Review.unscoped.filter(moderation_items=item).update(
                has_appended=after == ReviewStatus.PUBLISHED
            )
        item.decided_at, item.decision, item.decided_by = at, action, actor.audit_label()
        item.decision_reason = why
        item.save(update_fields=["decided_at", "decision", "decided_by", "decision_reason"])
        ModerationEvent.objects.create(
            item=item,
            action=action,
            from_status=before,
            to_status=after,
            actor=actor.audit_label(),
            actor_role=str(actor.role),
            reason=why,
            created_at=at,
        )
        audit_record(
            actor=actor,
            action=f"reviews.moderation.{action}",
            merchant_id=item.merchant_id,
            subject_type="reviews.moderationitem",
            subject_id=item.pk,
            data={"part": item.part, "from": before, "to": after, "reasons": item.reasons},
        )
        if (
            item.part == Part.REVIEW
            and before == ReviewStatus.PENDING
            and after == ReviewStatus.PUBLISHED
        ):
            review_published_notify(review=part, at=at)
        author_id = part.author_user_id if item.part == Part.REPLY else (
            part.user_id if item.part in (Part.REVIEW, Part.SERVICE) else part.review.user_id
        )  # fmt: skip
        decision_notify(
            author=User.objects.filter(pk=author_id).first() if author_id else None,
            part=item.part,
            status=after,
            reason=why,
            at=at,
            merchant_id=item.merchant_id,
            review=review,
        )
    return item
