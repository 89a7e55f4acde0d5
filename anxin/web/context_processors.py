"""Values every page's layout needs."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _

from anxin.core import clock


def ui(request: HttpRequest) -> dict[str, Any]:
    return {
        # Pages pick the Chinese or English name of data rows (teams, categories) by this.
        "zh": (translation.get_language() or "").startswith("zh"),
        # Countdowns count from the server's clock, not the device's (phones are often off).
        "server_now": clock.now(),
        # Words the page scripts need (countdowns, the photo size check), in the page's language.
        "ui_strings": {
            "d": _("d"),
            "h": _("h"),
            "m": _("min"),
            "s": _("s"),
            "overdue": _("overdue"),
            "left": _("left"),
            "too_large": _("This photo is larger than %(mb)s MB; choose a smaller one."),
            "too_many": _("At most %(n)s photos."),
            "not_image": _("Only JPEG, PNG or WebP photos."),
            "confirm": _("Are you sure?"),
        },
    }
