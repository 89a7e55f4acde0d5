"""The desk's facts, rollups and metrics on small hand-computed fixtures.

Times are Asia/Shanghai; the clock is frozen where a service reads it. A reopened ticket counts
once as reopened and its resolve time runs from its opening to its final resolution.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from anxin.analytics.desk_queries import (
    desk_backlog,
    desk_breakdown,
    desk_filters_from,
    desk_totals,
    desk_trend,
    share_within,
)
from anxin.analytics.desk_refresh import desk_refresh
from anxin.analytics.models import AssistantDay, DeskDay, TicketFact
from anxin.analytics.queries.filters import Filters
from anxin.assistant.models import Conversation
from anxin.core import clock
from anxin.core.actors import Actor, Role
from anxin.core.errors import Forbidden, ValidationFailed
from anxin.feedback.choices import SubjectType
from anxin.feedback.models import NpsSurvey, Survey
from anxin.tickets.choices import SlaMetric, SlaStatus
from anxin.tickets.models import SlaClock, Ticket, TicketEvent

pytestmark = [pytest.mark.django_db, pytest.mark.db]

SH = ZoneInfo("Asia/Shanghai")
DAY = date(2026, 11, 5)
T0 = datetime(2026, 11, 5, 10, 0, tzinfo=SH)


def at(hours: float, start: datetime = T0) -> datetime:
    return start + timedelta(hours=hours)


_numbers = iter(range(1, 10_000))


def ticket(
    opened: datetime = T0,
    *,
    channel: str = "web",
    type: str = "inquiry",
    priority: str = "normal",
    responded: float | None = None,
    resolved: float | None = None,
    reopened: int = 0,
    **fields: Any,
) -> Ticket:
    """A ticket row as the desk leaves it (times in hours after ``opened``)."""
    made = Ticket.unscoped.create(
        number=f"TK{next(_numbers):06d}",
        type=type,
        priority=priority,
        channel=channel,
        subject="Where is my parcel?",
        created_at=opened,
        **fields,
    )
    Ticket.unscoped.filter(pk=made.pk).update(
        first_response_at=None if responded is None else at(responded, opened),
        resolved_at=None if resolved is None else at(resolved, opened),
        reopen_count=reopened,
    )
    made.refresh_from_db()
    return made


def sla_clock(of: Ticket, metric: str, status: str, **fields: Any) -> SlaClock:
    return SlaClock.objects.create(
        ticket=of,
        metric=metric,
        status=status,
        target=timedelta(minutes=30),
        started_at=of.created_at,
        **fields,
    )


def survey(of: Ticket, score: int | None) -> Survey:
    return Survey.unscoped.create(
        subject_type=SubjectType.TICKET,
        subject_id=of.pk,
        subject_number=of.number,
        sent_at=at(48),
        expires_at=at(48 + 30 * 24),
        answered_at=None if score is None else at(50),
        score=score,
    )


def conversation(user: Any, started: datetime, *, handed_off: bool, messages: int = 1) -> Any:
    made = Conversation.objects.create(user=user, channel="widget", user_messages=messages)
    Conversation.objects.filter(pk=made.pk).update(
        created_at=started,
        last_message_at=started,
        handed_off_at=started + timedelta(minutes=5) if handed_off else None,
    )
    return made


def customer(name: str = "buyer") -> Any:
    return get_user_model().objects.create_user(username=name, password="x")


# --- facts --------------------------------------------------------------------------------------


def test_fact_of_a_ticket_spanning_midnight_belongs_to_its_local_opening_day() -> None:
    # opened 23:30 local on 5 November (15:30 UTC), answered 00:15 the next morning
    late = ticket(datetime(2026, 11, 5, 23, 30, tzinfo=SH), responded=0.75, resolved=10.5)
    desk_refresh(since=None, now=T0)
    fact = TicketFact.objects.get(ticket=late)
    assert fact.day == DAY
    assert fact.response_hours == pytest.approx(0.75)
    assert fact.resolve_hours == pytest.approx(10.5)
    assert fact.merchant_id == 0
    assert fact.sla_met is None
    assert fact.csat is None


def test_sla_met_is_decided_from_the_tickets_clocks() -> None:
    met = ticket()
    sla_clock(met, SlaMetric.FIRST_RESPONSE, SlaStatus.MET)
    sla_clock(met, SlaMetric.RESOLUTION, SlaStatus.RUNNING)  # not decided yet
    late = ticket()
    sla_clock(late, SlaMetric.FIRST_RESPONSE, SlaStatus.MET)
    sla_clock(late, SlaMetric.RESOLUTION, SlaStatus.BREACHED, breached_at=at(8))
    undecided = ticket()
    sla_clock(undecided, SlaMetric.FIRST_RESPONSE, SlaStatus.CANCELLED)
    no_policy = ticket()
    desk_refresh(since=None, now=T0)
    outcome = dict(TicketFact.objects.values_list("ticket_id", "sla_met"))
    assert outcome == {met.pk: True, late.pk: False, undecided.pk: None, no_policy.pk: None}
    (row,) = DeskDay.objects.all()
    assert (row.sla_n, row.sla_met) == (2, 1)


def test_merged_ticket_is_never_resolved() -> None:
    survivor = ticket()
    merged = ticket(merged_into=survivor)
    Ticket.unscoped.filter(pk=merged.pk).update(resolved_at=at(1))
    desk_refresh(since=None, now=T0)
    assert TicketFact.objects.get(ticket=merged).resolve_hours is None


# --- rollups ------------------------------------------------------------------------------------


def test_desk_day_sums_counts_and_bins_per_dimension() -> None:
    # three web inquiries: answered after 0.25 h, 0.75 h and 3 h; two resolved (5 h, 30 h), the
    # second of them reopened once; one e-mail complaint of high priority, never answered
    a = ticket(responded=0.25, resolved=5)
    b = ticket(responded=0.75, resolved=30, reopened=1)
    c = ticket(responded=3, reopened=1)  # reopened and open again: not resolved
    ticket(channel="email", type="complaint", priority="high")
    survey(a, 5)
    survey(b, 2)
    survey(c, None)  # sent, never answered
    written = desk_refresh(since=None, now=T0)
    assert written == 4 + 2  # four facts, two rollup rows
    web = DeskDay.objects.get(channel="web")
    assert (web.day, web.type, web.priority, web.merchant_id) == (DAY, "inquiry", "normal", 0)
    assert (web.tickets, web.responded, web.resolved, web.reopened) == (3, 3, 2, 1)
    assert web.response_hours == pytest.approx(4.0)
    assert web.resolve_hours == pytest.approx(35.0)
    assert (web.response_b0, web.response_b1, web.response_b3) == (1, 1, 1)  # [0,.5) [.5,1) [2,4)
    assert (web.resolve_b4, web.resolve_b7) == (1, 1)  # [4,8) and [24,36)
    assert (web.csat_n, web.csat_sum, web.csat_low, web.csat_high) == (2, 7, 1, 1)
    email = DeskDay.objects.get(channel="email")
    assert (email.type, email.priority, email.tickets, email.responded) == (
        "complaint",
        "high",
        1,
        0,
    )
    assert sum(getattr(email, f"response_b{i}") for i in range(16)) == 0


def test_assistant_day_counts_conversations_by_local_start_day() -> None:
    user = customer()
    conversation(user, at(1), handed_off=True)
    conversation(user, at(2), handed_off=False)
    conversation(user, at(3), handed_off=False)
    conversation(user, at(4), handed_off=False, messages=0)  # opened, never written in
    conversation(user, datetime(2026, 11, 6, 0, 30, tzinfo=SH), handed_off=True)  # 16:30 UTC
    desk_refresh(since=None, now=T0)
    days = {row.day: (row.conversations, row.handed_off) for row in AssistantDay.objects.all()}
    assert days == {DAY: (3, 1), date(2026, 11, 6): (1, 1)}


def test_incremental_refresh_equals_a_rebuild_including_late_changes() -> None:
    user = customer()
    early = ticket(T0 - timedelta(days=7), responded=1)
    ticket(T0 - timedelta(days=7), responded=2, resolved=3)
    conversation(user, T0 - timedelta(days=7), handed_off=False)
    desk_refresh(since=None, now=T0 - timedelta(days=6))
    watermark = T0 - timedelta(hours=1)
    # a week later: the early ticket is resolved and surveyed, a new ticket arrives, and the old
    # conversation is handed off
    Ticket.unscoped.filter(pk=early.pk).update(resolved_at=at(0))
    survey(early, 4)
    Survey.unscoped.filter(subject_id=early.pk).update(answered_at=at(0))
    ticket(responded=0.1)
    Conversation.objects.update(handed_off_at=at(0), last_message_at=at(0))
    desk_refresh(since=watermark, now=T0)

    def snapshot() -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
        facts = list(TicketFact.objects.order_by("ticket_id").values(*FACT_FIELDS))
        days = list(DeskDay.objects.order_by(*DIMENSIONS).values(*ROLLUP_FIELDS))
        talks = list(
            AssistantDay.objects.order_by("day").values("day", "conversations", "handed_off")
        )
        return facts, days, talks

    incremental = snapshot()
    assert incremental[1][0]["resolved"] == 2  # the late resolution reached the old day
    assert incremental[1][0]["csat_n"] == 1
    assert incremental[2] == [{"day": DAY - timedelta(days=7), "conversations": 1, "handed_off": 1}]
    desk_refresh(since=None, now=T0)
    assert snapshot() == incremental


FACT_FIELDS = [f.name for f in TicketFact._meta.concrete_fields if f.name not in {"updated_at"}]
DIMENSIONS = ["day", "channel", "type", "priority", "merchant_id"]
ROLLUP_FIELDS = [f.name for f in DeskDay._meta.concrete_fields if f.name != "id"]


def test_refresh_twice_changes_nothing() -> None:
    ticket(responded=1, resolved=2)
    first = desk_refresh(since=T0 - timedelta(hours=1), now=T0)
    rows = list(DeskDay.objects.values(*ROLLUP_FIELDS))
    desk_refresh(since=T0 - timedelta(hours=1), now=T0)
    assert first == 2
    assert list(DeskDay.objects.values(*ROLLUP_FIELDS)) == rows


def test_reopened_ticket_counts_once_and_resolves_at_its_final_resolution() -> None:
    """Through the desk's own services: resolved, closed, reopened, resolved again."""
    from anxin.tickets.services import ticket_act, ticket_reply
    from anxin.tickets.tests.desk import build_desk
    from anxin.web.tests.conftest import reseed

    reseed()
    desk = build_desk()
    agent = desk.actor(desk.world.agent)
    consumer = desk.actor(desk.world.consumer)
    clock.freeze(T0)
    flaky = desk.open(subject="Broken again")
    clock.freeze(at(1))
    ticket_reply(actor=agent, ticket=flaky, body="We are on it.")
    clock.freeze(at(3))
    ticket_act(actor=agent, ticket=flaky, action="resolve")
    clock.freeze(at(4))
    ticket_act(actor=consumer, ticket=flaky, action="accept_resolution")
    clock.freeze(at(24))
    ticket_act(actor=consumer, ticket=flaky, action="reopen", reason="It broke again.")
    clock.freeze(at(26))
    ticket_act(actor=agent, ticket=flaky, action="resolve")
    clock.freeze(at(27))
    ticket_act(actor=consumer, ticket=flaky, action="accept_resolution")
    clock.freeze(at(30))
    ticket_act(actor=consumer, ticket=flaky, action="reopen", reason="And again.")
    clock.freeze(at(32))
    ticket_act(actor=agent, ticket=flaky, action="resolve")
    desk_refresh(since=None, now=clock.now())
    fact = TicketFact.objects.get(ticket=flaky)
    assert fact.reopened == 2
    assert fact.response_hours == pytest.approx(1.0)
    assert fact.resolve_hours == pytest.approx(32.0)  # opening → the final resolution
    (row,) = DeskDay.objects.filter(day=DAY)
    assert (row.tickets, row.resolved, row.reopened) == (1, 1, 1)  # once, though twice reopened
    assert row.resolve_b7 == 1  # [24, 36) h


# --- queries and metrics ------------------------------------------------------------------------

PLATFORM = Actor(role=Role.AGENT, user_id=None, platform=True)
SHOP = Actor(role=Role.MERCHANT_ADMIN, user_id=None, merchant_ids=frozenset({1}))
CONSUMER = Actor(role=Role.CONSUMER, user_id=None)
PERIOD = Filters(start=DAY - timedelta(days=2), end=DAY)


def nps(score: int, answered: datetime) -> None:
    user = customer(f"nps{score}-{answered:%H%M%S%f}")
    NpsSurvey.unscoped.create(
        recipient=user, period="2026Q4", sent_at=answered, answered_at=answered, score=score
    )


@pytest.fixture
def small_desk() -> dict[str, Any]:
    """Three web inquiries and an e-mail complaint opened on 5 November (see the rollup test),
    SLA outcomes met, breached, met and undecided, three conversations (one handed off) and
    four recommendation answers."""
    a = ticket(responded=0.25, resolved=5)
    b = ticket(responded=0.75, resolved=30, reopened=1)
    c = ticket(responded=3, reopened=1)
    d = ticket(channel="email", type="complaint", priority="high")
    sla_clock(a, SlaMetric.FIRST_RESPONSE, SlaStatus.MET)
    sla_clock(b, SlaMetric.FIRST_RESPONSE, SlaStatus.BREACHED, breached_at=at(0.5))
    sla_clock(c, SlaMetric.FIRST_RESPONSE, SlaStatus.MET)
    sla_clock(d, SlaMetric.FIRST_RESPONSE, SlaStatus.RUNNING)
    survey(a, 5)
    survey(b, 2)
    user = customer()
    conversation(user, at(1), handed_off=True)
    conversation(user, at(2), handed_off=False)
    conversation(user, at(3), handed_off=False)
    for score in (10, 9, 7, 3):
        nps(score, at(5))
    nps(0, at(-24 * 10))  # answered before the period
    desk_refresh(since=None, now=T0)
    return {"a": a, "b": b, "c": c, "d": d}


def test_desk_metrics_by_hand(small_desk: dict[str, Any]) -> None:
    t = desk_totals(actor=PLATFORM, filters=PERIOD)
    assert (t.tickets, t.ticket_responded, t.ticket_resolved, t.reopened) == (4, 3, 2, 1)
    # first responses 0.25 h, 0.75 h, 3 h in bins [0, .5), [.5, 1), [2, 4): the median's rank
    # 1.5 lies half-way through the second bin, the p90's rank 2.7 at 70 % of the fourth
    assert t.metric("ticket_response_median") == pytest.approx(0.75)
    assert t.metric("ticket_response_p90") == pytest.approx(2 + 2 * 0.7)
    assert share_within(t.ticket_hist["response"], 0.5) == pytest.approx(1 / 3)
    # resolutions 5 h and 30 h: rank 1 ends the [4, 8) bin
    assert t.metric("ticket_resolve_median") == pytest.approx(8.0)
    assert t.metric("ticket_sla_attainment") == pytest.approx(2 / 3)  # d is still running
    assert t.metric("reopen_rate") == pytest.approx(1 / 2)  # c is reopened but not resolved
    assert t.metric("ticket_csat") == pytest.approx(3.5)
    assert t.metric("assistant_containment") == pytest.approx(2 / 3)
    assert t.metric("nps") == pytest.approx((2 - 1) * 100 / 4)


def test_filters_narrow_the_tickets_not_the_platform_wide_figures(
    small_desk: dict[str, Any],
) -> None:
    t = desk_totals(actor=PLATFORM, filters=PERIOD.replace(channel="email"))
    assert (t.tickets, t.ticket_responded, t.sla_n) == (1, 0, 0)
    assert t.metric("ticket_response_median") is None
    assert t.metric("assistant_containment") == pytest.approx(2 / 3)
    earlier = desk_totals(
        actor=PLATFORM, filters=Filters(start=date(2026, 1, 1), end=date(2026, 1, 31))
    )
    assert (earlier.tickets, earlier.conversations, earlier.nps_responses) == (0, 0, 0)
    assert earlier.metric("reopen_rate") is None


def test_trend_fills_empty_days(small_desk: dict[str, Any]) -> None:
    points = desk_trend(actor=PLATFORM, filters=PERIOD)
    assert [(p.label, p.totals.tickets) for p in points] == [
        ("2026-11-03", 0),
        ("2026-11-04", 0),
        ("2026-11-05", 4),
    ]
    assert points[-1].values["ticket_response_median"] == pytest.approx(0.75)
    assert points[-1].values["assistant_containment"] == pytest.approx(2 / 3)
    assert points[0].values["ticket_response_median"] is None


def test_long_periods_trend_per_iso_week(small_desk: dict[str, Any]) -> None:
    points = desk_trend(actor=PLATFORM, filters=Filters(start=date(2026, 8, 1), end=DAY))
    assert len(points) == 15  # Sat 1 Aug … Thu 5 Nov: a stub week, 13 weeks and a stub
    assert sum(p.totals.tickets for p in points) == 4
    assert points[-1].totals.tickets == 4


def test_breakdowns_by_channel_type_and_priority(small_desk: dict[str, Any]) -> None:
    channels = desk_breakdown(actor=PLATFORM, filters=PERIOD, by="channel")
    assert [(r.key, r.tickets, r.share) for r in channels] == [("web", 3, 0.75), ("email", 1, 0.25)]
    assert channels[0].values["reopen_rate"] == pytest.approx(0.5)
    priorities = desk_breakdown(actor=PLATFORM, filters=PERIOD, by="priority")
    assert [r.key for r in priorities] == ["normal", "high"]
    types = desk_breakdown(actor=PLATFORM, filters=PERIOD, by="type")
    assert {r.key: r.tickets for r in types} == {"inquiry": 3, "complaint": 1}
    with pytest.raises(ValidationFailed) as refused:
        desk_breakdown(actor=PLATFORM, filters=PERIOD, by="merchant")
    assert "by" in refused.value.fields


def test_only_platform_staff_read_the_desk() -> None:
    for who in (SHOP, CONSUMER):
        with pytest.raises(Forbidden):
            desk_totals(actor=who, filters=PERIOD)
        with pytest.raises(Forbidden):
            desk_backlog(actor=who)
        with pytest.raises(Forbidden):
            desk_filters_from({}, actor=who)


def test_desk_filters_use_ticket_vocabularies() -> None:
    clock.freeze(T0)
    filters = desk_filters_from({"channel": "phone", "type": "payment"}, actor=PLATFORM)
    assert (filters.start, filters.end) == (DAY - timedelta(days=29), DAY)
    assert (filters.channel, filters.type) == ("phone", "payment")
    with pytest.raises(ValidationFailed) as refused:
        desk_filters_from({"start": "2026-13-01", "channel": "fax", "type": "x"}, actor=PLATFORM)
    assert set(refused.value.fields) == {"start", "channel", "type"}


def test_share_within_a_target_interpolates_in_its_bin() -> None:
    counts = [0] * 16
    counts[1] = 4  # four answers between 30 min and 1 h
    assert share_within(counts, 0.5) == 0
    assert share_within(counts, 0.75) == pytest.approx(0.5)
    assert share_within(counts, 1) == 1
    assert share_within([0] * 16, 1) is None


def test_backlog_counts_open_tickets_by_status_and_priority() -> None:
    ticket()
    ticket(priority="urgent")
    ticket(priority="urgent", status="pending_customer")
    ticket(status="resolved")
    backlog = desk_backlog(actor=PLATFORM)
    assert backlog.total == 3
    assert backlog.cell("new", "urgent") == 1
    assert backlog.status_total("new") == 2
    assert backlog.priority_total("urgent") == 2
    assert backlog.tiles["open"] == 3
    with translation.override("en"):
        assert desk_backlog(actor=PLATFORM).rows[0] == ("new", [0, 1, 0, 1], 2)


# --- the API ------------------------------------------------------------------------------------


def api_client(role: Role) -> Any:
    from django.test import Client

    from anxin.catalog.tests import factories as f

    shop = f.merchant("m1") if role in (Role.MERCHANT_STAFF, Role.MERCHANT_ADMIN) else None
    user = f.user(f"api-{role}", role, [shop] if shop else None)
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_api_gives_the_desk_figures_to_platform_staff(small_desk: dict[str, Any]) -> None:
    clock.freeze(T0)
    response = api_client(Role.AGENT).get(
        "/api/v1/analytics/desk", {"start": "2026-11-03", "end": "2026-11-05"}
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["start"], body["end"], body["tickets"], body["open_now"]) == (
        "2026-11-03",
        "2026-11-05",
        4,
        4,
    )
    assert (body["sla_decided"], body["sla_met"], body["reopened"]) == (3, 2, 1)
    assert body["first_response_target_hours"] == 0.5
    assert body["answered_within_target"] == pytest.approx(1 / 3)
    figures = {m["key"]: m for m in body["metrics"]}
    assert figures["ticket_response_median"]["value"] == pytest.approx(0.75)
    assert figures["ticket_response_median"]["display"] == "0.8 h"
    assert figures["assistant_containment"]["value"] == pytest.approx(2 / 3)
    assert figures["nps"]["value"] == pytest.approx(25.0)
    assert figures["reopen_rate"]["unit"] == "rate"
    assert not any(key.startswith("ticket_") for key in (m["label"] for m in body["metrics"]))


@pytest.mark.parametrize("role", [Role.MERCHANT_ADMIN, Role.MERCHANT_STAFF, Role.CONSUMER])
def test_api_refuses_everyone_else(role: Role) -> None:
    response = api_client(role).get("/api/v1/analytics/desk")
    assert response.status_code == 403
    assert response.json()["error"]["code"]


def test_api_names_the_parameter_at_fault() -> None:
    response = api_client(Role.ADMIN).get(
        "/api/v1/analytics/desk", {"end": "2026-02-30", "channel": "fax"}
    )
    assert response.status_code == 422
    assert set(response.json()["error"]["fields"]) == {"end", "channel"}


def test_api_needs_a_sign_in() -> None:
    from django.test import Client

    assert Client().get("/api/v1/analytics/desk").status_code == 401


# --- incremental equals rebuild, for random desk histories -------------------------------------


@dataclass(frozen=True)
class TicketSpec:
    """One ticket and what happens to it, in minutes after its opening."""

    channel: str
    priority: str
    open_min: int
    reply: int | None
    resolve: int | None
    reopen: int | None  # after the first resolution: reopened …
    resolve_again: bool  # … and resolved again as long after
    clock: tuple[int, bool] | None  # (stopped, met) of its first-response clock
    survey: tuple[int, int] | None  # (answered, score)


@dataclass(frozen=True)
class TalkSpec:
    start_min: int
    handoff: int | None


minutes = st.integers(min_value=1, max_value=3 * 24 * 60)
ticket_specs = st.builds(
    TicketSpec,
    channel=st.sampled_from(["web", "email", "assistant"]),
    priority=st.sampled_from(["normal", "urgent"]),
    open_min=st.integers(min_value=0, max_value=2 * 24 * 60),
    reply=st.none() | minutes,
    resolve=st.none() | minutes,
    reopen=st.none() | minutes,
    resolve_again=st.booleans(),
    clock=st.none() | st.tuples(minutes, st.booleans()),
    survey=st.none() | st.tuples(minutes, st.integers(min_value=1, max_value=5)),
)
talk_specs = st.builds(
    TalkSpec, start_min=st.integers(min_value=0, max_value=2 * 24 * 60), handoff=st.none() | minutes
)
Write = tuple[datetime, int, Callable[[], None]]


def ticket_writes(n: int, spec: TicketSpec) -> list[Write]:
    """The rows one ticket's history writes, each at its own time (as the desk's services do:
    a transition writes a history row, a first reply stamps the ticket)."""
    opened = T0 + timedelta(minutes=spec.open_min)
    made: dict[str, Any] = {}

    def event(action: str, at: datetime) -> None:
        TicketEvent.objects.create(
            ticket=made["t"], action=action, actor="test", actor_role="agent", created_at=at
        )

    def open_() -> None:
        made["t"] = ticket(opened, channel=spec.channel, priority=spec.priority)
        if spec.clock is not None:
            made["c"] = sla_clock(made["t"], SlaMetric.FIRST_RESPONSE, SlaStatus.RUNNING)

    writes: list[tuple[int, Callable[[datetime], None]]] = []
    if spec.reply is not None:
        writes.append(
            (
                spec.reply,
                lambda at: Ticket.unscoped.filter(pk=made["t"].pk).update(
                    first_response_at=at, updated_at=at
                ),
            )
        )
    if spec.resolve is not None:

        def resolve(at: datetime) -> None:
            Ticket.unscoped.filter(pk=made["t"].pk).update(resolved_at=at)
            event("resolve", at)

        writes.append((spec.resolve, resolve))
        if spec.reopen is not None:

            def reopen(at: datetime) -> None:
                Ticket.unscoped.filter(pk=made["t"].pk).update(
                    resolved_at=None, reopen_count=F("reopen_count") + 1
                )
                event("reopen", at)

            writes.append((spec.resolve + spec.reopen, reopen))
            if spec.resolve_again:
                writes.append((spec.resolve + 2 * spec.reopen, resolve))
    if spec.clock is not None:
        stopped, met = spec.clock

        def stop(at: datetime) -> None:
            status = SlaStatus.MET if met else SlaStatus.BREACHED
            SlaClock.objects.filter(pk=made["c"].pk).update(
                status=status, stopped_at=at, breached_at=None if met else at
            )

        writes.append((stopped, stop))
    if spec.survey is not None:
        answered, score = spec.survey

        def answer(at: datetime) -> None:
            survey(made["t"], score)
            Survey.unscoped.filter(subject_id=made["t"].pk).update(answered_at=at)

        writes.append((answered, answer))
    out: list[Write] = [(opened, n, open_)]
    for after, write in writes:
        at = opened + timedelta(minutes=after)
        out.append((at, n, lambda write=write, at=at: write(at)))
    return out


def talk_writes(n: int, spec: TalkSpec, user: Any) -> list[Write]:
    started = T0 + timedelta(minutes=spec.start_min)
    made: dict[str, Any] = {}

    def start() -> None:
        made["c"] = conversation(user, started, handed_off=False)

    out: list[Write] = [(started, 1000 + n, start)]
    if spec.handoff is not None:
        at = started + timedelta(minutes=spec.handoff)
        out.append(
            (
                at,
                1000 + n,
                lambda: Conversation.objects.filter(pk=made["c"].pk).update(
                    handed_off_at=at, last_message_at=at
                ),
            )
        )
    return out


def desk_snapshot() -> dict[str, list[tuple[Any, ...]]]:
    tables = {}
    for model in (TicketFact, DeskDay, AssistantDay):
        names = [
            fl.attname
            for fl in model._meta.concrete_fields
            if fl.attname not in {"id", "updated_at"}
        ]
        rows = [
            tuple(round(v, 6) if isinstance(v, float) else v for v in row)
            for row in model._default_manager.values_list(*names)
        ]
        tables[model.__name__] = sorted(rows, key=repr)
    return tables


def test_incremental_desk_refreshes_equal_a_rebuild_for_random_histories() -> None:
    user = customer()

    @settings(
        max_examples=10,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(
        tickets=st.lists(ticket_specs, min_size=1, max_size=5),
        talks=st.lists(talk_specs, max_size=3),
        refreshes=st.lists(st.integers(min_value=0, max_value=8 * 24 * 60), max_size=5),
    )
    def check(tickets: list[TicketSpec], talks: list[TalkSpec], refreshes: list[int]) -> None:
        with transaction.atomic():
            writes = sorted(
                [w for n, spec in enumerate(tickets) for w in ticket_writes(n, spec)]
                + [w for n, spec in enumerate(talks) for w in talk_writes(n, spec, user)],
                key=lambda w: (w[0], w[1]),
            )
            pending = sorted(T0 + timedelta(minutes=m) for m in refreshes)
            last: datetime | None = None  # the first run rebuilds
            for when, _n, write in writes:
                while pending and pending[0] <= when:
                    at = pending.pop(0)
                    with time_machine.travel(at, tick=False):
                        desk_refresh(since=last, now=at)
                    last = at
                with time_machine.travel(when, tick=False):
                    write()
            end = writes[-1][0] + timedelta(hours=1)
            with time_machine.travel(end, tick=False):
                desk_refresh(since=last, now=end)
            incremental = desk_snapshot()
            assert len(incremental["TicketFact"]) == len(tickets)
            with time_machine.travel(end, tick=False):
                desk_refresh(since=None, now=end)
            assert desk_snapshot() == incremental
            transaction.set_rollback(True)

    check()
