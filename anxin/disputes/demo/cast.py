"""Who acts in the demo disputes: the demo logins, stand-ins for everyone else, the demo agent on
the desk's disputes team, a second arbitrator (an appeal goes to a different one) and two public
review panel volunteers."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Count, Min
from django.test.utils import override_settings

from anxin.accounts.models import Membership, User
from anxin.accounts.services import actor_for_user, user_create
from anxin.catalog.demo import DEMO_LOGINS, DEMO_PASSWORD
from anxin.catalog.models import Customer, Order
from anxin.core.actors import Actor, Role
from anxin.tickets.choices import Availability
from anxin.tickets.models import AgentProfile, Team
from anxin.tickets.services import agent_availability_set

from ..parties import DISPUTES_TEAM
from ..selectors import PANEL_MIN_ACCOUNT_AGE

# Seeding is run by an operator from the command line; actors without a login say so.
OPERATOR = Actor(role=Role.ADMIN, platform=True, label="demo_data")
SECOND_ARBITRATOR = "arbitrator_zhou"
# Panel volunteers (大众评审): consumers whose accounts are old enough to sit on a panel.
JURORS = [("juror_he", "zh-hans"), ("juror_emma", "en")]
CHEAP_HASHER = "django.contrib.auth.hashers.MD5PasswordHasher"


@dataclass
class Cast:
    consumer: Actor | None
    demo_merchant_id: int | None
    merchant_users: list[Actor]
    agent: Actor
    arbitrator: Actor
    jurors: list[Actor] = field(default_factory=list)
    created: list[str] = field(default_factory=list)  # logins this run created

    def consumer_for(self, customer_id: int) -> Actor:
        if self.consumer is not None and customer_id in self.consumer.customer_ids:
            return self.consumer
        return Actor(role=Role.CONSUMER, customer_ids=frozenset({customer_id}), label="demo_data")

    def merchant_for(self, rng: random.Random, merchant_id: int) -> Actor:
        if merchant_id == self.demo_merchant_id and self.merchant_users:
            return rng.choice(self.merchant_users)
        return Actor(
            role=Role.MERCHANT_STAFF, merchant_ids=frozenset({merchant_id}), label="demo_data"
        )


def user_actor(user_id: int | None, fallback: Actor) -> Actor:
    user = User.objects.filter(pk=user_id).first() if user_id is not None else None
    return actor_for_user(user) if user is not None else fallback


def cast_load(now: datetime) -> Cast:
    """The demo logins as actors; the demo agent joins the disputes team and goes online, and the
    demo consumer's account dates from before their first order (so they may sit on a panel)."""
    names = ["consumer", "merchant", "merchant_admin", "agent", "arbitrator"]
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    merchant_users = [users[n] for n in ("merchant", "merchant_admin") if n in users]
    demo_merchant = (
        Membership.objects.filter(user__in=merchant_users)
        .order_by("pk")
        .values_list("merchant_id", flat=True)
        .first()
    )
    consumer = actor_for_user(users["consumer"]) if "consumer" in users else None
    if consumer is not None and consumer.customer_ids:
        _account_from_first_order(users["consumer"])
    agent = users.get("agent")
    if agent is not None:
        _on_the_disputes_desk(agent)
    arbitrator = users.get("arbitrator")
    return Cast(
        consumer=consumer if consumer is not None and consumer.customer_ids else None,
        demo_merchant_id=demo_merchant,
        merchant_users=[
            a for a in map(actor_for_user, merchant_users) if demo_merchant in a.merchant_ids
        ],
        agent=actor_for_user(agent)
        if agent is not None
        else Actor(role=Role.AGENT, platform=True, label="demo_data"),
        arbitrator=actor_for_user(arbitrator)
        if arbitrator is not None
        else Actor(role=Role.ARBITRATOR, platform=True, label="demo_data"),
    )


def _account_from_first_order(user: User) -> None:
    first = Order.objects.filter(customer__user=user).aggregate(m=Min("placed_at"))["m"]
    if first is not None and user.date_joined > first:
        User.objects.filter(pk=user.pk).update(date_joined=first - timedelta(days=1))


def _on_the_disputes_desk(user: User) -> None:
    team = Team.objects.filter(code=DISPUTES_TEAM).first()
    if team is None:
        return
    profile, _created = AgentProfile.objects.get_or_create(user=user)
    profile.teams.add(team)
    if not profile.languages:
        profile.languages = ["zh-hans", "en"]
        profile.save(update_fields=["languages"])
    if profile.availability != Availability.ONLINE:
        agent_availability_set(actor=actor_for_user(user), availability=Availability.ONLINE)


def _login_create(
    cast: Cast, username: str, role: Role, *, language: str = "zh-hans", email: str = ""
) -> User:
    """A login with the demo password. Hashing it costs most of a second (Argon2), so when a demo
    login exists the new one is hashed cheaply and then given that login's stored hash, a hash of
    the same published password."""
    template = (
        User.objects.filter(username__in=[u for _role, u in DEMO_LOGINS])
        .exclude(password="")
        .order_by("pk")
        .first()
    )
    hashers = [CHEAP_HASHER] if template is not None else settings.PASSWORD_HASHERS
    with override_settings(PASSWORD_HASHERS=hashers):
        user = user_create(
            actor=OPERATOR, username=username, password=DEMO_PASSWORD, role=role,
            language=language, email=email,
        )  # fmt: skip
    if template is not None:
        User.objects.filter(pk=user.pk).update(password=template.password)
    cast.created.append(username)
    return user


def second_arbitrator(cast: Cast) -> None:
    """A second arbitrator (not a banner login, like the desk's extra agents)."""
    if not User.objects.filter(username=SECOND_ARBITRATOR).exists():
        _login_create(cast, SECOND_ARBITRATOR, Role.ARBITRATOR)


def jurors_enlist(cast: Cast, now: datetime) -> None:
    """Two people of the demo world who have shopped for a while get consumer logins, old enough
    to sit on a public review panel (their records at every shop are linked, as for the demo
    consumer). No demo dispute is theirs: the stories' lines skip customers with a login."""
    for username, language in JURORS:
        user = User.objects.filter(username=username).first()
        if user is None:
            person = (
                Order.objects.filter(customer__user__isnull=True)
                .values("customer__external_id")
                .annotate(n=Count("pk"), first=Min("placed_at"))
                .filter(first__lte=now - PANEL_MIN_ACCOUNT_AGE - timedelta(days=15))
                .order_by("-n", "customer__external_id")
                .first()
            )
            if person is None:
                continue
            user = _login_create(
                cast, username, Role.CONSUMER, language=language,
                email=f"{username}@demo.anxin.invalid",
            )  # fmt: skip
            Customer.objects.filter(
                external_id=person["customer__external_id"], user__isnull=True
            ).update(user=user, updated_at=now)
            User.objects.filter(pk=user.pk).update(date_joined=person["first"] - timedelta(days=1))
        cast.jurors.append(actor_for_user(user))
