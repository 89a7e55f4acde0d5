"""Who is acting: a user, an API token or the system (the deadline sweeper)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Role(StrEnum):
    CONSUMER = "consumer"
    MERCHANT_STAFF = "merchant_staff"
    MERCHANT_ADMIN = "merchant_admin"
    AGENT = "agent"
    ARBITRATOR = "arbitrator"
    QUALITY_INSPECTOR = "quality_inspector"
    ADMIN = "admin"
    INTEGRATOR = "integrator"  # an API token
    SYSTEM = "system"  # automatic actions of the sweeper


PLATFORM_ROLES = frozenset(
    {Role.AGENT, Role.ARBITRATOR, Role.QUALITY_INSPECTOR, Role.ADMIN, Role.SYSTEM}
)
MERCHANT_ROLES = frozenset({Role.MERCHANT_STAFF, Role.MERCHANT_ADMIN})


@dataclass(frozen=True)
class Actor:
    """The identity a service acts for, with the tenants it may touch.

    ``merchant_ids`` is the set of merchants a merchant user or merchant-scoped token belongs to;
    ``platform`` is true for platform staff, platform tokens and the system.
    """

    role: Role
    user_id: int | None = None
    token_id: int | None = None
    merchant_ids: frozenset[int] = field(default_factory=frozenset)
    platform: bool = False
    customer_ids: frozenset[int] = field(default_factory=frozenset)
    label: str = ""

    @property
    def is_system(self) -> bool:
        return self.role is Role.SYSTEM

    @property
    def workflow_role(self) -> Role:
        """The role a workflow table knows this actor by: an integrator's token acts as the
        merchant's administrator (merchant token) or as a platform administrator."""
        if self.role is Role.INTEGRATOR:
            return Role.ADMIN if self.platform else Role.MERCHANT_ADMIN
        return self.role

    def can_see_merchant(self, merchant_id: int) -> bool:
        return self.platform or merchant_id in self.merchant_ids

    def audit_label(self) -> str:
        if self.is_system:
            return "system"
        if self.token_id is not None:
            return f"token:{self.token_id}"
        if self.user_id is not None:
            return f"user:{self.user_id}"
        return f"operator:{self.label or self.role}"  # a management command run by an operator

    def as_audit(self) -> dict[str, Any]:
        return {"actor": self.audit_label(), "role": str(self.role)}


SYSTEM = Actor(role=Role.SYSTEM, platform=True, label="system")
