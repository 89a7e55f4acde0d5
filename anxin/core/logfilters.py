"""Logging filters used by ``settings.LOGGING``."""

from __future__ import annotations

import logging


class ClientErrorWithoutTraceback(logging.Filter):
    """A record about a 4xx answer (Django passes ``status_code``) keeps its one line and loses its
    traceback: a forged Host header or a bad CSRF token is the client's mistake, not a bug."""

    def filter(self, record: logging.LogRecord) -> bool:
        if 400 <= getattr(record, "status_code", 0) < 500:
            record.exc_info = None
            record.exc_text = None
        return True
