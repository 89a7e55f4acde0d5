"""Who hears about which case action, and what they read — as data, in one place.

Texts are English sources rendered in each recipient's language when the notification is written.
Placeholders: ``number``, ``status`` (the new status), ``type``, ``amount``, ``currency``.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class Party(StrEnum):
    CONSUMER = "consumer"  # the user linked to the case's customer record
    MERCHANT = "merchant"  # every user with a membership of the case's merchant


C, M = Party.CONSUMER, Party.MERCHANT

# action → (who is told, title, body). Webhooks go out for every action regardless of this table.
CASE_MESSAGES: dict[str, tuple[frozenset[Party], Promise, Promise]] = {
    "open": (
        frozenset({M}),
        _("New after-sales request %(number)s"),
        _("A consumer opened request %(number)s (%(type)s) for %(amount)s %(currency)s. Please review it."),
    ),
    "approve": (
        frozenset({C}),
        _("Request %(number)s approved"),
        _("Your after-sales request %(number)s was approved."),
    ),
    "reject": (
        frozenset({C}),
        _("Request %(number)s rejected"),
        _("Your after-sales request %(number)s was rejected. You can revise it or ask the platform to step in."),
    ),
    "revise": (
        frozenset({M}),
        _("Request %(number)s revised"),
        _("The consumer revised request %(number)s. Please review it again."),
    ),
    "escalate": (
        frozenset({M}),
        _("Request %(number)s escalated"),
        _("The consumer asked the platform to step in on request %(number)s."),
    ),
    "withdraw": (
        frozenset({M}),
        _("Request %(number)s withdrawn"),
        _("The consumer withdrew request %(number)s."),
    ),
    "close": (
        frozenset({C, M}),
        _("Request %(number)s closed"),
        _("After-sales request %(number)s was closed."),
    ),
    "ship_return": (
        frozenset({M}),
        _("Return sent for %(number)s"),
        _("The consumer sent the return parcel for request %(number)s."),
    ),
    "mark_delivered": (
        frozenset({M}),
        _("Return delivered for %(number)s"),
        _("The return parcel for request %(number)s was delivered. Please confirm receipt."),
    ),
    "confirm_receipt": (
        frozenset({C}),
        _("Return received for %(number)s"),
        _("The merchant received your return parcel for request %(number)s."),
    ),
    "refund": (
        frozenset({C, M}),
        _("Refund issued for %(number)s"),
        _("A refund of %(amount)s %(currency)s was issued for request %(number)s."),
    ),
    "ship_replacement": (
        frozenset({C}),
        _("Replacement shipped for %(number)s"),
        _("The merchant shipped a replacement for request %(number)s."),
    ),
    "start_repair": (
        frozenset({C}),
        _("Repair started for %(number)s"),
        _("The merchant started repairing the item of request %(number)s."),
    ),
    "ship_repaired": (
        frozenset({C}),
        _("Repaired item shipped for %(number)s"),
        _("The merchant shipped the repaired item of request %(number)s back to you."),
    ),
    "confirm_done": (
        frozenset({M}),
        _("Request %(number)s completed"),
        _("The consumer confirmed that request %(number)s is done."),
    ),
}  # fmt: skip

STATUS_LINE = _("Status: %(status)s.")
REASON_LINE = _("Reason: %(reason)s")

# Actions whose free-text reason the recipients should read (the others' reasons are internal).
REASON_SHOWN = frozenset({"reject", "close", "escalate", "withdraw"})

CASE_EVENTS: tuple[str, ...] = tuple(f"case.{action}" for action in CASE_MESSAGES)
