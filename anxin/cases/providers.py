"""Refund providers: where the money actually goes back. Every call is idempotent by refund id."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
from dataclasses import dataclass
from typing import Any, Protocol

import httpx
from django.conf import settings


@dataclass(frozen=True)
class ProviderResult:
    ok: bool
    reference: str = ""
    error: str = ""
    retryable: bool = False


class RefundProvider(Protocol):
    name: str

    def send(self, refund: Any) -> ProviderResult: ...


class LedgerProvider:
    """The built-in provider: the refund is recorded for settlement with the payment channel
    (the ledger row is the instruction); it always succeeds."""

    name = "ledger"

    def send(self, refund: Any) -> ProviderResult:
        return ProviderResult(ok=True, reference=f"ledger:{refund.public_id}")


class HttpProvider:
    """Calls a configured endpoint (a payment gateway adapter) with the refund id as the
    Idempotency-Key, so a retried call can never pay twice; the body is HMAC-SHA256 signed."""

    name = "http"

    def __init__(self, url: str, secret: str, timeout: float = 10.0) -> None:
        self.url, self.secret, self.timeout = url, secret, timeout

    def send(self, refund: Any) -> ProviderResult:
        body = json.dumps(
            {
                "refund_id": str(refund.public_id),
                "amount": str(refund.amount),
                "currency": refund.currency,
                "order": refund.line.order.external_id,
                "line": refund.line.external_id,
            },
            separators=(",", ":"),
        ).encode()
        signature = hmac.new(self.secret.encode(), body, hashlib.sha256).hexdigest()
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": str(refund.public_id),
            "X-Anxin-Signature": f"sha256={signature}",
        }
        try:
            response = httpx.post(self.url, content=body, headers=headers, timeout=self.timeout)
        except httpx.HTTPError as exc:
            return ProviderResult(ok=False, error=f"network: {exc}"[:300], retryable=True)
        if 200 <= response.status_code < 300:
            reference = ""
            with contextlib.suppress(ValueError):
                reference = str(response.json().get("reference", ""))
            return ProviderResult(ok=True, reference=reference or f"http:{refund.public_id}")
        retryable = response.status_code >= 500 or response.status_code == 429
        return ProviderResult(
            ok=False,
            error=f"HTTP {response.status_code}: {response.text[:200]}",
            retryable=retryable,
        )


def provider_for(name: str) -> RefundProvider:
    if name == "http":
        return HttpProvider(settings.ANXIN_REFUND_HTTP_URL, settings.ANXIN_REFUND_HTTP_SECRET)
    return LedgerProvider()
