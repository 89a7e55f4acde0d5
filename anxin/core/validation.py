"""Localized messages for pydantic validation errors, keyed by field path (no web dependency)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from django.utils.translation import gettext as _
from pydantic import BaseModel
from pydantic import ValidationError as PydanticError

from .errors import ValidationFailed

SchemaT = TypeVar("SchemaT", bound=BaseModel)


def _messages() -> dict[str, str]:
    return {
        "missing": _("This field is required."),
        "extra_forbidden": _("This field is not allowed."),
        "string_too_short": _("This value is too short."),
        "string_too_long": _("This value is too long (at most %(max_length)s characters)."),
        "string_pattern_mismatch": _("This value has an invalid format."),
        "string_type": _("Enter text."),
        "greater_than_equal": _("Must be at least %(ge)s."),
        "greater_than": _("Must be greater than %(gt)s."),
        "less_than_equal": _("Must be at most %(le)s."),
        "less_than": _("Must be less than %(lt)s."),
        "decimal_max_places": _("At most %(decimal_places)s decimal places."),
        "decimal_max_digits": _("This amount has too many digits."),
        "decimal_parsing": _("Enter a decimal amount."),
        "decimal_type": _("Enter a decimal amount."),
        "int_parsing": _("Enter a whole number."),
        "int_type": _("Enter a whole number."),
        "int_from_float": _("Enter a whole number."),
        "bool_parsing": _("Enter true or false."),
        "bool_type": _("Enter true or false."),
        "datetime_parsing": _("Enter a date and time such as 2026-11-20T10:00:00+08:00."),
        "datetime_from_date_parsing": _("Enter a date and time such as 2026-11-20T10:00:00+08:00."),
        "datetime_type": _("Enter a date and time such as 2026-11-20T10:00:00+08:00."),
        "date_parsing": _("Enter a date such as 2026-11-20."),
        "date_from_datetime_parsing": _("Enter a date such as 2026-11-20."),
        "enum": _("Choose one of: %(expected)s."),
        "literal_error": _("Choose one of: %(expected)s."),
        "too_short": _("Give at least %(min_length)s item(s)."),
        "too_long": _("Give at most %(max_length)s item(s)."),
        "list_type": _("Give a list."),
        "model_attributes_type": _("Give an object."),
        "model_type": _("Give an object."),
        "dict_type": _("Give an object."),
        "json_invalid": _("The body is not valid JSON."),
        "uuid_parsing": _("Enter a valid id."),
    }


def field_path(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = list(loc)
    if parts and parts[0] in {"body", "query", "path", "header", "form", "cookie", "file"}:
        parts = parts[1:]
        # ninja names the whole body after the view argument ("payload"); drop it
        if parts and isinstance(parts[0], str) and parts[0] in {"payload", "data", "body"}:
            parts = parts[1:]
    return ".".join(str(p) for p in parts) or "body"


def localized_field_errors(errors: list[dict[str, Any]]) -> dict[str, str]:
    messages = _messages()
    fields: dict[str, str] = {}
    for error in errors:
        path = field_path(error.get("loc", ()))
        template = messages.get(str(error.get("type")), _("This value is not valid."))
        context = {k: v for k, v in (error.get("ctx") or {}).items()}
        try:
            text = template % context if "%(" in template else template
        except (KeyError, TypeError, ValueError):
            text = _("This value is not valid.")
        fields.setdefault(path, text)
    return fields


def whole_number(raw: str | None) -> int | None:
    """An id or count typed or posted as text: ASCII digits only, else None. (``str.isdigit``
    also accepts "²", which ``int`` refuses.)"""
    raw = (raw or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() else None


def model_parse(schema: type[SchemaT], payload: Mapping[str, Any]) -> SchemaT:
    """``payload`` read as ``schema``, or a 4xx ValidationFailed naming each field at fault in the
    reader's language (what every service that takes a payload does first)."""
    try:
        return schema.model_validate(payload)
    except PydanticError as exc:
        raise ValidationFailed(fields=localized_field_errors(list(exc.errors()))) from exc  # type: ignore[arg-type]
