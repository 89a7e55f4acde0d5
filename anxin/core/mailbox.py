"""A local mailbox for the embedded shape (``make run``): every outgoing e-mail becomes one ``.eml``
file that any mail reader opens, and the log gets one line per message, never its body (ADR 0012).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

logger = logging.getLogger(__name__)


class MailboxBackend(BaseEmailBackend):
    """Writes each message to ``ANXIN_MAILBOX_DIR/<time>-<id>.eml`` instead of sending it."""

    def __init__(
        self, *, fail_silently: bool = False, directory: str | Path | None = None, **kwargs: Any
    ) -> None:
        super().__init__(fail_silently=fail_silently, **kwargs)
        default = getattr(settings, "ANXIN_MAILBOX_DIR", Path(settings.BASE_DIR) / "var" / "mail")
        self.directory = Path(directory or default)

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        sent = 0
        for message in email_messages:
            try:
                path = self._write(message)
            except OSError:
                if not self.fail_silently:
                    raise
                continue
            logger.info(
                "mail to %s: %s [%s]", ", ".join(message.recipients()), message.subject, path.name
            )
            sent += 1
        return sent

    def _write(self, message: EmailMessage) -> Path:
        self.directory.mkdir(parents=True, exist_ok=True)
        # Named by the wall clock (not the demo's clock), so the files sort in the order written.
        name = f"{timezone.localtime():%Y%m%d-%H%M%S}-{uuid.uuid4().hex[:8]}.eml"
        path = self.directory / name
        path.write_bytes(message.message().as_bytes(linesep="\n"))
        return path
