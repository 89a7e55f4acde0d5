"""Model fields for personal data: stored encrypted, read back as plain text in Python."""

from __future__ import annotations

from typing import Any

from django.db import models

from . import crypto


class EncryptedTextField(models.TextField):
    """Text encrypted with the field keys (``fx1:`` + Fernet token). Not searchable by design:
    look values up through a keyed-hash column instead."""

    description = "Encrypted text"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def to_python(self, value: Any) -> Any:
        if isinstance(value, str) and value.startswith(crypto.PREFIX):
            return crypto.decrypt(value)
        return value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        # Ciphertext is randomised: an equality lookup could never match, so refuse it loudly.
        if lookup_name not in {"isnull"}:
            raise TypeError(f"encrypted fields cannot be filtered with '{lookup_name}'")
        return super().get_lookup(lookup_name)


def encrypted_models_and_fields() -> list[tuple[type[models.Model], list[str]]]:
    """Every concrete model with encrypted fields, for key rotation."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        names = [
            f.attname for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)
        ]
        if names:
            found.append((model, names))
    return found


class MoneyField(models.DecimalField):
    """A money amount: Decimal with 2 decimal places and room for 12 integer digits."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 14)
        kwargs.setdefault("decimal_places", 2)
        super().__init__(*args, **kwargs)
