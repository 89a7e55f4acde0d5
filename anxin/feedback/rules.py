"""Tunable numbers of the feedback app: settings with defaults (no settings file needs them)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.utils import timezone

SURVEY_DAYS = 30  # how long a satisfaction survey can be answered
NPS_LOOKBACK_DAYS = 90  # consumers served in the last N days are asked for their NPS


def survey_days() -> int:
    return int(getattr(settings, "ANXIN_SURVEY_DAYS", SURVEY_DAYS))


def csat_points() -> int:
    """Feedback points for answering a satisfaction survey."""
    return int(getattr(settings, "ANXIN_POINTS_CSAT", 10))


def nps_points() -> int:
    """Feedback points for answering the periodic recommendation survey."""
    return int(getattr(settings, "ANXIN_POINTS_NPS", 20))


def nps_lookback_days() -> int:
    return int(getattr(settings, "ANXIN_NPS_LOOKBACK_DAYS", NPS_LOOKBACK_DAYS))


def site_url() -> str:
    """Where e-mailed links point (``https://anxin.example``); empty gives site-relative links."""
    return str(getattr(settings, "ANXIN_SITE_URL", "")).rstrip("/")


def nps_period(at: datetime) -> str:
    """The quarter an instant falls in, in the platform's time zone: "2026Q4"."""
    local = timezone.localtime(at)
    return f"{local.year}Q{(local.month - 1) // 3 + 1}"
