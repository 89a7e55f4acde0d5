"""The console's words for disputes: queue tabs, step and form labels, history details, badges."""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext_lazy, pgettext_lazy

from anxin.disputes.choices import (
    DisputeStatus,
)

# ------------------------------------------------------------------------------------

QUEUE_TABS: list[tuple[str, Any]] = [
    ("mine", gettext_lazy("Mine")),
    ("unassigned", gettext_lazy("Unassigned")),
    ("evidence", gettext_lazy("Waiting for evidence")),
    ("all", gettext_lazy("All")),
]

# The history (协商历史): what happened, in the reader's language.
EVENT_LABELS: dict[str, Any] = {
    "open": pgettext_lazy("dispute action", "Dispute opened"),
    "propose": pgettext_lazy("dispute action", "Proposal made"),
    "decline": pgettext_lazy("dispute action", "Proposal declined"),
    "agree": pgettext_lazy("dispute action", "Agreed to the platform's proposal"),
    "accept": pgettext_lazy("dispute action", "Proposal accepted"),
    "request_intervention": pgettext_lazy("dispute action", "Asked the platform to step in"),
    "intervene": pgettext_lazy("dispute action", "Platform stepped in"),
    "open_round": pgettext_lazy("dispute action", "Evidence requested"),
    "submit": pgettext_lazy("dispute action", "Evidence given"),
    "close_round": pgettext_lazy("dispute action", "Evidence round closed"),
    "round_missed": pgettext_lazy("dispute action", "Evidence deadline missed"),
    "refer": pgettext_lazy("dispute action", "Referred to arbitration"),
    "send_to_jury": pgettext_lazy("dispute action", "Sent to the public review panel"),
    "close_jury": pgettext_lazy("dispute action", "Panel voting closed"),
    "rule": pgettext_lazy("dispute action", "Decided"),
    "fast_track": pgettext_lazy("dispute action", "Paid at once by the platform"),
    "suspend": pgettext_lazy("dispute action", "Suspended"),
    "resume": pgettext_lazy("dispute action", "Resumed"),
    "execute": pgettext_lazy("dispute action", "Decision carried out"),
    "enforce": pgettext_lazy("dispute action", "Carried out by the platform"),
    "appeal": pgettext_lazy("dispute action", "Appealed"),
    "rule_appeal": pgettext_lazy("dispute action", "Appeal decided"),
    "finalize": pgettext_lazy("dispute action", "Decision final"),
    "withdraw": pgettext_lazy("dispute action", "Withdrawn"),
    # the merchant's pages say these too: one wording for both
    "lapse": gettext_lazy("Closed: not taken to the platform within 7 days"),
    "round_lapsed": gettext_lazy("Evidence round over"),
}

# The forms of the workspace: the platform's steps, in the order they are offered.
FORM_LABELS: dict[str, Any] = {
    "intervene": pgettext_lazy("dispute step", "Step in and mediate"),
    "propose": pgettext_lazy("dispute step", "Propose a solution to both sides"),
    "open_round": pgettext_lazy("dispute step", "Ask for evidence"),
    "close_round": pgettext_lazy("dispute step", "Close the evidence round"),
    "refer": pgettext_lazy("dispute step", "Refer to arbitration"),
    "fast_track": pgettext_lazy("dispute step", "Fast track: pay the claim now"),
    "send_to_jury": pgettext_lazy("dispute step", "Send to the public review panel"),
    "close_jury": pgettext_lazy("dispute step", "Close panel voting"),
    "rule": pgettext_lazy("dispute step", "Decide the dispute"),
    "rule_appeal": pgettext_lazy("dispute step", "Decide the appeal"),
    "suspend": pgettext_lazy("dispute step", "Suspend"),
    "resume": pgettext_lazy("dispute step", "Resume"),
}
FORM_ORDER = tuple(FORM_LABELS)
DESTRUCTIVE = frozenset({"fast_track", "suspend"})
# The inputs each form shows (an error on any other field is shown at the top of the form).
FORM_FIELDS: dict[str, tuple[str, ...]] = {
    "propose": ("remedy", "amount", "note", "reason"),
    "open_round": ("party", "template", "request", "kind", "reason"),
    "suspend": ("days", "reason"),
    "rule": ("remedy", "amount", "rationale", "rules", "template", "merchant_at_fault",
             "consumer_bad_faith", "jury_override"),
    "rule_appeal": ("remedy", "amount", "rationale", "rules", "template", "merchant_at_fault",
                    "consumer_bad_faith", "jury_override"),
    "message": ("body", "visible_to"),
}  # fmt: skip
BOOLEAN_FIELDS = frozenset({"merchant_at_fault", "consumer_bad_faith"})

# The dispute rules a ruling may cite (docs/domain.md, P-8…P-13).
DISPUTE_RULES: list[tuple[str, Any]] = [
    ("P-8", gettext_lazy("the platform steps in after 24 hours of negotiation")),
    ("P-9", gettext_lazy("the merchant answers within 24 hours or loses the round")),
    ("P-10", gettext_lazy("supplementary evidence within 4 business hours or the round is lost")),
    ("P-11", gettext_lazy("carried out within 24 hours, else the platform pays first")),
    ("P-12", gettext_lazy("one appeal within 7 days, decided by a different arbitrator")),
    ("P-13", gettext_lazy("handling is suspended for at most 30 days")),
]
# Whose side ``party`` names in a step's data, by step.
PARTY_LABELS: dict[str, Any] = {
    "open_round": gettext_lazy("Asked of"),
    "appeal": gettext_lazy("Appealed by"),
    "propose": gettext_lazy("Proposed by"),
}
MONEY_DETAILS = frozenset({"amount", "paid_more", "credited_merchant"})
# Why the system took a step on its own, by step (the stored rule text is English, for the audit;
# two steps share a rule: P-8 steps in or closes, P-9/P-10 decides or hands back).
AUTOMATIC_STEPS: dict[str, Any] = {
    "intervene": gettext_lazy("the merchant did not answer the dispute within 24 hours (P-8)"),
    "lapse": gettext_lazy("P-8: neither settled nor taken to the platform within 7 days"),
    "round_missed": gettext_lazy("P-9: nothing was given in the answer round by the deadline"),
    "round_lapsed": gettext_lazy(
        "the evidence round ran out with something given, or it was a supplementary round: back "
        "to the mediator or arbitrator, who decides on the evidence present (P-9/P-10)"
    ),
    "close_jury": gettext_lazy("the panel's voting time is over (J-1)"),
    "resume": gettext_lazy("the suspension is over (P-13)"),
    "enforce": gettext_lazy("the decision was not carried out within 24 hours (P-11)"),
    "finalize": gettext_lazy("no appeal was made within 7 days (P-12)"),
}
# What a deadline does when it passes, where the step's name alone would not say it.
THEN_WORDS: dict[str, Any] = {
    "round_missed": gettext_lazy(
        "Decided on the evidence present: nothing was given in the answer round"
    ),
    "round_lapsed": gettext_lazy(
        "Back to the mediator or arbitrator, who decides on the evidence given"
    ),
}
# Rules named by older stored reasons ("P-9/P-10: evidence not given by the deadline").
AUTOMATIC_REASONS: dict[str, Any] = {
    "P-8": gettext_lazy("the merchant did not answer the dispute within 24 hours (P-8)"),
    "P-9/P-10": gettext_lazy("the evidence was not given by the deadline (P-9/P-10)"),
    "J-1": gettext_lazy("the panel's voting time is over (J-1)"),
    "P-13": gettext_lazy("the suspension is over (P-13)"),
    "P-11": gettext_lazy("the decision was not carried out within 24 hours (P-11)"),
    "P-12": gettext_lazy("no appeal was made within 7 days (P-12)"),
}
DETAIL_LABELS: dict[str, Any] = {
    "remedy": gettext_lazy("Solution"),
    "amount": gettext_lazy("Amount"),
    "party": gettext_lazy("Asked of"),
    "paid_more": gettext_lazy("Paid on top by the platform"),
    "credited_merchant": gettext_lazy("Credited back to the merchant's deposit"),
    "template": gettext_lazy("Burden of proof"),
    "round": gettext_lazy("Round"),
    "days": gettext_lazy("Days"),
    "note": gettext_lazy("Note"),
    "majority": gettext_lazy("Panel majority"),
}
BADGES = {
    DisputeStatus.NEGOTIATING: "status-merchant_review",
    DisputeStatus.AWAITING_EVIDENCE: "status-merchant_review",
    DisputeStatus.MEDIATION: "status-disputed",
    DisputeStatus.ARBITRATION: "status-disputed",
    DisputeStatus.JURY: "status-disputed",
    DisputeStatus.APPEALED: "status-disputed",
    DisputeStatus.SUSPENDED: "status-closed",
    DisputeStatus.RULED: "status-received",
    DisputeStatus.EXECUTED: "status-received",
    DisputeStatus.SETTLED: "status-completed",
    DisputeStatus.FINAL: "status-completed",
    DisputeStatus.WITHDRAWN: "status-closed",
}
# Rule ids a person may type besides the checkboxes: "CPL art. 24, R-4；B-2".
RULE_SPLIT = re.compile(r"[,，;；、]+")


def badge_class(status: str) -> str:
    return BADGES.get(status, "status-disputed")  # type: ignore[call-overload]


def label_of(choices: Any, value: str) -> str:
    return str(dict(choices.choices).get(value, value))
