"""The merchant machine's hooks: no effects, one ``MerchantEvent`` row per status change."""

from __future__ import annotations

from anxin.core.workflow import History, register

from .workflow import MERCHANT_WORKFLOW

register(
    MERCHANT_WORKFLOW,
    history=History("catalog.merchantevent", subject_field="merchant", actor_role=False),
)
