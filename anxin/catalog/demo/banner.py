"""What a demo needs on its last screen: the address, one login per role and a merchant API token.

A token's plain value is shown once and never stored, so the banner of ``make run`` issues a fresh
demo token each time and revokes the one before it (ADR 0012).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import transaction

from anxin.accounts.models import ApiToken, User
from anxin.accounts.services import IssuedToken, api_token_create, api_token_revoke

from ..models import Merchant
from . import DEMO_PASSWORD, DEMO_TOKEN_NAME, OPERATOR, demo_logins_present

RULE = "─" * 72


@transaction.atomic
def demo_token_reissue() -> IssuedToken | None:
    """Revoke the live demo tokens and issue a new one for the same merchant (None without a
    demo world)."""
    live = ApiToken.objects.filter(name=DEMO_TOKEN_NAME, revoked_at__isnull=True)
    last = ApiToken.objects.filter(name=DEMO_TOKEN_NAME).order_by("-pk").first()
    admin = User.objects.filter(username="merchant_admin").first()
    merchant_id = last.merchant_id if last else None
    if merchant_id is None and admin is not None:
        merchant_id = admin.memberships.values_list("merchant_id", flat=True).first()
    if merchant_id is None:
        return None
    for token in live.select_for_update():
        api_token_revoke(actor=OPERATOR, token=token)
    return api_token_create(
        actor=OPERATOR, name=DEMO_TOKEN_NAME, merchant_id=merchant_id, created_by=admin
    )


def demo_banner_lines(*, url: str, token: str = "", merchant: Merchant | None = None) -> list[str]:
    """The banner, line by line: address, logins and (when given) the token with a sample call."""
    url = url.rstrip("/")
    lines = ["", RULE, f"Anxin: open {url}/", ""]
    rows = demo_logins_present()
    if rows:
        lines.append(f"Demo logins (every password is {DEMO_PASSWORD}):")
        lines += [f"  {role.value:<18}  {username}" for role, username in rows]
    else:
        lines.append("No demo logins exist in this database (manage.py demo_data makes them).")
    if token:
        shop = f"{merchant.name} ({merchant.code})" if merchant else "the platform"
        lines += [
            "",
            f"API token for {shop}, shown only once:",
            f"  {token}",
            f'  curl -H "Authorization: Bearer {token}" {url}/api/v1/orders',
            f"API documentation: {url}/api/v1/docs",
        ]
    mailbox = _mailbox()
    if mailbox:
        lines += [
            "",
            f"E-mails are not sent: each one is a file in {mailbox}/ (list: {mailbox}/mail.log).",
        ]
    return [*lines, RULE, ""]


def _mailbox() -> str:
    """Where the local mailbox backend writes, relative to the project when it is inside it."""
    if not settings.EMAIL_BACKEND.endswith("MailboxBackend"):
        return ""
    directory = Path(
        getattr(settings, "ANXIN_MAILBOX_DIR", Path(settings.BASE_DIR) / "var" / "mail")
    )
    try:
        return str(directory.relative_to(settings.BASE_DIR))
    except ValueError:
        return str(directory)
