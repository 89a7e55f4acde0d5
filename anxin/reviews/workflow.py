"""What a moderator's decision does to the part it is about, as one literal table.

A decision closes the moderation item. ``publish`` on a part that is already published (an item
opened by fraud signals only) confirms it; a content hold (pending) ends in one of the three.
"""

from __future__ import annotations

from typing import Final

from .choices import ModerationAction, ReviewStatus

P, PUB, H, R = (
    ReviewStatus.PENDING,
    ReviewStatus.PUBLISHED,
    ReviewStatus.HIDDEN,
    ReviewStatus.REJECTED,
)

# action                      from statuses                 to status
MODERATION: Final[dict[str, tuple[frozenset[str], str]]] = {
    ModerationAction.PUBLISH: (frozenset({P, PUB, H}),      PUB),
    ModerationAction.HIDE:    (frozenset({P, PUB}),         H),
    ModerationAction.REJECT:  (frozenset({P, PUB, H}),      R),
}  # fmt: skip


def decision_target(action: str, status: str) -> str | None:
    """The part's next status, or None when the table has no such move."""
    row = MODERATION.get(action)
    if row is None or status not in row[0]:
        return None
    return row[1]
