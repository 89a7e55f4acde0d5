"""The inbound-mail webhook's input: verify the signature, then turn the JSON into MIME bytes.

Two shapes are understood, both ending in ``mail_receive``:

* raw MIME: ``{"raw": "<RFC 822 text>"}``, ``{"raw_base64": "…"}`` or ``{"body-mime": "…"}``
  (SendGrid's raw mode, Mailgun's ``body-mime``);
* parsed, Postmark-style: ``From``, ``To``, ``Subject``, ``TextBody``, ``HtmlBody``, ``MessageID``,
  ``Date``, ``Headers: [{"Name", "Value"}]``, ``Attachments: [{"Name", "Content", "ContentType"}]``.

The signature is ``sha256=<hex HMAC-SHA256 of the body>`` in ``X-Anxin-Signature`` under
``ANXIN_INBOUND_MAIL_SECRET``; it is checked before the content is looked at.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any, Final

from django.conf import settings
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from anxin.core.errors import DomainError, ValidationFailed

SIGNATURE_HEADER: Final = "X-Anxin-Signature"
_SIGNATURE: Final = re.compile(r"(?:sha256=)?([0-9a-fA-F]{64})", re.ASCII)
# Headers the MIME structure we build defines itself; a provider's copies are dropped.
_STRUCTURAL: Final = frozenset(
    {"content-type", "content-transfer-encoding", "mime-version", "content-disposition"}
)
_SET_BY_FIELDS: Final = frozenset({"from", "to", "subject", "message-id", "date", "cc"})


class MailWebhookRejected(DomainError):
    """The push is not authentic; its content was not looked at."""

    status = 401
    default_code = "mail.bad_signature"
    default_message = _("The inbound mail signature is missing or does not match.")


def inbound_secret() -> str:
    """``ANXIN_INBOUND_MAIL_SECRET``; in development (DEBUG) derived from SECRET_KEY when unset.
    Empty means the endpoint is off."""
    secret = str(getattr(settings, "ANXIN_INBOUND_MAIL_SECRET", "") or "")
    if not secret and settings.DEBUG:
        digest = hashlib.sha256(f"anxin:inbound-mail:{settings.SECRET_KEY}".encode()).digest()
        secret = base64.urlsafe_b64encode(digest).decode()
    return secret


def sign(body: bytes, *, secret: str) -> str:
    """The header value a sender puts in ``X-Anxin-Signature``."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(body: bytes, signature: str | None, *, secret: str) -> None:
    found = _SIGNATURE.fullmatch((signature or "").strip())
    if found is None:
        raise MailWebhookRejected()
    expected = sign(body, secret=secret)[len("sha256=") :]
    if not hmac.compare_digest(expected, found.group(1).lower()):
        raise MailWebhookRejected()


def _text(payload: dict[str, Any], key: str, errors: dict[str, str | Promise]) -> str:
    value = payload.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[key] = _("Must be a string.")
        return ""
    return value


def _raw(payload: dict[str, Any]) -> bytes | None:
    errors: dict[str, str | Promise] = {}
    if "raw_base64" in payload:
        value = _text(payload, "raw_base64", errors)
        try:
            data = base64.b64decode(value, validate=True)
        except (binascii.Error, ValueError):
            errors["raw_base64"] = _("Must be base64.")
            data = b""
        if errors:
            raise ValidationFailed(fields=errors)
        if not data:
            raise ValidationFailed(fields={"raw_base64": _("This field is required.")})
        return data
    for key in ("raw", "body-mime"):
        if key in payload:
            value = _text(payload, key, errors)
            if errors:
                raise ValidationFailed(fields=errors)
            if not value.strip():
                raise ValidationFailed(fields={key: _("This field is required.")})
            return value.encode("utf-8", errors="surrogateescape")
    return None


def _parsed(payload: dict[str, Any]) -> bytes:
    errors: dict[str, str | Promise] = {}
    sender = _text(payload, "From", errors)
    subject = _text(payload, "Subject", errors)
    text = _text(payload, "TextBody", errors)
    html = _text(payload, "HtmlBody", errors)
    headers = payload.get("Headers") or []
    if not isinstance(headers, list) or not all(
        isinstance(h, dict) and isinstance(h.get("Name"), str) and isinstance(h.get("Value"), str)
        for h in headers
    ):
        errors["Headers"] = _("Must be a list of objects with Name and Value.")
        headers = []
    attachments = payload.get("Attachments") or []
    if not isinstance(attachments, list) or not all(isinstance(a, dict) for a in attachments):
        errors["Attachments"] = _("Must be a list of objects.")
        attachments = []
    if not sender.strip() and "From" not in errors:
        errors["From"] = _("This field is required.")
    if errors:
        raise ValidationFailed(fields=errors)
    message = EmailMessage()
    named = {str(h["Name"]).strip().lower(): str(h["Value"]) for h in headers}
    message["From"] = sender
    for key in ("To", "Cc", "Date"):
        value = _text(payload, key, errors)
        if value:
            message[key] = value
    message["Subject"] = subject
    message_id = named.get("message-id") or _text(payload, "MessageID", errors)
    if message_id and "<" not in message_id:
        message_id = f"<{message_id}>"
    message["Message-ID"] = message_id or make_msgid(domain="webhook.invalid")
    for header in headers:
        name = str(header["Name"]).strip()
        if name.lower() in _STRUCTURAL or name.lower() in _SET_BY_FIELDS:
            continue
        if re.fullmatch(r"[!-9;-~]{1,76}", name):
            message[name] = " ".join(str(header["Value"]).split())
    if text or not html:
        message.set_content(text)
        if html:
            message.add_alternative(html, subtype="html")
    else:
        message.set_content(html, subtype="html")
    for i, item in enumerate(attachments):
        try:
            content = base64.b64decode(str(item.get("Content") or ""), validate=True)
        except (binascii.Error, ValueError):
            raise ValidationFailed(
                fields={f"Attachments[{i}].Content": _("Must be base64.")}
            ) from None
        maintype, _slash, subtype = str(
            item.get("ContentType") or "application/octet-stream"
        ).partition("/")
        message.add_attachment(
            content,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=str(item.get("Name") or "attachment"),
        )
    return message.as_bytes()


def mail_from_webhook(body: bytes) -> bytes:
    """The MIME bytes of one pushed mail (authentic already), or ``ValidationFailed``."""
    try:
        payload = json.loads(body)
    except ValueError:  # includes invalid UTF-8
        payload = None
    if not isinstance(payload, dict):
        raise ValidationFailed(fields={"body": _("Must be a JSON object.")})
    raw = _raw(payload)
    if raw is not None:
        return raw
    if "From" in payload or "TextBody" in payload or "HtmlBody" in payload:
        try:
            return _parsed(payload)
        except (ValueError, TypeError, LookupError):  # a header value the email package refuses
            raise ValidationFailed(fields={"Headers": _("A header value is not valid.")}) from None
    raise ValidationFailed(
        fields={"raw": _("Send the message as raw, raw_base64, body-mime, or Postmark fields.")}
    )
