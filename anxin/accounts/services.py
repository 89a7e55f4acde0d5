"""Writes on accounts: users, memberships and API tokens."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from anxin.core import clock
from anxin.core.actors import MERCHANT_ROLES, PLATFORM_ROLES, Actor, Role
from anxin.core.audit import audit_record
from anxin.core.errors import Forbidden, ValidationFailed

from .models import ApiToken, Membership, User, UserRole
from .permissions import can_manage_users

TOKEN_PREFIX = "anx"  # noqa: S105  (a public marker, not a secret)
# last_used_at is written at most this often per token, so a busy integrator does not turn every
# read into a write.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def token_hash(raw: str) -> str:
    # Tokens carry 256 random bits, so a plain SHA-256 is enough (no slow KDF needed).
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    raw: str  # shown once, never stored


@transaction.atomic
def api_token_create(
    *, actor: Actor, name: str, merchant_id: int | None, created_by: User | None = None
) -> IssuedToken:
    """Issue a token; the plain value is returned once and only its hash is kept."""
    prefix = secrets.token_hex(4)
    raw = f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        name=name,
        prefix=prefix,
        key_hash=token_hash(raw),
        merchant_id=merchant_id,
        created_by=created_by,
    )
    audit_record(
        actor=actor,
        action="accounts.api_token.create",
        merchant_id=merchant_id,
        subject_type="accounts.apitoken",
        subject_id=token.pk,
        data={"name": name, "prefix": prefix},
    )
    return IssuedToken(token=token, raw=raw)


@transaction.atomic
def api_token_revoke(*, actor: Actor, token: ApiToken) -> ApiToken:
    """Revoke a token at once; revoked tokens never authenticate again."""
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action="accounts.api_token.revoke",
            merchant_id=token.merchant_id,
            subject_type="accounts.apitoken",
            subject_id=token.pk,
            data={"prefix": token.prefix},
        )
    return token


def api_token_authenticate(*, raw: str) -> ApiToken | None:
    """The live token for a raw bearer value, or None; records when it was last used."""
    if not raw.startswith(f"{TOKEN_PREFIX}_") or len(raw) > 200:
        return None
    token = ApiToken.objects.filter(key_hash=token_hash(raw), revoked_at__isnull=True).first()
    if token is None:
        return None
    now = clock.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


def actor_for_token(token: ApiToken) -> Actor:
    if token.merchant_id is None:
        return Actor(role=Role.INTEGRATOR, token_id=token.pk, platform=True, label=token.name)
    return Actor(
        role=Role.INTEGRATOR,
        token_id=token.pk,
        merchant_ids=frozenset({token.merchant_id}),
        label=token.name,
    )


def actor_for_user(user: User) -> Actor:
    """The actor a signed-in user acts as: role, merchants, and the customer record if a consumer."""
    role = Role(user.role)
    if user.is_superuser and role is Role.CONSUMER:
        role = Role.ADMIN
    merchant_ids: frozenset[int] = frozenset()
    customer_ids: frozenset[int] = frozenset()
    if role in MERCHANT_ROLES:
        merchant_ids = frozenset(
            Membership.objects.filter(user=user).values_list("merchant_id", flat=True)
        )
    elif role is Role.CONSUMER:
        # Through catalog's foreign key to the user: accounts sits below catalog and never
        # imports it (docs/decisions/0013-layers.md).
        customer_ids = frozenset(user.customer_records.values_list("pk", flat=True))
    return Actor(
        role=role,
        user_id=user.pk,
        merchant_ids=merchant_ids,
        platform=role in PLATFORM_ROLES,
        customer_ids=customer_ids,
        label=user.get_username(),
    )


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    password: str,
    role: Role,
    merchant_ids: list[int] | None = None,
    language: str = "zh-hans",
    email: str = "",
    is_staff: bool = False,
) -> User:
    """Create a user with a role; merchant roles get their memberships in the same transaction."""
    user = User.objects.create_user(
        username=username,
        password=password,
        role=role.value,
        language=language,
        email=email,
        is_staff=is_staff or role is Role.ADMIN,
        is_superuser=role is Role.ADMIN,
    )
    for merchant_id in merchant_ids or []:
        Membership.objects.create(user=user, merchant_id=merchant_id)
    audit_record(
        actor=actor,
        action="accounts.user.create",
        subject_type="accounts.user",
        subject_id=user.pk,
        data={"username": username, "role": role.value, "merchants": sorted(merchant_ids or [])},
    )
    return user


# --- administration of people ---------------------------------------------------------------------

ASSIGNABLE_ROLES = frozenset(Role(value) for value, _label in UserRole.choices)


def merchants() -> QuerySet[Any]:
    """Every merchant, reached through the membership's foreign key: accounts sits below catalog
    and knows the merchant table only by that key (docs/decisions/0013-layers.md)."""
    merchant: Any = Membership._meta.get_field("merchant").related_model
    return merchant._default_manager.all()


def _membership_errors(
    role: Role, merchant_ids: list[int], errors: dict[str, str | Promise]
) -> None:
    if role in MERCHANT_ROLES:
        if not merchant_ids:
            errors["merchants"] = _("Merchant staff must belong to at least one merchant.")
        elif merchants().filter(pk__in=merchant_ids).count() != len(set(merchant_ids)):
            errors["merchants"] = _("Unknown merchant.")
    elif merchant_ids:
        errors["merchants"] = _("Only merchant staff belong to merchants.")


def user_create_check(
    *, username: str, password: str, role: Role, merchant_ids: list[int], email: str = ""
) -> None:
    """Refuse a new user that ``user_create`` would store badly: a taken or malformed user name,
    a weak password, a role without its merchants. Raises ValidationFailed with per-field errors."""
    errors: dict[str, str | Promise] = {}
    username = username.strip()
    if not username:
        errors["username"] = _("Enter a user name.")
    else:
        try:
            User.username_validator(username)
        except ValidationError as exc:
            errors["username"] = " ".join(str(m) for m in exc.messages)
        if len(username) > 150:
            errors["username"] = _("At most 150 characters.")
        elif User.objects.filter(username__iexact=username).exists():
            errors["username"] = _("This user name is taken.")
    try:
        validate_password(password, User(username=username, email=email))
    except ValidationError as exc:
        errors["password"] = " ".join(str(m) for m in exc.messages)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Enter a valid e-mail address.")
    if role not in ASSIGNABLE_ROLES:
        errors["role"] = _("Choose a role.")
    else:
        _membership_errors(role, merchant_ids, errors)
    if errors:
        raise ValidationFailed(fields=errors)


@transaction.atomic
def user_role_set(*, actor: Actor, user: User, role: Role, merchant_ids: list[int]) -> User:
    """Give a user a role and, for merchant roles, the merchants they work for (replacing the
    memberships they had). Only administrators; nobody changes their own role (no lock-out).

    An administrator is a Django superuser; leaving the role takes that away too, since a
    superuser with any other role would still act as an administrator."""
    if not can_manage_users(actor):
        raise Forbidden()
    errors: dict[str, str | Promise] = {}
    if role not in ASSIGNABLE_ROLES:
        errors["role"] = _("Choose a role.")
    elif user.pk == actor.user_id and role.value != user.role:
        errors["role"] = _("You cannot change your own role.")
    else:
        _membership_errors(role, merchant_ids, errors)
    if errors:
        raise ValidationFailed(fields=errors)
    user = User.objects.select_for_update().get(pk=user.pk)
    before = sorted(Membership.objects.filter(user=user).values_list("merchant_id", flat=True))
    wanted = sorted(set(merchant_ids))
    old_role = user.role
    if old_role == role.value and before == wanted:
        return user
    user.role = role.value
    is_admin = role is Role.ADMIN
    if is_admin or user.is_superuser or old_role == Role.ADMIN.value:
        user.is_staff = user.is_superuser = is_admin
    user.save(update_fields=["role", "is_staff", "is_superuser"])
    Membership.objects.filter(user=user).exclude(merchant_id__in=wanted).delete()
    for merchant_id in set(wanted) - set(before):
        Membership.objects.create(user=user, merchant_id=merchant_id)
    audit_record(
        actor=actor,
        action="accounts.user.role",
        subject_type="accounts.user",
        subject_id=user.pk,
        data={
            "username": user.get_username(),
            "role": [old_role, role.value],
            "merchants": [before, wanted],
        },
    )
    return user


def user_language_set(*, user: User, language: str) -> User:
    """Remember the interface language a user chose (zh-hans or en)."""
    if language not in {code for code, _name in settings.LANGUAGES}:
        raise ValidationFailed(fields={"language": _("Choose a supported language.")})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user
