"""The task machine as data: every (state, action, role) cell, without a database."""

from __future__ import annotations

import pytest

from anxin.core.actors import Role
from anxin.quality.choices import TaskStatus as S
from anxin.quality.workflow import QUALITY_TASK_WORKFLOW as W

ALL_ROLES = [r for r in Role if r is not Role.INTEGRATOR]
INSPECTORS = {Role.QUALITY_INSPECTOR, Role.ADMIN}
MERCHANTS = {Role.MERCHANT_STAFF, Role.MERCHANT_ADMIN}

# (action, from) -> (to, roles allowed)
EXPECTED = {
    ("start", S.OPEN): (S.INSPECTING, INSPECTORS),
    ("pass", S.INSPECTING): (S.PASSED, INSPECTORS),
    ("pass", S.REINSPECTING): (S.PASSED, INSPECTORS),
    ("fail", S.INSPECTING): (S.FAILED, INSPECTORS),
    ("fail", S.REINSPECTING): (S.FAILED, INSPECTORS),
    ("rectify", S.FAILED): (S.REINSPECTING, MERCHANTS),
    ("rectify", S.OVERDUE): (S.REINSPECTING, MERCHANTS),
    ("lapse", S.FAILED): (S.OVERDUE, {Role.SYSTEM}),
    ("cancel", S.OPEN): (S.CANCELLED, INSPECTORS),
    ("cancel", S.INSPECTING): (S.CANCELLED, INSPECTORS),
}


@pytest.mark.parametrize("state", list(S))
@pytest.mark.parametrize("action", W.actions)
def test_every_cell_of_the_table(state: str, action: str) -> None:
    found = W.find(action, state)
    expected = EXPECTED.get((action, state))
    if expected is None:
        assert found is None
        return
    assert found is not None
    assert W.target_of(found, None) == expected[0]
    for role in ALL_ROLES:
        assert (role in found.roles) is (role in expected[1]), (action, state, role)


def test_agents_and_arbitrators_take_no_step() -> None:
    for t in W.transitions:
        assert Role.AGENT not in t.roles and Role.ARBITRATOR not in t.roles


def test_finished_states_have_no_way_out() -> None:
    for t in W.transitions:
        assert not t.sources & {S.PASSED, S.CANCELLED}


def test_only_a_failed_task_waits_on_a_deadline() -> None:
    assert set(W.state_deadlines) == {S.FAILED}
    assert [s.action for s in W.state_deadlines[S.FAILED]] == ["lapse"]
