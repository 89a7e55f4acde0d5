"""Migration 0003 turns the case and ticket numbers of existing notifications into one subject."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from anxin.catalog.tests import factories as f
from anxin.core.actors import Role

BEFORE = [("notifications", "0002_notification_ticket_number")]
AFTER = [("notifications", "0003_notification_subject")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.db  # the data migration's SQL runs on PostgreSQL too
@pytest.mark.django_db(transaction=True)
def test_existing_case_and_ticket_numbers_become_the_subject_and_back():
    # given notifications written before the subject existed
    user = f.user("buyer", Role.CONSUMER)
    old = _migrate(BEFORE)
    Note = old.get_model("notifications", "Notification")
    case_id = uuid.uuid4()
    common = {"recipient_id": user.pk, "title": "t", "body": "b"}
    Note.objects.create(kind="approve", case_number="AS1", case_public_id=case_id, **common)
    Note.objects.create(kind="ticket.open", ticket_number="TK1", **common)
    Note.objects.create(kind="nps", **common)
    try:
        # when
        new = _migrate(AFTER)
        # then
        rows = new.get_model("notifications", "Notification").objects.order_by("pk")
        assert [(n.subject_type, n.subject_number, n.subject_public_id) for n in rows] == [
            ("cases.case", "AS1", case_id),
            ("tickets.ticket", "TK1", None),
            ("", "", None),
        ]
        # and backwards, the old columns are filled again
        rows = _migrate(BEFORE).get_model("notifications", "Notification").objects.order_by("pk")
        assert [(n.case_number, n.case_public_id, n.ticket_number) for n in rows] == [
            ("AS1", case_id, ""),
            ("", None, "TK1"),
            ("", None, ""),
        ]
    finally:
        executor = MigrationExecutor(connection)
        _migrate(executor.loader.graph.leaf_nodes())  # leave every app fully migrated
