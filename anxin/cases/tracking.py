"""Inbound carrier-tracking pushes: verify who sent them, then parse them into a ``TrackingEvent``.

Pure functions, no database: the HTTP endpoint hands over what it received (form fields or raw body
and headers) and gets back one normalized event, or a ``DomainError``:

* ``TrackingRejected`` (401) when the push is not authentic: bad or missing signature, or a
  timestamp outside the replay window. Authenticity is always checked before the content is parsed,
  so an unauthenticated caller never learns anything about our validation rules.
* ``ValidationFailed`` (422) with ``fields`` when an authentic push is malformed.

Two formats are understood:

1. Kuaidi100 subscription pushes (快递100 订阅推送): form fields ``param`` (JSON) and ``sign`` =
   ``MD5(param + salt)`` in upper-case hex. Answer a push you accepted with ``KUAIDI100_OK``.
2. A generic JSON push for integrators, signed with HMAC-SHA256 over ``f"{timestamp}." + body``
   (see ``sign_generic``), refused outside a five-minute replay window.

Carrier times without an offset are China time (Asia/Shanghai), whatever the deployment's zone.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any, Final
from zoneinfo import ZoneInfo

from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from anxin.core import clock
from anxin.core.errors import DomainError, ValidationFailed

__all__ = [
    "GENERIC_SIGNATURE_HEADER",
    "GENERIC_TIMESTAMP_HEADER",
    "KUAIDI100_OK",
    "REPLAY_WINDOW",
    "SOURCE_GENERIC",
    "SOURCE_KUAIDI100",
    "TrackingErrorCode",
    "TrackingEvent",
    "TrackingRejected",
    "TrackingStatus",
    "parse_generic",
    "parse_kuaidi100",
    "sign_generic",
    "sign_kuaidi100",
]

CHINA_TZ: Final = ZoneInfo("Asia/Shanghai")

SOURCE_KUAIDI100: Final = "kuaidi100"
SOURCE_GENERIC: Final = "generic"

GENERIC_TIMESTAMP_HEADER: Final = "X-Anxin-Timestamp"
GENERIC_SIGNATURE_HEADER: Final = "X-Anxin-Signature"
REPLAY_WINDOW: Final = timedelta(seconds=300)

# What Kuaidi100 expects in the body of the answer to a push it should not resend.
KUAIDI100_OK: Final[dict[str, Any]] = {"result": True, "returnCode": "200", "message": "成功"}

# Sizes of the columns these values end up in (catalog.Delivery uses 40 and 64).
MAX_EVENT_ID: Final = 128
MAX_CARRIER: Final = 40
MAX_TRACKING_NUMBER: Final = 64
MAX_DESCRIPTION: Final = 1000  # longer descriptions are cut, never refused


class TrackingStatus(StrEnum):
    IN_TRANSIT = "in_transit"
    OUT_FOR_DELIVERY = "out_for_delivery"
    DELIVERED = "delivered"
    EXCEPTION = "exception"
    RETURNED = "returned"


class TrackingErrorCode(StrEnum):
    BAD_SIGNATURE = "tracking.bad_signature"
    STALE = "tracking.stale"


class TrackingRejected(DomainError):
    """The push is not authentic (or is a replay); its content was not looked at."""

    status = 401
    default_code = TrackingErrorCode.BAD_SIGNATURE
    default_message = _("The tracking push signature is missing or does not match.")


@dataclass(frozen=True, slots=True)
class TrackingEvent:
    source: str
    carrier: str
    tracking_number: str
    status: TrackingStatus
    occurred_at: datetime  # aware, in Asia/Shanghai
    description: str
    event_key: str  # stable id for de-duplication


# lastResult.state of a Kuaidi100 push. The basic codes are documented by Kuaidi100; subscriptions
# with advanced states (resultv2) send sub-codes, mapped through their parent below.
KUAIDI100_STATES: Final[Mapping[int, TrackingStatus]] = {
    0: TrackingStatus.IN_TRANSIT,  # 在途
    1: TrackingStatus.IN_TRANSIT,  # 揽收
    2: TrackingStatus.EXCEPTION,  # 疑难
    3: TrackingStatus.DELIVERED,  # 签收
    4: TrackingStatus.RETURNED,  # 退签
    5: TrackingStatus.OUT_FOR_DELIVERY,  # 派件
    6: TrackingStatus.RETURNED,  # 退回
    7: TrackingStatus.IN_TRANSIT,  # 转投
    8: TrackingStatus.IN_TRANSIT,  # 清关
    10: TrackingStatus.IN_TRANSIT,  # 待清关
    11: TrackingStatus.IN_TRANSIT,  # 清关中
    12: TrackingStatus.IN_TRANSIT,  # 已清关
    13: TrackingStatus.EXCEPTION,  # 清关异常
    14: TrackingStatus.EXCEPTION,  # 拒签
}


def kuaidi100_status(state: int) -> TrackingStatus:
    """Our status for a Kuaidi100 state code; unknown codes count as in transit.

    Advanced sub-codes carry their parent in the leading digit (101-103 揽收, 201-210 疑难,
    301-304 签收, 401 退签, 501 派件, 601 退回; 1001-1003 are 在途 and fall to the default)."""
    if state in KUAIDI100_STATES:
        return KUAIDI100_STATES[state]
    if 100 <= state <= 699:
        return KUAIDI100_STATES.get(state // 100, TrackingStatus.IN_TRANSIT)
    return TrackingStatus.IN_TRANSIT


# --- signing ----------------------------------------------------------------------------------


def _require_secret(secret: str, name: str) -> bytes:
    if not isinstance(secret, str) or not secret:
        # An empty key would make every signature computable by anyone.
        raise ImproperlyConfigured(f"the tracking push {name} is not configured")
    return secret.encode("utf-8")


def sign_kuaidi100(param: str, *, salt: str) -> str:
    """``MD5(param + salt)`` in upper-case hex, as Kuaidi100 signs a push."""
    salt_bytes = _require_secret(salt, "salt")
    return hashlib.md5(param.encode("utf-8") + salt_bytes).hexdigest().upper()  # noqa: S324


def _generic_digest(body: bytes, secret: str, timestamp: str) -> str:
    key = _require_secret(secret, "secret")
    return hmac.new(key, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def sign_generic(body: bytes, *, secret: str, timestamp: int) -> dict[str, str]:
    """The two headers an integrator sends with ``body`` (``timestamp`` in unix seconds)."""
    stamp = str(int(timestamp))
    return {
        GENERIC_TIMESTAMP_HEADER: stamp,
        GENERIC_SIGNATURE_HEADER: "sha256=" + _generic_digest(body, secret, stamp),
    }


def _same(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


# --- field helpers ----------------------------------------------------------------------------

_REQUIRED = _("This field is required.")


class _Fields:
    """Collects the faults of one payload so the sender sees all of them at once."""

    def __init__(self) -> None:
        self.errors: dict[str, str | Promise] = {}

    def add(self, name: str, message: str | Promise) -> None:
        self.errors.setdefault(name, message)

    def text(self, obj: Mapping[str, Any], key: str, name: str, max_length: int) -> str:
        value = obj.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            self.add(name, _REQUIRED)
            return ""
        if not isinstance(value, str):
            self.add(name, _("Must be a string."))
            return ""
        value = value.strip()
        if len(value) > max_length:
            self.add(name, _("Must be at most %(max)d characters.") % {"max": max_length})
            return ""
        return value

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(fields=self.errors)


def _description(value: Any, fields: _Fields, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        fields.add(name, _("Must be a string."))
        return ""
    return value.strip()[:MAX_DESCRIPTION]


def _parse_time(value: Any) -> datetime | None:
    """An ISO 8601 date *and* time (``T`` or space between); naive means China time."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if "T" not in text.upper() and " " not in text:
        return None  # a bare date is not a moment
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None or moment.utcoffset() is None:
        moment = moment.replace(tzinfo=CHINA_TZ)
    return moment.astimezone(CHINA_TZ)


def _event_key(source: str, tracking_number: str, status: str, occurred_at: datetime) -> str:
    parts = (source, tracking_number, str(status), occurred_at.astimezone(UTC).isoformat())
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


def _header(headers: Mapping[str, str], name: str) -> str | None:
    """Case-insensitive lookup; also accepts a WSGI ``META``-style mapping (``HTTP_X_...``)."""
    value = headers.get(name)
    if value is not None:
        return value
    wanted = name.lower().replace("_", "-")
    for key, val in headers.items():
        norm = str(key).lower().replace("_", "-")
        if norm.startswith("http-"):
            norm = norm[len("http-") :]
        if norm == wanted:
            return val
    return None


# --- Kuaidi100 --------------------------------------------------------------------------------


def parse_kuaidi100(form: Mapping[str, str], *, salt: str) -> TrackingEvent:
    """Verify and parse a Kuaidi100 subscription push (the POSTed form fields).

    The event is the newest entry of ``lastResult.data`` (Kuaidi100 may list them in either order)
    with the parcel's overall ``lastResult.state``. The top-level subscription ``status``
    (polling/shutdown/abort/updateall) is not interpreted here."""
    param = form.get("param")
    sign = form.get("sign")
    expected = sign_kuaidi100(param if isinstance(param, str) else "", salt=salt)
    if not isinstance(sign, str) or not _same(expected, sign.strip().upper()):
        raise TrackingRejected()

    fields = _Fields()
    try:
        payload = json.loads(param) if isinstance(param, str) and param.strip() else None
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise ValidationFailed(fields={"param": _("Must be a JSON object.")})
    result = payload.get("lastResult")
    if not isinstance(result, dict):
        raise ValidationFailed(fields={"lastResult": _("Must be a JSON object.")})

    carrier = fields.text(result, "com", "lastResult.com", MAX_CARRIER)
    number = fields.text(result, "nu", "lastResult.nu", MAX_TRACKING_NUMBER)

    state = result.get("state")
    status = TrackingStatus.IN_TRANSIT
    if isinstance(state, bool) or state is None or state == "":
        fields.add("lastResult.state", _REQUIRED)
    elif isinstance(state, int) or (isinstance(state, str) and re.fullmatch(r"[0-9]{1,6}", state)):
        status = kuaidi100_status(int(state))
    else:
        fields.add("lastResult.state", _("Must be a numeric state code."))

    newest: tuple[datetime, str] | None = None
    data = result.get("data")
    if not isinstance(data, list) or not data:
        fields.add("lastResult.data", _("Must be a non-empty list of tracking entries."))
    else:
        for i, entry in enumerate(data):
            if not isinstance(entry, dict):
                fields.add(f"lastResult.data[{i}]", _("Must be a JSON object."))
                continue
            raw = entry.get("time") or entry.get("ftime")
            moment = _parse_time(raw)
            if moment is None:
                fields.add(
                    f"lastResult.data[{i}].time",
                    _REQUIRED if raw in (None, "") else _("Must be a date and time."),
                )
                continue
            text = _description(entry.get("context"), fields, f"lastResult.data[{i}].context")
            if newest is None or moment > newest[0]:
                newest = (moment, text)

    fields.raise_if_any()
    if newest is None:  # unreachable: a non-empty list without faults has a newest entry
        raise ValidationFailed(fields={"lastResult.data": _REQUIRED})
    occurred_at, description = newest
    return TrackingEvent(
        source=SOURCE_KUAIDI100,
        carrier=carrier,
        tracking_number=number,
        status=status,
        occurred_at=occurred_at,
        description=description,
        event_key=_event_key(SOURCE_KUAIDI100, number, status, occurred_at),
    )


# --- generic JSON push ------------------------------------------------------------------------

_STATUS_VALUES: Final = frozenset(s.value for s in TrackingStatus)
_TIMESTAMP = re.compile(r"[0-9]{1,12}", re.ASCII)
_SIGNATURE = re.compile(r"sha256=([0-9a-fA-F]{64})", re.ASCII)


def parse_generic(
    body: bytes, headers: Mapping[str, str], *, secret: str, now: datetime | None = None
) -> TrackingEvent:
    """Verify and parse a generic JSON push; ``now`` (aware) defaults to ``anxin.core.clock``."""
    if now is None:
        now = clock.now()
    elif now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("parse_generic() needs an aware `now`")

    stamp = (_header(headers, GENERIC_TIMESTAMP_HEADER) or "").strip()
    signature = _SIGNATURE.fullmatch((_header(headers, GENERIC_SIGNATURE_HEADER) or "").strip())
    if not _TIMESTAMP.fullmatch(stamp) or signature is None:
        raise TrackingRejected()
    if not _same(_generic_digest(bytes(body), secret, stamp), signature.group(1).lower()):
        raise TrackingRejected()
    # Freshness is judged only for authentic pushes, so "stale" is a useful hint to the sender.
    if abs(now.timestamp() - int(stamp)) > REPLAY_WINDOW.total_seconds():
        raise TrackingRejected(
            _("The tracking push timestamp is outside the allowed window of five minutes."),
            code=TrackingErrorCode.STALE,
        )

    try:
        payload = json.loads(body)
    except ValueError:  # includes invalid UTF-8
        payload = None
    if not isinstance(payload, dict):
        raise ValidationFailed(fields={"body": _("Must be a JSON object.")})

    fields = _Fields()
    event_id = fields.text(payload, "event_id", "event_id", MAX_EVENT_ID)
    carrier = fields.text(payload, "carrier", "carrier", MAX_CARRIER)
    number = fields.text(payload, "tracking_number", "tracking_number", MAX_TRACKING_NUMBER)

    raw_status = payload.get("status")
    status = TrackingStatus.IN_TRANSIT
    if raw_status is None or raw_status == "":
        fields.add("status", _REQUIRED)
    elif isinstance(raw_status, str) and raw_status in _STATUS_VALUES:
        status = TrackingStatus(raw_status)
    else:
        fields.add(
            "status",
            _("Must be one of: %(choices)s.")
            % {"choices": ", ".join(s.value for s in TrackingStatus)},
        )

    raw_time = payload.get("occurred_at")
    occurred_at = _parse_time(raw_time)
    if occurred_at is None:
        fields.add(
            "occurred_at",
            _REQUIRED if raw_time in (None, "") else _("Must be an ISO 8601 date and time."),
        )
    description = _description(payload.get("description"), fields, "description")

    fields.raise_if_any()
    if occurred_at is None:  # unreachable: recorded as a field fault above
        raise ValidationFailed(fields={"occurred_at": _REQUIRED})
    return TrackingEvent(
        source=SOURCE_GENERIC,
        carrier=carrier,
        tracking_number=number,
        status=status,
        occurred_at=occurred_at,
        description=description,
        event_key=event_id,
    )
