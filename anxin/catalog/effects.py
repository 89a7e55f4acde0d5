"""The merchant machine's hooks: one ``MerchantEvent`` row per status change, and the settlement
hold — set when the shop is restricted or exits, released when a restriction is lifted."""

from __future__ import annotations

from collections.abc import Callable

from anxin.core.workflow import History, StepContext, register

from .workflow import MERCHANT_WORKFLOW


def _settlement(held: bool) -> Callable[[StepContext], None]:
    def effect(step: StepContext) -> None:
        merchant = step.subject
        merchant.settlement_hold = held
        merchant.save(update_fields=["settlement_hold", "updated_at"])

    return effect


register(
    MERCHANT_WORKFLOW,
    effects={
        "restrict": _settlement(True),
        "exit": _settlement(True),
        "lift_restriction": _settlement(False),
    },
    history=History("catalog.merchantevent", subject_field="merchant", actor_role=False),
)
