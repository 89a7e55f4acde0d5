"""The merchant lifecycle: admission → active ⇄ warned → restricted → exit (清退).

A warned merchant has 30 days to rectify; if nobody clears the warning, the system restricts the
shop (policy M-1). The system also warns and restricts when the merchant's credit falls below a
threshold (the credit app); exit stays an administrator's decision. The table is the whole machine; ``merchant_transition`` is the only way in.
The machine has no effects: ``effects.py`` registers it with its history table.
"""

from __future__ import annotations

from datetime import timedelta

from anxin.core.actors import Role
from anxin.core.workflow import Start, Workflow, row

from .choices import MerchantStatus as S

ADMIN, SYSTEM = Role.ADMIN, Role.SYSTEM
RECTIFY = Start(
    kind="rectification",
    action="restrict",
    after=timedelta(days=30),
    rule="M-1: warning not cleared within 30 days",
)

TRANSITIONS = [
    #    action              from                                          to             roles            guard  starts
    row("approve",          [S.APPLYING],                                 S.ACTIVE,      [ADMIN]),
    row("warn",             [S.ACTIVE],                                   S.WARNED,      [ADMIN, SYSTEM], None,  [RECTIFY]),
    row("clear_warning",    [S.WARNED],                                   S.ACTIVE,      [ADMIN]),
    row("restrict",         [S.WARNED],                                   S.RESTRICTED,  [ADMIN, SYSTEM]),
    row("lift_restriction", [S.RESTRICTED],                               S.ACTIVE,      [ADMIN]),
    row("exit",             [S.APPLYING, S.ACTIVE, S.WARNED, S.RESTRICTED], S.EXITED,    [ADMIN]),
]  # fmt: skip


MERCHANT_WORKFLOW = Workflow(
    model_label="catalog.merchant",
    transitions=TRANSITIONS,
    tenant_of=lambda merchant: merchant.pk,
)
