"""What identifies a reviewer's device for the cluster fraud signal, read from a request the same
way by the API and the web pages (only a keyed hash of it is ever stored)."""

from __future__ import annotations

import hashlib

from django.http import HttpRequest

DEVICE_HEADER = "X-Device-Id"


def device_of(request: HttpRequest) -> str:
    """The app's X-Device-Id, else the browser (User-Agent) with its address; "" when neither."""
    given = (request.headers.get(DEVICE_HEADER) or "").strip()[:128]
    if given:
        return "id:" + given
    agent = request.headers.get("User-Agent", "")
    address = request.META.get("REMOTE_ADDR", "")
    return (
        "ua:" + hashlib.sha256(f"{agent}|{address}".encode()).hexdigest()
        if agent or address
        else ""
    )
