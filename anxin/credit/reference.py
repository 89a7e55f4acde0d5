"""The ladder's starting policy rows (installed by a data migration; administrators edit them):
warn below 60, restrict below 50 (once warned, on a later day), raise the deposit 1.5× below 40
(once restricted), propose an exit below 30 on two days running (an administrator decides)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

THRESHOLDS = [
    # step, below, days, deposit factor, note
    ("warn", Decimal("60"), 1, None, "Score below 60: the shop is warned and told what to improve."),
    ("restrict", Decimal("50"), 1, None, "Score below 50 while warned: new orders refused, settlement held."),
    ("deposit_increase", Decimal("40"), 1, Decimal("1.50"), "Score below 40 while restricted: the required deposit rises 1.5×."),
    ("exit", Decimal("30"), 2, None, "Score below 30 two days running: an exit is proposed to the platform's administrators, who decide."),
]  # fmt: skip


def thresholds_install(model: Any) -> int:
    """Create the rows that are missing (works on a migration's historical model); rows an
    administrator edited are left as they are. Returns how many were created."""
    created = 0
    for step, below, days, factor, note in THRESHOLDS:
        _, made = model.objects.get_or_create(
            step=step,
            defaults={"below": below, "days": days, "deposit_factor": factor, "note": note},
        )
        created += made
    return created
