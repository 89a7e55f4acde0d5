"""Webhook signatures: ``X-Anxin-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + body)>``.

The timestamp is signed with the body so that a captured request cannot be replayed later: a
receiver checks the signature over the raw body bytes *and* that the timestamp is recent, then
deduplicates on ``X-Anxin-Delivery`` (delivery is at least once).

Receiver, in Python::

    ok = verify(secret=SECRET, timestamp=request.headers["X-Anxin-Timestamp"],
                body=request.body, signature=request.headers["X-Anxin-Signature"])
"""

from __future__ import annotations

import hashlib
import hmac
import time

SCHEME = "sha256"
TOLERANCE_SECONDS = 300


def sign(*, secret: str, timestamp: int | str, body: bytes) -> str:
    """The ``X-Anxin-Signature`` value for ``body`` sent at ``timestamp`` (Unix seconds)."""
    message = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()
    return f"{SCHEME}={digest}"


def verify(
    *,
    secret: str,
    timestamp: int | str,
    body: bytes,
    signature: str,
    tolerance: int | None = TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """True if ``signature`` is ours for ``body`` and ``timestamp`` is within ``tolerance``
    seconds of ``now`` (pass ``tolerance=None`` to skip the freshness check)."""
    try:
        stamp = int(timestamp)
    except (TypeError, ValueError):
        return False
    if tolerance is not None:
        current = time.time() if now is None else now
        if abs(current - stamp) > tolerance:
            return False
    expected = sign(secret=secret, timestamp=stamp, body=body)
    return hmac.compare_digest(expected.encode(), (signature or "").encode())
