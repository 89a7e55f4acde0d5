"""The consumer's notification inbox: list, unread count, mark read (one or all), safe redirects."""

from __future__ import annotations

import pytest

from anxin.notifications.models import Notification

from .world import advance, dispute_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    """This module's tests share one world, built once (see conftest.shared_world)."""
    return shared_world


@pytest.fixture
def told(world):
    """The merchant approved and later rejected-like news: the consumer has notifications."""
    advance(world.case, (world.actor(world.merchant), "approve", {}))
    advance(world.other_case, (world.actor(world.other_merchant), "reject", {"reason": "No."}))
    return list(Notification.objects.filter(recipient=world.consumer).order_by("created_at"))


def test_inbox_lists_my_notifications_with_unread_count(world, as_user, told):
    assert len(told) == 2
    for language in ("en", "zh-hans"):
        response = as_user(world.consumer, language).get("/my/notifications/")
        assert response.status_code == 200
        body = response.content.decode()
        for note in told:
            assert note.title in body
        assert '<span class="nav-count">2</span>' in body
        assert f"/my/requests/{world.case.number}/" in body
        assert "csrfmiddlewaretoken" in body


def test_nobody_elses_notifications_show(world, as_user, told):
    body = as_user(world.consumer).get("/my/notifications/").content.decode()
    merchant_only = Notification.objects.exclude(recipient=world.consumer).first()
    assert merchant_only is not None
    assert f"/notifications/{merchant_only.public_id}/read/" not in body


def test_mark_one_read_goes_back_to_next(world, as_user, told):
    client = as_user(world.consumer)
    note = told[0]
    response = client.post(f"/my/notifications/{note.public_id}/read/", {"next": "/my/requests/"})
    assert response.status_code == 302
    assert response["Location"] == "/my/requests/"
    note.refresh_from_db()
    assert note.read_at is not None
    body = client.get("/my/notifications/?show=unread").content.decode()
    assert note.title not in body and told[1].title in body


def test_mark_read_refuses_a_foreign_next(world, as_user, told):
    response = as_user(world.consumer).post(
        f"/my/notifications/{told[0].public_id}/read/", {"next": "https://evil.example/"}
    )
    assert response["Location"] == "/my/notifications/"


def test_someone_elses_notification_cannot_be_marked(world, as_user, told):
    foreign = Notification.objects.exclude(recipient=world.consumer).first()
    response = as_user(world.consumer).post(f"/my/notifications/{foreign.public_id}/read/")
    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.read_at is None


def test_mark_all_read(world, as_user, told):
    client = as_user(world.consumer)
    response = client.post("/my/notifications/read-all/", {"next": "/my/notifications/"})
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=world.consumer, read_at__isnull=True).exists()
    body = client.get("/my/notifications/").content.decode()
    assert 'class="nav-count"' not in body


def test_read_needs_post_and_the_right_audience(world, as_user, told):
    url = f"/my/notifications/{told[0].public_id}/read/"
    assert as_user(world.consumer).get(url).status_code == 405
    assert as_user(world.merchant).post(url).status_code == 403
    assert as_user(world.merchant).get("/my/notifications/").status_code == 403


def test_empty_inbox(world, as_user):
    body = as_user(world.consumer).get("/my/notifications/").content.decode()
    assert 'class="empty"' in body


def test_a_dispute_notification_opens_the_dispute(world, as_user):
    dispute = dispute_of(world)  # the platform stepped in: the consumer is told
    note = Notification.objects.filter(
        recipient=world.consumer, subject_type="disputes.dispute"
    ).first()
    assert note is not None and note.subject_number == dispute.number
    body = as_user(world.consumer, "en").get("/my/notifications/").content.decode()
    assert f'value="/my/disputes/{dispute.number}/"' in body
    assert f"Open dispute {dispute.number}" in body
