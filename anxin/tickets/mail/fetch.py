"""Fetching mail from a Maildir or an IMAP folder into ``mail_receive``.

Each message is handed over once: a Maildir message moves from ``new/`` to ``cur/`` with the "S"
(seen) flag after it was received, an IMAP message is flagged ``\\Seen``. ``mail_receive`` keeps every
message (a message that fails to process is quarantined, not skipped) and deduplicates on
Message-ID, so a crash between receiving and flagging only means the next run finds the same
message again and does nothing with it.
"""

from __future__ import annotations

import contextlib
import imaplib
import mailbox
import os
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.conf import settings

from .inbound import mail_receive


def maildir_fetch(*, path: str) -> Counter[str]:
    """Receive every message in ``path/new``; returns the count per outcome status."""
    box = mailbox.Maildir(path, factory=None, create=False)
    counts: Counter[str] = Counter()
    new_dir = os.path.join(path, "new")
    cur_dir = os.path.join(path, "cur")
    for name in sorted(os.listdir(new_dir)):
        if name.startswith("."):
            continue
        key = name.split(box.colon, 1)[0]
        try:
            raw = box.get_bytes(key)
        except KeyError:  # another fetcher moved it meanwhile
            continue
        mail = mail_receive(raw=raw, source="maildir")
        counts[str(mail.status)] += 1
        # The mailbox module rewrites a message to change its flags; a rename keeps the bytes.
        os.replace(os.path.join(new_dir, name), os.path.join(cur_dir, f"{key}{box.colon}2,S"))
    return counts


def imap_settings() -> dict[str, Any]:
    return {
        "host": str(getattr(settings, "ANXIN_IMAP_HOST", "") or ""),
        "port": int(getattr(settings, "ANXIN_IMAP_PORT", 0) or 0),
        "user": str(getattr(settings, "ANXIN_IMAP_USER", "") or ""),
        "password": str(getattr(settings, "ANXIN_IMAP_PASSWORD", "") or ""),
        "ssl": bool(getattr(settings, "ANXIN_IMAP_SSL", True)),
        "folder": str(getattr(settings, "ANXIN_IMAP_FOLDER", "INBOX") or "INBOX"),
    }


def imap_connect() -> imaplib.IMAP4:
    config = imap_settings()
    if not config["host"]:
        raise RuntimeError("ANXIN_IMAP_HOST is not set")
    if config["ssl"]:
        client: imaplib.IMAP4 = imaplib.IMAP4_SSL(config["host"], config["port"] or 993)
    else:
        client = imaplib.IMAP4(config["host"], config["port"] or 143)
    client.login(config["user"], config["password"])
    return client


def imap_fetch(*, connect: Callable[[], imaplib.IMAP4] = imap_connect) -> Counter[str]:
    """Receive the folder's UNSEEN messages and flag each one \\Seen once it is kept."""
    counts: Counter[str] = Counter()
    client = connect()
    try:
        status, _data = client.select(imap_settings()["folder"])
        if status != "OK":
            raise RuntimeError(f"cannot select {imap_settings()['folder']}: {status}")
        status, data = client.uid("SEARCH", "UNSEEN")
        uids = (data[0] or b"").split() if status == "OK" and data else []
        for uid in uids:
            status, parts = client.uid("FETCH", uid.decode(), "(BODY.PEEK[])")
            raw = next((p[1] for p in parts or [] if isinstance(p, tuple) and len(p) > 1), None)
            if status != "OK" or not isinstance(raw, bytes):
                counts["unreadable"] += 1
                continue
            mail = mail_receive(raw=raw, source="imap")
            counts[str(mail.status)] += 1
            client.uid("STORE", uid.decode(), "+FLAGS", "(\\Seen)")
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            client.logout()
    return counts
