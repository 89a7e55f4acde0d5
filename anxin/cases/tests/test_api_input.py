"""Bad input to the cases API: a clear 4xx with the field at fault, never a 500, nothing changed."""

from __future__ import annotations

import io
import json
import os
import struct
import time
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PIL import ExifTags, Image

from anxin.cases.models import Case, CaseEvent, Evidence
from anxin.cases.services import EVIDENCE_PER_CASE, evidence_add
from anxin.catalog.models import Customer, Merchant, Order
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Role
from conftest import ApiClient

from .builders import (
    DEFECT,
    NO_REASON,
    NO_REASON_LAST_DAY,
    NOW,
    SHANGHAI,
    case_in,
    consumer_of,
    png_bytes,
    signed_order,
    snapshot,
    upload,
    warehouse,
)

pytestmark = pytest.mark.django_db

MiB = 1024 * 1024


@dataclass
class Shop:
    merchant: Merchant
    order: Order  # line L1: 2 units, signed for on 3 Nov
    consumer: ApiClient  # the buyer, signed in
    token: ApiClient  # the shop's integration
    agent: ApiClient
    media: Path

    def open_body(self, **changes: Any) -> dict[str, Any]:
        body = {
            "order": str(self.order.public_id),
            "line": "L1",
            "type": "return_refund",
            "reason": NO_REASON,
            "quantity": 1,
        }
        body.update(changes)
        return body

    def stored_files(self) -> list[Path]:
        return [p for p in self.media.rglob("*") if p.is_file()]


def _session(user: Any, lang: str = "en") -> ApiClient:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return ApiClient(client=client, lang=lang)


@pytest.fixture
def shop(settings: Any, tmp_path: Path) -> Shop:
    settings.MEDIA_ROOT = str(tmp_path / "media")
    clock.freeze(NOW)
    merchant = f.merchant("m1")
    warehouse(merchant)
    order = signed_order(merchant, "E1001", "buyer-a", quantity=2)
    # English speakers, so that messages can be compared with the request's Accept-Language
    buyer = f.user("buyer", Role.CONSUMER)
    buyer.language = "en"
    buyer.save(update_fields=["language"])
    Customer.objects.filter(pk=order.customer_id).update(user=buyer)
    agent = f.user("agent", Role.AGENT)
    agent.language = "en"
    agent.save(update_fields=["language"])
    return Shop(
        merchant=merchant,
        order=order,
        consumer=_session(buyer),
        token=ApiClient(token=f.token_for(merchant)),
        agent=_session(agent),
        media=tmp_path / "media",
    )


def _error(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] and error["message"]
    return error


# --- opening a case -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"line": "L9"}, "line"),
        ({"reason": "no_such_reason"}, "reason"),
        ({"reason": "no_reason"}, "reason"),  # a heading of the tree, not selectable
        ({"type": "teleport"}, "type"),
        ({"quantity": 0}, "quantity"),
        ({"quantity": -1}, "quantity"),
        ({"quantity": "two"}, "quantity"),
        ({"order": ""}, "order"),
        ({"description": "x" * 2001}, "description"),
        ({"unexpected": 1}, "unexpected"),
    ],
)
def test_a_bad_request_names_the_field_and_opens_nothing(
    shop: Shop, changes: dict[str, Any], field: str
) -> None:
    # given
    before = snapshot()
    # when
    response = shop.consumer.post("/cases", shop.open_body(**changes))
    # then
    error = _error(response, 422)
    assert error["code"] == "invalid"
    assert error["fields"].get(field), error
    assert snapshot() == before


def test_an_unknown_order_is_404_not_a_field_error(shop: Shop) -> None:
    before = snapshot()
    response = shop.consumer.post("/cases", shop.open_body(order="E-NOPE"))
    assert _error(response, 404)["code"] == "not_found"
    assert snapshot() == before


def test_malformed_json_and_a_non_object_body_are_4xx(shop: Shop) -> None:
    before = snapshot()
    for raw in (b'{"order": ', b"[]", b'"text"', b"", b"\xff\xfe"):
        response = shop.consumer.post("/cases", raw=raw)
        assert 400 <= response.status_code < 500, (raw, response.content)
        assert "error" in response.json()
    assert snapshot() == before


def test_more_units_than_are_still_returnable_is_explained(shop: Shop) -> None:
    # given one of the two units already has a request
    case_in(shop.order, "merchant_review")
    before = snapshot()
    # when both units are asked for
    response = shop.consumer.post("/cases", shop.open_body(quantity=2))
    # then
    error = _error(response, 422)
    assert error["code"] == "case.not_eligible"
    assert error["fields"]["quantity"]
    assert "1" in error["fields"]["quantity"]
    explanation = error["data"]["explanation"]
    assert explanation["claimable_quantity"] == 1
    assert explanation["allowed"] is False
    assert any("1 unit" in line for line in explanation["explanation"]), explanation
    assert snapshot() == before


def test_more_units_than_the_line_has_is_refused(shop: Shop) -> None:
    before = snapshot()
    error = _error(shop.consumer.post("/cases", shop.open_body(quantity=3)), 422)
    assert error["code"] == "case.not_eligible"
    assert error["fields"]["quantity"]
    assert snapshot() == before


def test_after_the_no_reason_window_the_refusal_names_its_last_day(shop: Shop) -> None:
    # given the 7-day window (4–10 Nov) is over
    clock.freeze(datetime(2026, 11, 11, 0, 0, 1, tzinfo=SHANGHAI))
    before = snapshot()
    # when
    response = shop.consumer.post("/cases", shop.open_body())
    # then
    error = _error(response, 422)
    assert error["code"] == "case.not_eligible"
    assert NO_REASON_LAST_DAY in " ".join(error["fields"].values()), error["fields"]
    assert NO_REASON_LAST_DAY in json.dumps(error["data"]["explanation"]["explanation"])
    assert snapshot() == before


def test_on_the_last_day_of_the_window_the_request_is_still_accepted(shop: Shop) -> None:
    clock.freeze(datetime(2026, 11, 10, 23, 59, tzinfo=SHANGHAI))
    assert shop.consumer.post("/cases", shop.open_body()).status_code == 201


def test_eligibility_with_bad_query_parameters_is_422(shop: Shop) -> None:
    path = f"/orders/{shop.order.public_id}/eligibility"
    assert _error(shop.consumer.get(path, {"line": "L9", "reason": NO_REASON}), 422)["fields"][
        "line"
    ]
    assert _error(shop.consumer.get(path, {"line": "L1", "reason": "nope"}), 422)["fields"][
        "reason"
    ]
    assert _error(shop.consumer.get(path, {"reason": NO_REASON}), 422)["fields"]["line"]
    params = {"line": "L1", "reason": NO_REASON, "quantity": "0"}
    assert _error(shop.consumer.get(path, params), 422)["fields"]["quantity"]


# --- actions --------------------------------------------------------------------------------------


def test_an_unknown_action_is_400_and_changes_nothing(shop: Shop) -> None:
    case = case_in(shop.order, "merchant_review")
    before = snapshot()
    response = shop.token.post(f"/cases/{case.number}/actions/teleport", {})
    assert _error(response, 400)["code"] == "workflow.unknown_action"
    assert snapshot() == before


def test_an_action_not_possible_in_the_state_is_409(shop: Shop) -> None:
    case = case_in(shop.order, "merchant_review")
    before = snapshot()
    response = shop.token.post(f"/cases/{case.number}/actions/refund", {})
    assert _error(response, 409)["code"] == "workflow.transition_not_allowed"
    response = shop.consumer.post(f"/cases/{case.number}/actions/confirm_done", {})
    assert _error(response, 409)["code"] == "workflow.transition_not_allowed"
    assert snapshot() == before


def test_an_agent_must_give_a_reason(shop: Shop) -> None:
    # given
    case = case_in(shop.order, "merchant_review")
    before = snapshot()
    # when the agent approves without a reason
    for body in ({}, {"reason": ""}, {"reason": "   "}):
        response = shop.agent.post(f"/cases/{case.number}/actions/approve", body)
        # then
        assert _error(response, 422)["fields"]["reason"], body
    assert snapshot() == before
    # and with one it works, and the reason is in the history
    response = shop.agent.post(
        f"/cases/{case.number}/actions/approve", {"reason": "merchant unreachable"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["events"][-1]["reason"] == "merchant unreachable"


@pytest.mark.parametrize(
    ("who", "action", "state"),
    [
        ("token", "reject", "merchant_review"),
        ("agent", "reject", "merchant_review"),
        ("agent", "close", "awaiting_return_shipment"),
    ],
)
def test_rejecting_or_closing_needs_a_reason(shop: Shop, who: str, action: str, state: str) -> None:
    case = case_in(shop.order, state)
    before = snapshot()
    response = getattr(shop, who).post(f"/cases/{case.number}/actions/{action}", {"reason": ""})
    assert _error(response, 422)["fields"]["reason"]
    assert snapshot() == before


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"carrier": "SF"},
        {"tracking_number": "SF1"},
        {"carrier": "", "tracking_number": ""},
        {"pickup": False},
    ],
)
def test_shipping_a_return_needs_a_tracking_number_or_a_pickup(
    shop: Shop, body: dict[str, Any]
) -> None:
    # given an approved return
    case = case_in(shop.order, "awaiting_return_shipment")
    before = snapshot()
    # when
    response = shop.consumer.post(f"/cases/{case.number}/actions/ship_return", body)
    # then
    error = _error(response, 422)
    assert error["fields"], error
    assert snapshot() == before


def test_a_pickup_request_ships_the_return(shop: Shop) -> None:
    case = case_in(shop.order, "awaiting_return_shipment")
    response = shop.consumer.post(f"/cases/{case.number}/actions/ship_return", {"pickup": True})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "return_in_transit"


@pytest.mark.parametrize(
    ("action", "body", "field"),
    [
        ("ship_return", {"carrier": "SF", "tracking_number": "x" * 65}, "tracking_number"),
        ("ship_return", {"carrier": "SF", "tracking_number": "SF1", "colour": "red"}, "colour"),
        ("ship_return", {"carrier": "SF", "tracking_number": "SF1", "pickup": "maybe"}, "pickup"),
        ("withdraw", {"reason": "x" * 1001}, "reason"),
        ("withdraw", {"reason": 42}, "reason"),
    ],
)
def test_bad_action_payloads_name_the_field(
    shop: Shop, action: str, body: dict[str, Any], field: str
) -> None:
    case = case_in(shop.order, "awaiting_return_shipment")
    before = snapshot()
    response = shop.consumer.post(f"/cases/{case.number}/actions/{action}", body)
    assert _error(response, 422)["fields"].get(field), response.content
    assert snapshot() == before


def test_an_action_body_that_is_not_an_object_is_4xx(shop: Shop) -> None:
    case = case_in(shop.order, "merchant_review")
    before = snapshot()
    for raw in (b"[]", b'"approve"', b"{", b"null"):
        response = shop.token.post(f"/cases/{case.number}/actions/approve", raw=raw)
        assert 400 <= response.status_code < 500, (raw, response.content)
    assert snapshot() == before


# --- evidence -------------------------------------------------------------------------------------


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return (
        struct.pack(">I", len(payload))
        + kind
        + payload
        + struct.pack(">I", zlib.crc32(kind + payload))
    )


def png_bomb(width: int = 20_000, height: int = 20_000) -> bytes:
    """A valid 1-bit PNG of 400 MP whose file is a few tens of kB (all zero rows, deflated)."""
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    rows = (b"\x00" * (1 + (width + 7) // 8)) * 1000
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(rows) for _ in range(height // 1000)) + packer.flush()
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", data)
        + _png_chunk(b"IEND", b"")
    )


def jpeg_with_gps() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "AcmePhone"
    exif[ExifTags.Base.Model] = "X1"
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (31.0, 14.0, 10.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (121.0, 28.0, 30.0),
    }
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(out, format="JPEG", exif=exif)
    return out.getvalue()


def noise_jpeg(width: int, height: int) -> bytes:
    """A photo-sized JPEG that does not compress (random pixels)."""
    image = Image.frombytes("RGB", (width, height), os.urandom(width * height * 3))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=95)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "code"),
    [
        (b"%PDF-1.4 this is not a photo" * 10, "receipt.jpg", "evidence.unsupported_type"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", "x.jpg", "evidence.unsupported_type"),
        (b"GIF89a" + b"\x00" * 64, "anim.jpg", "evidence.unsupported_type"),
        (b"", "empty.jpg", "evidence.empty"),
        (png_bytes()[:60], "cut.png", "evidence.corrupt"),
    ],
    ids=["pdf", "svg", "gif", "empty", "truncated"],
)
def test_a_file_that_is_not_an_acceptable_image_is_refused(
    shop: Shop, content: bytes, name: str, code: str
) -> None:
    case = case_in(shop.order, "merchant_review")
    before = snapshot()
    response = upload(shop.consumer, f"/cases/{case.number}/evidence", content, name)
    error = _error(response, 422)
    assert error["code"] == code
    assert error["fields"]["file"]
    assert snapshot() == before
    assert shop.stored_files() == []


def test_a_decompression_bomb_is_refused_quickly(shop: Shop) -> None:
    # given a 20000 × 20000 PNG of a few tens of kB
    case = case_in(shop.order, "merchant_review")
    bomb = png_bomb()
    assert len(bomb) < 200_000
    before = snapshot()
    # when
    started = time.perf_counter()
    response = upload(shop.consumer, f"/cases/{case.number}/evidence", bomb, "bomb.png")
    elapsed = time.perf_counter() - started
    # then
    assert _error(response, 422)["code"] == "evidence.too_many_pixels"
    assert elapsed < 1.0
    assert snapshot() == before
    assert shop.stored_files() == []


def test_an_upload_without_a_file_is_422(shop: Shop) -> None:
    case = case_in(shop.order, "merchant_review")
    response = shop.consumer.client.post(
        f"/api/v1/cases/{case.number}/evidence",
        {"photo": io.BytesIO(png_bytes())},
        headers={"Accept-Language": "en"},
    )
    assert _error(response, 422)["fields"].get("file"), response.content


@pytest.mark.parametrize("size", [11 * MiB, int(10.5 * MiB)], ids=["11MiB", "10.5MiB"])
def test_an_oversized_upload_is_refused_before_it_is_decoded(shop: Shop, size: int) -> None:
    # given an upload above the 10 MiB photo limit (a JPEG header and filler)
    case = case_in(shop.order, "merchant_review")
    content = b"\xff\xd8\xff\xe0" + b"\x00" * (size - 4)
    before = snapshot()
    # when
    response = upload(shop.consumer, f"/cases/{case.number}/evidence", content, "big.jpg")
    # then: refused by the body limit (413) or by the photo limit (422), never stored
    assert response.status_code in (413, 422), response.content[:300]
    code = response.json()["error"]["code"]
    assert code == {413: "request.too_large", 422: "evidence.too_large"}[response.status_code]
    assert snapshot() == before
    assert shop.stored_files() == []


def test_a_photo_of_a_few_megabytes_from_a_phone_is_accepted(shop: Shop) -> None:
    # given a ~3 MB JPEG (above the 2 MiB limit of JSON bodies, below the 10 MiB photo limit)
    case = case_in(shop.order, "merchant_review")
    photo = noise_jpeg(2000, 1500)
    assert 2 * MiB < len(photo) < 10 * MiB
    # when
    response = upload(shop.consumer, f"/cases/{case.number}/evidence", photo, "IMG_0001.jpg")
    # then
    assert response.status_code == 201, response.content[:300]
    assert (response.json()["width"], response.json()["height"]) == (2000, 1500)


def test_a_photo_with_gps_is_stored_without_any_exif(shop: Shop) -> None:
    # given
    case = case_in(shop.order, "merchant_review")
    source = jpeg_with_gps()
    assert Image.open(io.BytesIO(source)).getexif().get_ifd(ExifTags.IFD.GPSInfo)  # precondition
    # when
    response = upload(shop.consumer, f"/cases/{case.number}/evidence", source, "IMG_0002.jpg")
    # then
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["content_type"], body["width"], body["height"]) == ("image/jpeg", 64, 48)
    evidence = Evidence.objects.get(case=case)
    with evidence.file.open("rb") as stored:
        content = stored.read()
    assert body["sha256"] == evidence.sha256
    assert len(content) == body["size"]
    assert b"Exif" not in content
    image = Image.open(io.BytesIO(content))
    assert len(image.getexif()) == 0
    assert "exif" not in image.info
    assert [p.name for p in shop.stored_files()] == [Path(evidence.file.name).name]


def test_the_tenth_photo_is_over_the_quota(shop: Shop) -> None:
    # given nine photos
    case = case_in(shop.order, "merchant_review")
    for i in range(EVIDENCE_PER_CASE):
        evidence_add(actor=consumer_of(shop.order), case=case, stream=png_bytes(color=(i, 0, 0)))
    before = snapshot()
    files = shop.stored_files()
    # when
    response = upload(shop.consumer, f"/cases/{case.number}/evidence", png_bytes(), "10.png")
    # then
    error = _error(response, 422)
    assert error["code"] == "evidence.quota"
    assert error["fields"]["file"]
    assert Evidence.objects.filter(case=case).count() == EVIDENCE_PER_CASE == 9
    assert snapshot() == before
    assert shop.stored_files() == files


# --- idempotency ----------------------------------------------------------------------------------


def test_the_same_idempotency_key_replays_the_case_and_a_different_body_is_refused(
    shop: Shop,
) -> None:
    key = {"Idempotency-Key": "open-1"}
    # when the same request is sent twice
    first = shop.consumer.post("/cases", shop.open_body(), **key)
    again = shop.consumer.post("/cases", shop.open_body(), **key)
    # then one case, the same answer
    assert (first.status_code, again.status_code) == (201, 201), first.content[:300]
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Case.objects.count() == 1
    before = snapshot()
    # when the key comes back with another body
    other = shop.consumer.post("/cases", shop.open_body(description="another"), **key)
    # then
    error = _error(other, 422)
    assert error["code"] == "idempotency.key_reused"
    assert snapshot() == before


def test_an_idempotent_action_is_taken_once(shop: Shop) -> None:
    case = case_in(shop.order, "merchant_review")
    key = {"Idempotency-Key": "approve-1"}
    path = f"/cases/{case.number}/actions/approve"
    first = shop.token.post(path, {"reason": "ok"}, **key)
    again = shop.token.post(path, {"reason": "ok"}, **key)
    assert (first.status_code, again.status_code) == (200, 200), first.content[:300]
    assert again.json() == first.json()
    assert CaseEvent.objects.filter(case=case, action="approve").count() == 1
    other = shop.token.post(path, {"reason": "another"}, **key)
    assert _error(other, 422)["code"] == "idempotency.key_reused"


def test_a_failed_request_stores_no_idempotent_answer(shop: Shop) -> None:
    key = {"Idempotency-Key": "retry-me"}
    clock.freeze(datetime(2026, 11, 12, 10, 0, tzinfo=SHANGHAI))  # window over: refused
    assert shop.consumer.post("/cases", shop.open_body(), **key).status_code == 422
    # the same key may be used again once the request is fixed
    fixed = shop.open_body(type="exchange", reason=DEFECT)
    clock.freeze(NOW)
    assert shop.consumer.post("/cases", fixed, **key).status_code == 201


@pytest.mark.parametrize("key", ["", " ", "k" * 129])
def test_a_bad_idempotency_key_is_422(shop: Shop, key: str) -> None:
    before = snapshot()
    response = shop.consumer.post("/cases", shop.open_body(), **{"Idempotency-Key": key})
    assert _error(response, 422)["fields"]["Idempotency-Key"]
    assert snapshot() == before


# --- localized errors -----------------------------------------------------------------------------


def test_errors_follow_accept_language(shop: Shop) -> None:
    zh = ApiClient(token=shop.token.token, lang="zh-hans")
    en = ApiClient(token=shop.token.token, lang="en")
    case = case_in(shop.order, "merchant_review")
    body = shop.open_body(line="L9")
    # a field error (a platform token may open cases)
    platform_zh = ApiClient(token=f.token_for(None, "platform"), lang="zh-hans")
    error = _error(platform_zh.post("/cases", body), 422)
    assert error["message"] == "有些字段无效。"
    assert error["fields"]["line"] == "该订单没有这个订单行。"
    # an unknown action, a missing case, no credentials
    assert _error(zh.post(f"/cases/{case.number}/actions/teleport", {}), 400)["message"] == (
        "未知操作。"
    )
    assert _error(en.post(f"/cases/{case.number}/actions/teleport", {}), 400)["message"] == (
        "Unknown action."
    )
    assert _error(zh.get("/cases/AS404"), 404)["message"] == "未找到。"
    anonymous = ApiClient(lang="zh-hans")
    assert _error(anonymous.get("/cases"), 401)["message"] == "请登录或提供有效的 API 令牌。"


def test_a_refusal_by_the_eligibility_engine_is_localized(shop: Shop) -> None:
    clock.freeze(datetime(2026, 11, 12, 10, 0, tzinfo=SHANGHAI))
    zh = ApiClient(token=f.token_for(None, "platform"), lang="zh-hans")
    error = _error(zh.post("/cases", shop.open_body()), 422)
    assert error["code"] == "case.not_eligible"
    assert error["message"] == "该售后申请无法提交。"
    assert all(not text.isascii() for text in error["fields"].values()), error["fields"]
