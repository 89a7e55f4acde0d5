"""Laptop / embedded shape: SQLite under var/, DEBUG on, no other service needed."""

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("ANXIN_DEBUG", True)
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
