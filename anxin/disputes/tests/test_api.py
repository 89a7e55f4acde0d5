"""The disputes API end to end: a merchant's integration answers a dispute entirely by API; a
mediator's proposal needs both sides; the panel reads an anonymised dispute and votes; the deposit
after advance compensation; bad input is a localized 4xx naming the field, never a 500; every
dispute step is a declared webhook event, delivered signed and without personal data."""

import io
import json
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from anxin.accounts.models import User
from anxin.accounts.services import actor_for_user
from anxin.cases.models import Case, Refund
from anxin.cases.tests.builders import png_bytes, upload
from anxin.catalog.models import Customer
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Role
from anxin.core.errors import Conflict
from anxin.disputes.models import Dispute, JuryVote
from anxin.disputes.notify import DISPUTE_EVENTS
from anxin.disputes.services import jury_vote
from anxin.disputes.workflow import DISPUTE_WORKFLOW
from anxin.notifications.delivery import outbox_deliver_until_idle
from anxin.notifications.events import webhook_events
from anxin.notifications.models import Notification, OutboxMessage
from anxin.notifications.tests.receiver import Receiver, receiver_serving

from .api_world import RATIONALE, DisputeWorld, disputes_snapshot, ruling_payload, signed_order
from .api_world import _dispute_world as _dispute_world  # the module's world (a fixture)
from .api_world import w as w

# Reads and writes go through tenant filters (also runs on PostgreSQL).
pytestmark = [pytest.mark.django_db, pytest.mark.db]


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.content[:400]
    body: dict[str, Any] = response.json()
    return body


def _refunded(case_id: int) -> Decimal:
    return sum((r.amount for r in Refund.objects.filter(case_id=case_id)), Decimal(0))


def _open_and_ask_the_merchant(w: DisputeWorld, amount: str = "50.00") -> str:
    """Consumer A disputes the fresh case and asks the platform to step in (the merchant has not
    answered): a round asks the merchant for its answer."""
    a = w.api("consumer_a")
    opened = _ok(
        a.post(
            f"/cases/{w.fresh.number}/dispute",
            {"claim": "partial_refund", "amount": amount, "statement": "拉链坏了，要求部分退款。"},
        ),
        201,
    )
    assert opened["status"] == "negotiating" and opened["actions"] == [
        "propose",
        "request_intervention",
        "withdraw",
    ]
    number: str = opened["number"]
    asked = _ok(a.post(f"/disputes/{number}/actions/request_intervention"))
    assert asked["status"] == "awaiting_evidence"
    return number


# --- a merchant integration (merchant API token) --------------------------------------------------


def test_a_merchant_integration_negotiates_and_settles_by_api(w: DisputeWorld) -> None:
    token, consumer = w.api("m1_token"), w.api("consumer_a")
    # the queue: open disputes of the shop, nearest deadline first
    queue = _ok(token.get("/disputes", {"open": "true", "status": "negotiating"}))
    assert [d["number"] for d in queue["items"]] == [w.neg.number]
    # the consumer declines the shop's offer and counters
    declined = _ok(
        consumer.post(
            f"/disputes/{w.neg.number}/proposals/{w.proposal.pk}/decline", {"reason": "太少了"}
        )
    )
    assert [p["status"] for p in declined["proposals"]] == ["declined", "declined"]
    _ok(
        consumer.post(
            f"/disputes/{w.neg.number}/actions/propose",
            {"remedy": "partial_refund", "amount": "28.00", "note": "28元可以接受"},
        )
    )
    # the integration reads the counter-offer and may accept it
    detail = _ok(token.get(f"/disputes/{w.neg.number}"))
    counter = detail["proposals"][-1]
    assert (counter["by"], counter["amount"], counter["may_accept"], counter["may_decline"]) == (
        "consumer",
        "28.00",
        True,
        True,
    )
    # when it accepts (with an Idempotency-Key, sent twice)
    path = f"/disputes/{w.neg.number}/proposals/{counter['id']}/accept"
    settled = _ok(token.post(path, {"version": detail["version"]}, **{"Idempotency-Key": "k-1"}))
    again = token.post(path, {"version": detail["version"]}, **{"Idempotency-Key": "k-1"})
    # then the dispute is settled, the case refunded once, and the history shows every step
    assert settled["status"] == "settled" and settled["actions"] == []
    assert again.status_code == 200 and again.headers["Idempotent-Replayed"] == "true"
    assert again.json() == settled
    assert Case.objects.get(pk=w.neg.case_id).status == "refunded"
    assert _refunded(w.neg.case_id) == Decimal("28.00")
    assert [(e["action"], e["actor_role"]) for e in settled["events"]] == [
        ("open", "consumer"),
        ("propose", "merchant_admin"),
        ("decline", "consumer"),
        ("propose", "consumer"),
        ("accept", "integrator"),
    ]


def test_a_merchant_integration_answers_a_round_carries_out_the_decision_and_appeals(
    w: DisputeWorld,
) -> None:
    token = w.api("m1_token")
    number = _open_and_ask_the_merchant(w)
    # the integration sees what is asked of it, and by when
    detail = _ok(token.get(f"/disputes/{number}"))
    asked = detail["asked_of_me"]
    assert asked["party"] == "merchant" and asked["due_at"] == detail["due_at"]
    assert detail["actions"] == ["propose", "submit"]
    assert _ok(w.api("consumer_a").get(f"/disputes/{number}"))["asked_of_me"] is None
    # it gives a photo (joining the round) and answers the round
    photo = _ok(upload(token, f"/disputes/{number}/evidence", png_bytes(), "label.png"), 201)
    assert photo["round"] == 1 and photo["party"] == "merchant"
    answered = _ok(
        token.post(f"/disputes/{number}/actions/submit", {"statement": "发货前质检合格，见照片。"})
    )
    assert answered["status"] == "mediation" and answered["rounds"][0]["status"] == "answered"
    # the platform refers it and the arbitrator decides a partial refund
    _ok(w.api("agent").post(f"/disputes/{number}/actions/refer", {"reason": "调解未果"}))
    clock.advance(timedelta(hours=2))
    ruled = _ok(
        w.api("arbitrator").post(f"/disputes/{number}/actions/rule", ruling_payload(amount="30.00"))
    )
    assert ruled["status"] == "ruled"
    # the integration carries it out: the consumer is refunded and reads the reasons
    executed = _ok(token.post(f"/disputes/{number}/actions/execute"))
    assert executed["status"] == "executed"
    case_id = Case.objects.get(number=w.fresh.number).pk
    assert _refunded(case_id) == Decimal("30.00")
    mine = _ok(w.api("consumer_a").get(f"/disputes/{number}"))
    assert mine["rulings"][0]["rationale"] == RATIONALE
    assert mine["rulings"][0]["rules"] == ["P-9", "B-1"]
    assert "appeal" in mine["actions"]
    # and appeals, with evidence given after the decision, to an arbitrator who did not decide it
    second = f.user("arbitrator-2", Role.ARBITRATOR)
    refused = token.post(f"/disputes/{number}/actions/appeal", {"statement": "判决不公"})
    assert refused.status_code == 422 and set(refused.json()["error"]["fields"]) == {"evidence"}
    _ok(upload(token, f"/disputes/{number}/evidence", png_bytes(color=(1, 2, 3)), "new.png"), 201)
    clock.advance(timedelta(hours=3))
    appealed = _ok(
        token.post(f"/disputes/{number}/actions/appeal", {"statement": "有新的质检报告。"})
    )
    assert (appealed["status"], appealed["appealed_by"], appealed["level"]) == (
        "appealed",
        "merchant",
        "appeal",
    )
    assert [e["for_appeal"] for e in appealed["evidence"]] == [False, True]
    dispute = Dispute.unscoped.get(number=number)
    assert dispute.appeal_arbitrator_id == second.pk and dispute.appealed_at == clock.now()
    # the appeal's arbitrator is told, and its service target (7 days) is the next deadline
    assert Notification.objects.filter(recipient=second, kind="dispute_appeal").count() == 1
    assert (appealed["due_kind"], parse_datetime(appealed["due_at"])) == (
        "appeal_target",
        clock.now() + timedelta(days=7),
    )


def test_a_mediators_proposal_settles_when_both_sides_accept_it(w: DisputeWorld) -> None:
    number = _open_and_ask_the_merchant(w)
    token, consumer = w.api("m1_token"), w.api("consumer_a")
    _ok(token.post(f"/disputes/{number}/actions/submit", {"statement": "同意调解。"}))
    proposed = _ok(
        w.api("agent").post(
            f"/disputes/{number}/actions/propose",
            {"remedy": "partial_refund", "amount": "35.00", "note": "调解方案"},
        )
    )
    claim, proposal = proposed["proposals"]  # the mediator's proposal replaces the open claim
    assert (claim["status"], proposal["status"]) == ("lapsed", "open")
    assert proposal["by"] == "platform" and not proposal["may_accept"]  # not the agent's to accept
    for api in (token, consumer):
        mine = _ok(api.get(f"/disputes/{number}"))["proposals"][-1]
        assert (mine["may_accept"], mine["may_decline"]) == (True, True)
    # the first side agrees: still in mediation, waiting for the other
    first = _ok(consumer.post(f"/disputes/{number}/proposals/{proposal['id']}/accept"))
    after = first["proposals"][-1]
    assert first["status"] == "mediation"
    assert (after["consumer_agreed"], after["merchant_agreed"]) == (True, False)
    assert (after["may_accept"], after["may_decline"]) == (False, True)
    # the second side accepts: settled
    done = _ok(token.post(f"/disputes/{number}/proposals/{proposal['id']}/accept"))
    assert done["status"] == "settled"
    assert _refunded(Case.objects.get(number=w.fresh.number).pk) == Decimal("35.00")


def test_photos_are_served_only_within_their_dispute(w: DisputeWorld) -> None:
    token = w.api("m1_token")
    photo = token.get(f"/disputes/{w.neg.number}/evidence/{w.neg_photo}")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert photo["Cache-Control"].startswith("private") and b"".join(photo.streaming_content)
    for path in (
        f"/disputes/{w.jury.number}/evidence/{w.neg_photo}",  # another dispute's photo
        f"/disputes/{w.neg.number}/evidence/not-a-uuid",
        f"/panels/{w.jury.number}/evidence/{w.jury_photo}",  # the shop is no panel member
    ):
        assert token.get(path).status_code == 404, path


# --- the public review panel --------------------------------------------------------------------


def test_the_panel_reads_no_personal_data_and_votes_once(w: DisputeWorld) -> None:
    juror = w.api("consumer_b")
    (panel,) = _ok(juror.get("/panels"))  # type: ignore[misc]
    text = json.dumps(panel, ensure_ascii=False)
    jury_case = Case.objects.select_related("order", "merchant").get(pk=w.jury.case_id)
    for secret in (
        jury_case.number,
        jury_case.rma,
        jury_case.order.number,
        jury_case.order.external_id,
        jury_case.merchant.name,
        "张三",
        "13812341234",
        "13900001111",
        "上海市浦东新区世纪大道100号",
        "shop@m1.test",
        "consumer-a",
    ):
        assert secret not in text, secret
    assert set(panel) == {
        "number", "claim", "claim_label", "claim_amount", "currency", "reason", "statement",
        "answers", "offers", "evidence", "votes_until",
    }  # fmt: skip
    assert [a["by"] for a in panel["answers"]] == ["Merchant"]
    assert "***" in panel["answers"][0]["statement"]
    (photo,) = panel["evidence"]
    assert (
        photo["by"] == "Consumer"
        and juror.get(photo["url"].removeprefix("/api/v1")).status_code == 200
    )
    assert w.api("consumer_a").get(photo["url"].removeprefix("/api/v1")).status_code == 404
    # while voting, nobody reads the counts
    arbitrator = w.api("arbitrator")
    assert _ok(arbitrator.get(f"/disputes/{w.jury.number}"))["jury"]["votes"] is None
    # one vote each
    vote = _ok(
        juror.post(f"/panels/{w.jury.number}/votes", {"vote": "consumer", "note": "照片清楚"}), 201
    )
    assert set(vote) == {"vote", "note", "created_at"}
    again = juror.post(f"/panels/{w.jury.number}/votes", {"vote": "merchant"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "dispute.voted"
    assert _ok(juror.get("/panels")) == []  # type: ignore[comparison-overlap]
    # the arbitrator closes the panel: the counts are shown to the parties and the arbitrator
    closed = _ok(arbitrator.post(f"/disputes/{w.jury.number}/actions/close_jury"))
    assert closed["status"] == "arbitration"
    assert closed["jury"] == {
        "status": "closed", "until": None, "votes": {"consumer": 1, "merchant": 0},
        "majority": "consumer",
    }  # fmt: skip
    assert _ok(w.api("m1_staff").get(f"/disputes/{w.jury.number}"))["jury"] == closed["jury"]
    assert juror.get(f"/panels/{w.jury.number}").status_code == 404


# --- the deposit after advance compensation -------------------------------------------------------


def test_advance_compensation_shows_on_the_deposit_and_a_top_up_pays_it_back(
    w: DisputeWorld,
) -> None:
    # (in arbitration, the arbitrator pays at once: agents act only during mediation)
    paid = _ok(
        w.api("arbitrator").post(
            f"/disputes/{w.arb.number}/actions/fast_track", {"reason": "小额，平台先行赔付"}
        )
    )
    assert paid["status"] == "executed" and paid["fast_track"]
    deposit = _ok(w.api("m1_token").get("/deposit"))
    assert (deposit["balance"], deposit["owed"], deposit["settlement_held"]) == (
        "0.00",
        "100.00",
        True,
    )
    (entry,) = deposit["entries"]
    assert (entry["kind"], entry["amount"], entry["dispute"]) == (
        "deduction",
        "100.00",
        w.arb.number,
    )
    assert deposit["top_up_request"]["amount"] == "2100.00"
    # a platform administrator records the shop's payment (idempotent by its reference)
    body = {"amount": "2100.00", "reference": "BANK-2026-1"}
    first = _ok(w.api("admin").post("/merchants/m1/deposit/top-ups", body), 201)
    again = _ok(w.api("platform_token").post("/merchants/m1/deposit/top-ups", body), 201)
    assert first["kind"] == again["kind"] == "top_up" and first["amount"] == again["amount"]
    assert parse_datetime(first["created_at"]) == parse_datetime(again["created_at"])
    after = _ok(w.api("m1_staff").get("/deposit"))
    assert (after["balance"], after["owed"], after["settlement_held"], after["top_up_request"]) == (
        "2000.00",
        "0.00",
        False,
        None,
    )


# --- bad input -------------------------------------------------------------------------------------

ARB, NEG, JURY = "{arb}", "{neg}", "{jury}"
# (role, path, body, the field at fault); JSON POSTs unless the body is None (a GET with params)
BAD: list[tuple[str, str, Any, str]] = [
    ("consumer_a", "/cases/{fresh}/dispute", {"claim": "reject", "statement": "x"}, "claim"),
    ("consumer_a", "/cases/{fresh}/dispute", {"claim": "refund_please", "statement": "x"}, "claim"),
    ("consumer_a", "/cases/{fresh}/dispute", {"claim": "partial_refund", "amount": "-1", "statement": "x"}, "amount"),
    ("consumer_a", "/cases/{fresh}/dispute", {"claim": "partial_refund", "amount": "9999", "statement": "x"}, "amount"),
    ("consumer_a", "/cases/{fresh}/dispute", {"claim": "full_refund", "statement": "  "}, "statement"),
    ("consumer_a", "/cases/{fresh}/dispute", {"claim": "full_refund", "statement": "x", "extra": 1}, "extra"),
    ("m1_token", "/disputes", {"status": "bogus"}, "status"),
    ("m1_token", "/disputes", {"level": "supreme"}, "level"),
    ("m1_token", "/disputes", {"queue": "everything"}, "queue"),
    ("m1_token", "/disputes", {"open": "maybe"}, "open"),
    ("m1_token", "/disputes", {"limit": "0"}, "limit"),
    ("m1_token", "/disputes", {"cursor": "!!not-a-cursor!!"}, "cursor"),
    ("m1_token", f"/disputes/{NEG}/actions/propose", {}, "remedy"),
    ("m1_token", f"/disputes/{NEG}/actions/propose", {"remedy": "reject"}, "remedy"),
    ("m1_token", f"/disputes/{NEG}/actions/propose", {"remedy": "partial_refund", "amount": "abc"}, "amount"),
    ("m1_token", f"/disputes/{NEG}/actions/propose", {"remedy": "partial_refund", "amount": "0"}, "amount"),
    ("m1_token", f"/disputes/{NEG}/actions/propose", {"remedy": "partial_refund", "amount": "5000"}, "amount"),
    ("m1_token", f"/disputes/{NEG}/actions/propose", {"remedy": "full_refund", "version": -1}, "version"),
    ("m1_token", f"/disputes/{NEG}/actions/propose", {"remedy": "full_refund", "colour": "red"}, "colour"),
    ("m1_token", f"/disputes/{NEG}/actions/propose", [1, 2], "body"),
    ("consumer_a", f"/disputes/{NEG}/actions/accept", {}, "proposal"),
    ("consumer_a", f"/disputes/{NEG}/actions/decline", {"proposal": "first"}, "proposal"),
    ("consumer_a", f"/disputes/{NEG}/proposals/first/accept", {}, "id"),
    ("consumer_a", f"/disputes/{NEG}/proposals/999999/accept", {}, "proposal"),
    ("consumer_a", "/disputes/{neg}/proposals/{proposal}/decline", {"why": "x"}, "why"),
    ("arbitrator", f"/disputes/{ARB}/actions/rule", ruling_payload(rationale="too short"), "rationale"),
    ("arbitrator", f"/disputes/{ARB}/actions/rule", ruling_payload(rules=[]), "rules"),
    ("arbitrator", f"/disputes/{ARB}/actions/rule", ruling_payload(rules=["because"]), "rules"),
    ("arbitrator", f"/disputes/{ARB}/actions/rule", ruling_payload(template="X-1"), "template"),
    ("arbitrator", f"/disputes/{ARB}/actions/rule", ruling_payload(template="B-99"), "template"),
    ("arbitrator", f"/disputes/{ARB}/actions/rule", ruling_payload(remedy="refund"), "remedy"),
    ("arbitrator", f"/disputes/{ARB}/actions/open_round", {"party": "platform", "template": "B-1"}, "party"),
    ("arbitrator", f"/disputes/{ARB}/actions/suspend", {"days": 99, "reason": "等待鉴定"}, "days"),
    ("agent", f"/disputes/{ARB}/actions/suspend", {"days": 3}, "reason"),
    ("consumer_b", f"/panels/{JURY}/votes", {"vote": "maybe"}, "vote"),
    ("consumer_b", f"/panels/{JURY}/votes", {"vote": "consumer", "note": "x" * 301}, "note"),
    ("admin", "/merchants/m1/deposit/top-ups", {"amount": "-5", "reference": "R1"}, "amount"),
    ("admin", "/merchants/m1/deposit/top-ups", {"amount": "0", "reference": "R1"}, "amount"),
    ("admin", "/merchants/m1/deposit/top-ups", {"amount": "5"}, "reference"),
    ("platform_token", "/deposit", {}, "merchant"),
]  # fmt: skip


def _path(w: DisputeWorld, template: str) -> str:
    return template.format(
        fresh=w.fresh.number,
        neg=w.neg.number,
        arb=w.arb.number,
        jury=w.jury.number,
        proposal=w.proposal.pk,
    )


@pytest.mark.parametrize(("role", "template", "body", "field"), BAD)
def test_bad_input_is_a_4xx_naming_the_field_and_changes_nothing(
    w: DisputeWorld, role: str, template: str, body: Any, field: str
) -> None:
    api = w.api(role)
    path = _path(w, template)
    before = disputes_snapshot()
    is_get = template in ("/disputes", "/deposit")
    response = api.get(path, body) if is_get else api.post(path, body)
    assert response.status_code == 422, response.content[:300]
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["fields"].get(field), error
    assert disputes_snapshot() == before


def _multipart(api: Any, path: str, **fields: Any) -> Any:
    """A multipart POST: bytes become files, anything else a form field."""
    data: dict[str, Any] = {}
    for name, value in fields.items():
        if isinstance(value, bytes):
            stream = io.BytesIO(value)
            stream.name = "upload.png"
            data[name] = stream
        else:
            data[name] = value
    return api.client.post(f"/api/v1{path}", data, headers=api._headers({}))


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"file": b"%PDF-1.4 not a photo"}, "file"),
        ({"note": "x" * 301, "file": png_bytes()}, "note"),
        ({"note": "no file"}, "file"),
    ],
)
def test_a_bad_upload_is_a_4xx_naming_the_field(
    w: DisputeWorld, fields: dict[str, Any], field: str
) -> None:
    before = disputes_snapshot()
    response = _multipart(w.api("consumer_a"), f"/disputes/{w.neg.number}/evidence", **fields)
    assert 400 <= response.status_code < 500, response.content[:300]
    assert response.json()["error"]["fields"].get(field), response.json()
    assert disputes_snapshot() == before


def test_a_nul_character_is_bad_input_not_a_server_error(w: DisputeWorld) -> None:
    """PostgreSQL refuses NUL in text: every way in names the field instead of failing (500)."""
    a, before = w.api("consumer_a"), disputes_snapshot()
    calls = {
        "note": a.post(
            f"/disputes/{w.neg.number}/actions/propose",
            {"remedy": "partial_refund", "amount": "5", "note": "a\x00b"},
        ),
        "statement": a.post(
            f"/cases/{w.fresh.number}/dispute", {"claim": "full_refund", "statement": "a\x00"}
        ),
        "number": a.get(f"/disputes/{w.neg.number}\x00"),
        "action": a.post(f"/disputes/{w.neg.number}/actions/with\x00draw", {}),
        "reason": a.post(
            f"/disputes/{w.neg.number}/proposals/{w.proposal.pk}/decline", {"reason": "\x00"}
        ),
        "merchant": w.api("m1_token").get("/disputes", {"merchant": "m\x001"}),
        "code": w.api("admin").post(
            "/merchants/m\x001/deposit/top-ups", {"amount": "1", "reference": "R"}
        ),
        "vote_note": w.api("consumer_b").post(
            f"/panels/{w.jury.number}/votes", {"vote": "consumer", "note": "\x00"}
        ),
        "photo_note": _multipart(
            a, f"/disputes/{w.neg.number}/evidence", file=png_bytes(), note="\x00"
        ),
    }
    for field, response in calls.items():
        assert response.status_code == 422, (field, response.content[:200])
        assert response.json()["error"]["fields"].get(
            field.removeprefix("vote_").removeprefix("photo_")
        ), field
    assert disputes_snapshot() == before


def test_errors_are_in_the_callers_language(w: DisputeWorld) -> None:
    body = {"claim": "full_refund"}  # no statement
    for lang in ("zh-hans", "en"):
        response = w.api("consumer_a", lang).post(f"/cases/{w.fresh.number}/dispute", body)
        assert response.status_code == 422
        with translation.override(lang):
            required, invalid = (
                gettext("This field is required."),
                gettext("Some fields are not valid."),
            )
        assert response.json()["error"]["fields"] == {"statement": required}
        assert response.json()["error"]["message"] == invalid
    with translation.override("zh-hans"):
        assert gettext("This field is required.") != "This field is required."


def test_a_stale_version_is_a_conflict_and_changes_nothing(w: DisputeWorld) -> None:
    before = disputes_snapshot()
    response = w.api("consumer_a").post(
        f"/disputes/{w.neg.number}/proposals/{w.proposal.pk}/accept", {"version": 0}
    )
    assert response.status_code == 409
    assert disputes_snapshot() == before


def test_the_openapi_document_builds_and_every_dispute_schema_is_named_dispute(client: Any) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    ours = {
        path: ops
        for path, ops in spec["paths"].items()
        if any(tag.startswith("disputes") for op in ops.values() for tag in op.get("tags", []))
    }
    assert len(ours) == 14
    refs: set[str] = set()
    pending = [json.dumps(ours)]
    while pending:
        for name in set(_refs(pending.pop())) - refs:
            refs.add(name)
            pending.append(json.dumps(spec["components"]["schemas"][name]))
    assert refs and all(name.startswith("Dispute") for name in refs), sorted(refs)


def _refs(text: str) -> list[str]:
    return [part.split('"')[0] for part in text.split('"#/components/schemas/')[1:]]


# --- webhooks -----------------------------------------------------------------------------------


def test_the_vote_that_fills_the_panel_closes_it_and_a_dispute_has_one_panel(
    w: DisputeWorld, settings: Any
) -> None:
    # given a panel of one seat, and two consumers who may sit on it
    settings.ANXIN_DISPUTE_JURY_SIZE = 1
    late = User.objects.get(pk=w.users["consumer_b"].pk)
    late.pk, late.username = None, "consumer-c"
    late.save()
    order = signed_order(w.base.m2, "E-C1", "buyer-c")
    Customer.objects.filter(pk=order.customer_id).update(user=late)
    # when consumer B's vote fills it
    jury_vote(actor=w.actors["consumer_b"], dispute=w.jury, payload={"vote": "consumer"})
    # then the same step closed it (the system, J-1), with B's vote as the majority
    jury = Dispute.unscoped.get(pk=w.jury.pk)
    assert (jury.status, jury.jury_verdict, jury.jury_until) == ("arbitration", "consumer", None)
    last = jury.events.order_by("pk").last()
    assert (last.action, last.actor_role, last.reason) == (
        "close_jury",
        "system",
        "J-1: the panel is full",
    )
    # a later vote is refused, and not kept
    with pytest.raises(Conflict, match=r"Voting on this dispute has closed\.") as refused:
        jury_vote(actor=actor_for_user(late), dispute=w.jury, payload={"vote": "merchant"})
    assert refused.value.code == "dispute.jury_closed"
    assert list(JuryVote.objects.filter(dispute=jury).values_list("vote", flat=True)) == [
        "consumer"
    ]
    # and the arbitrator cannot send the dispute to a second panel
    again = w.api("arbitrator").post(f"/disputes/{w.jury.number}/actions/send_to_jury", {})
    assert again.status_code == 409 and again.json()["error"]["code"] == "dispute.jury_done"
    assert Dispute.unscoped.get(pk=w.jury.pk).state_version == jury.state_version


def test_the_merchant_hears_of_a_new_dispute_once(w: DisputeWorld, receiver: Receiver) -> None:
    # given the shop's integration listens for new disputes
    receiver.endpoint(w.base.m1, "m1", events=["dispute.open"])
    # when consumer A disputes the fresh rejected request
    before = set(Notification.objects.values_list("pk", flat=True))
    OutboxMessage.objects.all().delete()
    _ok(
        w.api("consumer_a").post(
            f"/cases/{w.fresh.number}/dispute",
            {"claim": "full_refund", "statement": "商家拒绝退货，要求全额退款。"},
        ),
        201,
    )
    # then each of the shop's people gets one message about it: the request's escalation
    new = Notification.objects.exclude(pk__in=before)
    shop = [w.users["m1_staff"].pk, w.users["m1_admin"].pk]
    assert sorted(new.values_list("recipient", "kind")) == [(pk, "escalate") for pk in shop]
    # and its integration the dispute's own event (a webhook only, no message of its own)
    hooks = OutboxMessage.objects.filter(channel="webhook").values_list("event", flat=True)
    assert list(hooks) == ["dispute.open"]


def test_every_dispute_step_is_a_declared_webhook_event() -> None:
    assert set(DISPUTE_EVENTS) == {f"dispute.{a}" for a in [*DISPUTE_WORKFLOW.actions, "open"]}
    assert set(DISPUTE_EVENTS) <= set(webhook_events())


@pytest.fixture
def receiver(settings: Any) -> Iterator[Receiver]:
    settings.ANXIN_WEBHOOK_ALLOW_PRIVATE = True
    with receiver_serving() as rec:
        yield rec


def test_a_subscribed_endpoint_receives_a_signed_step_without_personal_data(
    w: DisputeWorld, receiver: Receiver, django_capture_on_commit_callbacks: Any
) -> None:
    # given an endpoint of m1 subscribed to proposals, and one of m2
    receiver.endpoint(w.base.m1, "m1", events=["dispute.propose"])
    receiver.endpoint(w.base.m2, "m2")
    OutboxMessage.objects.all().delete()
    # when the consumer proposes through the API and the outbox is delivered
    with django_capture_on_commit_callbacks(execute=True):
        _ok(
            w.api("consumer_a").post(
                f"/disputes/{w.neg.number}/actions/propose",
                {"remedy": "partial_refund", "amount": "26.00", "note": "我的电话13812341234"},
            )
        )
    outbox_deliver_until_idle()
    # then m1's endpoint got one signed event, m2's nothing
    (hit,) = receiver.requests
    assert hit.path == "/hooks/m1" and hit.verified
    assert hit.headers["X-Anxin-Event"] == "dispute.propose"
    payload = json.loads(hit.body)
    assert payload["dispute_number"] == w.neg.number and payload["merchant"] == "m1"
    assert payload["to_status"] == "negotiating" and payload["claim_amount"] == "30.00"
    text = hit.body.decode()
    for personal in ("张三", "13812341234", "上海市浦东新区", "consumer-a", "衣服穿了一次"):
        assert personal not in text, personal
