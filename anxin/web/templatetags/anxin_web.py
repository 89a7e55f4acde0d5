"""Template filters for money, times and case statuses, in the reader's language."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html

from anxin.cases.choices import CaseStatus, CaseType
from anxin.core.money import round_money
from anxin.web import case_display

register = template.Library()

SYMBOLS = {"CNY": "¥", "USD": "$", "EUR": "€", "HKD": "HK$", "JPY": "¥"}


@register.filter
def money(amount: Decimal | str | int | None, currency: str = "CNY") -> str:
    """¥1,234.50: grouped, two decimals (the currency's own exponent)."""
    if amount is None or amount == "":
        return ""
    value = round_money(Decimal(str(amount)), currency or "CNY")
    symbol = SYMBOLS.get(currency or "CNY", f"{currency} ")
    sign = "-" if value < 0 else ""
    return f"{sign}{symbol}{abs(value):,}"


@register.filter
def when(moment: datetime | None) -> str:
    """A moment in Asia/Shanghai (the site's zone), in the active language's short format."""
    if moment is None:
        return ""
    return date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


@register.filter
def day(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT")


@register.filter
def iso(moment: datetime | None) -> str:
    return moment.isoformat() if moment else ""


@register.simple_tag
def status_badge(status: str) -> str:
    label = dict(CaseStatus.choices).get(status, status)
    return format_html('<span class="badge status-{}">{}</span>', status, label)


@register.filter
def case_type(value: str) -> Any:
    return dict(CaseType.choices).get(value, value)


@register.filter
def get_item(mapping: dict[str, Any], key: str) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def rule_label(code: str) -> str:
    return case_display.rule_label(code)


@register.filter
def deadline_label(kind: str | None) -> str:
    return case_display.deadline_label(kind)
