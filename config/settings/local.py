"""Laptop / embedded shape: SQLite under var/, DEBUG on, no other service needed."""

from pathlib import Path
from typing import Any, cast

from .base import *  # noqa: F403
from .base import BASE_DIR, LOGGING, env, env_bool

DEBUG = env_bool("ANXIN_DEBUG", True)

# E-mails stay on this machine: one .eml file per message in the mailbox directory, and one line per
# message (recipients, subject) in its mail.log rather than in the terminal (ADR 0012).
EMAIL_BACKEND = "anxin.core.mailbox.MailboxBackend"
ANXIN_MAILBOX_DIR = Path(env("ANXIN_MAILBOX_DIR", "") or BASE_DIR / "var" / "mail")
_handlers = cast(dict[str, Any], LOGGING["handlers"])
_loggers = cast(dict[str, Any], LOGGING["loggers"])
_handlers["mailbox"] = {
    "class": "logging.FileHandler",
    "filename": str(ANXIN_MAILBOX_DIR / "mail.log"),
    "encoding": "utf-8",
    "delay": True,  # opened at the first message, once the backend has made the directory
    "formatter": "plain",
}
_loggers["anxin.core.mailbox"] = {
    "handlers": ["mailbox"],
    "level": "INFO",
    "propagate": False,
}
