"""The audit chain detects an edited, a deleted, a reordered and a cut-off row — and only those."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from anxin.core.actors import SYSTEM
from anxin.core.audit import audit_chain_all, audit_record, audit_verify
from anxin.core.models import AuditEntry

# The audit chain is linked after commit, in commit order (also runs on PostgreSQL).
pytestmark = [pytest.mark.django_db, pytest.mark.db]


def _chain(n=5, merchant_id=7):
    rows = [
        audit_record(
            actor=SYSTEM,
            action="test.step",
            merchant_id=merchant_id,
            subject_type="x",
            subject_id=i,
            data={"i": i, "amount": "12.30", "名": "张三"},
        )
        for i in range(n)
    ]
    audit_chain_all()  # what the after-commit step does in production
    return [AuditEntry.objects.get(pk=r.pk) for r in rows]


def test_an_untouched_chain_verifies_across_tenants():
    _chain(merchant_id=1)
    _chain(merchant_id=2)
    audit_record(actor=SYSTEM, action="platform.thing")
    audit_chain_all()
    assert list(audit_verify()) == []
    call_command("verify_audit")


def test_an_edited_row_is_named():
    rows = _chain()
    AuditEntry.objects.filter(pk=rows[2].pk).update(data={"i": 2, "amount": "99.99"})
    (problem,) = audit_verify()
    assert (problem.tenant, problem.seq, problem.entry_id) == ("m7", 3, rows[2].pk)
    assert "hash" in problem.reason


def test_an_edited_row_with_a_recomputed_hash_breaks_the_next_link():
    rows = _chain()
    AuditEntry.objects.filter(pk=rows[1].pk).update(actor="user:666", hash="f" * 64)
    (problem,) = audit_verify()
    assert problem.seq == 2


def test_a_deleted_row_is_named():
    rows = _chain()
    AuditEntry.objects.filter(pk=rows[1].pk).delete()
    (problem,) = audit_verify()
    assert problem.seq == 2
    assert "missing" in problem.reason


def test_reordered_rows_are_detected():
    rows = _chain()
    a, b = rows[1], rows[3]
    AuditEntry.objects.filter(pk=a.pk).update(seq=1000)
    AuditEntry.objects.filter(pk=b.pk).update(seq=a.seq)
    AuditEntry.objects.filter(pk=a.pk).update(seq=b.seq)
    (problem,) = audit_verify()
    assert problem.seq == 2


def test_a_removed_tail_is_detected_by_the_chain_head():
    rows = _chain()
    AuditEntry.objects.filter(pk=rows[-1].pk).delete()
    (problem,) = audit_verify()
    assert "removed" in problem.reason


def test_the_command_fails_and_names_the_row(capsys):
    rows = _chain()
    AuditEntry.objects.filter(pk=rows[0].pk).update(action="test.other")
    with pytest.raises(CommandError):
        call_command("verify_audit")
    assert f"seq=1 row_id={rows[0].pk}" in capsys.readouterr().err


def test_an_operator_command_is_named_in_the_audit_trail():
    from anxin.core.actors import Actor, Role

    operator = Actor(role=Role.ADMIN, platform=True, label="import_orders")
    entry = audit_record(actor=operator, action="test.import")
    assert entry.actor == "operator:import_orders"


def test_rows_are_chained_after_commit_in_commit_order(django_capture_on_commit_callbacks):
    # given two writes in one transaction
    with django_capture_on_commit_callbacks(execute=True):
        first = audit_record(actor=SYSTEM, action="a", merchant_id=3)
        second = audit_record(actor=SYSTEM, action="b", merchant_id=3)
        # then nothing is chained before the commit (no chain lock inside business transactions)
        assert AuditEntry.objects.filter(seq__isnull=False).count() == 0
    # and both are chained after it, in order
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.seq, second.seq) == (1, 2)
    assert second.prev_hash == first.hash
    assert list(audit_verify()) == []


def test_unchained_rows_are_left_for_the_safety_net_and_not_reported_as_tampering():
    audit_record(actor=SYSTEM, action="late", merchant_id=4)  # its commit hook never ran
    assert list(audit_verify()) == []
    assert audit_chain_all() == 1
    assert list(audit_verify()) == []
