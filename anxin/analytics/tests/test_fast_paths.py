"""The set-based writers (``INSERT … SELECT``) of the facts, the case rollups and the deliveries
write exactly the rows the former Python paths wrote (kept here, frozen, as the reference),
on a random small world; and the SQL helpers they rest on (hours between two times, the earlier
of two times) give the figures worked out by hand on SQLite and PostgreSQL alike."""

from __future__ import annotations

import random
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.db import models
from django.db.models import Count, F, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from anxin.analytics.delivered import GRAINS as DELIVERED_GRAINS
from anxin.analytics.delivered import changed_pairs, day_start, delivered_days, delivered_pairs
from anxin.analytics.facts import (
    MERCHANT_ROLE_NAMES,
    PAID_TO_CONSUMER,
    SYSTEM_ROLE,
    TERMINAL_STATUSES,
    case_facts_build,
)
from anxin.analytics.models import (
    CaseDay,
    CaseFact,
    DeliveredDay,
    DeliveredSkuDay,
    MerchantDay,
    PlatformDay,
)
from anxin.analytics.refresh import analytics_rebuild, analytics_refresh
from anxin.analytics.rollup import GRAINS, measure_kwargs, rollup_days
from anxin.analytics.sql import AnyOf, Earliest, Hours
from anxin.analytics.tests import factories as f
from anxin.cases.choices import MessageParty
from anxin.cases.models import Case, CaseEvent, CaseMessage, Refund, RefundStatus
from anxin.catalog.models import DeliveryLine
from anxin.core.money import round_money
from anxin.disputes.models import Dispute
from anxin.feedback.choices import SubjectType
from anxin.feedback.models import Survey
from anxin.policies.models import Reason

pytestmark = [pytest.mark.django_db, pytest.mark.db]  # SQL of two databases

NOW = f.local("2026-11-20", 12)
DAYS = [date(2026, 11, 9), date(2026, 11, 10), date(2026, 11, 11), date(2026, 11, 12)]
CASE_ROLLUPS: tuple[type[models.Model], ...] = (PlatformDay, MerchantDay, CaseDay)
DELIVERED: tuple[type[models.Model], ...] = (DeliveredDay, DeliveredSkuDay)


def rows(model: type[models.Model], skip: frozenset[str] = frozenset({"id"})) -> list[Any]:
    """Every row of a table as a tuple of its columns (floats to 1e-9 h), sorted."""
    names = [fl.attname for fl in model._meta.concrete_fields if fl.attname not in skip]
    return sorted(
        (
            tuple(round(v, 9) if isinstance(v, float) else v for v in row)
            for row in model._default_manager.values_list(*names)
        ),
        key=repr,
    )


def random_world(seed: int, n: int = 36) -> None:
    """``n`` requests opened over 9–12 Nov around the local midnights, for orders signed for
    over 8–11 Nov (two parcels now and then), each with a random life: messages (the merchant's
    or the platform's), approvals by the merchant or the deadline, refunds in parts (some
    pending or failed, some compensations), closes, disputes (stepped into or not), surveys."""
    rnd = random.Random(seed)
    w = f.world()
    skus = ["m1:TS", "m1:PH", "m2:BK"]
    for _ in range(n):
        shop, code = rnd.choice(skus).split(":")
        opened_at = f.local(rnd.choice(DAYS), rnd.choice([0, 9, 15, 23]), rnd.choice([0, 10, 50]))
        order = f.delivered(
            w,
            shop,
            [(code, rnd.randint(1, 3))]
            + ([("PH", 1)] if shop == "m1" and rnd.random() < 0.3 else []),
            signed_at=opened_at - timedelta(hours=rnd.randint(1, 60)),
            parcels=rnd.choice([1, 1, 2]),
        )
        case = f.opened(
            order,
            at=opened_at,
            type=rnd.choice(["return_refund", "refund_only", "exchange"]),
            reason=rnd.choice([f.NO_REASON, f.DEFECT]),
            channel=rnd.choice(["web", "app", "assistant"]),
        )

        def later(lo: int = 1, hi: int = 5 * 24 * 60, opened_at: datetime = opened_at) -> datetime:
            return opened_at + timedelta(minutes=rnd.randint(lo, hi), seconds=rnd.choice([0, 7]))

        if rnd.random() < 0.5:
            f.merchant_message(case, at=later(), party=rnd.choice(["merchant", "platform"]))
        roll = rnd.random()
        if roll < 0.4:
            f.approve(case, at=later(), role=rnd.choice([f.MERCHANT, f.SYSTEM]))
        elif roll < 0.55:
            f.act(case, "reject", "rejected", at=later(), role=f.MERCHANT)
        elif roll < 0.65:
            f.act(case, "withdraw", "closed", at=later(), role=f.CONSUMER)
        for _ in range(rnd.choice([0, 0, 1, 2])):
            f.refund(
                case,
                at=later(),
                amount=f"{rnd.randint(1, 90)}.{rnd.choice(['00', '10', '55'])}",
                status=rnd.choice(["succeeded", "succeeded", "pending", "failed"]),
                kind=rnd.choice(["refund", "refund", "compensation", "freight"]),
            )
        if rnd.random() < 0.3:
            f.act(case, "close", "closed", at=later(), role=f.SYSTEM)
        if rnd.random() < 0.25:
            f.dispute(case, at=later(), intervened_at=later() if rnd.random() < 0.5 else None)
        if rnd.random() < 0.4:
            f.survey(case, at=later(), score=rnd.choice([None, 1, 2, 3, 4, 5]))


# --- the former Python paths (frozen reference) ----------------------------------------------------


def reference_rollup_days(days: list[date]) -> None:
    """The former ``rollup_days``: a GROUP BY read into Python and bulk-created."""
    aggregates = {"m_" + k: v for k, v in measure_kwargs().items()}
    for model, dims in GRAINS:
        model._default_manager.filter(day__in=days).delete()
        made = []
        for row in CaseFact.objects.filter(day__in=days).values(*dims).annotate(**aggregates):
            values = {k[2:]: (0 if v is None else v) for k, v in row.items() if k.startswith("m_")}
            values["refund_amount"] = round_money(values["refund_amount"] or Decimal(0))
            made.append(model(**{d: row[d] for d in dims}, **values))
        model._default_manager.bulk_create(made)


def reference_delivered_days(days: list[date]) -> None:
    """The former ``delivered_days``: orders, lines and units read into Python."""
    signed = DeliveryLine.objects.filter(
        delivery__signed_at__gte=day_start(min(days)),
        delivery__signed_at__lt=day_start(max(days) + timedelta(days=1)),
    ).annotate(
        day=TruncDate("delivery__signed_at", tzinfo=timezone.get_current_timezone()),
        merchant_id=F("delivery__order__merchant_id"),
        category_id=Coalesce("line__sku__category__parent_id", "line__sku__category_id"),
        sku_id=F("line__sku_id"),
    )
    for model, dims in DELIVERED_GRAINS:
        model._default_manager.filter(day__in=days).delete()
        grouped = signed.values(*dims).annotate(
            n_orders=Count("delivery__order_id", distinct=True),
            n_lines=Count("line_id", distinct=True),
            n_units=Sum("quantity"),
        )
        model._default_manager.bulk_create(
            model(
                **{d: row[d] for d in dims},
                orders=row["n_orders"],
                lines=row["n_lines"],
                units=row["n_units"] or 0,
            )
            for row in grouped
        )


def _hours(start: datetime, end: datetime | None) -> float | None:
    return None if end is None else (end - start).total_seconds() / 3600


def reference_facts(ids: list[int], *, now: datetime) -> list[CaseFact]:
    """The former facts of a chunk of cases: five grouped queries and the surveys, the
    durations and the local day computed in Python."""
    leaving_review = CaseEvent.objects.filter(
        case_id=OuterRef("pk"), from_status="merchant_review"
    ).order_by("created_at", "pk")
    cases = Case.unscoped.filter(pk__in=ids).values(
        "pk",
        "merchant_id",
        "type",
        "reason_id",
        "channel",
        "status",
        "created_at",
        sku=Coalesce("line__sku_id", 0),
        category=Coalesce("line__sku__category__parent_id", "line__sku__category_id"),
        answered_role=Subquery(leaving_review.values("actor_role")[:1]),
    )
    events = {
        row["case_id"]: row
        for row in CaseEvent.objects.filter(case_id__in=ids)
        .values("case_id")
        .annotate(
            merchant_act=Min("created_at", filter=Q(actor_role__in=MERCHANT_ROLE_NAMES)),
            approved=Min("created_at", filter=Q(action="approve")),
            closed=Min("created_at", filter=Q(to_status__in=TERMINAL_STATUSES)),
            automatic=Count("pk", filter=Q(actor_role=SYSTEM_ROLE)),
        )
        .order_by()
    }
    messages = dict(
        CaseMessage.unscoped.filter(case_id__in=ids, party=MessageParty.MERCHANT)
        .values("case_id")
        .annotate(first=Min("created_at"))
        .order_by()
        .values_list("case_id", "first")
    )
    refunds = {
        row["case_id"]: row
        for row in Refund.unscoped.filter(
            case_id__in=ids, status=RefundStatus.SUCCEEDED, kind__in=PAID_TO_CONSUMER
        )
        .values("case_id")
        .annotate(first=Min("settled_at"), amount=Sum("amount"), parts=Count("pk"))
        .order_by()
    }
    disputes = dict(
        Dispute.unscoped.filter(case_id__in=ids).values_list("case_id", "intervened_at")
    )
    surveys = dict(
        Survey.unscoped.filter(
            subject_type=SubjectType.CASE, subject_id__in=ids, score__isnull=False
        ).values_list("subject_id", "score")
    )
    return [
        _reference_fact(
            row,
            events.get(row["pk"]),
            messages.get(row["pk"]),
            refunds.get(row["pk"]),
            disputes,
            surveys.get(row["pk"]),
            now=now,
        )
        for row in cases
    ]


def _reference_fact(
    case: Mapping[str, Any],
    events: dict[str, Any] | None,
    message_at: datetime | None,
    refund: dict[str, Any] | None,
    disputes: dict[int, datetime | None],
    csat: int | None,
    *,
    now: datetime,
) -> CaseFact:
    opened: datetime = case["created_at"]
    events = events or {}
    merchant_acts = [t for t in (events.get("merchant_act"), message_at) if t is not None]
    role = case["answered_role"]
    answered_by = (
        "merchant" if role in MERCHANT_ROLE_NAMES else "system" if role == SYSTEM_ROLE else ""
    )
    refund = refund or {}
    return CaseFact(
        case_id=case["pk"],
        merchant_id=case["merchant_id"],
        category_id=case["category"] or 0,
        sku_id=case["sku"],
        type=case["type"],
        reason_id=case["reason_id"],
        channel=case["channel"],
        opened_at=opened,
        day=timezone.localtime(opened).date(),
        status=case["status"],
        response_hours=_hours(opened, min(merchant_acts) if merchant_acts else None),
        approve_hours=_hours(opened, events.get("approved")),
        refund_hours=_hours(opened, refund.get("first")),
        close_hours=_hours(opened, events.get("closed")),
        answered_by=answered_by,
        auto_acted=bool(events.get("automatic")),
        disputed=case["pk"] in disputes,
        intervened=disputes.get(case["pk"]) is not None,
        # SQLite sums lose the scale (85 for 85.00): back to the currency's cents
        refund_amount=round_money(refund.get("amount") or Decimal(0)),
        refund_parts=refund.get("parts") or 0,
        csat=csat,
        updated_at=now,
    )


# --- the writers against the reference ------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2])
def test_rollups_written_in_sql_equal_the_former_python_rows(seed: int) -> None:
    random_world(seed)
    case_facts_build(None, now=NOW)
    assert CaseFact.objects.values("day").distinct().count() == len(DAYS)
    written = rollup_days(DAYS)
    fast = {m.__name__: rows(m) for m in CASE_ROLLUPS}
    assert written == sum(len(r) for r in fast.values()) > 3 * len(DAYS)
    reference_rollup_days(DAYS)
    assert {m.__name__: rows(m) for m in CASE_ROLLUPS} == fast
    # the histograms hold every duration once
    assert sum(r.cases for r in PlatformDay.objects.all()) == CaseFact.objects.count()


@pytest.mark.parametrize("seed", [1, 2])
def test_deliveries_written_in_sql_equal_the_former_python_rows(seed: int) -> None:
    random_world(seed)
    signed = [date(2026, 11, d) for d in range(6, 13)]
    written = delivered_days(signed)
    fast = {m.__name__: rows(m) for m in DELIVERED}
    assert written == sum(len(r) for r in fast.values()) > 2 * len(DAYS)
    reference_delivered_days(signed)
    assert {m.__name__: rows(m) for m in DELIVERED} == fast


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_facts_written_in_sql_equal_the_former_python_ones(seed: int) -> None:
    random_world(seed, n=48)
    ids = list(Case.unscoped.values_list("pk", flat=True))
    assert case_facts_build([*ids, max(ids) + 1], now=NOW) == len(ids)
    fast = rows(CaseFact, frozenset())
    CaseFact.objects.all().delete()
    CaseFact.objects.bulk_create(reference_facts(ids, now=NOW))
    assert rows(CaseFact, frozenset()) == fast
    # the random world exercises every outcome
    facts = CaseFact.objects.all()
    for outcome in ("response", "approve", "refund", "close"):
        assert facts.filter(**{f"{outcome}_hours__isnull": False}).exists(), outcome
    assert {f.answered_by for f in facts} == {"merchant", "system", ""}
    assert facts.filter(refund_parts=2).exists() and facts.filter(intervened=True).exists()
    assert facts.filter(disputed=True, intervened=False).exists()
    assert facts.filter(auto_acted=True).exists() and facts.filter(csat__isnull=False).exists()
    assert facts.filter(day=DAYS[0]).exists() and facts.filter(day=DAYS[-1]).exists()


# --- the incremental refresh rewrites the groups it touched, and only those -------------------------


def ids_of(model: type[models.Model], **where: Any) -> set[int]:
    return set(model._default_manager.filter(**where).values_list("pk", flat=True))


def test_a_refresh_rewrites_the_touched_groups_and_leaves_the_others_alone() -> None:
    """Two shops' requests on 10 Nov; a late refund of one m1 request, and another m1 request
    whose reason was corrected (it leaves its group, which is left empty, for another)."""
    day = date(2026, 11, 10)
    with time_machine.travel(f.local(day, 12, 30), tick=False):  # the rows' own updated_at
        w = f.world()
        o1 = f.delivered(w, "m1", [("TS", 3)], signed_at=f.local("2026-11-08", 18))
        o2 = f.delivered(w, "m2", [("BK", 2)], signed_at=f.local("2026-11-08", 18))
        refunded = f.opened(o1, at=f.local(day, 9))
        moved = f.opened(o1, at=f.local(day, 10), reason=f.DEFECT, channel="app")
        f.opened(o2, at=f.local(day, 11))
        f.opened(o2, at=f.local(day, 12), reason=f.DEFECT, channel="app")
    with time_machine.travel(f.local(day, 13), tick=False):
        analytics_rebuild()
    m1, m2 = w.shops["m1"].pk, w.shops["m2"].pk
    untouched = {
        PlatformDay: ids_of(PlatformDay, category_id=w.categories["books"].pk),
        MerchantDay: ids_of(MerchantDay, merchant_id=m2),
        CaseDay: ids_of(CaseDay, merchant_id=m2),
        DeliveredDay: ids_of(DeliveredDay, merchant_id=m2),
    }
    assert all(len(v) >= 1 for v in untouched.values())
    assert MerchantDay.objects.filter(merchant_id=m1, channel="app").count() == 1

    with time_machine.travel(f.local("2026-11-17", 15), tick=False):
        f.refund(refunded, at=f.local("2026-11-17", 15), amount="80.00")
        Case.unscoped.filter(pk=moved.pk).update(
            reason=Reason.objects.get(code=f.NO_REASON), channel="web"
        )
        f.act(moved, "note", "merchant_review", at=f.local("2026-11-17", 15), role=f.CONSUMER)
        f.delivered(w, "m1", [("TS", 1)], signed_at=f.local("2026-11-17", 14))
    with time_machine.travel(f.local("2026-11-17", 15, 5), tick=False):
        result = analytics_refresh()
    assert (result.facts, result.days, result.delivered_days) == (2, 1, 1)
    for model, kept in untouched.items():
        assert ids_of(model, pk__in=kept) == kept, model.__name__  # not rewritten
    # m1's two requests now share one group (the corrected one left its group: no row remains)
    row = MerchantDay.objects.get(merchant_id=m1, day=day)
    assert (row.cases, row.refunded, row.refund_amount, row.channel) == (
        2,
        1,
        Decimal("80.00"),
        "web",
    )
    assert DeliveredDay.objects.get(merchant_id=m1, day=date(2026, 11, 17)).orders == 1

    tables = (CaseFact, *CASE_ROLLUPS, *DELIVERED)
    skip = frozenset({"id", "updated_at"})
    incremental = {m.__name__: rows(m, skip) for m in tables}
    with time_machine.travel(f.local("2026-11-17", 15, 5), tick=False):
        analytics_rebuild()
    assert {m.__name__: rows(m, skip) for m in tables} == incremental


def test_deliveries_of_a_shops_day_are_rewritten_without_the_other_shops() -> None:
    w = f.world()
    day = date(2026, 11, 10)
    f.delivered(w, "m1", [("TS", 2), ("PH", 1)], signed_at=f.local(day, 9))
    f.delivered(w, "m2", [("BK", 1)], signed_at=f.local(day, 10))
    delivered_days([day])
    kept = ids_of(DeliveredSkuDay, merchant_id=w.shops["m2"].pk)
    f.delivered(w, "m1", [("TS", 1)], signed_at=f.local(day, 23, 50), parcels=1)
    f.delivered(w, "m1", [("TS", 1)], signed_at=f.local("2026-11-11", 0, 5))  # the next day
    since = f.local(day, 23)
    with time_machine.travel(f.local("2026-11-11", 1), tick=False):
        pairs = changed_pairs(since)
    # the parcels recorded since (all of today's, by their updated_at) … of both days
    assert (day, w.shops["m1"].pk) in pairs and (date(2026, 11, 11), w.shops["m1"].pk) in pairs
    m1_pairs = {p for p in pairs if p[1] == w.shops["m1"].pk}
    assert delivered_pairs(m1_pairs) == 2 * 2 + 2 * 1  # apparel + digital on 10 Nov, apparel on 11
    assert ids_of(DeliveredSkuDay, merchant_id=w.shops["m2"].pk) == kept
    got = {
        (r.day, r.category_id): (r.orders, r.lines, r.units)
        for r in DeliveredDay.objects.filter(merchant_id=w.shops["m1"].pk)
    }
    assert got == {
        (day, w.categories["apparel"].pk): (2, 2, 3),
        (day, w.categories["digital"].pk): (1, 1, 1),
        (date(2026, 11, 11), w.categories["apparel"].pk): (1, 1, 1),
    }


# --- the SQL helpers ----------------------------------------------------------------------------


def test_hours_between_two_times_and_the_earlier_of_two() -> None:
    w = f.world()
    order = f.delivered(w, "m1", [("TS", 1)], signed_at=f.local("2026-11-09", 18))
    case = f.opened(order, at=f.local("2026-11-10", 23, 30))
    f.act(case, "approve", "refund_pending", at=f.local("2026-11-11", 1, 30))
    f.act(case, "refund", "refunded", at=f.local("2026-11-10", 23, 50))
    first, _second = CaseEvent.objects.filter(case=case).exclude(action="open").order_by("pk")
    first.created_at += timedelta(seconds=1.5)  # 2 h 1.5 s after the opening
    first.save(update_fields=["created_at"])

    def at(action: str) -> Subquery:
        return Subquery(
            CaseEvent.objects.filter(case_id=OuterRef("pk"), action=action).values("created_at")[:1]
        )

    got = (
        Case.unscoped.filter(pk=case.pk)
        .annotate(
            approve=Hours(at("approve"), "created_at"),
            refund=Hours(at("refund"), "created_at"),
            none=Hours(at("reject"), "created_at"),
            earliest=Hours(Earliest(at("approve"), at("refund")), "created_at"),
            one=Hours(Earliest(at("reject"), at("approve")), "created_at"),
            other=Hours(Earliest(at("approve"), at("reject")), "created_at"),
            neither=Earliest(at("reject"), at("withdraw")),
            zero=Hours(F("created_at"), F("created_at")),
        )
        .values("approve", "refund", "none", "earliest", "one", "other", "neither", "zero")
        .get()
    )
    assert got["approve"] == (2 * 3600 + 1.5) / 3600
    assert got["refund"] == 20 * 60 / 3600  # 20 minutes, the float Python computes
    assert got["none"] is None and got["neither"] is None
    assert got["earliest"] == got["refund"]
    assert got["one"] == got["other"] == got["approve"]  # a NULL side is ignored
    assert got["zero"] == 0.0


def test_any_of_a_long_list_of_ids() -> None:
    w = f.world()
    order = f.delivered(w, "m1", [("TS", 3)], signed_at=f.local("2026-11-09", 18))
    ids = [f.opened(order, at=f.local("2026-11-10", h)).pk for h in (9, 10, 11)]
    many = [*ids[:2], *range(10**9, 10**9 + 3000)]  # more than SQLite's old 999 variables
    assert set(Case.unscoped.filter(AnyOf("id", many)).values_list("pk", flat=True)) == set(ids[:2])
    assert not Case.unscoped.filter(AnyOf("id", [])).exists()
    assert Case.unscoped.exclude(AnyOf("id", ids[:1])).count() == 2
