"""Taking the ladder's steps (as the system) and keeping the sanctions true to the merchant's
status. Every step is one transaction: the sanction row, the change through catalog's services
(the merchant lifecycle, the deposit), the audit row and the notifications."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from anxin.catalog.models import Merchant
from anxin.catalog.services import merchant_deposit_set, merchant_transition
from anxin.core import clock
from anxin.core.actors import SYSTEM
from anxin.core.audit import audit_record
from anxin.core.money import round_money
from anxin.disputes.deposit import required_for

from .choices import SanctionStatus, Step
from .factors import BY_KEY
from .ladder import BY_STATUS, PastSanction, Rule, next_step
from .models import CreditSnapshot, CreditThreshold, Sanction
from .notify import sanction_taken_notify


def rules_now() -> dict[str, Rule]:
    return {
        t.step: Rule(step=Step(t.step), below=t.below, days=t.days, grace_days=t.grace_days)
        for t in CreditThreshold.objects.filter(enabled=True)
    }


def worst_factors(factors: dict[str, Any], limit: int = 3) -> list[str]:
    """The keys of the factors that cost most points against the norm (for a reason, a page)."""
    rows = [(row.get("lost") or 0.0, key) for key, row in factors.items() if row.get("available")]
    return [key for lost, key in sorted(rows, reverse=True)[:limit] if lost > 0]


def reason_text(*, step: str, score: Decimal, below: Decimal, days: int, factors: dict) -> str:
    """Why the step was taken, in the active language: the threshold and the costliest factors."""
    worst = ", ".join(str(BY_KEY[k].label) for k in worst_factors(factors)) or "—"
    if days > 1:
        text = _(
            "Credit score %(score)s was below %(below)s on %(days)s days running (policy: "
            "%(step)s). Factors costing most points: %(factors)s."
        )
    else:
        text = _(
            "Credit score %(score)s is below %(below)s (policy: %(step)s). Factors costing most "
            "points: %(factors)s."
        )
    return text % {
        "score": f"{score:.2f}",
        "below": f"{below:.0f}",
        "days": days,
        "step": str(Step(step).label),
        "factors": worst,
    }


def _deposit_raise(merchant: Merchant, factor: Decimal, reason: str) -> dict[str, str]:
    before = required_for(merchant.pk)
    after = round_money(before * factor, merchant.currency)
    merchant_deposit_set(actor=SYSTEM, merchant=merchant, amount=after, note=reason[:500])
    return {"from": str(merchant.deposit_amount), "base": str(before), "to": str(after)}


def step_take(
    *, merchant: Merchant, step: Step, snapshot: CreditSnapshot, threshold: CreditThreshold
) -> Sanction | None:
    """Take ``step`` against ``merchant`` for ``snapshot`` (None if already taken that day)."""
    at = clock.now()
    with translation.override(settings.LANGUAGE_CODE):  # what the merchant history keeps
        reason = reason_text(
            step=step,
            score=snapshot.score,
            below=threshold.below,
            days=threshold.days,
            factors=snapshot.factors,
        )
    try:
        with transaction.atomic():
            sanction = Sanction.unscoped.create(
                merchant=merchant,
                step=step,
                status=SanctionStatus.PROPOSED if step == Step.EXIT else SanctionStatus.IN_FORCE,
                day=snapshot.day,
                score=snapshot.score,
                tier=snapshot.tier,
                factors=snapshot.factors,
                reason=reason,
                data={"below": str(threshold.below), "days": threshold.days},
            )
            if step in (Step.WARN, Step.RESTRICT):
                merchant_transition(actor=SYSTEM, merchant=merchant, action=step, reason=reason)
            elif step == Step.DEPOSIT_INCREASE:
                factor = threshold.deposit_factor or Decimal("1.5")
                sanction.data |= _deposit_raise(merchant, factor, reason)
                sanction.save(update_fields=["data"])
            audit_record(
                actor=SYSTEM,
                action=f"credit.sanction.{step}",
                merchant_id=merchant.pk,
                subject_type="credit.sanction",
                subject_id=sanction.public_id,
                data={
                    "score": snapshot.score,
                    "tier": snapshot.tier,
                    "day": snapshot.day,
                    **sanction.data,
                },
            )
            sanction_taken_notify(sanction, at=at)
    except IntegrityError:
        return None  # taken by a concurrent run of the same day
    return sanction


def _past_by_merchant(merchant_ids: list[int]) -> dict[int, list[PastSanction]]:
    found: dict[int, list[PastSanction]] = defaultdict(list)
    rows = Sanction.unscoped.filter(merchant_id__in=merchant_ids).values_list(
        "merchant_id", "step", "status", "day", "decided_at"
    )
    for mid, step, status, day, decided_at in rows:
        found[mid].append(PastSanction(step=step, status=status, day=day, decided_at=decided_at))
    return found


def _scores_by_merchant(merchant_ids: list[int], day: date, days: int) -> dict[int, dict]:
    found: dict[int, dict] = defaultdict(dict)
    rows = CreditSnapshot.unscoped.filter(
        merchant_id__in=merchant_ids, day__gt=day - timedelta(days=days), day__lte=day
    ).values_list("merchant_id", "day", "score")
    for mid, d, score in rows:
        found[mid][d] = score
    return found


def lifted_sync(*, at: datetime) -> int:
    """A warning or restriction in force whose merchant the platform cleared by hand (console) is
    marked lifted, so the ladder and the pages tell the truth."""
    changed = 0
    for step, statuses in BY_STATUS.items():
        changed += (
            Sanction.unscoped.filter(
                step=step, status__in=[SanctionStatus.IN_FORCE, SanctionStatus.UPHELD]
            )
            .exclude(merchant__status__in=list(statuses))
            .update(status=SanctionStatus.LIFTED, decided_at=at, decided_by="platform")
        )
    return changed


def ladder_run(*, day: date, snapshots: dict[int, CreditSnapshot]) -> list[Sanction]:
    """Take today's steps for every merchant with a snapshot (a few queries for all of them,
    then one transaction per step taken)."""
    now = clock.now()
    lifted_sync(at=now)
    rules = rules_now()
    if not rules or not snapshots:
        return []
    thresholds = {t.step: t for t in CreditThreshold.objects.filter(enabled=True)}
    ids = list(snapshots)
    scores = _scores_by_merchant(ids, day, max(r.days for r in rules.values()))
    past = _past_by_merchant(ids)
    merchants = Merchant.unscoped.in_bulk(ids)
    taken: list[Sanction] = []
    for mid in ids:
        merchant = merchants[mid]
        step = next_step(
            status=merchant.status,
            scores=scores.get(mid, {}),
            past=past.get(mid, []),
            rules=rules,
            day=day,
            now=now,
        )
        if step is None:
            continue
        sanction = step_take(
            merchant=merchant, step=step, snapshot=snapshots[mid], threshold=thresholds[step]
        )
        if sanction is not None:
            taken.append(sanction)
    return taken
