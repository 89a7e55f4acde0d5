"""Demo desk for ``make run``: agent profiles, a supervisor, and tickets from every channel in
every state over the last weeks, made through the services with a backdated clock."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction

from anxin.accounts.services import actor_for_user, user_create
from anxin.catalog.demo import DEMO_PASSWORD
from anxin.catalog.models import Order
from anxin.core import clock
from anxin.core.actors import SYSTEM, Role

from ..choices import Availability, Priority, TicketType
from ..inputs import TicketOpenIn
from ..models import AgentProfile, Team, Ticket
from ..services import Contact, ticket_act, ticket_open, ticket_reply

EXTRA_AGENTS = ["agent_li", "agent_wang", "agent_zhao"]

SUBJECTS = [
    ("logistics", "快递三天没有更新了", "订单显示已发货，但物流三天没有任何更新，请帮忙查一下。"),
    ("complaint", "商家拒绝退货", "商品有明显划痕，商家却说是我自己弄的，拒绝退货。"),
    ("inquiry", "七天无理由退货运费谁出？", "我想退一件不喜欢的衣服，运费需要我自己出吗？"),
    ("payment", "退款还没到账", "售后显示已退款，但银行卡里还没有收到钱。"),
    ("after_sales", "换货申请一直没人处理", "两天前提交了换货申请，到现在还没有人审核。"),
    ("inquiry", "Can I return a gift?", "I received this as a gift and want to return it. How?"),
    ("complaint", "Item not as described", "The colour is completely different from the photos."),
    ("logistics", "Parcel delivered to wrong address", "Tracking says signed, but I got nothing."),
    ("other", "发票怎么开？", "公司报销需要增值税普通发票，怎么申请？"),
]
CHANNELS = ["web", "web", "web", "email", "phone", "assistant", "api", "social"]


def _agents() -> list[Any]:
    User = get_user_model()
    people = list(User.objects.filter(username="agent"))
    for name in EXTRA_AGENTS:
        user = User.objects.filter(username=name).first()
        if user is None:
            user = user_create(actor=SYSTEM, username=name, password=DEMO_PASSWORD, role=Role.AGENT)
        people.append(user)
    return people


def demo_desk(*, count: int = 60, seed: int = 7) -> int:
    """Open ``count`` demo tickets (none if tickets exist); returns how many were opened."""
    if Ticket.objects.exists() or count <= 0:
        return 0
    rng = random.Random(seed)
    User = get_user_model()
    service = Team.objects.get(code="service")
    supervisor = User.objects.filter(username="arbitrator").first()
    if supervisor is not None:
        Team.objects.filter(code__in=["service", "disputes"]).update(supervisor=supervisor)
    agents = _agents()
    for i, user in enumerate(agents):
        profile, _ = AgentProfile.objects.get_or_create(user=user)
        profile.availability = Availability.ONLINE if i < 3 else Availability.AWAY
        profile.languages = ["zh-hans", "en"] if i % 2 == 0 else ["zh-hans"]
        profile.capacity = 25
        profile.save()
        profile.teams.add(service)
    consumer = User.objects.filter(username="consumer").first()
    orders = list(
        Order.objects.filter(customer__user=consumer).values_list("external_id", flat=True)[:10]
    )
    now = clock.now()
    made = 0
    for n in range(count):
        kind, subject, body = SUBJECTS[n % len(SUBJECTS)]
        channel = CHANNELS[n % len(CHANNELS)]
        opened = now - timedelta(hours=rng.randint(1, 24 * 20))
        english = subject.isascii()
        with clock.frozen(opened), transaction.atomic():
            own = channel in {"web", "api", "assistant"} and consumer is not None
            actor = actor_for_user(consumer) if own and consumer is not None else SYSTEM
            ticket = ticket_open(
                actor=actor,
                data=TicketOpenIn(
                    type=TicketType(kind),
                    priority=Priority(rng.choice(["normal", "normal", "high", "urgent", "low"])),
                    subject=subject,
                    body=body,
                    order=rng.choice(orders) if own and orders else "",
                    language="en" if english else "zh-hans",
                ),
                channel=channel,
                contact=None if own else Contact(name=f"访客{n}", email=f"guest{n}@example.com"),
            )
        made += 1
        _progress(ticket, opened, rng)
    return made


def _progress(ticket: Ticket, opened: datetime, rng: random.Random) -> None:
    """Move some tickets along: answered, waiting, resolved, closed."""
    step = rng.random()
    if step < 0.25 or ticket.assignee_id is None:
        return  # still new
    agent = actor_for_user(ticket.assignee)  # type: ignore[arg-type]
    at = opened + timedelta(hours=rng.randint(1, 6))
    if at > clock.now():
        return
    with clock.frozen(at):
        ticket_reply(
            actor=agent, ticket=ticket, body="您好，我们已收到您的问题，正在核实，请稍候。"
        )
        if step < 0.45:
            ticket_act(actor=agent, ticket=ticket, action="wait_customer")
            return
        if step < 0.6:
            return
        ticket_act(actor=agent, ticket=ticket, action="resolve")
    if step > 0.8 and ticket.requester_id:
        done = at + timedelta(hours=2)
        if done < clock.now():
            with clock.frozen(done):
                ticket_act(
                    actor=actor_for_user(ticket.requester),  # type: ignore[arg-type]
                    ticket=ticket,
                    action="accept_resolution",
                )
