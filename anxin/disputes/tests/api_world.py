"""The world the disputes API tests share (built once per module, through the real services).

The cases isolation world (two shops m1/m2, consumers A and B, the staff and the tokens of
``anxin/cases/tests/builders.py``) plus disputes in the states the API tests need:

- ``neg``: A at m1, negotiating: the consumer's claim (its first proposal) declined by the
  merchant's counter-proposal, which is open; a photo of the consumer's;
- ``fresh``: a rejected case of A at m1 that nobody disputed yet;
- ``arb``: A at m1 in arbitration (the merchant answered its round, the agent referred it);
- ``ruled``: A at m1 decided by the arbitrator (a partial refund), waiting for the merchant;
- ``jury``: A at m1 on a public review panel, with the merchant's answer and a consumer's photo;
- ``a_at_m2``: A at m2, negotiating; ``foreign``: B at m2, negotiating.

Consumer B has an account older than 30 days and an order: an eligible panel member.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
from django.test import Client, override_settings

from anxin.accounts.models import User
from anxin.accounts.services import actor_for_user
from anxin.cases.models import Case
from anxin.cases.services import case_act
from anxin.cases.tests.builders import (
    NOW,
    SHANGHAI,
    World,
    open_case,
    png_bytes,
    shop_actor,
    signed_order,
    snapshot,
    world,
)
from anxin.core import clock
from anxin.core.actors import Actor
from anxin.core.tests.shared_rows import rows_for_the_group
from anxin.disputes.models import (
    DepositEntry,
    Dispute,
    DisputeEvent,
    DisputeEvidence,
    EvidenceRound,
    JuryVote,
    Proposal,
    Ruling,
    TopUpRequest,
)
from anxin.disputes.services import dispute_act, dispute_evidence_add, dispute_open
from conftest import ApiClient

RATIONALE = (
    "The consumer's photos show the seam opened in normal wear; under P-9 and B-1 the photos "
    "carry the point, so a partial refund is fair."
)
# What the merchant answers in the panel dispute's round: contact details the panel must not see.
MERCHANT_ANSWER = (
    "衣服出库前检查过，没有问题。请联系店长 13900001111 或 shop@m1.test，订单见 {order}。"
)


def ruling_payload(remedy: str = "partial_refund", amount: str = "40.00", **more: Any) -> dict:
    return {
        "remedy": remedy,
        "amount": amount,
        "rationale": RATIONALE,
        "rules": ["P-9"],
        "template": "B-1",
        **more,
    }


@dataclass
class DisputeWorld:
    base: World
    neg: Dispute
    fresh: Case
    arb: Dispute
    ruled: Dispute
    jury: Dispute
    a_at_m2: Dispute
    foreign: Dispute
    proposal: Proposal  # the merchant's open proposal in ``neg``
    neg_photo: str  # public id of the consumer's photo in ``neg``
    jury_photo: str  # public id of the consumer's photo in ``jury``
    actors: dict[str, Actor] = field(default_factory=dict)

    def api(self, role: str, lang: str = "en") -> ApiClient:
        return self.base.api(role, lang)

    @property
    def users(self) -> dict[str, Any]:
        return self.base.users

    def visible(self, role: str) -> set[str]:
        """Dispute numbers ``role`` may read (the ground truth the lists are checked against)."""
        a_m1 = {d.number for d in (self.neg, self.arb, self.ruled, self.jury)}
        m2 = {self.a_at_m2.number, self.foreign.number}
        everything = a_m1 | m2
        return {
            "anonymous": set(),
            "consumer_a": a_m1 | {self.a_at_m2.number},
            "consumer_b": {self.foreign.number},
            "m1_staff": a_m1,
            "m1_admin": a_m1,
            "m1_token": a_m1,
            "m2_staff": m2,
            "m2_token": m2,
            "agent": everything,
            "arbitrator": everything,
            "admin": everything,
            "platform_token": everything,
        }[role]


def disputes_snapshot() -> dict[str, Any]:
    """Everything a denied write must leave as it was: the cases' snapshot and the disputes'."""
    return {
        **snapshot(),
        "disputes": sorted(
            Dispute.unscoped.values_list("number", "status", "state_version", "level", "due_at")
        ),
        "dispute_events": DisputeEvent.objects.count(),
        "proposals": sorted(Proposal.objects.values_list("pk", "status", "answered_at")),
        "rounds": sorted(EvidenceRound.objects.values_list("pk", "status")),
        "dispute_evidence": DisputeEvidence.objects.count(),
        "rulings": Ruling.objects.count(),
        "votes": JuryVote.objects.count(),
        "deposit": DepositEntry.unscoped.count(),
        "top_ups": sorted(TopUpRequest.unscoped.values_list("pk", "status", "amount")),
    }


def _rejected(order: Any) -> Case:
    case = open_case(order)
    case_act(actor=shop_actor(order.merchant_id), case=case, action="reject",
             payload={"reason": "不支持无理由退货"})  # fmt: skip
    return Case.objects.get(pk=case.pk)


def _opened(case: Case, consumer: Actor, claim: str = "full_refund", amount: str = "") -> Dispute:
    payload = {"claim": claim, "statement": "衣服穿了一次就开线了，要求退款。"}
    if amount:
        payload["amount"] = amount
    return dispute_open(actor=consumer, case=case, payload=payload)


def _arbitration(case: Case, w: DisputeWorld | dict[str, Actor], answer: str = "") -> Dispute:
    """Opened, the platform stepped in (the merchant was silent), the merchant answered its
    round, the agent referred it: in arbitration."""
    actors = w if isinstance(w, dict) else w.actors
    dispute = _opened(case, actors["consumer_a"])
    dispute_act(actor=actors["consumer_a"], dispute=dispute, action="request_intervention")
    dispute_act(actor=actors["m1"], dispute=dispute, action="submit",
                payload={"statement": answer or "商品出库前检查过。"})  # fmt: skip
    dispute_act(actor=actors["agent"], dispute=dispute, action="refer",
                payload={"reason": "双方无法达成一致"})  # fmt: skip
    return Dispute.unscoped.get(pk=dispute.pk)


def dispute_world() -> DisputeWorld:
    base = world()
    clock.freeze(NOW)
    # consumer B: an account of more than 30 days with an order (order_b) — an eligible juror
    User.objects.filter(pk=base.users["consumer_b"].pk).update(
        date_joined=datetime(2026, 1, 1, tzinfo=SHANGHAI)
    )
    actors = {
        role: actor_for_user(User.objects.get(pk=base.users[role].pk))
        for role in ("consumer_a", "consumer_b", "agent", "arbitrator")
    }
    actors["m1"] = shop_actor(base.m1.pk)
    actors["m2"] = shop_actor(base.m2.pk)
    a = actors["consumer_a"]

    neg = _opened(_rejected(signed_order(base.m1, "E-A3", "buyer-a")), a, "partial_refund", "30")
    dispute_act(actor=actors["m1"], dispute=neg, action="propose",
                payload={"remedy": "partial_refund", "amount": "20.00", "note": "可以退20元"})  # fmt: skip
    neg_photo = dispute_evidence_add(actor=a, dispute=neg, stream=png_bytes(), note="开线处")

    arb = _arbitration(_rejected(signed_order(base.m1, "E-A4", "buyer-a")), actors)
    ruled = _arbitration(_rejected(signed_order(base.m1, "E-A5", "buyer-a")), actors)
    dispute_act(actor=actors["arbitrator"], dispute=ruled, action="rule", payload=ruling_payload())

    jury_order = signed_order(base.m1, "E-A6", "buyer-a")
    jury = _arbitration(
        _rejected(jury_order), actors, MERCHANT_ANSWER.format(order=jury_order.external_id)
    )
    jury_photo = dispute_evidence_add(actor=a, dispute=jury, stream=png_bytes(color=(9, 9, 200)))
    dispute_act(
        actor=actors["arbitrator"],
        dispute=jury,
        action="send_to_jury",
        payload={"photos": [str(jury_photo.evidence.public_id)]},  # checked: no personal data
    )

    a_at_m2 = _opened(_rejected(signed_order(base.m2, "E-A7", "buyer-a")), a)
    foreign = _opened(_rejected(signed_order(base.m2, "E-B2", "buyer-b")), actors["consumer_b"])
    return DisputeWorld(
        base=base,
        neg=Dispute.unscoped.get(pk=neg.pk),
        fresh=_rejected(signed_order(base.m1, "E-A8", "buyer-a")),
        arb=arb,
        ruled=Dispute.unscoped.get(pk=ruled.pk),
        jury=Dispute.unscoped.get(pk=jury.pk),
        a_at_m2=a_at_m2,
        foreign=foreign,
        proposal=Proposal.objects.get(dispute=neg, by_party="merchant"),
        neg_photo=str(neg_photo.evidence.public_id),
        jury_photo=str(jury_photo.evidence.public_id),
        actors=actors,
    )


@pytest.fixture(scope="module")
def _dispute_world(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[DisputeWorld]:
    """Built once for the module in an outer transaction; every test runs in a savepoint of it
    and is rolled back, so each one starts from exactly this world (photos: a module media
    directory)."""
    media = tmp_path_factory.mktemp("media")
    with (
        override_settings(MEDIA_ROOT=str(media)),
        rows_for_the_group(django_db_blocker),
        django_db_blocker.unblock(),
    ):
        yield dispute_world()


@pytest.fixture
def w(_dispute_world: DisputeWorld, db: Any) -> DisputeWorld:
    clock.freeze(NOW)
    return _dispute_world


def session(user: Any) -> ApiClient:
    client = Client()
    client.force_login(user)
    return ApiClient(client=client)
