"""Demo credit (``manage.py demo_credit``, to run after the demo world, its cases and disputes):
30 days of daily scores for every shop, with a shop in every tier, a warning, a restriction and
an appeal waiting for the platform's administrators.

The demo world's own after-sales history (a few hundred requests over thirty shops) scores every
shop near its category's norm — ``good``. Four shops get a synthetic history of their own
(``synthetic.py``: rows relative to today, no names), drawn from profiles that put them in the
other tiers: ``bulv-shoes`` excellent, ``nuanrong`` fair, ``xiaolu-life`` warning, ``meichu``
poor. None of them is the demo merchant logins' shop, whose request queue stays as it was.
The days are computed oldest first, each with the clock at that evening; the ladder acts on the
last two days only (yesterday it warns the shops under 60, today it restricts the one under 50),
and the shop in ``warning`` appeals its warning. Run once: nothing when snapshots exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from django.test.utils import override_settings
from django.utils import timezone

from anxin.catalog.models import Merchant
from anxin.core import clock
from anxin.core.actors import Actor, Role
from anxin.notifications.choices import Channel
from anxin.notifications.delivery import outbox_deliver
from anxin.notifications.models import OutboxMessage

from ..choices import Step, Tier
from ..models import CreditSnapshot, Sanction
from ..recompute import credit_recompute
from ..services import appeal_file
from .synthetic import Profile, synthetic_shop

DAYS = 30

# shop code → (cases, its own category, profile): where each of the four stands among its peers
SEEDED: dict[str, tuple[int, str, Profile]] = {
    "bulv-shoes": (160, "apparel-shoes", Profile(
        return_rate=0.03, not_as_described=0.05, answered=1.0, refund_hours=12, dispute_rate=0.005,
        ruled=0.5, loss=0.05, csat=4.9, surveyed=0.5)),
    "nuanrong": (140, "apparel-underwear", Profile(
        return_rate=0.08, not_as_described=0.22, answered=0.7, refund_hours=150, dispute_rate=0.19,
        ruled=0.55, loss=0.8, csat=2.5, surveyed=0.4)),
    "xiaolu-life": (150, "appliances-small", Profile(
        return_rate=0.15, not_as_described=0.4, answered=0.35, refund_hours=300, dispute_rate=0.4,
        ruled=0.7, loss=0.95, csat=2.0, surveyed=0.4)),
    "meichu": (180, "appliances-small", Profile(
        return_rate=0.25, not_as_described=0.6, answered=0.15, refund_hours=500, dispute_rate=0.6,
        ruled=0.8, loss=0.99, csat=1.3, surveyed=0.5)),
}  # fmt: skip
# Where each seeded shop's score must land today (inside its tier, away from the edges, and for the
# appellant above the restriction line of 50).
BANDS: dict[str, tuple[float, float]] = {
    "bulv-shoes": (87.0, 101.0),
    "nuanrong": (62.0, 68.0),
    "xiaolu-life": (52.0, 58.0),
    "meichu": (0.0, 35.0),
}
STEP_CASES = 20  # requests a steering batch adds
STEPS_MAX = 25
APPELLANT = "xiaolu-life"
STATEMENT = (
    "近两周客服人手不足导致响应超时，现已增加两名售后客服并启用超时提醒；"
    "争议中的三笔订单已与消费者协商补偿。附整改说明，请求撤销警告。"
)


@dataclass
class DemoCredit:
    days: int = 0
    tiers: dict[str, list[str]] = field(default_factory=dict)  # tier → shop codes
    sanctions: list[str] = field(default_factory=list)  # "code: step"
    appeal: str = ""
    reason: str = ""  # why nothing was made


def _evening(day: object) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(21, 0)))  # type: ignore[arg-type]


def _steer(shop: Merchant, category: str, cases: int, band: tuple[float, float], seed: int) -> None:
    """Put the shop's score inside ``band`` whatever the world around it: the category norms
    depend on how large a demo world was loaded, so after its own history the shop gets more
    requests, from a better or a worse shop's profile, until today's score lands in the band."""
    low, high = band
    first = cases
    for step in range(STEPS_MAX):
        credit_recompute(sanctions=False)
        snapshot = CreditSnapshot.unscoped.filter(merchant=shop).order_by("-day").first()
        score = float(snapshot.score) if snapshot is not None else None
        if score is None or low <= score < high:
            return
        profile = SEEDED["bulv-shoes"][2] if score < low else SEEDED["meichu"][2]
        synthetic_shop(
            code=f"{shop.code}-{step}",
            cases=STEP_CASES,
            profile=profile,
            category=category,
            seed=seed,
            merchant=shop,
            first=first,
        )
        first += STEP_CASES


def demo_credit(*, seed: int = 2026) -> DemoCredit:
    result = DemoCredit()
    if CreditSnapshot.unscoped.exists():
        result.reason = "credit snapshots exist"
        return result
    shops = {m.code: m for m in Merchant.unscoped.filter(code__in=list(SEEDED))}
    if len(shops) < len(SEEDED):
        result.reason = "the demo world's shops are missing (load the demo world first)"
        return result
    real_now = clock.now()
    outbox_from = OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    for code, (cases, category, profile) in SEEDED.items():
        synthetic_shop(
            code=code,
            cases=cases,
            profile=profile,
            category=category,
            seed=seed,
            now=real_now,
            merchant=shops[code],
        )
    for code, (cases, category, _profile) in SEEDED.items():
        _steer(shops[code], category, cases, BANDS[code], seed)
    today = timezone.localdate(real_now)
    with override_settings(ANXIN_OUTBOX_DELIVER_ON_COMMIT=False):
        for back in range(DAYS, -1, -1):
            day = today - timedelta(days=back)
            with clock.frozen(min(_evening(day), real_now)):
                credit_recompute(day=day, sanctions=back <= 1)
            result.days += 1
        warning = Sanction.unscoped.filter(merchant=shops[APPELLANT], step=Step.WARN).first()
        if warning is not None:
            owner = Actor(
                role=Role.MERCHANT_ADMIN,
                merchant_ids=frozenset({warning.merchant_id}),
                label="demo",
            )
            result.appeal = str(
                appeal_file(actor=owner, sanction=warning, statement=STATEMENT).public_id
            )
    for snap in (
        CreditSnapshot.unscoped.filter(day=today).select_related("merchant").order_by("score")
    ):
        result.tiers.setdefault(snap.tier, []).append(snap.merchant.code)
    result.tiers = {t: result.tiers.get(t, []) for t in Tier.values}
    result.sanctions = [
        f"{s.merchant.code}: {s.step} ({s.status})"
        for s in Sanction.unscoped.select_related("merchant").order_by("day", "pk")
    ]
    _deliver_emails(outbox_from)
    return result


def _deliver_emails(after_pk: int) -> None:
    """The demo's e-mails go nowhere (as the other demos' do); webhooks are left to the deliverer."""
    ids = list(
        OutboxMessage.objects.filter(pk__gt=after_pk, channel=Channel.EMAIL).values_list(
            "pk", flat=True
        )
    )
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            outbox_deliver(batch_size=len(chunk), ids=chunk)
