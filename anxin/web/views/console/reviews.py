"""Review moderation in the console (/console/reviews/): what waits for a moderator and why, each
item with the whole review (stars, text, photos, 追评, the shop's reply), and a decision —
publish, hide or reject — always with a reason; every decision stays in the item's history.

Two kinds of reasons bring an item here. Content reasons (abuse, ads, personal data, off-topic)
hold the part back until a person decides. Fraud signals (a burst on one product, near-duplicate
text, a brand-new account, an address or device cluster) never do: the review stays published and
the page says so, because no one is punished on an automated score alone (PIPL art. 24). Who may
moderate is the reviews app's rule (``reviews.permissions``); this module only lays it out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from anxin.core.errors import DomainError, NotFound
from anxin.core.labels import choice_label
from anxin.core.responses import photo_response
from anxin.reviews.choices import (
    CONTENT_REASONS,
    ModerationAction,
    ModerationReason,
    Part,
    ReviewStatus,
)
from anxin.reviews.models import ModerationItem, Review
from anxin.reviews.permissions import MODERATORS
from anxin.reviews.selectors import (
    appended_of,
    author_display,
    moderation_get_for,
    moderation_page,
    reply_of,
    signal_explanations,
)
from anxin.reviews.services import moderation_decide
from anxin.web.case_display import ROLE_LABELS, usernames_of

from ..common import actor, audience, flash_error
from .home import page

PAGE_SIZE = 50
REASON_MAX = 500

STATES = [
    ("open", gettext_lazy("Waiting for a decision")),
    ("all", gettext_lazy("All, with decisions")),
]
EVENT_LABELS: dict[str, Any] = {
    "flag": gettext_lazy("Sent to moderation"),
    ModerationAction.PUBLISH: gettext_lazy("Published"),
    ModerationAction.HIDE: gettext_lazy("Hidden"),
    ModerationAction.REJECT: gettext_lazy("Rejected"),
}
ACTION_HELP: dict[str, Any] = {
    ModerationAction.PUBLISH: gettext_lazy("Shown to everyone (or kept shown)."),
    ModerationAction.HIDE: gettext_lazy(
        "Taken off the public lists; the author and the shop still see it."
    ),
    ModerationAction.REJECT: gettext_lazy("Refused for good: it breaks the review rules."),
}


# --- forms -----------------------------------------------------------------------------------------


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(label=gettext_lazy("Show"), required=False, choices=STATES)
    reason = forms.ChoiceField(
        label=gettext_lazy("Reason"),
        required=False,
        choices=[("", gettext_lazy("Any reason")), *ModerationReason.choices],
    )
    part = forms.ChoiceField(
        label=gettext_lazy("Part"),
        required=False,
        choices=[("", gettext_lazy("Any part")), *Part.choices],
    )
    cursor = forms.CharField(required=False, max_length=200)


class DecisionForm(forms.Form):
    action = forms.ChoiceField(
        label=gettext_lazy("Moderation decision"),
        choices=ModerationAction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose publish, hide or reject.")},
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (kept in the history)"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": gettext_lazy("Say why you decide so.")},
    )

    def clean_reason(self) -> str:
        text = self.cleaned_data["reason"].strip()
        if not text:
            raise forms.ValidationError(_("Say why you decide so."))
        return str(text)


# --- what the pages show ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    item: ModerationItem
    part: str
    sku_code: str
    sku_name: str
    stars: int | None
    excerpt: str
    content: list[str]  # content reasons, in words (the part is held)
    signals: list[str]  # fraud signals, in words (the part stays published)
    decision: str


def _text_of(item: ModerationItem) -> str:
    """The words under moderation: the review's, its 追评's, the reply's or the service comment."""
    review = item.review
    if item.part == Part.SERVICE:
        return item.service_review.comment if item.service_review else ""
    if review is None:
        return ""
    if item.part == Part.APPENDED:
        appended = appended_of(review)
        return appended.text if appended else ""
    if item.part == Part.REPLY:
        reply = reply_of(review)
        return reply.text if reply else ""
    return review.text


def _reasons(item: ModerationItem) -> tuple[list[str], list[str]]:
    content: list[str] = []
    signals: list[str] = []
    for code in item.reasons or []:
        label = choice_label(ModerationReason, code, unknown="") or _("Other")
        (content if code in CONTENT_REASONS else signals).append(label)
    return content, signals


def _row(item: ModerationItem) -> Row:
    content, signals = _reasons(item)
    review = item.review
    sku = review.sku if review is not None else None
    text = _text_of(item)
    return Row(
        item=item,
        part=choice_label(Part, item.part, unknown=""),
        sku_code=sku.code if sku is not None else "",
        sku_name=sku.name if sku is not None else "",
        stars=review.stars if review is not None and item.part != Part.SERVICE else None,
        excerpt=text if len(text) <= 80 else text[:79] + "…",
        content=content,
        signals=signals,
        decision=choice_label(ModerationAction, item.decision, unknown=""),
    )


@dataclass(frozen=True)
class Entry:
    at: datetime
    label: str
    who: str
    reason: str
    change: str  # "Published → Hidden"


def _history(item: ModerationItem) -> list[Entry]:
    events = list(item.events.all())
    names = usernames_of(events)
    entries = []
    for event in events:
        role = str(ROLE_LABELS.get(event.actor_role, event.actor_role))
        who = role if event.actor == "system" else f"{role} · {names.get(event.actor, event.actor)}"
        before = choice_label(ReviewStatus, event.from_status, unknown="")
        after = choice_label(ReviewStatus, event.to_status, unknown="")
        change = f"{before} → {after}" if before and after and before != after else after
        label = EVENT_LABELS.get(event.action)
        entries.append(
            Entry(
                at=event.created_at,
                label=str(label) if label else _("Moderation step"),
                who=who,
                reason=event.reason,
                change=change,
            )
        )
    return entries


@dataclass(frozen=True)
class Photo:
    url: str
    label: str
    width: int
    height: int


def _photos(item: ModerationItem, review: Review, part: str) -> list[Photo]:
    rows = [p for p in review.photos.all() if p.part == part]
    return [
        Photo(
            url=reverse("console_reviews:photo", args=[item.pk, p.public_id]),
            label=_("Photo %(n)s") % {"n": n},
            width=p.width,
            height=p.height,
        )
        for n, p in enumerate(rows, 1)
    ]


def _review_context(item: ModerationItem) -> dict[str, Any]:
    review = item.review
    if review is None:
        return {"service": item.service_review}
    appended = appended_of(review)
    reply = reply_of(review)
    return {
        "review": review,
        "review_status": choice_label(ReviewStatus, review.status, unknown=""),
        # moderators see the login (fraud signals need it) and what the public sees instead
        "public_author": author_display(review),
        "photos": _photos(item, review, Part.REVIEW),
        "appended": appended,
        "appended_status": choice_label(ReviewStatus, appended.status, unknown="")
        if appended
        else "",
        "appended_photos": _photos(item, review, Part.APPENDED) if appended else [],
        "reply": reply,
        "reply_status": choice_label(ReviewStatus, reply.status, unknown="") if reply else "",
        "stars_range": range(1, 6),
    }


# --- views -----------------------------------------------------------------------------------------


@audience(MODERATORS)
def queue(request: HttpRequest) -> HttpResponse:
    """The waiting items, newest first, filtered by reason and part; ``state=all`` adds the
    decided ones with their decisions (the moderation history)."""
    viewer = actor(request)
    form = QueueFilterForm(request.GET or None)
    rows: list[Row] = []
    next_cursor = None
    status = 200
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        data = form.cleaned_data if form.is_bound else {}
        try:
            found = moderation_page(
                actor=viewer,
                reason=data.get("reason") or None,
                part=data.get("part") or None,
                open_only=(data.get("state") or "open") == "open",
                cursor=data.get("cursor") or None,
                limit=PAGE_SIZE,
            )
        except DomainError as error:
            status = 400
            for name, text in flash_error(request, error).items():
                form.add_error(name if name in form.fields else None, text)
        else:
            rows = [_row(item) for item in found.items]
            next_cursor = found.next_cursor
    state = (form.cleaned_data.get("state") if form.is_bound and form.is_valid() else "") or "open"
    context = {
        "form": form,
        "rows": rows,
        "state": state,
        "states": STATES,
        "next_cursor": next_cursor,
    }
    return page(request, "web/console/reviews/queue.html", context, nav="reviews", status=status)


@audience(MODERATORS)
def item(request: HttpRequest, pk: int) -> HttpResponse:
    """One item: the review in full, why it is here (each signal in words), the decision form
    while it is open, and its history."""
    viewer = actor(request)
    found = moderation_get_for(actor=viewer, pk=pk)
    form = DecisionForm(request.POST) if request.method == "POST" else DecisionForm()
    status = 200
    if request.method == "POST":
        if found.decided_at is not None:
            messages.error(request, _("This item was already decided."))
            status = 409
        elif form.is_valid():
            try:
                moderation_decide(
                    actor=viewer,
                    item=found,
                    action=form.cleaned_data["action"],
                    reason=form.cleaned_data["reason"],
                )
            except DomainError as error:
                status = 400 if error.fields else 409
                for name, text in flash_error(request, error).items():
                    form.add_error(name if name in form.fields else None, text)
            else:
                label = choice_label(ModerationAction, form.cleaned_data["action"], unknown="")
                messages.success(request, _("Decision saved: %(action)s.") % {"action": label})
                return redirect("console_reviews:item", pk=found.pk)
        else:
            status = 400
    content, signals = _reasons(found)
    context = {
        "item": found,
        "part": choice_label(Part, found.part, unknown=""),
        "content_reasons": content,
        "signal_reasons": signals,
        "explanations": signal_explanations(found),
        "signals_only": bool(signals) and not content and not found.held,
        "text": _text_of(found),
        "form": form,
        "action_help": [
            (code, label, ACTION_HELP[code]) for code, label in ModerationAction.choices
        ],
        "history": _history(found),
        "decision": choice_label(ModerationAction, found.decision, unknown=""),
        **_review_context(found),
    }
    return page(request, "web/console/reviews/item.html", context, nav="reviews", status=status)


@audience(MODERATORS)
def photo(request: HttpRequest, pk: int, photo_id: str) -> HttpResponse:
    """A photo of the review an item is about (any status: the moderator must see what is held)."""
    found = moderation_get_for(actor=actor(request), pk=pk)
    if found.review is None:
        raise NotFound()
    chosen = next((p for p in found.review.photos.all() if str(p.public_id) == photo_id), None)
    if chosen is None:
        raise NotFound()
    return photo_response(chosen)
