"""The merchant's case page: facts, evidence, and every action the workflow allows them."""

from __future__ import annotations

import pytest

from anxin.cases.inputs import CaseOpenIn
from anxin.cases.services import case_open, evidence_add, return_address_create
from anxin.cases.tests.builders import png_bytes
from anxin.core.actors import SYSTEM

from .world import advance

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(shared_world):
    """This module's tests share one world, built once (see conftest.shared_world)."""
    return shared_world


def url(case, tail=""):
    return f"/shop/cases/{case.number}/{tail}"


def act(client, case, action, **fields):
    return client.post(
        url(case, "act/"), {"action": action, "version": case.state_version, **fields}
    )


def open_second(world, type, reason="quality/defect"):
    return case_open(
        actor=world.actor(world.consumer),
        data=CaseOpenIn(order="E1002", line="L1", type=type, reason=reason, quantity=1),
    )


def test_case_page_shows_the_facts(world, as_user):
    body = as_user(world.merchant, "en").get(url(world.case)).content.decode()
    assert world.case.number in body
    assert "138****1234" in body  # masked phone
    assert "13812341234" not in body
    assert "张三" in body
    assert world.order.number in body and "SF-E1001" in body  # order and delivery
    assert "Alipay" in body  # tenders
    assert "R-3 · 7-day no-reason return" in body  # the rule
    assert "No-reason return" in body  # the explanation, in the reader's language
    assert "Open deadlines" in body and "data-countdown" in body
    assert 'name="version" value="0"' in body
    assert 'id="action-approve"' in body and 'id="action-reject"' in body
    assert "Outside the return window" in body  # a reject template


def test_explanation_follows_the_language(world, as_user):
    body = as_user(world.merchant, "zh-hans").get(url(world.case)).content.decode()
    assert "七天无理由退货" in body


def test_approve_without_address_uses_the_default(world, as_user):
    # given a second, non-default address
    return_address_create(
        actor=world.actor(world.merchant),
        merchant_id=world.shop.pk,
        label="北京仓",
        contact_name="李四",
        phone="01055550000",
        address="北京市朝阳区建国路1号",
    )
    # when approving without choosing one
    response = act(as_user(world.merchant, "en"), world.case, "approve")
    # then PRG to the case page, and the default address is on the case
    assert response.status_code == 302
    assert response["Location"] == url(world.case)
    world.case.refresh_from_db()
    assert world.case.status == "awaiting_return_shipment"
    assert world.case.return_address["id"] == str(world.address.public_id)


def test_approve_with_a_chosen_address(world, as_user):
    other = return_address_create(
        actor=world.actor(world.merchant),
        merchant_id=world.shop.pk,
        label="北京仓",
        contact_name="李四",
        phone="01055550000",
        address="北京市朝阳区建国路1号",
    )
    client = as_user(world.merchant, "en")
    assert "北京仓" in client.get(url(world.case)).content.decode()
    act(client, world.case, "approve", return_address=str(other.public_id))
    world.case.refresh_from_db()
    assert world.case.return_address["label"] == "北京仓"


def test_approve_with_an_unknown_address_is_422(world, as_user):
    response = act(
        as_user(world.merchant, "en"),
        world.case,
        "approve",
        return_address="00000000-0000-0000-0000-000000000000",
    )
    assert response.status_code == 422
    assert 'id="return_address-error"' in response.content.decode()
    world.case.refresh_from_db()
    assert world.case.status == "merchant_review"


def test_reject_without_reason_is_422_with_the_field_error(world, as_user):
    response = act(as_user(world.merchant, "en"), world.case, "reject", reason="")
    assert response.status_code == 422
    body = response.content.decode()
    assert 'id="reason-error"' in body
    assert "Give a reason for this action." in body
    assert 'id="action-reject" open' in body
    world.case.refresh_from_db()
    assert world.case.status == "merchant_review"


def test_reject_with_template_and_text(world, as_user):
    client = as_user(world.merchant, "en")
    response = act(
        client, world.case, "reject", reason_template="tags", reason="<script>alert(1)</script>"
    )
    assert response.status_code == 302
    world.case.refresh_from_db()
    assert world.case.status == "rejected"
    event = world.case.events.last()
    assert event.reason == "Tags removed: <script>alert(1)</script>"
    body = client.get(url(world.case)).content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)" not in body


def test_reject_with_only_a_template(world, as_user):
    act(as_user(world.merchant, "en"), world.case, "reject", reason_template="used")
    world.case.refresh_from_db()
    assert world.case.status == "rejected"
    assert world.case.events.last().reason == "Item shows signs of use"


def test_failed_reject_shows_what_was_typed(world, as_user):
    # when a reject with a template is refused (the page was stale)
    client = as_user(world.merchant, "en")
    response = client.post(
        url(world.case, "act/"),
        {"action": "reject", "version": 99, "reason_template": "tags", "reason": "label cut"},
    )
    assert response.status_code == 409
    # then the form shows the typed text, not the template already prepended (resubmitting
    # would record "Tags removed: Tags removed: label cut")
    body = response.content.decode()
    assert ">label cut</textarea>" in body
    assert "Tags removed: label cut" not in body


def test_stale_page_is_409(world, as_user):
    client = as_user(world.merchant, "en")
    stale = world.case.state_version
    act(client, world.case, "approve")
    response = client.post(url(world.case, "act/"), {"action": "approve", "version": stale})
    assert response.status_code == 409


def test_confirm_receipt_with_an_issue_then_refund(world, as_user):
    case = advance(
        world.case,
        (world.actor(world.merchant), "approve", {}),
        (world.actor(world.consumer), "ship_return", {"carrier": "SF", "tracking_number": "SF7"}),
        (SYSTEM, "mark_delivered", {}),
    )
    client = as_user(world.merchant, "en")
    body = client.get(url(case)).content.decode()
    assert 'id="action-confirm_receipt"' in body
    assert 'id="action-reject"' in body  # a merchant may still refuse a bad return
    response = act(
        client, case, "confirm_receipt", inspection="issue", note="Box dented, item fine"
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "refund_pending"
    assert case.inspection["result"] == "issue"
    assert case.inspection["note"] == "Box dented, item fine"
    body = client.get(url(case)).content.decode()
    assert 'id="action-refund"' in body and "data-confirm=" in body
    assert act(client, case, "refund").status_code == 302
    case.refresh_from_db()
    assert case.status == "refunded"
    body = client.get(url(case)).content.decode()
    assert "Nothing for you to do now" in body


def test_bad_inspection_value_is_422(world, as_user):
    case = advance(
        world.case,
        (world.actor(world.merchant), "approve", {}),
        (world.actor(world.consumer), "ship_return", {"carrier": "SF", "tracking_number": "SF7"}),
    )
    response = act(as_user(world.merchant, "en"), case, "confirm_receipt", inspection="meh")
    assert response.status_code == 422
    assert 'id="inspection-error"' in response.content.decode()


def test_exchange_ship_replacement(world, as_user):
    case = open_second(world, "exchange")
    case = advance(
        case,
        (world.actor(world.merchant), "approve", {}),
        (world.actor(world.consumer), "ship_return", {"carrier": "SF", "tracking_number": "SF8"}),
        (world.actor(world.merchant), "confirm_receipt", {}),
    )
    client = as_user(world.merchant, "en")
    assert 'id="action-ship_replacement"' in client.get(url(case)).content.decode()
    missing = act(client, case, "ship_replacement", carrier="SF", tracking_number="")
    assert missing.status_code == 422
    assert 'id="tracking_number-error"' in missing.content.decode()
    ok = act(client, case, "ship_replacement", carrier="SF", tracking_number="SF-NEW-1")
    assert ok.status_code == 302
    case.refresh_from_db()
    assert case.status == "replacement_shipped"
    assert case.replacement_tracking_number == "SF-NEW-1"


def test_repair_start_and_ship_back(world, as_user):
    case = open_second(world, "repair")
    case = advance(
        case,
        (world.actor(world.merchant), "approve", {}),
        (world.actor(world.consumer), "ship_return", {"carrier": "SF", "tracking_number": "SF9"}),
        (world.actor(world.merchant), "confirm_receipt", {}),
    )
    client = as_user(world.merchant, "en")
    assert 'id="action-start_repair"' in client.get(url(case)).content.decode()
    assert act(client, case, "start_repair").status_code == 302
    case.refresh_from_db()
    assert case.status == "in_repair"
    assert 'id="action-ship_repaired"' in client.get(url(case)).content.decode()
    assert (
        act(client, case, "ship_repaired", carrier="JD", tracking_number="JD1").status_code == 302
    )
    case.refresh_from_db()
    assert case.status == "repaired_shipped"


def test_action_not_allowed_now_is_refused(world, as_user):
    response = act(as_user(world.merchant, "en"), world.case, "refund")
    assert response.status_code == 409
    world.case.refresh_from_db()
    assert world.case.status == "merchant_review"


def test_agent_and_consumer_cannot_act_here(world, as_user):
    for user in (world.agent, world.consumer):
        assert act(as_user(user), world.case, "approve").status_code == 403
    world.case.refresh_from_db()
    assert world.case.status == "merchant_review"


def test_evidence_viewer(world, as_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    photo = evidence_add(actor=world.actor(world.consumer), case=world.case, stream=png_bytes())
    client = as_user(world.merchant, "en")
    body = client.get(url(world.case)).content.decode()
    photo_url = url(world.case, f"evidence/{photo.public_id}/")
    assert f'src="{photo_url}"' in body
    response = client.get(photo_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    # another shop's staff: 404, the same as a missing photo
    assert as_user(world.other_merchant).get(photo_url).status_code == 404
    missing = url(world.case, "evidence/00000000-0000-0000-0000-000000000000/")
    assert client.get(missing).status_code == 404


def test_evidence_of_another_case_is_404(world, as_user, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    other = evidence_add(
        actor=world.actor(world.consumer), case=world.other_case, stream=png_bytes()
    )
    # the photo's id under one of the merchant's own cases does not reach another case's photo
    response = as_user(world.merchant).get(url(world.case, f"evidence/{other.public_id}/"))
    assert response.status_code == 404
