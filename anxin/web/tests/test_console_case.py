"""The case as the platform sees it, and interventions: every action needs a reason, which the
timeline then shows with the agent's name."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from PIL import Image

from anxin.cases.services import case_act, evidence_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    """This module's tests share one world, built once (see conftest.shared_world)."""
    return shared_world


def _act(client, case, action, **data):
    data.setdefault("version", case.state_version)
    return client.post(reverse("console:case_act", args=[case.number, action]), data)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_case_page_shows_the_facts(world, as_user, language):
    response = as_user(world.agent, language).get(reverse("console:case", args=[world.case.number]))
    assert response.status_code == 200
    body = response.content.decode()
    assert world.case.number in body
    assert "138****1234" in body and "13812341234" not in body  # masked phone
    assert "E1001" in body and "纯棉T恤" in body and "SF-E1001" in body
    assert "Shop m1" in body
    assert 'name="csrfmiddlewaretoken"' in body
    assert f'name="version" value="{world.case.state_version}"' in body
    assert "data-countdown=" in body  # the open review deadline
    assert body.count("<h1") == 1


def test_agent_actions_are_the_workflows(world, as_user):
    body = as_user(world.agent).get(reverse("console:case", args=[world.case.number]))
    body = body.content.decode()
    # merchant_review: an agent may approve or reject (not withdraw: that is the consumer's)
    assert 'id="act-approve"' in body and 'id="act-reject"' in body
    assert 'id="act-withdraw"' not in body
    assert "data-confirm=" in body
    # approving offers the merchant's return addresses
    assert str(world.address.public_id) in body


def test_unknown_case_is_404(world, as_user):
    response = as_user(world.agent).get(reverse("console:case", args=["AS0000000"]))
    assert response.status_code == 404
    act = _act(as_user(world.agent), world.case, "approve")
    assert act.status_code != 404
    missing = as_user(world.agent).post(
        reverse("console:case_act", args=["AS0000000", "approve"]), {"reason": "x"}
    )
    assert missing.status_code == 404


def test_intervention_without_a_reason_is_refused_next_to_the_field(world, as_user):
    response = _act(as_user(world.agent), world.case, "approve", reason="  ")
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="approve-reason-error"' in body
    assert "Give a reason for this action." in body
    assert 'aria-invalid="true" aria-describedby="approve-reason-error"' in body
    assert 'id="act-approve" open' in body
    world.case.refresh_from_db()
    assert world.case.status == "merchant_review"


def test_intervention_with_a_reason_is_recorded_with_the_agent(world, as_user):
    client = as_user(world.agent)
    reason = "Merchant unreachable for 2 days; approving for the consumer."
    response = _act(
        client, world.case, "approve", reason=reason, return_address=str(world.address.public_id)
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("console:case", args=[world.case.number])
    world.case.refresh_from_db()
    assert world.case.status == "awaiting_return_shipment"
    event = world.case.events.order_by("-created_at", "-pk").first()
    assert event.action == "approve" and event.reason == reason and event.actor_role == "agent"
    page = client.get(response["Location"]).content.decode()
    history = page.split('id="timeline-title"')[1]
    assert "Platform agent · agent" in history
    assert reason in history
    assert "Done: Approve." in page


def test_stale_version_is_refused(world, as_user):
    stale = world.case.state_version
    case_act(actor=world.actor(world.merchant), case=world.case, action="approve", payload={})
    response = as_user(world.agent).post(
        reverse("console:case_act", args=[world.case.number, "close"]),
        {"reason": "Consumer asked by phone", "version": stale},
    )
    assert response.status_code == 409  # the case moved on: a conflict
    world.case.refresh_from_db()
    assert world.case.status == "awaiting_return_shipment"


def test_ship_return_needs_tracking_or_pickup(world, as_user):
    case_act(actor=world.actor(world.merchant), case=world.case, action="approve", payload={})
    world.case.refresh_from_db()
    client = as_user(world.agent)
    body = client.get(reverse("console:case", args=[world.case.number])).content.decode()
    assert 'id="act-ship_return"' in body and 'id="act-close"' in body
    refused = _act(client, world.case, "ship_return", reason="Consumer called")
    assert refused.status_code == 422
    assert 'id="ship_return-tracking_number-error"' in refused.content.decode()
    done = _act(
        client,
        world.case,
        "ship_return",
        reason="Consumer called with the number",
        carrier="SF",
        tracking_number="SF-RET-9",
    )
    assert done.status_code == 302
    world.case.refresh_from_db()
    assert world.case.return_tracking_number == "SF-RET-9"


def test_confirm_receipt_with_an_inspection(world, as_user):
    merchant = world.actor(world.merchant)
    case_act(actor=merchant, case=world.case, action="approve", payload={})
    world.case.refresh_from_db()
    case_act(
        actor=world.actor(world.consumer),
        case=world.case,
        action="ship_return",
        payload={"carrier": "SF", "tracking_number": "SF-R1"},
    )
    world.case.refresh_from_db()
    client = as_user(world.agent)
    body = client.get(reverse("console:case", args=[world.case.number])).content.decode()
    assert 'id="confirm_receipt-inspection-issue"' in body
    done = _act(
        client,
        world.case,
        "confirm_receipt",
        reason="Warehouse confirmed by phone",
        inspection="issue",
        note="Scuffed sole",
    )
    assert done.status_code == 302
    world.case.refresh_from_db()
    assert world.case.inspection["result"] == "issue"
    assert world.case.status == "refund_pending"


def test_script_in_the_reason_is_escaped(world, as_user):
    client = as_user(world.agent)
    _act(client, world.case, "reject", reason="<script>alert(1)</script>")
    body = client.get(reverse("console:case", args=[world.case.number])).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_evidence_is_served_through_the_console(world, as_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = evidence_add(actor=world.actor(world.consumer), case=world.case, stream=_png())
    url = reverse("console:evidence", args=[world.case.number, photo.public_id])
    page = as_user(world.agent).get(reverse("console:case", args=[world.case.number]))
    assert url in page.content.decode()
    response = as_user(world.agent).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == photo.content_type
    assert b"".join(response.streaming_content)
    assert as_user(world.other_merchant).get(url).status_code == 403
    wrong_case = reverse("console:evidence", args=[world.other_case.number, photo.public_id])
    assert as_user(world.agent).get(wrong_case).status_code == 404


def test_roles_without_workflow_actions_see_why(world, as_user):
    # the workflow lets agents intervene; an administrator reads the case but has no action here
    body = as_user(world.admin).get(reverse("console:case", args=[world.case.number]))
    assert body.status_code == 200
    assert "No action is open to you on this case now." in body.content.decode()
    assert 'id="act-approve"' not in body.content.decode()
