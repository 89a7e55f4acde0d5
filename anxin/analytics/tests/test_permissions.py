"""Who may read which analytics: the role matrix of the dashboards and the targets."""

from __future__ import annotations

import pytest

from anxin.analytics.permissions import (
    can_manage_targets,
    can_view_any,
    can_view_desk,
    can_view_merchant,
    can_view_platform,
    require_merchant,
    require_platform,
)
from anxin.core.actors import SYSTEM, Actor, Role
from anxin.core.errors import Forbidden

SHOP = 7


def platform(role: Role) -> Actor:
    return Actor(role=role, user_id=1, platform=True)


def shop(role: Role, *shops: int) -> Actor:
    return Actor(role=role, user_id=2, merchant_ids=frozenset(shops))


# actor, platform dashboards, shop 7, shop 8, any dashboard, targets
MATRIX = [
    (platform(Role.AGENT), True, True, True, True, False),
    (platform(Role.ARBITRATOR), True, True, True, True, False),
    (platform(Role.QUALITY_INSPECTOR), True, True, True, True, False),
    (platform(Role.ADMIN), True, True, True, True, True),
    (SYSTEM, True, True, True, True, True),
    (Actor(role=Role.INTEGRATOR, token_id=1, platform=True), True, True, True, True, False),
    (shop(Role.MERCHANT_ADMIN, SHOP), False, True, False, True, False),
    (shop(Role.MERCHANT_STAFF, SHOP), False, True, False, True, False),
    (Actor(role=Role.INTEGRATOR, token_id=2, merchant_ids=frozenset({SHOP})), False, True, False,
     True, False),
    (Actor(role=Role.INTEGRATOR, token_id=3), False, False, False, False, False),
    (shop(Role.MERCHANT_ADMIN), False, False, False, False, False),  # a shop user without shop
    (Actor(role=Role.CONSUMER, user_id=3, customer_ids=frozenset({SHOP})), False, False, False,
     False, False),
    (Actor(role=Role.AGENT, user_id=4, platform=False), False, False, False, False, False),
]  # fmt: skip


@pytest.mark.parametrize(("actor", "plat", "own", "other", "any_", "targets"), MATRIX)
def test_role_matrix(actor: Actor, plat: bool, own: bool, other: bool, any_: bool, targets: bool):
    assert can_view_platform(actor) is plat
    assert can_view_desk(actor) is plat
    assert can_view_merchant(actor, SHOP) is own
    assert can_view_merchant(actor, SHOP + 1) is other
    assert can_view_any(actor) is any_
    assert can_manage_targets(actor) is targets


def test_require_raises_forbidden_for_another_shop() -> None:
    owner = shop(Role.MERCHANT_ADMIN, SHOP)
    require_merchant(owner, SHOP)
    with pytest.raises(Forbidden):
        require_merchant(owner, SHOP + 1)
    with pytest.raises(Forbidden):
        require_merchant(owner, None)
    with pytest.raises(Forbidden):
        require_platform(owner)
    require_platform(platform(Role.QUALITY_INSPECTOR))
