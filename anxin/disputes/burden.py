"""Burden-of-proof templates (举证责任): who must show what, by the case's reason, as data.

A round names a template; the ruling cites it. Defaults follow DOMAIN.md §7 and the marketplace
rules it cites: a visible defect is shown by the consumer's photos; an invisible defect or a
counterfeit by the merchant's sourcing documents; non-delivery by the carrier's proof of signature.
Documents are given as photos or scans (the same checks as case photos).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .choices import Party


@dataclass(frozen=True)
class Burden:
    code: str
    party: Party
    title: Promise
    asks: Promise  # what the party is asked to give, in the reader's language
    reasons: tuple[str, ...]  # reason codes (or their prefixes) it applies to


BURDENS: tuple[Burden, ...] = (
    Burden(
        "B-1",
        Party.CONSUMER,
        _("Visible defect or damage: the consumer shows it"),
        _("Photos of the defect or damage, of the whole item and of the parcel and its label."),
        ("quality/defect", "logistics/damaged_in_transit", "wrong_item", "logistics/missing_item"),
    ),
    Burden(
        "B-2",
        Party.MERCHANT,
        _("Invisible defect within six months of delivery: the merchant shows the item was sound"),
        _("A test or inspection report of the item, or the manufacturer's quality certificate."),
        ("quality",),
    ),
    Burden(
        "B-3",
        Party.MERCHANT,
        _("Suspected counterfeit: the merchant shows where the goods came from"),
        _("Purchase invoices, the supplier contract or the brand's authorisation, for this item."),
        ("quality/counterfeit",),
    ),
    Burden(
        "B-4",
        Party.MERCHANT,
        _("Not received: the merchant shows the consumer signed for it"),
        _("The carrier's proof of delivery with the signature, or the locker pickup record."),
        ("logistics/not_received",),
    ),
    Burden(
        "B-5",
        Party.CONSUMER,
        _("Not as described: the consumer compares the item with the listing"),
        _("Photos of the item next to the part of the listing it does not match."),
        ("quality/not_as_described",),
    ),
    Burden(
        "B-6",
        Party.MERCHANT,
        _("Return refused for its condition: the merchant shows the condition on receipt"),
        _("Photos of the returned item as received (tags, seals, wear) and of the opened parcel."),
        ("no_reason", "size_fit"),
    ),
    Burden(
        "B-7",
        Party.MERCHANT,
        _("The merchant answers the claim"),
        _("Your answer to the claim and any photos or documents that support it."),
        (),
    ),
)

BY_CODE = {b.code: b for b in BURDENS}
RESPONSE = BY_CODE["B-7"]


def burden_for(reason_code: str) -> Burden:
    """The template for a case's reason: the most specific match, else the merchant answers."""
    best: Burden | None = None
    best_len = -1
    for burden in BURDENS:
        for prefix in burden.reasons:
            if (reason_code == prefix or reason_code.startswith(prefix + "/")) and len(
                prefix
            ) > best_len:
                best, best_len = burden, len(prefix)
    return best or RESPONSE


def burden_get(code: str) -> Burden | None:
    return BY_CODE.get(code)
