"""Carrier-tracking pushes: signatures, replay window, state mapping and malformed content."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import QueryDict

from anxin.cases.tracking import (
    KUAIDI100_OK,
    TrackingEvent,
    TrackingRejected,
    TrackingStatus,
    parse_generic,
    parse_kuaidi100,
    sign_generic,
    sign_kuaidi100,
)
from anxin.core.errors import ValidationFailed

SHANGHAI = ZoneInfo("Asia/Shanghai")
SALT = "kd100-salt"
SECRET = "generic-secret"
NOW = datetime(2026, 11, 20, 2, 30, tzinfo=UTC)
STAMP = int(NOW.timestamp())


# --- Kuaidi100 --------------------------------------------------------------------------------


def kd_param(state: str | int = "3", **overrides: Any) -> dict[str, Any]:
    last: dict[str, Any] = {
        "message": "ok",
        "state": state,
        "ischeck": "1" if state == "3" else "0",
        "com": "shunfeng",
        "nu": "SF1234567890123",
        "data": [
            {
                "time": "2026-11-20 10:20:30",
                "ftime": "2026-11-20 10:20:30",
                "context": "【上海市】已签收，签收人：本人",
                "status": "签收",
            },
            {
                "time": "2026-11-20 08:01:02",
                "ftime": "2026-11-20 08:01:02",
                "context": "【上海市】快件交给张三，正在派送途中",
                "status": "派件",
            },
        ],
    }
    last.update(overrides)
    return {"status": "polling", "message": "", "lastResult": last}


def kd_form(param: dict[str, Any] | str, *, salt: str = SALT) -> dict[str, str]:
    text = param if isinstance(param, str) else json.dumps(param, ensure_ascii=False)
    return {"param": text, "sign": sign_kuaidi100(text, salt=salt)}


def test_kuaidi100_signed_push_gives_delivered_event() -> None:
    event = parse_kuaidi100(kd_form(kd_param()), salt=SALT)

    assert isinstance(event, TrackingEvent)
    assert event.source == "kuaidi100"
    assert event.carrier == "shunfeng"
    assert event.tracking_number == "SF1234567890123"
    assert event.status == "delivered"
    assert event.status is TrackingStatus.DELIVERED
    assert event.occurred_at == datetime(2026, 11, 20, 10, 20, 30, tzinfo=SHANGHAI)
    assert event.occurred_at.utcoffset() == timedelta(hours=8)
    assert event.occurred_at == datetime(2026, 11, 20, 2, 20, 30, tzinfo=UTC)
    assert event.description == "【上海市】已签收，签收人：本人"
    assert len(event.event_key) == 64


def test_kuaidi100_accepts_a_django_querydict() -> None:
    form = QueryDict(mutable=True)
    form.update(kd_form(kd_param()))
    assert parse_kuaidi100(form, salt=SALT).status == "delivered"


def test_kuaidi100_newest_entry_wins_whatever_the_order() -> None:
    param = kd_param()
    param["lastResult"]["data"].reverse()  # oldest first (order=asc)
    event = parse_kuaidi100(kd_form(param), salt=SALT)
    assert event.occurred_at == datetime(2026, 11, 20, 10, 20, 30, tzinfo=SHANGHAI)
    assert "已签收" in event.description


def test_kuaidi100_sign_is_case_insensitive_hex() -> None:
    form = kd_form(kd_param())
    form["sign"] = form["sign"].lower()
    assert parse_kuaidi100(form, salt=SALT).status == "delivered"


@pytest.mark.parametrize(
    "form",
    [
        {"param": "{}", "sign": "0" * 32},
        {"param": json.dumps(kd_param())},  # no sign
        {"sign": sign_kuaidi100("", salt=SALT) + "0"},  # no param, wrong sign
    ],
    ids=["wrong", "missing", "missing-param"],
)
def test_kuaidi100_bad_sign_is_401(form: dict[str, str]) -> None:
    with pytest.raises(TrackingRejected) as exc:
        parse_kuaidi100(form, salt=SALT)
    assert exc.value.status == 401
    assert exc.value.code == "tracking.bad_signature"


def test_kuaidi100_signed_with_another_salt_is_401() -> None:
    with pytest.raises(TrackingRejected):
        parse_kuaidi100(kd_form(kd_param(), salt="not-our-salt"), salt=SALT)


def test_kuaidi100_param_changed_after_signing_is_401() -> None:
    form = kd_form(kd_param())
    form["param"] = form["param"].replace('"3"', '"4"', 1)
    with pytest.raises(TrackingRejected):
        parse_kuaidi100(form, salt=SALT)


def test_kuaidi100_bad_sign_is_checked_before_content() -> None:
    with pytest.raises(TrackingRejected):
        parse_kuaidi100({"param": "not json", "sign": "X"}, salt=SALT)


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        ("0", "in_transit"),
        ("1", "in_transit"),
        ("2", "exception"),
        ("3", "delivered"),
        ("4", "returned"),
        ("5", "out_for_delivery"),
        ("6", "returned"),
        ("7", "in_transit"),
        ("8", "in_transit"),
        ("14", "exception"),
        ("99", "in_transit"),  # unknown
        ("301", "delivered"),  # advanced sub-code of 签收
        ("501", "out_for_delivery"),  # advanced sub-code of 派件
        ("1002", "in_transit"),  # advanced sub-code of 在途
        (3, "delivered"),  # a number rather than a string
    ],
)
def test_kuaidi100_state_mapping(state: str | int, expected: str) -> None:
    event = parse_kuaidi100(kd_form(kd_param(state=state)), salt=SALT)
    assert event.status == expected


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", "", "null"])
def test_kuaidi100_malformed_param_is_422(text: str) -> None:
    with pytest.raises(ValidationFailed) as exc:
        parse_kuaidi100(kd_form(text), salt=SALT)
    assert exc.value.status == 422
    assert "param" in exc.value.fields


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"nu": ""}, "lastResult.nu"),
        ({"nu": None}, "lastResult.nu"),
        ({"com": 12}, "lastResult.com"),
        ({"state": "signed"}, "lastResult.state"),
        ({"data": []}, "lastResult.data"),
        ({"data": [{"time": "yesterday", "context": "x"}]}, "lastResult.data[0].time"),
        ({"data": [{"context": "x"}]}, "lastResult.data[0].time"),
        ({"nu": "9" * 65}, "lastResult.nu"),
    ],
)
def test_kuaidi100_malformed_fields_are_422(overrides: dict[str, Any], field: str) -> None:
    param = kd_param()
    param["lastResult"].update(overrides)
    with pytest.raises(ValidationFailed) as exc:
        parse_kuaidi100(kd_form(param), salt=SALT)
    assert field in exc.value.fields
    assert exc.value.as_dict()["fields"][field]  # a readable message


def test_kuaidi100_missing_last_result_is_422() -> None:
    with pytest.raises(ValidationFailed) as exc:
        parse_kuaidi100(kd_form({"status": "abort", "message": "3天查询无记录"}), salt=SALT)
    assert "lastResult" in exc.value.fields


def test_kuaidi100_ok_answer() -> None:
    assert KUAIDI100_OK == {"result": True, "returnCode": "200", "message": "成功"}


def test_empty_salt_is_a_configuration_error() -> None:
    with pytest.raises(ImproperlyConfigured):
        parse_kuaidi100(kd_form(kd_param()), salt="")


# --- generic JSON push ------------------------------------------------------------------------


def generic_payload(**overrides: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "event_id": "evt_0001",
        "carrier": "zto",
        "tracking_number": "ZT7700112233",
        "status": "out_for_delivery",
        "occurred_at": "2026-11-20T10:15:00+08:00",
        "description": "Courier is on the way",
    }
    payload.update(overrides)
    return payload


def signed(
    payload: dict[str, Any], *, timestamp: int = STAMP, secret: str = SECRET
) -> tuple[bytes, dict[str, str]]:
    body = json.dumps(payload).encode()
    return body, sign_generic(body, secret=secret, timestamp=timestamp)


def test_sign_generic_headers() -> None:
    headers = sign_generic(b"{}", secret=SECRET, timestamp=STAMP)
    assert headers["X-Anxin-Timestamp"] == str(STAMP)
    assert headers["X-Anxin-Signature"].startswith("sha256=")
    assert len(headers["X-Anxin-Signature"]) == len("sha256=") + 64


def test_generic_valid_push() -> None:
    body, headers = signed(generic_payload())
    event = parse_generic(body, headers, secret=SECRET, now=NOW)

    assert event == TrackingEvent(
        source="generic",
        carrier="zto",
        tracking_number="ZT7700112233",
        status=TrackingStatus.OUT_FOR_DELIVERY,
        occurred_at=datetime(2026, 11, 20, 10, 15, tzinfo=SHANGHAI),
        description="Courier is on the way",
        event_key="evt_0001",
    )
    assert event.occurred_at.tzinfo is not None


def test_generic_naive_time_is_china_time_and_utc_is_converted() -> None:
    body, headers = signed(generic_payload(occurred_at="2026-11-20T10:15:00"))
    naive = parse_generic(body, headers, secret=SECRET, now=NOW)
    body, headers = signed(generic_payload(occurred_at="2026-11-20T02:15:00Z"))
    utc = parse_generic(body, headers, secret=SECRET, now=NOW)
    assert naive.occurred_at == utc.occurred_at == datetime(2026, 11, 20, 10, 15, tzinfo=SHANGHAI)
    assert utc.occurred_at.utcoffset() == timedelta(hours=8)


def test_generic_description_is_optional() -> None:
    payload = generic_payload()
    del payload["description"]
    body, headers = signed(payload)
    assert parse_generic(body, headers, secret=SECRET, now=NOW).description == ""


def test_generic_headers_are_case_insensitive() -> None:
    body, headers = signed(generic_payload())
    lower = {k.lower(): v for k, v in headers.items()}
    assert parse_generic(body, lower, secret=SECRET, now=NOW).event_key == "evt_0001"
    meta = {"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()}
    assert parse_generic(body, meta, secret=SECRET, now=NOW).event_key == "evt_0001"


@pytest.mark.parametrize(
    "mangle",
    [
        lambda h: {**h, "X-Anxin-Signature": "sha256=" + "0" * 64},
        lambda h: {**h, "X-Anxin-Signature": h["X-Anxin-Signature"].removeprefix("sha256=")},
        lambda h: {**h, "X-Anxin-Signature": "sha1=" + "0" * 40},
        lambda h: {k: v for k, v in h.items() if k != "X-Anxin-Signature"},
        lambda h: {k: v for k, v in h.items() if k != "X-Anxin-Timestamp"},
        lambda h: {**h, "X-Anxin-Timestamp": "soon"},
        lambda h: {**h, "X-Anxin-Timestamp": str(STAMP + 1)},  # signed for another time
        lambda h: {},
    ],
    ids=[
        "wrong",
        "no-prefix",
        "other-algo",
        "no-signature",
        "no-timestamp",
        "bad-timestamp",
        "moved-timestamp",
        "no-headers",
    ],
)
def test_generic_bad_signature_is_401(mangle: Any) -> None:
    body, headers = signed(generic_payload())
    with pytest.raises(TrackingRejected) as exc:
        parse_generic(body, mangle(headers), secret=SECRET, now=NOW)
    assert exc.value.status == 401
    assert exc.value.code == "tracking.bad_signature"


def test_generic_signed_with_another_secret_is_401() -> None:
    body, headers = signed(generic_payload(), secret="someone-else")
    with pytest.raises(TrackingRejected):
        parse_generic(body, headers, secret=SECRET, now=NOW)


def test_generic_body_tampered_after_signing_is_401() -> None:
    body, headers = signed(generic_payload())
    tampered = body.replace(b"out_for_delivery", b"delivered")
    assert tampered != body
    with pytest.raises(TrackingRejected) as exc:
        parse_generic(tampered, headers, secret=SECRET, now=NOW)
    assert exc.value.code == "tracking.bad_signature"


@pytest.mark.parametrize("offset", [-301, 301, -86_400, 10**6], ids=["old", "future", "day", "far"])
def test_generic_stale_timestamp_is_401(offset: int) -> None:
    body, headers = signed(generic_payload(), timestamp=STAMP + offset)
    with pytest.raises(TrackingRejected) as exc:
        parse_generic(body, headers, secret=SECRET, now=NOW)
    assert exc.value.status == 401
    assert exc.value.code == "tracking.stale"


@pytest.mark.parametrize("offset", [-300, 300, 0])
def test_generic_timestamp_inside_the_window_is_accepted(offset: int) -> None:
    body, headers = signed(generic_payload(), timestamp=STAMP + offset)
    assert parse_generic(body, headers, secret=SECRET, now=NOW).status == "out_for_delivery"


def test_generic_now_must_be_aware() -> None:
    body, headers = signed(generic_payload())
    with pytest.raises(ValueError):
        parse_generic(body, headers, secret=SECRET, now=NOW.replace(tzinfo=None))


@pytest.mark.parametrize("status", ["lost", "DELIVERED", "", None, 3])
def test_generic_unknown_status_is_422(status: Any) -> None:
    body, headers = signed(generic_payload(status=status))
    with pytest.raises(ValidationFailed) as exc:
        parse_generic(body, headers, secret=SECRET, now=NOW)
    assert exc.value.status == 422
    assert list(exc.value.fields) == ["status"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"event_id": ""}, "event_id"),
        ({"event_id": None}, "event_id"),
        ({"carrier": ["zto"]}, "carrier"),
        ({"tracking_number": "   "}, "tracking_number"),
        ({"occurred_at": "2026-11-20"}, "occurred_at"),
        ({"occurred_at": "20/11/2026 10:15"}, "occurred_at"),
        ({"occurred_at": 1700000000}, "occurred_at"),
        ({"occurred_at": None}, "occurred_at"),
        ({"description": 5}, "description"),
    ],
)
def test_generic_malformed_fields_are_422(overrides: dict[str, Any], field: str) -> None:
    body, headers = signed(generic_payload(**overrides))
    with pytest.raises(ValidationFailed) as exc:
        parse_generic(body, headers, secret=SECRET, now=NOW)
    assert field in exc.value.fields


def test_generic_reports_every_fault_at_once() -> None:
    body, headers = signed({"status": "lost"})
    with pytest.raises(ValidationFailed) as exc:
        parse_generic(body, headers, secret=SECRET, now=NOW)
    assert set(exc.value.fields) == {
        "event_id",
        "carrier",
        "tracking_number",
        "status",
        "occurred_at",
    }


@pytest.mark.parametrize("body", [b"{not json", b"[]", b"\xff\xfe", b""])
def test_generic_body_not_a_json_object_is_422(body: bytes) -> None:
    headers = sign_generic(body, secret=SECRET, timestamp=STAMP)
    with pytest.raises(ValidationFailed) as exc:
        parse_generic(body, headers, secret=SECRET, now=NOW)
    assert "body" in exc.value.fields


# --- event keys -------------------------------------------------------------------------------


def test_event_key_is_stable_for_the_same_payload() -> None:
    first = parse_kuaidi100(kd_form(kd_param()), salt=SALT)
    again = parse_kuaidi100(kd_form(kd_param()), salt=SALT)
    assert first.event_key == again.event_key


def test_event_key_differs_by_status() -> None:
    delivered = parse_kuaidi100(kd_form(kd_param(state="3")), salt=SALT)
    returned = parse_kuaidi100(kd_form(kd_param(state="4")), salt=SALT)
    assert delivered.occurred_at == returned.occurred_at
    assert delivered.event_key != returned.event_key


def test_event_key_differs_by_time_and_number() -> None:
    base = parse_kuaidi100(kd_form(kd_param()), salt=SALT)
    other_number = parse_kuaidi100(kd_form(kd_param(nu="SF999")), salt=SALT)
    param = kd_param()
    param["lastResult"]["data"][0]["time"] = "2026-11-20 10:20:31"
    later = parse_kuaidi100(kd_form(param), salt=SALT)
    assert len({base.event_key, other_number.event_key, later.event_key}) == 3


def test_generic_event_key_is_the_sender_event_id() -> None:
    body, headers = signed(generic_payload(event_id="abc-1"))
    again_body, again_headers = signed(generic_payload(event_id="abc-1"), timestamp=STAMP + 60)
    first = parse_generic(body, headers, secret=SECRET, now=NOW)
    retry = parse_generic(again_body, again_headers, secret=SECRET, now=NOW)
    assert first.event_key == retry.event_key == "abc-1"


def test_event_is_immutable() -> None:
    event = parse_kuaidi100(kd_form(kd_param()), salt=SALT)
    with pytest.raises(AttributeError):
        event.status = TrackingStatus.RETURNED  # type: ignore[misc]
