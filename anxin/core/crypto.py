"""Encryption of personal data at rest (Fernet/MultiFernet) and keyed lookup hashes."""

from __future__ import annotations

import hashlib
import hmac
import unicodedata
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

PREFIX = "fx1:"  # marks a stored value as ciphertext, so plaintext can never be mistaken for it


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise RuntimeError("ANXIN_FIELD_KEYS is empty")
    return MultiFernet([Fernet(k.encode()) for k in keys])


def field_cipher() -> MultiFernet:
    return _fernet(tuple(settings.ANXIN_FIELD_KEYS))


def encrypt(plaintext: str) -> str:
    return PREFIX + field_cipher().encrypt(plaintext.encode()).decode()


def decrypt(stored: str) -> str:
    if not stored.startswith(PREFIX):
        raise ValueError("value is not Anxin ciphertext")
    try:
        return field_cipher().decrypt(stored[len(PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise ValueError("no configured key decrypts this value") from exc


def rotate(stored: str) -> str:
    """Re-encrypt with the first (newest) key."""
    token = stored[len(PREFIX) :].encode()
    return PREFIX + field_cipher().rotate(token).decode()


def normalize_phone(phone: str) -> str:
    """Digits only, without a +86/0086 country prefix, so equal numbers hash equally."""
    digits = "".join(ch for ch in unicodedata.normalize("NFKC", phone) if ch.isdigit())
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) - len(prefix) == 11:
            digits = digits[len(prefix) :]
    return digits


def lookup_hash(value: str) -> str:
    """HMAC-SHA256 under ANXIN_LOOKUP_KEY: equal inputs give equal hashes; the key never rotates
    with the field keys, so lookups keep working across a rotation."""
    key = settings.ANXIN_LOOKUP_KEY.encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def phone_lookup_hash(phone: str) -> str:
    return lookup_hash("phone:" + normalize_phone(phone))


def mask_phone(phone: str) -> str:
    """138****1234 — the form merchants and agents see."""
    digits = normalize_phone(phone)
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"
