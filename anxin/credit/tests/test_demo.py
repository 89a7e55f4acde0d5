"""Demo credit on the demo world: a shop in every tier, history for the charts, a warning, a
restriction and an appeal; once only."""

from datetime import datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from anxin.catalog.models import Merchant
from anxin.core import clock
from anxin.credit.choices import Tier
from anxin.credit.demo import APPELLANT, DAYS, demo_credit
from anxin.credit.models import Appeal, CreditSnapshot, Sanction

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.mark.django_db
def test_demo_credit_has_a_shop_in_every_tier_a_sanction_and_an_appeal() -> None:
    with clock.frozen(NOW):
        # demo_data ends with demo_credit, after the disputes, reviews and quality demos
        call_command(
            "demo_data", "--orders", "2000", "--cases", "120", "--no-banner", stdout=StringIO()
        )
    latest = CreditSnapshot.objects.latest("day").day
    tiers: dict[str, set[str]] = {t: set() for t in Tier.values}
    for code, tier in CreditSnapshot.objects.filter(day=latest).values_list(
        "merchant__code", "tier"
    ):
        tiers[tier].add(code)
    assert all(tiers[t] for t in Tier.values), tiers
    assert "bulv-shoes" in tiers[Tier.EXCELLENT]
    assert "meichu" in tiers[Tier.POOR]
    # 31 days of history per scored shop, for the chart
    days = CreditSnapshot.objects.filter(merchant__code="meichu").count()
    assert days == DAYS + 1
    assert Merchant.objects.get(code="meichu").status == "restricted"
    assert Sanction.objects.filter(merchant__code="meichu", step="restrict").exists()
    appeal = Appeal.objects.get()
    assert appeal.merchant.code == APPELLANT and appeal.decision == ""
    # once only
    with clock.frozen(NOW):
        assert demo_credit().reason == "credit snapshots exist"
