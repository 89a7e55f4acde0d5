"""The ladder's starting policy rows (installed by a data migration; administrators edit them):
warn below 60, restrict below 50 (once warned, on a later day), raise the deposit 1.5× below 40
(once restricted), propose an exit below 30 on two days running (an administrator decides)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

THRESHOLDS = [
    # step, below, days, deposit factor, note: the note is what an administrator writes when
    # changing a row (shown as written); what each step does the pages say in the reader's language
    ("warn", Decimal("60"), 1, None, ""),
    ("restrict", Decimal("50"), 1, None, ""),
    ("deposit_increase", Decimal("40"), 1, Decimal("1.50"), ""),
    ("exit", Decimal("30"), 2, None, ""),
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
