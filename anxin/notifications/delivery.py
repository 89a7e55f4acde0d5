"""Delivering the outbox: e-mails through Django's e-mail backend, webhooks as signed HTTP POSTs.

**Claiming.** A deliverer claims due pending rows in one short transaction with
``SELECT … FOR UPDATE SKIP LOCKED`` (on PostgreSQL; SQLite serialises writers instead), stamps them
with its batch token and pushes their ``next_attempt_at`` to the end of a *lease*, and commits.
Other deliverers skip the locked rows while the claim commits and, after it, no longer see them as
due. The sends then happen **outside** any transaction — a slow receiver (up to 10 s) must not hold
row locks, a database connection in a transaction, or SQLite's single write lock — and each
outcome is recorded in its own short transaction, only if the row still carries this batch's token.

**At least once, not exactly once.** A deliverer that crashes (or is killed) after a receiver
accepted a message but before recording it leaves the row pending; when its lease runs out, the
row is due again and is sent again. Receivers must therefore deduplicate on ``X-Anxin-Delivery``
(the message's id, stable across retries; a manual redelivery is a new message with a new id).
One claim is held by one deliverer at a time, so two healthy deliverers never send a row twice.

**Retries.** A 2xx answer is success. Anything else (another status, a timeout, a refused
connection, an SMTP error) counts an attempt and schedules the next one after 1, 2, 4, 8 … minutes,
at most an hour apart; the 8th failed attempt marks the row dead. A message whose endpoint was
removed or deactivated, or whose URL points at a private address, fails at once (no retry).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
import threading
import time
import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import close_old_connections, transaction

from anxin.core import clock

from . import signing
from .choices import Channel, OutboxStatus
from .models import OutboxMessage

logger = logging.getLogger(__name__)

WEBHOOK_TIMEOUT = 10.0  # seconds, per request
MAX_ATTEMPTS = 8
BACKOFF_CAP = timedelta(hours=1)
USER_AGENT = "Anxin-Webhooks/1"


def backoff(attempts: int) -> timedelta:
    """Wait before the next attempt after ``attempts`` failures: 1, 2, 4, 8 … minutes, ≤ 1 h."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), BACKOFF_CAP)


def lease_for(count: int) -> timedelta:
    """How long a claim of ``count`` messages is held: enough to send them all at the timeout."""
    return timedelta(seconds=60 + WEBHOOK_TIMEOUT * count)


# --- webhook URLs -----------------------------------------------------------------------------------


class UnsafeUrl(ValueError):
    """A webhook URL we refuse to call (not http(s), or a private/loopback/link-local address)."""


def private_addresses_allowed() -> bool:
    """Loopback and intranet receivers are allowed in development (DEBUG) or when the operator
    sets ``ANXIN_WEBHOOK_ALLOW_PRIVATE`` (an intranet deployment); otherwise refused, so that a
    merchant cannot make the platform call its own internal services (SSRF)."""
    return bool(getattr(settings, "ANXIN_WEBHOOK_ALLOW_PRIVATE", settings.DEBUG))


def webhook_url_check(url: str) -> None:
    """Raise UnsafeUrl if ``url`` must not be called. A name that does not resolve (yet) passes:
    its delivery fails and is retried like any other network error."""
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        raise UnsafeUrl("only http and https URLs with a host name are allowed")
    if parts.username or parts.password:
        raise UnsafeUrl("credentials in the URL are not allowed")
    if private_addresses_allowed():
        return
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, proto=socket.IPPROTO_TCP)
    except (OSError, ValueError):
        return
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if not address.is_global:
            raise UnsafeUrl(f"{parts.hostname} resolves to a non-public address")


# --- one message ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    ok: bool
    error: str = ""
    status_code: int | None = None
    permanent: bool = False  # retrying cannot help


def webhook_body(payload: dict[str, Any]) -> bytes:
    """The exact bytes that are signed and sent."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def webhook_headers(message: OutboxMessage, *, secret: str, body: bytes) -> dict[str, str]:
    timestamp = str(int(clock.now().timestamp()))
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-Anxin-Event": message.event,
        "X-Anxin-Delivery": str(message.public_id),
        "X-Anxin-Timestamp": timestamp,
        "X-Anxin-Signature": signing.sign(secret=secret, timestamp=timestamp, body=body),
    }


def _send_webhook(message: OutboxMessage, http: httpx.Client) -> Outcome:
    endpoint = message.endpoint
    if endpoint is None or not endpoint.active:
        return Outcome(False, "the endpoint was removed or deactivated", permanent=True)
    try:
        webhook_url_check(endpoint.url)
    except UnsafeUrl as exc:
        return Outcome(False, str(exc), permanent=True)
    body = webhook_body(message.payload)
    headers = webhook_headers(message, secret=endpoint.secret, body=body)
    try:
        # No redirects: a 3xx is a failure, so a receiver cannot bounce us to another host.
        response = http.post(endpoint.url, content=body, headers=headers)
    except httpx.HTTPError as exc:
        return Outcome(False, f"{type(exc).__name__}: {exc}")
    if 200 <= response.status_code < 300:
        return Outcome(True, status_code=response.status_code)
    # The response body is not kept: the log must not become a way to read internal pages.
    return Outcome(False, f"HTTP {response.status_code}", status_code=response.status_code)


def send_mail(
    *,
    subject: str,
    message: str,
    from_email: str | None,
    recipient_list: list[str],
    fail_silently: bool = False,
    headers: dict[str, str] | None = None,
) -> int:
    """Django's ``send_mail`` with extra headers (Message-ID, In-Reply-To, Auto-Submitted …)."""
    mail = EmailMessage(
        subject=subject, body=message, from_email=from_email, to=recipient_list, headers=headers
    )
    return mail.send(fail_silently=fail_silently)


def _send_email(message: OutboxMessage) -> Outcome:
    if not message.recipient_email:
        return Outcome(False, "no recipient address", permanent=True)
    try:
        send_mail(
            subject=str(message.payload.get("subject", "")),
            message=str(message.payload.get("body", "")),
            from_email=None,
            recipient_list=[message.recipient_email],
            fail_silently=False,
            headers={str(k): str(v) for k, v in dict(message.payload.get("headers") or {}).items()},
        )
    except Exception as exc:  # SMTP and backend errors of every kind are retried
        return Outcome(False, f"{type(exc).__name__}: {exc}")
    return Outcome(True)


def _send(message: OutboxMessage, http: httpx.Client) -> Outcome:
    if message.channel == Channel.EMAIL:
        return _send_email(message)
    if message.channel == Channel.WEBHOOK:
        return _send_webhook(message, http)
    return Outcome(False, f"unknown channel {message.channel!r}", permanent=True)


# --- batches -----------------------------------------------------------------------------------------


def outbox_claim(
    *, batch_size: int, now: datetime, ids: Collection[int] | None = None
) -> tuple[str, list[int]]:
    """Claim up to ``batch_size`` due pending messages for one deliverer: (token, their ids)."""
    token = uuid.uuid4().hex
    with transaction.atomic():
        due = OutboxMessage.objects.select_for_update(skip_locked=True).filter(
            status=OutboxStatus.PENDING, next_attempt_at__lte=now
        )
        if ids is not None:
            due = due.filter(pk__in=list(ids))
        claimed = list(
            due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:batch_size]
        )
        if claimed:
            OutboxMessage.objects.filter(pk__in=claimed).update(
                claim=token, next_attempt_at=now + lease_for(len(claimed))
            )
    return token, claimed


def _record(message: OutboxMessage, token: str, outcome: Outcome, now: datetime) -> str:
    attempts = message.attempts + 1
    fields: dict[str, Any] = {
        "attempts": attempts,
        "claim": "",
        "response_status": outcome.status_code,
    }
    if outcome.ok:
        fields.update(status=OutboxStatus.SENT, sent_at=now)
    else:
        fields["last_error"] = outcome.error[:500]
        if outcome.permanent:
            fields["status"] = OutboxStatus.FAILED
        elif attempts >= MAX_ATTEMPTS:
            fields["status"] = OutboxStatus.DEAD
        else:
            fields["next_attempt_at"] = now + backoff(attempts)
    result = str(fields.get("status", "retried"))
    with transaction.atomic():
        updated = OutboxMessage.objects.filter(
            pk=message.pk, claim=token, status=OutboxStatus.PENDING
        ).update(**fields)
    if not updated:
        # Our lease ran out and another deliverer took the row over: its outcome stands.
        return "lost"
    if not outcome.ok:
        logger.warning("outbox %s (%s): %s", message.pk, message.event, outcome.error)
    return result


def outbox_deliver(
    *, batch_size: int = 100, now: datetime | None = None, ids: Collection[int] | None = None
) -> dict[str, int]:
    """Claim and send up to ``batch_size`` due messages (only ``ids`` if given); safe to run in
    any number of processes at once. Returns counts: claimed, sent, retried, dead, failed, and
    ``lost`` (results not recorded because the lease ran out) and ``deferred`` (left for the next
    claim because the lease was about to run out)."""
    now = now or clock.now()
    counts = dict.fromkeys(("claimed", "sent", "retried", "dead", "failed", "lost", "deferred"), 0)
    token, claimed = outbox_claim(batch_size=batch_size, now=now, ids=ids)
    counts["claimed"] = len(claimed)
    if not claimed:
        return counts
    messages = list(
        OutboxMessage.objects.select_related("endpoint")
        .filter(pk__in=claimed, claim=token)
        .order_by("pk")
    )
    # Stop before the lease can run out under us, leaving the rest for whoever claims next.
    budget = lease_for(len(claimed)).total_seconds() - WEBHOOK_TIMEOUT - 5
    started = time.monotonic()
    with httpx.Client(timeout=WEBHOOK_TIMEOUT, follow_redirects=False) as http:
        for message in messages:
            if time.monotonic() - started > budget:
                counts["deferred"] += 1
                continue
            counts[_record(message, token, _send(message, http), now)] += 1
    return counts


def outbox_deliver_until_idle(
    *, batch_size: int = 100, now: datetime | None = None
) -> dict[str, int]:
    """Deliver batch after batch until nothing due is left (failures wait for their retry time)."""
    total: dict[str, int] = {}
    while True:
        step = outbox_deliver(batch_size=batch_size, now=now)
        for key, value in step.items():
            total[key] = total.get(key, 0) + value
        if step["claimed"] == 0:
            return total


def run_forever(
    *, interval: float = 2.0, batch_size: int = 100, stop: threading.Event | None = None
) -> None:
    """The loop of ``manage.py deliver_outbox --loop``."""
    stop = stop or threading.Event()
    while not stop.is_set():
        close_old_connections()
        try:
            step = outbox_deliver_until_idle(batch_size=batch_size)
            if step.get("claimed"):
                logger.info("outbox: %s", step)
        except Exception:
            logger.exception("outbox delivery failed; retrying after %ss", interval)
        stop.wait(interval)
    close_old_connections()
