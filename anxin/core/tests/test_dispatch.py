"""Side effects after commit: ``on_commit_once`` registers a callback once per transaction."""

import pytest
from django.db import transaction

from anxin.core.dispatch import on_commit_once

pytestmark = pytest.mark.django_db

calls: list[str] = []


def kick() -> None:
    calls.append("kick")


def other() -> None:
    calls.append("other")


@pytest.fixture(autouse=True)
def _no_calls():
    calls.clear()


def test_asked_for_many_times_in_one_transaction_it_runs_once_after_the_commit(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        for _ in range(10):
            on_commit_once(kick)
        on_commit_once(other)  # another callback is registered on its own
        assert calls == []  # nothing before the commit
    assert len(callbacks) == 2
    assert calls == ["kick", "other"]


def test_once_it_ran_the_next_request_registers_it_again(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        on_commit_once(kick)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        on_commit_once(kick)
    assert len(callbacks) == 1
    assert calls == ["kick", "kick"]


def test_a_savepoint_rolled_back_drops_it_and_a_later_request_registers_it_again(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            on_commit_once(kick)
            raise RuntimeError("boom")
        on_commit_once(kick)
        with transaction.atomic():
            on_commit_once(kick)  # already registered by the enclosing transaction
    assert len(callbacks) == 1
    assert calls == ["kick"]


def test_nothing_runs_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        on_commit_once(kick)
        raise RuntimeError("boom")
    assert (callbacks, calls) == ([], [])
