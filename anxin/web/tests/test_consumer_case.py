"""Actions on a consumer's case page: each one the engine allows, through the same service as the
API; wrong or stale posts get a clear 4xx message, successes redirect back."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from anxin.cases.inputs import CaseOpenIn
from anxin.cases.services import case_open
from anxin.core import clock
from anxin.core.sweeper import sweep_until_idle

from .world import advance

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    """This module's tests share one world, built once (see conftest.shared_world)."""
    return shared_world


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded photos go to a temporary directory, not var/media."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


def page_of(case) -> str:
    return f"/my/requests/{case.number}/"


def act(client, case, action: str, **data):
    case.refresh_from_db()
    data.setdefault("version", case.state_version)
    return client.post(f"{page_of(case)}act/{action}/", data)


def approved(world):
    return advance(world.case, (world.actor(world.merchant), "approve", {}))


def test_action_forms_carry_csrf_and_version(world, as_user):
    body = as_user(world.consumer).get(page_of(world.case)).content.decode()
    assert "csrfmiddlewaretoken" in body
    assert f'name="version" value="{world.case.state_version}"' in body
    assert "data-confirm=" in body  # withdrawing asks first


def test_withdraw(world, as_user):
    client = as_user(world.consumer)
    response = act(client, world.case, "withdraw")
    assert response.status_code == 302
    assert response["Location"] == page_of(world.case)
    world.case.refresh_from_db()
    assert world.case.status == "closed"
    body = client.get(page_of(world.case)).content.decode()
    assert "Done: Withdraw." in body
    assert "/act/withdraw/" not in body  # no longer offered


def test_an_action_the_engine_does_not_offer_is_refused_clearly(world, as_user):
    response = act(as_user(world.consumer), world.case, "confirm_done")
    assert response.status_code == 409
    assert "This action is not open to you on this request now." in response.content.decode()
    response = act(as_user(world.consumer), world.case, "approve")
    assert response.status_code == 409


def test_a_stale_page_gets_a_conflict_not_a_second_action(world, as_user):
    client = as_user(world.consumer)
    response = act(client, world.case, "withdraw", version=world.case.state_version + 5)
    assert response.status_code == 409
    world.case.refresh_from_db()
    assert world.case.status == "merchant_review"


def test_get_on_an_action_is_not_allowed(world, as_user):
    response = as_user(world.consumer).get(f"{page_of(world.case)}act/withdraw/")
    assert response.status_code == 405


def test_after_approval_the_return_address_label_and_ship_form_show(world, as_user):
    case = approved(world)
    body = as_user(world.consumer).get(page_of(case)).content.decode()
    assert "上海市青浦区华新镇华志路1号" in body
    assert f"RMA-{case.number}" in body
    assert f"{page_of(case)}label.pdf" in body
    assert 'name="tracking_number"' in body
    assert "Return must be shipped" in body  # the P-4 deadline counts down


def test_label_pdf_after_approval(world, as_user):
    case = approved(world)
    for language in ("en", "zh-hans"):
        response = as_user(world.consumer, language).get(f"{page_of(case)}label.pdf")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


def test_label_before_approval_is_refused(world, as_user):
    response = as_user(world.consumer).get(f"{page_of(world.case)}label.pdf")
    assert response.status_code == 409
    assert "A return label is available once the return is approved." in response.content.decode()


def test_ship_return_with_tracking_number(world, as_user):
    case = approved(world)
    client = as_user(world.consumer)
    response = act(client, case, "ship_return", carrier="顺丰速运", tracking_number="SF1234567890")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "return_in_transit"
    assert case.return_tracking_number == "SF1234567890"
    assert "SF1234567890" in client.get(page_of(case)).content.decode()


def test_ship_return_without_tracking_number_is_refused_with_the_field_error(world, as_user):
    case = approved(world)
    response = act(as_user(world.consumer), case, "ship_return", carrier="顺丰速运")
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="tracking_number-error"' in body
    assert "Enter the carrier and tracking number, or ask for a pickup." in body
    assert 'value="顺丰速运"' in body  # what was typed is kept
    case.refresh_from_db()
    assert case.status == "awaiting_return_shipment"


def test_ship_return_as_a_pickup(world, as_user):
    case = approved(world)
    response = act(as_user(world.consumer), case, "ship_return", pickup="1")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.return_pickup is True


def test_refund_shows_on_the_case(world, as_user):
    merchant = world.actor(world.merchant)
    case = approved(world)
    act(as_user(world.consumer), case, "ship_return", carrier="SF", tracking_number="SF1")
    advance(case, (merchant, "confirm_receipt", {}), (merchant, "refund", {}))
    body = as_user(world.consumer).get(page_of(case)).content.decode()
    assert case.status == "refunded"
    assert 'id="refunds-title"' in body
    assert "¥71.00" in body


def test_revise_after_rejection(world, as_user):
    case = advance(
        world.case, (world.actor(world.merchant), "reject", {"reason": "Tags were removed."})
    )
    client = as_user(world.consumer)
    body = client.get(page_of(case)).content.decode()
    assert "Tags were removed." in body  # the merchant's reason in the history
    assert "/act/revise/" in body and f"/my/cases/{case.number}/dispute/" in body
    response = act(
        client,
        case,
        "revise",
        type="return_refund",
        reason_code="quality/defect",
        quantity="1",
        description="The seam opened after one wash.",
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "merchant_review"
    assert case.reason.code == "quality/defect"
    assert case.description == "The seam opened after one wash."


def test_revise_with_too_many_units_is_refused(world, as_user):
    case = advance(world.case, (world.actor(world.merchant), "reject", {"reason": "No."}))
    response = act(
        as_user(world.consumer), case, "revise", reason_code="quality/defect", quantity="9"
    )
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="quantity-error"' in body
    case.refresh_from_db()
    assert case.status == "rejected"


def test_escalating_from_the_case_page_alone_says_to_open_a_dispute(world, as_user):
    case = advance(world.case, (world.actor(world.merchant), "reject", {"reason": "No."}))
    client = as_user(world.consumer)
    response = act(client, case, "escalate", reason="The shop ignores the 7-day rule.")
    assert response.status_code == 422
    assert "To ask the platform to step in, open a dispute with what you want." in (
        response.content.decode()
    )
    case.refresh_from_db()
    assert case.status == "rejected"


def test_confirm_done_after_a_replacement(world, as_user):
    clock.freeze(clock.now())
    consumer = world.actor(world.consumer)
    merchant = world.actor(world.merchant)
    case = case_open(
        actor=consumer,
        data=CaseOpenIn(order="E1002", line="L1", type="exchange", reason="no_reason/changed_mind"),
    )
    advance(
        case,
        (merchant, "approve", {}),
        (consumer, "ship_return", {"carrier": "SF", "tracking_number": "SF9"}),
        (merchant, "confirm_receipt", {}),
        (merchant, "ship_replacement", {"carrier": "SF", "tracking_number": "SF10"}),
    )
    client = as_user(world.consumer)
    body = client.get(page_of(case)).content.decode()
    assert "/act/confirm_done/" in body and "SF10" in body
    response = act(client, case, "confirm_done")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "completed"


def test_automatic_approval_is_shown_with_its_reason(world, as_user):
    clock.freeze(clock.now() + timedelta(hours=49))
    sweep_until_idle()
    body = as_user(world.consumer).get(page_of(world.case)).content.decode()
    world.case.refresh_from_db()
    assert world.case.status == "awaiting_return_shipment"
    assert "Automatic, because P-2/P-3: the merchant did not respond within 48 hours" in body


def png_upload(name="more.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (0, 90, 200)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_add_photos_to_a_request(world, as_user):
    client = as_user(world.consumer)
    response = client.post(f"{page_of(world.case)}photos/", {"photos": [png_upload()]})
    assert response.status_code == 302
    assert world.case.evidence.count() == 1
    response = client.post(f"{page_of(world.case)}photos/", {})
    assert response.status_code == 422


def test_evidence_of_another_consumers_case_is_not_found(world, as_user):
    from anxin.catalog.tests import factories as f
    from anxin.core.actors import Role

    client = as_user(world.consumer)
    client.post(f"{page_of(world.case)}photos/", {"photos": [png_upload()]})
    photo = world.case.evidence.get()
    url = f"{page_of(world.case)}photos/{photo.public_id}/"
    assert client.get(url).status_code == 200
    stranger = as_user(f.user("stranger", Role.CONSUMER))
    assert stranger.get(url).status_code == 404
    # and a photo id under another of my cases is not found either
    other = f"{page_of(world.other_case)}photos/{photo.public_id}/"
    assert client.get(other).status_code == 404


def test_script_in_free_text_fields_is_escaped(world, as_user):
    case = world.case
    client = as_user(world.consumer)
    payload = "<script>alert(1)</script>"
    client.post(f"{page_of(case)}messages/", {"body": payload})
    body = client.get(page_of(case)).content.decode()
    assert payload not in body
    assert "&lt;script&gt;" in body
