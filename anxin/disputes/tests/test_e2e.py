"""Disputes end to end through the HTTP API (/api/v1 at the agreed URLs), each party with its own
login or token, the clock moved forward so that every automatic step fires — once: after each
path, sweeping twice more changes nothing and every sum of money was moved exactly once."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils.dateparse import parse_datetime

from anxin.cases.models import LedgerEntry, LedgerKind, Refund
from anxin.cases.tests.builders import png_bytes, upload
from anxin.cases.tests.helpers import NOW, warehouse
from anxin.catalog.models import Customer, Merchant
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Role
from anxin.core.models import Deadline, DeadlineState
from anxin.core.sweeper import SweepResult, sweep_until_idle
from anxin.disputes.models import DepositEntry, Dispute
from anxin.notifications.models import Notification
from conftest import ApiClient

from .builders import RATIONALE, ruling_payload

# Smoke set: these paths also run on PostgreSQL.
pytestmark = [pytest.mark.django_db, pytest.mark.pg_smoke]

D = Decimal


def _login(username: str, role: Role) -> tuple[ApiClient, Any]:
    user = f.user(username, role)
    client = Client()
    client.force_login(user)
    return ApiClient(client=client), user


@dataclass
class World:
    order: dict[str, Any]
    consumer: ApiClient
    merchant: ApiClient  # the merchant's integration (API token)
    agent: ApiClient
    arbitrators: dict[int, ApiClient]  # by user id
    admin: ApiClient
    capture: Any

    def post(self, who: ApiClient, path: str, body: Any = None, status: int = 200) -> Any:
        """POST and run what the request queued for after its commit (the refund provider)."""
        with self.capture(execute=True):
            answer = who.post(path, body if body is not None else {})
        assert answer.status_code == status, answer.content
        return answer.json()

    def act(self, who: ApiClient, number: str, action: str, status: int = 200, **body: Any) -> Any:
        return self.post(who, f"/disputes/{number}/actions/{action}", body, status)

    def get(self, who: ApiClient, number: str) -> Any:
        answer = who.get(f"/disputes/{number}")
        assert answer.status_code == 200, answer.content
        return answer.json()

    def sweep(self, *, days: int = 0, hours: int = 0) -> SweepResult:
        clock.advance(timedelta(days=days, hours=hours))
        with self.capture(execute=True):
            return sweep_until_idle()

    def arbitrator_of(self, number: str, *, appeal: bool = False) -> ApiClient:
        dispute = Dispute.objects.get(number=number)
        return self.arbitrators[dispute.appeal_arbitrator_id if appeal else dispute.arbitrator_id]

    def other_arbitrator(self, user_id: int) -> ApiClient:
        return next(c for pk, c in self.arbitrators.items() if pk != user_id)


@pytest.fixture
def world(django_capture_on_commit_callbacks) -> World:
    clock.freeze(NOW - timedelta(days=1))
    shop = f.merchant("m1")
    warehouse(shop)
    platform = ApiClient(token=f.token_for(None))
    order = platform.post("/orders", f.order_payload(merchant="m1")).json()
    parcel = platform.post(
        f"/orders/{order['id']}/deliveries",
        {
            "carrier": "SF",
            "tracking_number": "SF-OUT-1",
            "shipped_at": "2026-11-02T09:00:00+08:00",
            "signed_at": "2026-11-03T18:30:00+08:00",
        },
    )
    assert parcel.status_code == 201, parcel.content
    consumer, person = _login("buyer", Role.CONSUMER)
    Customer.objects.filter(external_id="buyer-1").update(user=person)
    arbitrators = dict(
        (user.pk, client) for client, user in (_login(f"arb-{i}", Role.ARBITRATOR) for i in (1, 2))
    )
    clock.freeze(NOW)
    return World(
        order=order,
        consumer=consumer,
        merchant=ApiClient(token=f.token_for(shop)),
        agent=_login("agent-1", Role.AGENT)[0],
        arbitrators=arbitrators,
        admin=_login("admin-1", Role.ADMIN)[0],
        capture=django_capture_on_commit_callbacks,
    )


def _disputed(
    world: World, *, claim: str, amount: str | None = None, quantity: int = 1
) -> tuple[str, str]:
    """The consumer returns ``quantity`` of line L1 (2 units, 170.00 paid) without a reason, the
    merchant rejects it, the consumer disputes it: (case number, dispute number)."""
    opened = world.post(
        world.consumer,
        "/cases",
        {"order": world.order["id"], "line": "L1", "type": "return_refund",
         "reason": "no_reason/changed_mind", "quantity": quantity},
        status=201,
    )  # fmt: skip
    case = opened["number"]
    world.post(world.merchant, f"/cases/{case}/actions/reject", {"reason": "商品已影响二次销售"})
    body = {"claim": claim, "statement": "衣服洗一次就开线了，商家拒绝退货"}
    if amount is not None:
        body["amount"] = amount
    dispute = world.post(world.consumer, f"/cases/{case}/dispute", body, status=201)
    assert dispute["status"] == "negotiating" and dispute["due_kind"] == "negotiation"
    assert world.consumer.get(f"/cases/{case}").json()["status"] == "disputed"
    return case, dispute["number"]


def _in_arbitration(world: World, number: str) -> ApiClient:
    """The platform steps in at once (the merchant never answered), the mediator closes the
    merchant's round and hands over to arbitration: the arbitrator in charge."""
    world.act(world.consumer, number, "request_intervention")
    world.act(world.agent, number, "close_round", reason="商家未举证，转仲裁")
    assert world.act(world.agent, number, "refer", reason="协商无果")["status"] == "arbitration"
    return world.arbitrator_of(number)


def _money(case: str) -> list[tuple[str, Decimal]]:
    """What the consumer got back on the case, in order: (kind, amount)."""
    return [(r.kind, r.amount) for r in Refund.objects.filter(case__number=case).order_by("pk")]


def _refunds_seen(world: World, case: str) -> list[tuple[str, str]]:
    answer = world.consumer.get("/refunds", {"case": case})
    assert answer.status_code == 200, answer.content
    return [(r["amount"], r["status"]) for r in answer.json()]


def _deposit(world: World) -> dict[str, Any]:
    answer = world.merchant.get("/deposit")
    assert answer.status_code == 200, answer.content
    return answer.json()


def _ledger() -> tuple[Any, ...]:
    return (
        list(Refund.objects.order_by("pk").values_list("kind", "amount", "status")),
        list(LedgerEntry.objects.order_by("pk").values_list("kind", "amount")),
        list(DepositEntry.objects.order_by("pk").values_list("kind", "amount", "key")),
    )


def _sweeping_twice_changes_nothing(world: World, number: str) -> None:
    """Run the clock past every deadline, then once more: the second sweep finds nothing, the
    ledgers stay as they were, and each of the dispute's deadlines fired at most once."""
    world.sweep(days=30)
    dispute = world.get(world.consumer, number)
    assert dispute["status"] in ("settled", "final"), dispute["status"]
    assert dispute["due_at"] is None
    money, events = _ledger(), len(dispute["events"])
    again = world.sweep(days=30)
    assert again.claimed == 0
    assert _ledger() == money
    assert len(world.get(world.consumer, number)["events"]) == events
    fired = Counter(
        Deadline.objects.filter(
            subject_type="disputes.dispute", state=DeadlineState.FIRED
        ).values_list("kind", flat=True)
    )
    assert all(n == 1 for n in fired.values()), fired
    assert sum(e.amount for e in LedgerEntry.objects.all()) == sum(
        r.amount for r in Refund.objects.all()
    )


# --- (a) negotiation: the merchant's offer accepted → refunded ----------------------------------


def test_negotiation_accepted_is_refunded(world):
    case, number = _disputed(world, claim="full_refund")
    # the merchant's integration answers by API with an offer
    seen = world.act(world.merchant, number, "propose", remedy="partial_refund", amount="50.00",
                     note="不退货，退50元")  # fmt: skip
    claim, offer = seen["proposals"]
    # (the claim was the consumer's first proposal; the counter-offer answered it). A full refund
    # is what the request was found eligible for: one of the two shirts back loses the 满减
    # (170.00 − 99.00 = 71.00), not the pro-rata 85.00
    assert world.consumer.get(f"/cases/{case}").json()["refund_amount"] == "71.00"
    assert (claim["by"], claim["amount"], claim["status"]) == ("consumer", "71.00", "declined")
    assert (offer["by"], offer["amount"], offer["status"]) == ("merchant", "50.00", "open")
    # the consumer sees it and may accept it
    mine = world.get(world.consumer, number)
    assert mine["proposals"][1]["may_accept"] is True
    settled = world.post(world.consumer, f"/disputes/{number}/proposals/{offer['id']}/accept")
    # then the dispute is settled, the case refunded, the refund paid through the ledger
    assert (settled["status"], settled["outcome"]) == ("settled", "settled")
    assert world.consumer.get(f"/cases/{case}").json()["status"] == "refunded"
    assert _money(case) == [(LedgerKind.REFUND, D("50.00"))]
    assert _refunds_seen(world, case) == [("50.00", "succeeded")]
    # and the history (协商历史) says who did what, and when
    history = [(e["action"], e["actor_role"]) for e in settled["events"]]
    assert history == [("open", "consumer"), ("propose", "integrator"), ("accept", "consumer")]
    assert all(e["at"] for e in settled["events"])
    _sweeping_twice_changes_nothing(world, number)
    assert _money(case) == [(LedgerKind.REFUND, D("50.00"))]


# --- (b) intervention → round → the merchant misses it → decided for the consumer → refunded -----


def test_a_missed_round_decides_for_the_consumer_and_the_merchant_pays(world):
    case, number = _disputed(world, claim="full_refund")
    # the merchant has not answered: the consumer may ask the platform in at once
    assert "request_intervention" in world.get(world.consumer, number)["actions"]
    world.act(world.consumer, number, "request_intervention")
    # the merchant is asked for evidence by a deadline (24 h), which both sides see
    asked = world.get(world.merchant, number)
    assert asked["status"] == "awaiting_evidence"
    round_ = asked["asked_of_me"]
    assert (round_["party"], round_["template"]) == ("merchant", "B-6")
    assert asked["due_at"] == round_["due_at"] and asked["due_kind"] == "evidence_round"
    assert world.get(world.consumer, number)["asked_of_me"] is None
    # when the merchant lets the deadline pass
    assert world.sweep(hours=25).fired == 1
    # then the platform decided on the evidence present, for the consumer, and both read why
    for reader in (world.consumer, world.merchant):
        decided = world.get(reader, number)
        assert decided["status"] == "ruled" and decided["merchant_at_fault"] is True
        ruling = decided["rulings"][0]
        assert (ruling["remedy"], ruling["amount"], ruling["automatic"]) == (
            "full_refund",
            "71.00",
            True,
        )
        assert "did not give the evidence" in ruling["rationale"] and "P-9" in ruling["rationale"]
    assert decided["due_kind"] == "execution"
    # and the merchant carries it out within 24 h: its own refund, nothing from the deposit
    assert "execute" in decided["actions"]
    assert world.act(world.merchant, number, "execute")["status"] == "executed"
    assert _money(case) == [(LedgerKind.REFUND, D("71.00"))]
    assert _refunds_seen(world, case) == [("71.00", "succeeded")]
    assert not DepositEntry.objects.exists()
    _sweeping_twice_changes_nothing(world, number)


# --- (c) arbitration: a partial refund, with a rationale citing the rules -----------------------


def test_arbitration_partial_refund_with_a_rationale_both_sides_read(world):
    case, number = _disputed(world, claim="full_refund")
    # the merchant answers with a small offer, which the consumer declines
    offer = world.act(world.merchant, number, "propose", remedy="partial_refund", amount="20.00")
    offer_id = offer["proposals"][-1]["id"]
    world.post(world.consumer, f"/disputes/{number}/proposals/{offer_id}/decline")
    # having answered, the merchant gets its 24 h: the consumer cannot call the platform in yet,
    # and the negotiation deadline does not step in (it is no longer armed): what waits now is
    # the 7-day lapse, counted from the opening (P-8)
    early = world.act(world.consumer, number, "request_intervention", status=409)
    assert "24 hours" in early["error"]["message"]
    waiting = world.get(world.consumer, number)
    assert waiting["due_kind"] == "negotiation_lapse"
    opened = Dispute.objects.get(number=number).opened_at
    assert parse_datetime(waiting["due_at"]) == opened + timedelta(days=7)
    assert world.sweep(hours=24).claimed == 0
    world.act(world.consumer, number, "request_intervention")
    # the merchant answers the round with a photo; the mediator hands over to arbitration
    given = upload(world.merchant, f"/disputes/{number}/evidence", png_bytes(), name="收货照片.png")
    assert given.status_code == 201, given.content
    assert (
        world.act(world.merchant, number, "submit", statement="退回时吊牌已拆")["status"]
        == "mediation"
    )
    referred = world.act(world.agent, number, "refer", reason="双方各执一词")
    # (the arbitrator's 5-day service target is shown as the next deadline; nothing fires on it)
    assert (referred["due_kind"], parse_datetime(referred["due_at"])) == (
        "arbitration_target",
        clock.now() + timedelta(days=5),
    )
    arbitrator = world.arbitrator_of(number)
    # the arbitrator asks the consumer for photos of the defect (B-1), which the consumer gives
    world.act(arbitrator, number, "open_round", party="consumer", template="B-1",
              request="请上传开线处的照片")  # fmt: skip
    assert world.get(world.consumer, number)["asked_of_me"]["template"] == "B-1"
    photo = upload(world.consumer, f"/disputes/{number}/evidence", png_bytes(color=(9, 9, 9)))
    assert photo.status_code == 201, photo.content
    world.act(world.consumer, number, "submit", statement="照片已上传")
    # a ruling must cite rule ids: refused with the field at fault
    refused = world.act(arbitrator, number, "rule", status=422,
                        **ruling_payload(rules=["my own sense of fairness"]))  # fmt: skip
    assert "rules" in refused["error"]["fields"]
    # when the arbitrator decides a partial refund of 40.00
    world.act(arbitrator, number, "rule", **ruling_payload(amount="40.00"))
    # then both sides read the same rationale and the rules it applies
    for reader in (world.consumer, world.merchant):
        ruling = world.get(reader, number)["rulings"][0]
        assert (ruling["remedy"], ruling["amount"]) == ("partial_refund", "40.00")
        assert ruling["rationale"] == RATIONALE
        assert ruling["rules"] == ["P-9", "R-3", "B-1"]
    # and the merchant pays it
    world.act(world.merchant, number, "execute")
    assert _money(case) == [(LedgerKind.REFUND, D("40.00"))]
    assert world.get(world.consumer, number)["outcome"] == "split"
    _sweeping_twice_changes_nothing(world, number)


# --- (d) 先行赔付: the merchant does not pay in 24 h, the platform does and the deposit repays it ---


@pytest.mark.parametrize("deposit", ["3000.00", None], ids=["deposit-enough", "deposit-short"])
def test_the_platform_pays_first_when_the_merchant_does_not(world, deposit):
    if deposit:
        world.post(world.admin, "/merchants/m1/deposit/top-ups",
                   {"amount": deposit, "reference": "BANK-1"}, status=201)  # fmt: skip
    case, number = _disputed(world, claim="full_refund")
    world.act(world.consumer, number, "request_intervention")
    assert world.sweep(hours=25).fired == 1  # the merchant missed its round: decided
    assert world.get(world.merchant, number)["status"] == "ruled"
    # when the merchant does not carry the decision out within 24 h
    assert world.sweep(hours=25).fired == 1
    # then the platform paid the consumer (a compensation) and took it from the deposit
    assert world.get(world.consumer, number)["status"] == "executed"
    assert world.consumer.get(f"/cases/{case}").json()["status"] == "refunded"
    assert _money(case) == [(LedgerKind.COMPENSATION, D("71.00"))]
    assert _refunds_seen(world, case) == [("71.00", "succeeded")]
    account = _deposit(world)
    deduction = account["entries"][0]
    assert (deduction["kind"], deduction["amount"], deduction["dispute"]) == (
        "deduction",
        "71.00",
        number,
    )
    if deposit:
        # within the balance: nothing owed, nothing held
        assert (account["balance"], account["owed"], account["settlement_held"]) == (
            "2929.00",
            "0.00",
            False,
        )
        assert account["top_up_request"] is None
    else:
        # beyond the balance: owed, one open request (the debt and the 2000 minimum), held
        assert (account["balance"], account["owed"], account["settlement_held"]) == (
            "0.00",
            "71.00",
            True,
        )
        assert account["top_up_request"]["amount"] == "2071.00"
        # the merchant pays; the platform records it (twice: the same payment counts once)
        for _ in range(2):
            world.post(world.admin, "/merchants/m1/deposit/top-ups",
                       {"amount": "2071.00", "reference": "BANK-2"}, status=201)  # fmt: skip
        account = _deposit(world)
        assert (account["balance"], account["owed"], account["settlement_held"]) == (
            "2000.00",
            "0.00",
            False,
        )
        assert account["top_up_request"] is None
        assert [e["kind"] for e in account["entries"]] == ["top_up", "deduction"]
    _sweeping_twice_changes_nothing(world, number)
    assert DepositEntry.objects.filter(kind="deduction").count() == 1


# --- (e) an appeal: reversed after payment (deposit credit), or raised (paid more, deducted) -----


def test_an_appeal_reversing_a_paid_decision_credits_the_deposit(world):
    world.post(world.admin, "/merchants/m1/deposit/top-ups",
               {"amount": "2000.00", "reference": "BANK-1"}, status=201)  # fmt: skip
    case, number = _disputed(world, claim="full_refund")
    first = _in_arbitration(world, number)
    world.act(first, number, "rule", **ruling_payload(remedy="full_refund", amount="0"))
    world.sweep(hours=25)  # the merchant does not pay: the platform does, from the deposit
    assert _money(case) == [(LedgerKind.COMPENSATION, D("71.00"))]
    assert _deposit(world)["balance"] == "1929.00"
    # the merchant appeals within 7 days, which needs new evidence
    clock.advance(timedelta(days=2))
    refused = world.act(world.merchant, number, "appeal", status=422, statement="有新证据")
    assert "evidence" in refused["error"]["fields"]
    upload(world.merchant, f"/disputes/{number}/evidence", png_bytes(color=(1, 2, 3)))
    assert (
        world.act(world.merchant, number, "appeal", statement="质检报告证明无质量问题")["status"]
        == "appealed"
    )
    # the first arbitrator may not decide it; another one reverses the decision
    first_id = Dispute.objects.get(number=number).arbitrator_id
    world.act(
        world.arbitrators[first_id],
        number,
        "rule_appeal",
        status=409,
        **ruling_payload(remedy="reject"),
    )
    second = world.arbitrator_of(number, appeal=True)
    assert second is world.other_arbitrator(first_id)
    final = world.act(second, number, "rule_appeal", **ruling_payload(remedy="reject", amount="0"))
    assert (final["status"], final["outcome"]) == ("final", "merchant")
    assert final["events"][-1]["data"]["credited_merchant"] == "71.00"
    # then the consumer keeps what was paid, and the merchant's deposit gets it back
    assert _money(case) == [(LedgerKind.COMPENSATION, D("71.00"))]
    account = _deposit(world)
    assert [(e["kind"], e["amount"]) for e in account["entries"][:2]] == [
        ("credit", "71.00"),
        ("deduction", "71.00"),
    ]
    assert (account["balance"], account["owed"], account["settlement_held"]) == (
        "2000.00",
        "0.00",
        False,
    )
    _sweeping_twice_changes_nothing(world, number)


def test_an_appeal_raising_the_award_pays_the_rest_from_the_deposit(world):
    # a return of the whole line (2 units, 170.00 paid)
    case, number = _disputed(world, claim="full_refund", quantity=2)
    first = _in_arbitration(world, number)
    world.act(first, number, "rule", **ruling_payload(amount="30.00"))
    world.act(world.merchant, number, "execute")
    assert _money(case) == [(LedgerKind.REFUND, D("30.00"))]
    # the consumer appeals with new evidence; another arbitrator orders the full refund
    upload(world.consumer, f"/disputes/{number}/evidence", png_bytes(color=(4, 5, 6)))
    world.act(world.consumer, number, "appeal", statement="补充了检测报告")
    second = world.arbitrator_of(number, appeal=True)
    final = world.act(
        second, number, "rule_appeal", **ruling_payload(remedy="full_refund", amount="0")
    )
    # then the award is the whole 170.00: the 140.00 not yet paid is advanced by the platform
    # and deducted from the merchant's deposit
    assert final["rulings"][-1]["amount"] == "170.00"
    assert final["events"][-1]["data"]["paid_more"] == "140.00"
    assert _money(case) == [(LedgerKind.REFUND, D("30.00")), (LedgerKind.COMPENSATION, D("140.00"))]
    account = _deposit(world)
    assert (account["entries"][0]["kind"], account["entries"][0]["amount"]) == (
        "deduction",
        "140.00",
    )
    assert account["owed"] == "140.00" and account["settlement_held"] is True
    _sweeping_twice_changes_nothing(world, number)
    assert sum(amount for _, amount in _money(case)) == D("170.00")


# --- (f) a small claim paid at once (fast track) --------------------------------------------------


def test_a_small_claim_is_paid_at_once(world):
    case, number = _disputed(world, claim="partial_refund", amount="50.00")
    world.act(world.consumer, number, "request_intervention")
    # the mediator needs no evidence for a claim this small: closes the round, pays at once
    world.act(world.agent, number, "close_round", reason="小额纠纷，无需举证")
    assert "fast_track" in world.get(world.agent, number)["actions"]
    paid = world.act(world.agent, number, "fast_track", reason="小额纠纷，平台先行赔付")
    assert paid["status"] == "executed" and paid["fast_track"] is True
    assert paid["rulings"][0]["fast_track"] is True
    assert _money(case) == [(LedgerKind.COMPENSATION, D("50.00"))]
    assert _refunds_seen(world, case) == [("50.00", "succeeded")]
    assert _deposit(world)["entries"][0]["amount"] == "50.00"
    _sweeping_twice_changes_nothing(world, number)


# --- (g) P-8: a negotiation the merchant answered lapses 7 days after it was opened -------------


def test_a_negotiation_neither_settled_nor_taken_to_the_platform_lapses_after_7_days(world):
    shop_staff = f.user(
        "shop-staff", Role.MERCHANT_STAFF, merchants=[Merchant.objects.get(code="m1")]
    )
    case, number = _disputed(world, claim="full_refund")
    world.act(world.merchant, number, "propose", remedy="partial_refund", amount="20.00")
    # the consumer neither accepts nor asks the platform in: nothing happens for 7 days …
    assert world.sweep(hours=24).claimed == 0
    assert world.sweep(days=5, hours=23).claimed == 0
    waiting = world.get(world.consumer, number)
    assert (waiting["status"], waiting["due_kind"]) == ("negotiating", "negotiation_lapse")
    # … then the dispute lapses (as a withdrawal) and the request closes with it
    swept = world.sweep(hours=1)
    assert (swept.fired, swept.noop) == (1, 0)
    lapsed = world.get(world.consumer, number)
    assert (lapsed["status"], lapsed["outcome"], lapsed["due_at"]) == (
        "withdrawn",
        "withdrawn",
        None,
    )
    assert [(e["action"], e["actor_role"]) for e in lapsed["events"]][-1] == ("lapse", "system")
    assert world.consumer.get(f"/cases/{case}").json()["status"] == "closed"
    assert [p["status"] for p in lapsed["proposals"]] == ["declined", "lapsed"]
    assert _money(case) == []
    # and both sides are told, in-app
    told = Notification.objects.filter(kind="dispute_lapse").values_list("recipient", flat=True)
    assert sorted(told) == sorted(
        [shop_staff.pk, Customer.objects.get(external_id="buyer-1").user_id]
    )
    assert world.sweep(days=30).claimed == 0


# --- (h) P-9/P-10: a round that runs out goes back to the mediator unless nothing was given ------


def test_a_round_with_something_given_goes_back_to_the_mediator_and_never_decides(world):
    case, number = _disputed(world, claim="full_refund")
    world.act(world.agent, number, "intervene", reason="商家一直未回复")  # the agent mediates
    intervened = Dispute.objects.get(number=number).intervened_at
    # the merchant gives a photo in its answer round but never sends the answer itself
    given = upload(world.merchant, f"/disputes/{number}/evidence", png_bytes(), name="面单.png")
    assert given.status_code == 201 and given.json()["round"] == 1
    # when the round runs out: the round's other end acts (a recorded no-op for round_missed)
    swept = world.sweep(hours=25)
    assert (swept.fired, swept.noop) == (1, 1)
    back = world.get(world.agent, number)
    assert back["status"] == "mediation" and back["rulings"] == []
    assert back["rounds"][0]["status"] == "answered"
    assert back["events"][-1]["action"] == "round_lapsed"
    # the mediator is told, and decides on the evidence present by its 48-hour target
    told = Notification.objects.filter(kind="dispute_round_lapsed")
    assert [n.recipient.username for n in told] == ["agent-1"]
    assert (back["due_kind"], parse_datetime(back["due_at"])) == (
        "mediation_target",
        intervened + timedelta(hours=48),
    )
    # a supplementary round (#10) that gets nothing goes back as well, missed, deciding nothing
    world.act(world.agent, number, "open_round", party="consumer", template="B-1",
              request="请上传开线处的照片", reason="需要消费者补充照片")  # fmt: skip
    swept = world.sweep(days=3)
    assert (swept.fired, swept.noop) == (1, 1)
    back = world.get(world.agent, number)
    assert back["status"] == "mediation" and back["rulings"] == []
    assert [r["status"] for r in back["rounds"]] == ["answered", "missed"]
    assert world.consumer.get(f"/cases/{case}").json()["status"] == "disputed"
    assert _money(case) == []


# --- (i) a rejected claim: the case stays disputed until the decision is final ------------------


def test_a_rejected_claim_keeps_the_request_disputed_until_the_decision_is_final(world):
    case, number = _disputed(world, claim="full_refund")
    arbitrator = _in_arbitration(world, number)
    ruled = world.act(arbitrator, number, "rule", **ruling_payload(remedy="reject", amount="0"))
    assert (ruled["status"], ruled["outcome"]) == ("ruled", "merchant")
    # nothing is carried out for a rejection: the merchant is offered no "carry out", and the
    # next sweep only records it (quietly: no in-app message for it)
    assert "execute" not in world.get(world.merchant, number)["actions"]
    assert world.sweep(hours=1).fired == 1
    carried = world.get(world.consumer, number)
    assert carried["status"] == "executed" and "appeal" in carried["actions"]
    assert not Notification.objects.filter(kind="dispute_enforce").exists()
    # the request stays disputed while an appeal is possible
    assert world.consumer.get(f"/cases/{case}").json()["status"] == "disputed"
    assert world.sweep(days=6).claimed == 0
    assert world.consumer.get(f"/cases/{case}").json()["status"] == "disputed"
    # and closes when the decision becomes final (7 days after it was taken)
    assert world.sweep(days=1).fired == 1
    final = world.get(world.consumer, number)
    assert (final["status"], final["outcome"]) == ("final", "merchant")
    assert world.consumer.get(f"/cases/{case}").json()["status"] == "closed"
    assert _money(case) == [] and not DepositEntry.objects.exists()
    _sweeping_twice_changes_nothing(world, number)


def test_an_appeal_turning_a_rejection_into_a_refund_pays_it_as_compensation(world):
    case, number = _disputed(world, claim="full_refund")
    first = _in_arbitration(world, number)
    world.act(first, number, "rule", **ruling_payload(remedy="reject", amount="0"))
    world.sweep(hours=1)
    # the consumer appeals with new evidence; the other arbitrator orders a partial refund
    upload(world.consumer, f"/disputes/{number}/evidence", png_bytes(color=(7, 8, 9)))
    world.act(world.consumer, number, "appeal", statement="补充了检测报告")
    assert world.consumer.get(f"/cases/{case}").json()["status"] == "disputed"
    second = world.arbitrator_of(number, appeal=True)
    final = world.act(second, number, "rule_appeal", **ruling_payload(amount="45.00"))
    # then the platform pays it at once (recovered from the deposit) and the request is refunded
    assert (final["status"], final["outcome"]) == ("final", "split")
    assert final["events"][-1]["data"]["paid_more"] == "45.00"
    assert _money(case) == [(LedgerKind.COMPENSATION, D("45.00"))]
    assert world.consumer.get(f"/cases/{case}").json()["status"] == "refunded"
    assert _deposit(world)["entries"][0]["amount"] == "45.00"
    _sweeping_twice_changes_nothing(world, number)


# --- (j) the merchant already has the item: only money can settle it ----------------------------


def test_with_the_item_already_at_the_merchants_only_money_is_claimed_proposed_or_decided(world):
    # given an exchange the merchant received, then left alone for 72 hours
    opened = world.post(
        world.consumer,
        "/cases",
        {"order": world.order["id"], "line": "L1", "type": "exchange", "reason": "quality/defect"},
        status=201,
    )
    case = opened["number"]
    world.post(world.merchant, f"/cases/{case}/actions/approve")
    world.post(world.consumer, f"/cases/{case}/actions/ship_return",
               {"carrier": "SF", "tracking_number": "SF-BACK-1"})  # fmt: skip
    world.post(world.merchant, f"/cases/{case}/actions/confirm_receipt")
    assert world.consumer.get(f"/cases/{case}").json()["status"] == "received"
    clock.advance(timedelta(hours=72))
    # when the consumer disputes it: sending the item again is refused, on the claim
    path = f"/cases/{case}/dispute"
    for claim in ("return_refund", "exchange", "repair"):
        body = {"claim": claim, "statement": "换回来的还是坏的"}
        refused = world.post(world.consumer, path, body, status=422)
        assert set(refused["error"]["fields"]) == {"claim"}, claim
    number = world.post(world.consumer, path, {"claim": "partial_refund", "amount": "30.00",
                                               "statement": "换回来的还是坏的"}, status=201)["number"]  # fmt: skip
    # the merchant may not offer a repair either, only money
    refused = world.act(world.merchant, number, "propose", status=422, remedy="repair")
    assert set(refused["error"]["fields"]) == {"remedy"}
    world.act(world.merchant, number, "propose", remedy="partial_refund", amount="10.00")
    # nor may the arbitrator decide one
    clock.advance(timedelta(hours=24))
    arbitrator = _in_arbitration(world, number)
    refused = world.act(arbitrator, number, "rule", status=422,
                        **ruling_payload(remedy="exchange", amount="0"))  # fmt: skip
    assert set(refused["error"]["fields"]) == {"remedy"}
    decided = world.act(arbitrator, number, "rule", **ruling_payload(amount="25.00"))
    assert (decided["rulings"][0]["remedy"], decided["rulings"][0]["amount"]) == (
        "partial_refund",
        "25.00",
    )
    world.act(world.merchant, number, "execute")
    assert _money(case) == [(LedgerKind.REFUND, D("25.00"))]
    _sweeping_twice_changes_nothing(world, number)
