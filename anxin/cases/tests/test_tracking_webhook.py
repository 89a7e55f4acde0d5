"""POST /api/v1/webhooks/inbound/tracking/{generic,kuaidi100}: a signed "delivered" push moves a
returning parcel's case to return_delivered and starts the merchant's confirmation clock, once."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client

from anxin.cases.models import Case, CaseEvent, InboundEvent
from anxin.cases.tracking import KUAIDI100_OK, sign_generic, sign_kuaidi100
from anxin.core import clock
from anxin.core.models import Deadline

from .builders import NOW, SHANGHAI, case_in, signed_order, snapshot, warehouse

pytestmark = pytest.mark.django_db

TRACKING = "SF-RET-1"
GENERIC = "/api/v1/webhooks/inbound/tracking/generic"
KUAIDI100 = "/api/v1/webhooks/inbound/tracking/kuaidi100"
# the parcel is signed for at the warehouse the day after it was sent
DELIVERED_AT = NOW + timedelta(days=1)
PUSHED_AT = DELIVERED_AT + timedelta(minutes=3)


@pytest.fixture
def in_transit() -> Case:
    from anxin.catalog.tests import factories as f

    clock.freeze(NOW)
    shop = f.merchant("m1")
    warehouse(shop)
    case = case_in(signed_order(shop), "return_in_transit", tracking_number=TRACKING)
    clock.freeze(PUSHED_AT)
    return case


def generic_body(**changes: Any) -> bytes:
    body = {
        "event_id": "evt-0001",
        "carrier": "SF",
        "tracking_number": TRACKING,
        "status": "delivered",
        "occurred_at": DELIVERED_AT.isoformat(),
        "description": "【上海市】已签收，签收人：仓库",
    }
    body.update(changes)
    return json.dumps(body, ensure_ascii=False).encode()


def post_generic(
    body: bytes, *, secret: str | None = None, timestamp: int | None = None, signed: bool = True
) -> Any:
    headers: dict[str, str] = {}
    if signed:
        stamp = int(clock.now().timestamp()) if timestamp is None else timestamp
        headers = sign_generic(
            body, secret=secret or settings.ANXIN_TRACKING_SECRETS["generic"], timestamp=stamp
        )
    return Client().post(GENERIC, body, content_type="application/json", headers=headers)


def kuaidi100_param(state: str = "3", number: str = TRACKING) -> str:
    local = DELIVERED_AT.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")  # China time
    return json.dumps(
        {
            "status": "polling",
            "message": "",
            "lastResult": {
                "message": "ok",
                "state": state,
                "ischeck": "1" if state == "3" else "0",
                "com": "shunfeng",
                "nu": number,
                "data": [
                    {
                        "time": local,
                        "ftime": local,
                        "context": "【上海市】已签收",
                        "status": "签收",
                    },
                    {
                        "time": "2026-11-05 18:00:00",
                        "ftime": "2026-11-05 18:00:00",
                        "context": "【上海市】已揽收",
                        "status": "揽收",
                    },
                ],
            },
        },
        ensure_ascii=False,
    )


def post_kuaidi100(param: str, *, sign: str | None = None) -> Any:
    salt = settings.ANXIN_TRACKING_SECRETS["kuaidi100"]
    form = {"param": param, "sign": sign if sign is not None else sign_kuaidi100(param, salt=salt)}
    return Client().post(
        KUAIDI100, urlencode(form), content_type="application/x-www-form-urlencoded"
    )


def receipt_deadlines(case: Case) -> list[Deadline]:
    return list(
        Deadline.objects.filter(
            subject_type="cases.case", subject_id=case.pk, kind="receipt_confirmation"
        )
    )


def _assert_delivered_once(case: Case) -> None:
    case.refresh_from_db()
    assert case.status == "return_delivered"
    events = list(CaseEvent.objects.filter(case=case, action="mark_delivered"))
    assert len(events) == 1
    event = events[0]
    assert (event.from_status, event.to_status) == ("return_in_transit", "return_delivered")
    assert event.actor == "system"
    assert event.reason  # names the source of the automatic move
    deadlines = receipt_deadlines(case)
    assert len(deadlines) == 1
    deadline = deadlines[0]
    assert (deadline.state, deadline.action) == ("pending", "confirm_receipt")
    # 7 days (P-5); counted from the delivery, at the latest from when we heard of it
    assert DELIVERED_AT + timedelta(days=7) <= deadline.due_at <= PUSHED_AT + timedelta(days=7)
    assert "P-5" in deadline.rule


# --- generic JSON push ----------------------------------------------------------------------------


def test_a_signed_delivered_push_delivers_the_return_and_arms_the_receipt_clock(
    in_transit: Case,
) -> None:
    # when
    response = post_generic(generic_body())
    # then
    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok", "outcome": "delivered: 1 case(s)"}
    _assert_delivered_once(in_transit)
    assert InboundEvent.objects.filter(source="generic", event_key="evt-0001").count() == 1


def test_a_replayed_push_is_200_and_changes_nothing(in_transit: Case) -> None:
    # given the push was applied
    body = generic_body()
    stamp = int(clock.now().timestamp())
    assert post_generic(body, timestamp=stamp).status_code == 200
    before = snapshot()
    # when the carrier sends it again, byte for byte, a minute later
    clock.freeze(PUSHED_AT + timedelta(minutes=1))
    again = post_generic(body, timestamp=stamp)
    # then
    assert again.status_code == 200
    assert again.json()["outcome"] == "duplicate"
    assert snapshot() == before
    _assert_delivered_once(in_transit)


def test_the_same_event_id_freshly_signed_is_still_a_duplicate(in_transit: Case) -> None:
    assert post_generic(generic_body()).status_code == 200
    clock.freeze(PUSHED_AT + timedelta(hours=1))
    again = post_generic(generic_body(description="resent"))
    assert again.status_code == 200
    assert again.json()["outcome"] == "duplicate"
    _assert_delivered_once(in_transit)


@pytest.mark.parametrize(
    "how",
    ["unsigned", "wrong-secret", "tampered-body", "garbage-signature"],
)
def test_an_unauthentic_push_is_401_and_changes_nothing(in_transit: Case, how: str) -> None:
    # given
    before = snapshot()
    body = generic_body()
    # when
    if how == "unsigned":
        response = post_generic(body, signed=False)
    elif how == "wrong-secret":
        response = post_generic(body, secret="not-the-secret")
    elif how == "tampered-body":
        stamp = int(clock.now().timestamp())
        headers = sign_generic(
            body, secret=settings.ANXIN_TRACKING_SECRETS["generic"], timestamp=stamp
        )
        response = Client().post(
            GENERIC,
            generic_body(tracking_number="SF-OTHER"),
            content_type="application/json",
            headers=headers,
        )
    else:
        response = Client().post(
            GENERIC,
            body,
            content_type="application/json",
            headers={"X-Anxin-Timestamp": "1", "X-Anxin-Signature": "sha256=" + "0" * 64},
        )
    # then
    assert response.status_code == 401, response.content
    assert response.json()["error"]["code"] == "tracking.bad_signature"
    assert snapshot() == before
    assert Case.objects.get(pk=in_transit.pk).status == "return_in_transit"


@pytest.mark.parametrize("skew", [timedelta(minutes=-10), timedelta(minutes=10)])
def test_a_push_outside_the_five_minute_window_is_401(in_transit: Case, skew: timedelta) -> None:
    before = snapshot()
    stamp = int((clock.now() + skew).timestamp())
    response = post_generic(generic_body(), timestamp=stamp)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "tracking.stale"
    assert snapshot() == before


def test_an_unknown_source_is_404(in_transit: Case) -> None:
    before = snapshot()
    body = generic_body()
    headers = sign_generic(
        body,
        secret=settings.ANXIN_TRACKING_SECRETS["generic"],
        timestamp=int(clock.now().timestamp()),
    )
    response = Client().post(
        "/api/v1/webhooks/inbound/tracking/sf-express",
        body,
        content_type="application/json",
        headers=headers,
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert snapshot() == before


def test_a_push_for_an_unknown_tracking_number_is_acknowledged(in_transit: Case) -> None:
    before_events = CaseEvent.objects.count()
    response = post_generic(generic_body(tracking_number="YT-UNKNOWN"))
    assert response.status_code == 200
    assert response.json()["outcome"] == "no matching case"
    assert CaseEvent.objects.count() == before_events
    assert Case.objects.get(pk=in_transit.pk).status == "return_in_transit"
    assert receipt_deadlines(in_transit) == []


def test_an_in_transit_push_is_recorded_without_moving_the_case(in_transit: Case) -> None:
    response = post_generic(generic_body(status="in_transit", event_id="evt-0000"))
    assert response.status_code == 200
    assert response.json()["outcome"] == "in_transit: recorded"
    assert Case.objects.get(pk=in_transit.pk).status == "return_in_transit"


def test_an_authentic_but_malformed_push_is_422_with_the_fields(in_transit: Case) -> None:
    before = snapshot()
    body = generic_body(status="teleported", occurred_at="yesterday", tracking_number="")
    response = post_generic(body)
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) >= {"status", "occurred_at", "tracking_number"}
    assert snapshot() == before


def test_the_longest_event_id_the_parser_accepts_is_stored(in_transit: Case) -> None:
    # the parser accepts event ids of up to 128 characters; they must fit the dedup table
    response = post_generic(generic_body(event_id="e" * 128))
    assert response.status_code == 200, response.content
    assert post_generic(generic_body(event_id="e" * 128)).json()["outcome"] == "duplicate"


def test_a_delivered_push_for_a_case_not_yet_shipped_back_changes_nothing() -> None:
    from anxin.catalog.tests import factories as f

    clock.freeze(NOW)
    shop = f.merchant("m1")
    warehouse(shop)
    case = case_in(signed_order(shop), "awaiting_return_shipment")
    clock.freeze(PUSHED_AT)
    response = post_generic(generic_body())
    assert response.status_code == 200
    assert response.json()["outcome"] == "no matching case"
    assert Case.objects.get(pk=case.pk).status == "awaiting_return_shipment"


# --- Kuaidi100 ------------------------------------------------------------------------------------


def test_a_signed_kuaidi100_push_delivers_the_return(in_transit: Case) -> None:
    response = post_kuaidi100(kuaidi100_param())
    assert response.status_code == 200, response.content
    assert response.json() == KUAIDI100_OK
    _assert_delivered_once(in_transit)


def test_a_replayed_kuaidi100_push_is_acknowledged_and_changes_nothing(in_transit: Case) -> None:
    param = kuaidi100_param()
    assert post_kuaidi100(param).status_code == 200
    before = snapshot()
    again = post_kuaidi100(param)
    assert again.status_code == 200
    assert again.json() == KUAIDI100_OK
    assert snapshot() == before
    _assert_delivered_once(in_transit)


@pytest.mark.parametrize("sign", ["", "0" * 32, "not-a-sign"])
def test_a_badly_signed_kuaidi100_push_is_401(in_transit: Case, sign: str) -> None:
    before = snapshot()
    response = post_kuaidi100(kuaidi100_param(), sign=sign)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "tracking.bad_signature"
    assert snapshot() == before
    assert Case.objects.get(pk=in_transit.pk).status == "return_in_transit"


def test_a_kuaidi100_push_sent_as_json_is_401_not_500(in_transit: Case) -> None:
    param = kuaidi100_param()
    salt = settings.ANXIN_TRACKING_SECRETS["kuaidi100"]
    body = {"param": param, "sign": sign_kuaidi100(param, salt=salt)}
    response = Client().post(KUAIDI100, body, content_type="application/json")
    assert response.status_code == 401
    assert Case.objects.get(pk=in_transit.pk).status == "return_in_transit"


def test_a_kuaidi100_push_for_an_unknown_parcel_is_acknowledged(in_transit: Case) -> None:
    response = post_kuaidi100(kuaidi100_param(number="YT0000000000"))
    assert response.status_code == 200
    assert response.json() == KUAIDI100_OK
    assert Case.objects.get(pk=in_transit.pk).status == "return_in_transit"
    assert InboundEvent.objects.get(source="kuaidi100").outcome == "no matching case"
