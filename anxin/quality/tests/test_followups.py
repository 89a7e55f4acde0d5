"""What the pages asked of quality: a rectification with a file (checked like a report, served
to the shop and inspectors), the 描述相符 score stored daily and read in one query by the public
page (computed for the one shop when no row exists yet), the monthly reports reading the
deliveries once, and rectification statuses in their own translation context."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from anxin.accounts.services import actor_for_user
from anxin.cases.tests.builders import png_bytes, warehouse
from anxin.catalog.models import Sku
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import SYSTEM, Role
from anxin.core.errors import Forbidden, ValidationFailed
from anxin.quality import accuracy, selectors
from anxin.quality.accuracy import merchant_accuracy
from anxin.quality.choices import RectificationStatus, TaskOrigin, TaskStatus
from anxin.quality.models import AccuracyScore, MonthlyReport, QualityTask, Rectification
from anxin.quality.report import quality_reports_send
from anxin.quality.scan import quality_scan
from anxin.quality.scores import accuracy_scores_store, description_score
from anxin.quality.services import inspection_record, rectification_submit, task_open
from conftest import ApiClient

from .builders import NOT_AS_DESCRIBED, START, at, day_of, freeze_on, week_delivered

pytestmark = [pytest.mark.django_db]

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def shops() -> Any:
    """m1 sells BAD (12 % returned as not as described) and GOOD, m2 sells PEER; six weeks."""
    clock.freeze(at(START - timedelta(days=7)))
    m1, m2 = f.merchant("m1"), f.merchant("m2")
    warehouse(m1)
    warehouse(m2)
    member = f.user("m1-admin", Role.MERCHANT_ADMIN, merchants=[m1])
    other = f.user("m2-admin", Role.MERCHANT_ADMIN, merchants=[m2])
    inspector = f.user("inspector", Role.QUALITY_INSPECTOR)
    for week in range(6):
        week_delivered(m1, sku="BAD", week=week, units=100, returns=12, reason=NOT_AS_DESCRIBED)
        week_delivered(m1, sku="GOOD", week=week, units=100, returns=1, reason=NOT_AS_DESCRIBED)
        week_delivered(m2, sku="PEER", week=week, units=400, returns=4, reason=NOT_AS_DESCRIBED)
    freeze_on(day_of(6, 0))
    return m1, m2, member, other, inspector


def _failed(m1: Any, inspector: Any) -> QualityTask:
    task = task_open(actor=SYSTEM, sku_id=Sku.objects.get(code="BAD").pk, origin="manual")
    inspection_record(
        actor=actor_for_user(inspector), task=task,
        payload={"sample_size": 10, "method": "visual", "result": "fail", "defects_found": 3,
                 "notes": "色差", "penalty": "0"},
    )  # fmt: skip
    task.refresh_from_db()
    assert task.status == TaskStatus.FAILED
    return task


def _client(user: Any) -> ApiClient:
    client = Client()
    client.force_login(user)
    return ApiClient(client=client)


# --- rectification with a file ----------------------------------------------------------------


def test_a_rectification_keeps_its_file_for_the_shop_and_inspectors(shops: Any) -> None:
    m1, _m2, member, other, inspector = shops
    task = _failed(m1, inspector)
    # when the shop submits with a PDF certificate
    rectification_submit(
        actor=actor_for_user(member), task=task, payload={"response": "更换面料供应商"},
        file=PDF,
    )  # fmt: skip
    # then
    found = Rectification.unscoped.get(task=task)
    assert found.status == RectificationStatus.SUBMITTED and found.file
    assert (found.file_content_type, found.file_size) == ("application/pdf", len(PDF))
    assert found.file_name == "file.pdf"  # bytes carry no name
    task.refresh_from_db()
    assert task.status == TaskStatus.REINSPECTING
    for user in (member, inspector):
        got = selectors.rectification_file_get_for(
            actor=actor_for_user(user), public_id=str(found.public_id)
        )
        assert got.pk == found.pk
        response = _client(user).get(f"/quality/rectifications/{found.public_id}/file")
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Security-Policy"] == "sandbox"
        assert response["X-Content-Type-Options"] == "nosniff"
        detail = _client(user).get(f"/quality/tasks/{task.number}").json()
        assert detail["rectifications"][0]["file"] == (
            f"/api/v1/quality/rectifications/{found.public_id}/file"
        )
    # another shop finds nothing
    assert _client(other).get(f"/quality/rectifications/{found.public_id}/file").status_code == 404


def test_an_uploaded_photo_is_re_encoded_and_named(shops: Any) -> None:
    m1, _m2, member, _other, inspector = shops
    task = _failed(m1, inspector)
    api = _client(member)
    # when (multipart, as the web page and integrators send it)
    photo = io.BytesIO(png_bytes())
    photo.name = "C:\\拍照\\新吊牌.png"
    response = api.client.post(
        f"/api/v1/quality/tasks/{task.number}/rectification/upload",
        {"response": "已更换吊牌", "file": photo},
        headers=api._headers({}),
    )
    # then
    assert response.status_code == 200, response.content
    rect = response.json()["rectifications"][0]
    assert (rect["status"], rect["file_name"], rect["file_content_type"]) == (
        "submitted", "新吊牌.png", "image/png",
    )  # fmt: skip


@pytest.mark.parametrize(
    "content",
    [b"", b"MZ\x90\x00 not a document", b"%PDF-1.7\n/JavaScript (app.alert(1))\n%%EOF\n"],
)
def test_a_refused_file_leaves_the_task_waiting(shops: Any, content: bytes) -> None:
    m1, _m2, member, _other, inspector = shops
    task = _failed(m1, inspector)
    # when
    with pytest.raises(ValidationFailed) as refused:
        rectification_submit(
            actor=actor_for_user(member), task=task, payload={"response": "改了"}, file=content
        )
    # then
    assert set(refused.value.fields) == {"file"}
    task.refresh_from_db()
    assert task.status == TaskStatus.FAILED
    assert Rectification.unscoped.get(task=task).status == RectificationStatus.REQUESTED


def test_only_the_shop_submits_a_rectification(shops: Any) -> None:
    m1, _m2, _member, _other, inspector = shops
    task = _failed(m1, inspector)
    with pytest.raises(Forbidden):
        rectification_submit(
            actor=actor_for_user(inspector), task=task, payload={"response": "x"}, file=PDF
        )


# --- the stored 描述相符 score ------------------------------------------------------------------


@pytest.mark.db  # the upsert (INSERT … ON CONFLICT) is SQL each database speaks its own way
def test_the_scan_stores_every_shops_score_and_the_page_reads_one_row(shops: Any) -> None:
    m1, m2, *_ = shops
    # when
    result = quality_scan(today=clock.localnow().date())
    # then
    assert result.scores == 2
    for shop in (m1, m2):
        computed = merchant_accuracy(merchant_id=shop.pk)
        with CaptureQueriesContext(connection) as queries:
            stored = description_score(merchant_id=shop.pk)
        assert len(queries.captured_queries) == 1
        assert stored.stored and stored.day == clock.localnow().date()
        assert stored.score == computed.score
        assert (stored.units, stored.returns, stored.expected) == (
            computed.units, computed.returns, pytest.approx(computed.expected),
        )  # fmt: skip
        assert stored.interval.low == pytest.approx(computed.interval.low)
    # the public API answers the stored figure
    AccuracyScore.unscoped.filter(merchant=m1).update(value=3.3)
    body = ApiClient().get("/quality/merchants/m1/accuracy").json()
    assert body["score"] == 3.3
    # storing again is idempotent
    assert accuracy_scores_store() == 2
    assert AccuracyScore.unscoped.count() == 2


def test_without_a_row_the_score_is_computed_for_that_shop_only(
    shops: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    m1, *_ = shops
    calls: list[dict[str, Any]] = []
    real = accuracy.figures_load

    def counting(**kwargs: Any) -> Any:
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(accuracy, "figures_load", counting)
    # when
    found = description_score(merchant_id=m1.pk)
    # then: one load, limited to the categories m1 sells in (their norms need every shop's)
    assert not found.stored
    assert [sorted(c["category_ids"]) for c in calls] == [
        sorted(set(Sku.objects.filter(merchant=m1).values_list("category_id", flat=True)))
    ]
    everyone = accuracy.merchants_accuracy(inputs=accuracy.accuracy_inputs())[m1.pk]
    assert found.score == everyone.score


def test_the_monthly_reports_read_the_deliveries_once(
    shops: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    m1, m2, *_ = shops
    task_open(actor=SYSTEM, sku_id=Sku.objects.get(code="GOOD").pk, origin=TaskOrigin.MANUAL)
    shop3 = f.merchant("m3")  # a shop with a quality task and no deliveries in the window
    QualityTask.unscoped.filter(merchant=m1).update(merchant=shop3)  # (m3 has no SKU to open one)
    calls: list[dict[str, Any]] = []
    real = accuracy.figures_load

    def counting(**kwargs: Any) -> Any:
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(accuracy, "figures_load", counting)
    month = clock.localnow().date().replace(day=1)
    # when
    sent = quality_reports_send(month=month)
    # then
    assert sent == 3 and len(calls) == 1
    assert set(MonthlyReport.unscoped.values_list("merchant_id", flat=True)) == {
        m1.pk, m2.pk, shop3.pk,
    }  # fmt: skip


# --- words --------------------------------------------------------------------------------------


def test_rectification_statuses_do_not_borrow_other_screens_words() -> None:
    # "Requested" without a context is a request's date on the consumer's page (申请时间)
    with translation.override("zh-hans"):
        assert str(RectificationStatus.REQUESTED.label) != "申请时间"
        assert str(RectificationStatus.REJECTED.label) != "商家已拒绝"
    with translation.override("en"):
        assert str(RectificationStatus.REQUESTED.label) == "Requested"
