"""Merchant credit for administrators (/manage/credit/): merchants by tier, the thresholds, the
sanctions, appeals and exit proposals — who may open them, every form's success and its refusal
with the field at fault (never a 500)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from html import unescape

import pytest

from anxin.catalog.models import Merchant
from anxin.core import clock
from anxin.credit.choices import SanctionStatus, Step, Tier
from anxin.credit.models import Appeal, CreditThreshold, Sanction
from anxin.credit.services import appeal_file

from .test_merchant_reputation import FIGURES, credited

pytestmark = pytest.mark.django_db

PAGES = ["/manage/credit/", "/manage/credit/thresholds/", "/manage/credit/sanctions/"]


@pytest.fixture
def world(shared_world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return shared_world


def body(response):
    return unescape(response.content.decode())


def appealed(world):
    sanction = credited(world)
    appeal_file(actor=world.actor(world.merchant_admin), sanction=sanction,
                statement="差评集中在物流破损，已更换快递。")  # fmt: skip
    return Appeal.unscoped.get(sanction=sanction)


def exit_proposed(world):
    return Sanction.unscoped.create(
        merchant=world.other_shop, step=Step.EXIT, status=SanctionStatus.PROPOSED,
        day=clock.now().date() - timedelta(days=1), score=Decimal("25.00"), tier=Tier.POOR,
        factors=FIGURES, reason="Score below 30 two days running.",
        data={"below": "30", "days": 2},
    )  # fmt: skip


@pytest.mark.parametrize("url", PAGES)
def test_pages_open_for_administrators(world, as_user, url):
    credited(world)
    assert as_user(world.admin).get(url).status_code == 200
    assert as_user(world.admin, "zh-hans").get(url).status_code == 200


@pytest.mark.parametrize("url", PAGES)
@pytest.mark.parametrize("who", ["consumer", "merchant", "agent"])
def test_pages_refuse_everyone_else(world, as_user, url, who):
    assert as_user(getattr(world, who)).get(url).status_code == 403


def test_merchants_by_tier(world, as_user):
    credited(world)
    client = as_user(world.admin)
    page = body(client.get("/manage/credit/"))
    assert world.shop.name in page and "55.0" in page
    assert world.shop.name in body(client.get("/manage/credit/?tier=warning"))
    assert world.shop.name not in body(client.get("/manage/credit/?tier=excellent"))
    assert client.get("/manage/credit/?tier=bogus&page=x").status_code == 200


def test_threshold_edit_with_a_note(world, as_user):
    client = as_user(world.admin)
    response = client.post("/manage/credit/thresholds/warn/",
                           {"below": "62", "days": "2", "grace_days": "30", "enabled": "on",
                            "note": "Peak season: warn earlier."})  # fmt: skip
    assert response.status_code == 302
    row = CreditThreshold.objects.get(step="warn")
    assert (row.below, row.days, row.enabled, row.note) == (
        Decimal("62"), 2, True, "Peak season: warn earlier.")  # fmt: skip
    assert "Peak season" in body(client.get("/manage/credit/thresholds/"))


def test_threshold_disable_and_deposit_factor(world, as_user):
    client = as_user(world.admin)
    response = client.post("/manage/credit/thresholds/deposit_increase/",
                           {"below": "40", "days": "1", "grace_days": "30",
                            "deposit_factor": "2", "note": "off for now"})  # fmt: skip
    assert response.status_code == 302
    row = CreditThreshold.objects.get(step="deposit_increase")
    assert row.enabled is False and row.deposit_factor == Decimal("2")


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"below": "120", "days": "1", "grace_days": "30", "note": "x"}, "below"),
        ({"below": "abc", "days": "1", "grace_days": "30", "note": "x"}, "below"),
        ({"below": "55", "days": "0", "grace_days": "30", "note": "x"}, "days"),
        ({"below": "55", "days": "1", "grace_days": "30", "note": ""}, "note"),
        ({"below": "45", "days": "1", "grace_days": "30", "note": "x"}, "below"),  # under restrict
    ],
)
def test_a_bad_threshold_is_a_field_error(world, as_user, fields, field):
    response = as_user(world.admin).post("/manage/credit/thresholds/warn/", fields)
    assert response.status_code == 422
    page = body(response)
    assert f'id="{field}-error"' in page
    assert CreditThreshold.objects.get(step="warn").below == Decimal("60")


def test_a_missing_threshold_is_404(world, as_user):
    response = as_user(world.admin).post("/manage/credit/thresholds/nothing/", {"below": "1"})
    assert response.status_code == 404


def test_decide_an_appeal_overturn(world, as_user):
    appeal = appealed(world)
    client = as_user(world.admin)
    page = body(client.get("/manage/credit/sanctions/"))
    assert "差评集中在物流破损" in page and f'id="appeal-{appeal.public_id}"' in page
    response = client.post(f"/manage/credit/appeals/{appeal.public_id}/decision/",
                           {"decision": "overturn", "note": "物流原因属实，撤销警告。"})  # fmt: skip
    assert response.status_code == 302
    appeal.refresh_from_db()
    assert appeal.decision == "overturn"
    assert Sanction.unscoped.get(pk=appeal.sanction_id).status == "overturned"
    merchant_page = body(as_user(world.merchant).get("/shop/credit/"))
    assert "物流原因属实" in merchant_page and "overturned" in merchant_page


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"decision": "overturn", "note": ""}, "note"),
        ({"decision": "maybe", "note": "x"}, "decision"),
    ],
)
def test_a_bad_appeal_decision_is_a_field_error(world, as_user, fields, field):
    appeal = appealed(world)
    response = as_user(world.admin).post(
        f"/manage/credit/appeals/{appeal.public_id}/decision/", fields
    )
    assert response.status_code == 422
    assert f'id="{field}-error"' in body(response)
    appeal.refresh_from_db()
    assert appeal.decision == ""


def test_an_appeal_decided_twice_is_refused(world, as_user):
    appeal = appealed(world)
    client = as_user(world.admin)
    url = f"/manage/credit/appeals/{appeal.public_id}/decision/"
    assert client.post(url, {"decision": "uphold", "note": "维持"}).status_code == 302
    again = client.post(url, {"decision": "overturn", "note": "撤销"})
    assert again.status_code in (409, 422)
    appeal.refresh_from_db()
    assert appeal.decision == "uphold"


def test_dismiss_and_confirm_exit_proposals(world, as_user):
    proposal = exit_proposed(world)
    client = as_user(world.admin)
    assert f'id="exit-{proposal.public_id}"' in body(client.get("/manage/credit/sanctions/"))
    url = f"/manage/credit/sanctions/{proposal.public_id}/exit/"
    bad = client.post(url, {"confirm": "dismiss", "note": ""})
    assert bad.status_code == 422 and 'id="note-error"' in body(bad)
    response = client.post(url, {"confirm": "dismiss", "note": "整改计划可信，暂不清退。"})
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == "dismissed"
    assert Merchant.unscoped.get(pk=world.other_shop.pk).status != "exited"


def test_confirm_an_exit(world, as_user):
    proposal = exit_proposed(world)
    response = as_user(world.admin).post(
        f"/manage/credit/sanctions/{proposal.public_id}/exit/",
        {"confirm": "confirm", "note": "连续三个月售后纠纷败诉率最高，整改未果。"},
    )
    assert response.status_code == 302
    assert Merchant.unscoped.get(pk=world.other_shop.pk).status == "exited"


def test_sanction_filters_and_missing_rows(world, as_user):
    credited(world)
    exit_proposed(world)
    client = as_user(world.admin)
    page = body(client.get("/manage/credit/sanctions/?step=exit"))
    table = page[page.index('class="dense sanctions-list"') :]
    assert world.other_shop.name in table and world.shop.name not in table
    assert client.get("/manage/credit/sanctions/?status=zzz&step=zzz&page=99").status_code == 200
    missing = "00000000-0000-0000-0000-000000000000"
    assert client.post(f"/manage/credit/appeals/{missing}/decision/",
                       {"decision": "uphold", "note": "x"}).status_code == 404  # fmt: skip
    assert client.post(f"/manage/credit/sanctions/{missing}/exit/",
                       {"confirm": "confirm", "note": "x"}).status_code == 404  # fmt: skip
