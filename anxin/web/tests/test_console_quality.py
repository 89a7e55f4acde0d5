"""The quality inspector's workspace: alerts (rate against UCL and baseline, since which cohort),
task queues and taking a task, the task page with its server-drawn p-chart, the inspection form
(a failure delists, deducts the penalty, publishes the notice and asks for a rectification),
sampling plans, notices and description-accuracy flags; the inspector lands here and every link
of its menu answers; other roles are refused; bad input is a form error, never a 500."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from anxin.accounts.services import actor_for_user
from anxin.cases.tests.builders import LOADER, warehouse
from anxin.catalog.choices import SkuStatus
from anxin.catalog.models import Sku
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import Role
from anxin.disputes.deposit import deposit_top_up
from anxin.quality.models import QualityNotice, QualityTask, SamplingPlan
from anxin.quality.services import alert_raise, rectification_submit
from anxin.quality.tests.builders import DEFECT, NOT_AS_DESCRIBED, START, at, week_delivered

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
NAV = re.compile(r'<nav class="mainnav"[^>]*>(.*?)</nav>', re.S)


def quality_world() -> dict:
    """A shop whose SKU "JUMP" was delivered 200 units a week for eight weeks, 2 % coming back
    (defective, or once not as described), then 9 % defective in the last week — alerted, its task open — and the people who work it."""
    clock.freeze(at(START - timedelta(days=7)))
    shop = f.merchant("m1")
    warehouse(shop)
    deposit_top_up(actor=LOADER, merchant_id=shop.pk, amount=Decimal("2000.00"), key="dep-m1")
    for week in range(8):
        # week 6's returns are "not as described", in the consumer's words; the others defects
        week_delivered(shop, sku="JUMP", week=week, units=200, returns=18 if week == 7 else 4,
                       reason=NOT_AS_DESCRIBED if week == 6 else DEFECT,
                       description="颜色不对，色差严重，尺码偏小")  # fmt: skip
    sku = Sku.objects.get(code="JUMP")
    alert = alert_raise(
        sku_id=sku.pk, metric="defect", period_start=START + timedelta(weeks=7), returns=18,
        units=200, centre=0.02, ucl=0.0497, tail=0.00001, baseline_source="sku",
        baseline_units=1400,
    )  # fmt: skip
    return {
        "shop": shop,
        "sku": sku,
        "alert": alert,
        "task": QualityTask.unscoped.get(alert=alert),
        "inspector": f.user("inspector", Role.QUALITY_INSPECTOR),
        "admin": f.user("admin", Role.ADMIN),
        "agent": f.user("agent", Role.AGENT),
        "arbitrator": f.user("arbitrator", Role.ARBITRATOR),
        "merchant": f.user("m1-admin", Role.MERCHANT_ADMIN, [shop]),
        "consumer": f.user("shopper", Role.CONSUMER),
    }


@pytest.fixture
def q():
    return quality_world()


def client(user, language: str = "en") -> Client:
    c = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    c.force_login(user)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return c


def task_url(task, name: str = "task") -> str:
    return reverse(f"console_quality:{name}", args=[task.number])


def pages(q) -> list[str]:
    plan = SamplingPlan.unscoped.create(
        name="服装月度抽检", category=q["sku"].category, frequency="monthly", method="visual",
        next_run_at=clock.now() + timedelta(days=3), created_by="test",
    )  # fmt: skip
    return [
        reverse("console_quality:home"),
        reverse("console_quality:home") + "?status=all",
        reverse("console_quality:tasks"),
        reverse("console_quality:tasks") + "?queue=all",
        task_url(q["task"]),
        reverse("console_quality:plans"),
        reverse("console_quality:plan", args=[plan.pk]),
        reverse("console_quality:notices"),
        reverse("console_quality:accuracy"),
    ]


# --- who ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["inspector", "admin"])
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_inspectors_open_every_page(q, who, language):
    c = client(q[who], language)
    for url in pages(q):
        response = c.get(url)
        assert response.status_code == 200, url
        assert " style=" not in response.content.decode(), url  # classes, never inline styles


@pytest.mark.parametrize("who", ["agent", "arbitrator", "merchant", "consumer"])
def test_others_are_refused(q, who):
    c = client(q[who])
    for url in pages(q):
        assert c.get(url).status_code == 403, url
    assert c.post(task_url(q["task"], "take")).status_code == 403
    assert c.post(task_url(q["task"], "inspect"), {"sample_size": 1}).status_code == 403


def test_the_inspector_lands_on_the_workspace_and_every_menu_link_answers(q):
    c = client(q["inspector"])
    response = c.get("/")
    assert response.status_code == 302 and response["Location"] == reverse("console_quality:home")
    home = c.get("/", follow=True)
    links = re.findall(r'href="([^"]+)"', NAV.search(home.content.decode()).group(1))
    assert reverse("console_quality:home") in links and reverse("console_reviews:queue") in links
    assert reverse("console_disputes:queue") not in links
    for link in links:
        assert c.get(link).status_code == 200, link


@pytest.mark.parametrize("who", ["agent", "arbitrator", "admin"])
def test_the_quality_link_is_in_the_menu_of_inspectors_only(q, who):
    home = client(q[who]).get("/", follow=True)
    links = re.findall(r'href="([^"]+)"', NAV.search(home.content.decode()).group(1))
    assert (reverse("console_quality:home") in links) is (who == "admin")
    for link in links:
        assert client(q[who]).get(link).status_code == 200, (who, link)


# --- alerts, tasks, the chart ---------------------------------------------------------------------


def test_the_alert_shows_rate_against_ucl_and_baseline_and_its_cohort(q):
    body = client(q["inspector"]).get(reverse("console_quality:home")).content.decode()
    assert f'data-alert="{q["alert"].number}"' in body
    assert "9.0 %" in body and "5.0 %" in body and "2.0 %" in body  # rate, UCL, baseline
    cohort = (START + timedelta(weeks=7)).isoformat()
    assert cohort in body and q["task"].number in body


def test_the_task_page_draws_the_p_chart_and_the_words(q):
    body = client(q["inspector"]).get(task_url(q["task"])).content.decode()
    svg = re.search(r'<svg class="p-chart".*?</svg>', body, re.S).group(0)
    assert svg.count('class="point') == 8
    assert 'class="centre-line"' in svg and 'class="ucl-line"' in svg
    assert 'class="point signal"' in svg  # the 9 % week is above its limit
    assert "色差" in body and "尺码偏小" in body  # what consumers said
    assert 'id="take"' in body and 'id="inspection-form"' in body


def test_take_a_task(q):
    c = client(q["inspector"])
    assert c.post(task_url(q["task"], "take")).status_code == 302
    task = QualityTask.unscoped.get(pk=q["task"].pk)
    assert task.status == "inspecting" and task.inspector_id == q["inspector"].pk
    mine = c.get(reverse("console_quality:tasks") + "?queue=mine").content.decode()
    assert f'data-task="{task.number}"' in mine
    again = c.post(task_url(q["task"], "take"))  # taken already: refused with the page, not a 500
    assert again.status_code == 409


def fail_payload(**more) -> dict:
    return {
        "sample_size": "20", "defects_found": "6", "method": "lab", "lab_name": "SGS 上海",
        "result": "fail", "notes": "抽检20件，6件色差超标", "penalty": "800.00",
        "rectify_days": "10", "request": "更换面料供应商并重拍商品图",
        "public_findings": "抽检20件，6件色差超出标准", **more,
    }  # fmt: skip


def test_a_failed_inspection_delists_fines_publishes_and_asks_for_rectification(q):
    c = client(q["inspector"])
    data = fail_payload(report=SimpleUploadedFile("report.pdf", PDF, "application/pdf"))
    response = c.post(task_url(q["task"], "inspect"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    task = QualityTask.unscoped.get(pk=q["task"].pk)
    assert task.status == "failed" and task.delisted and task.penalty == Decimal("800.00")
    assert Sku.objects.get(pk=q["sku"].pk).status == SkuStatus.DELISTED
    notice = QualityNotice.unscoped.get(task=task)
    assert notice.findings == "抽检20件，6件色差超出标准"
    body = c.get(task_url(task)).content.decode()
    assert notice.number in body and "更换面料供应商并重拍商品图" in body
    record = task.inspections.get()
    report = c.get(reverse("console_quality:report", args=[record.public_id]))
    assert report.status_code == 200 and report["Content-Type"] == "application/pdf"
    notices = c.get(reverse("console_quality:notices")).content.decode()
    assert f'data-notice="{notice.number}"' in notices


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"sample_size": "0"}, "sample_size"),
        ({"sample_size": "abc"}, "sample_size"),
        ({"defects_found": "30"}, "defects_found"),
        ({"lab_name": ""}, "lab_name"),
        ({"notes": ""}, "notes"),
        ({"result": "maybe"}, "result"),
        ({"method": "guess"}, "method"),
        ({"penalty": "-1"}, "penalty"),
        ({"penalty": "1e9"}, "penalty"),
        ({"rectify_days": "1"}, "rectify_days"),
        ({"public_findings": "x\x00y"}, "public_findings"),
    ],
)
def test_bad_inspection_input_is_a_form_error(q, change, field):
    response = client(q["inspector"]).post(task_url(q["task"], "inspect"), fail_payload(**change))
    assert response.status_code == 400
    assert f'id="{field}-error"' in response.content.decode()
    assert not QualityTask.unscoped.get(pk=q["task"].pk).inspections.exists()


def test_a_report_that_is_not_a_pdf_or_photo_is_refused(q):
    data = fail_payload(
        report=SimpleUploadedFile("r.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    )
    response = client(q["inspector"]).post(task_url(q["task"], "inspect"), data)
    assert response.status_code == 400
    assert 'id="report-error"' in response.content.decode()


def test_cancel_and_dismiss_need_a_reason(q):
    c = client(q["inspector"])
    assert c.post(task_url(q["task"], "cancel"), {"reason": " "}).status_code == 400
    dismiss = reverse("console_quality:dismiss", args=[q["alert"].number])
    assert c.post(dismiss, {"reason": ""}).status_code == 400
    assert c.post(dismiss, {"reason": "同批次物流异常，非质量问题"}).status_code == 302
    assert QualityTask.unscoped.get(pk=q["task"].pk).status == "cancelled"


def test_unknown_things_are_404_and_bad_queues_400(q):
    c = client(q["inspector"])
    assert c.get(reverse("console_quality:task", args=["QT-NOPE"])).status_code == 404
    assert c.get(reverse("console_quality:report", args=["not-a-uuid"])).status_code == 404
    assert c.get(reverse("console_quality:plan", args=[99999])).status_code == 404
    assert c.get(reverse("console_quality:tasks") + "?queue=nope").status_code == 400
    assert c.get(reverse("console_quality:home") + "?status=nope").status_code == 400


def test_open_a_task_by_hand(q):
    c = client(q["inspector"])
    assert (
        c.post(reverse("console_quality:task_new"), {"merchant": "m1", "sku": "NOPE"}).status_code
        == 400
    )
    # JUMP already has an unfinished task: refused with a message
    assert (
        c.post(reverse("console_quality:task_new"), {"merchant": "m1", "sku": "JUMP"}).status_code
        == 409
    )


# --- sampling plans -------------------------------------------------------------------------------


def test_create_and_change_a_sampling_plan(q):
    c = client(q["inspector"], "zh-hans")
    category = q["sku"].category.code
    bad = c.post(reverse("console_quality:plans"), {"name": "", "category": "nope", "frequency": "daily",
                                                   "sample_skus": "0", "units_per_sku": "5", "method": "visual"})  # fmt: skip
    assert bad.status_code == 400
    body = bad.content.decode()
    for field in ("name", "category", "frequency", "sample_skus"):
        assert f'id="{field}-error"' in body, field
    ok = c.post(reverse("console_quality:plans"), {
        "name": "服装月度抽检", "category": category, "frequency": "monthly", "sample_skus": "3",
        "units_per_sku": "5", "method": "visual", "next_run_at": "2026-12-01T09:00", "active": "on",
    })  # fmt: skip
    assert ok.status_code == 302
    plan = SamplingPlan.unscoped.get(name="服装月度抽检")
    assert plan.category.code == category and plan.active
    url = reverse("console_quality:plan", args=[plan.pk])
    assert c.post(url, {"name": "服装季度抽检", "frequency": "quarterly", "sample_skus": "2",
                        "units_per_sku": "8", "method": "lab"}).status_code == 302  # fmt: skip
    plan.refresh_from_db()
    assert (plan.name, plan.frequency, plan.active, plan.method) == (
        "服装季度抽检",
        "quarterly",
        False,
        "lab",
    )
    assert c.post(url, {"name": "x", "frequency": "quarterly", "sample_skus": "99",
                        "units_per_sku": "8", "method": "lab"}).status_code == 400  # fmt: skip
    assert c.post(url, {"name": "x", "frequency": "quarterly", "sample_skus": "2", "units_per_sku": "8",
                        "method": "lab", "next_run_at": "31/31/2026"}).status_code == 400  # fmt: skip


# --- description accuracy -------------------------------------------------------------------------


def test_description_accuracy_lists_flagged_products_with_the_words(q):
    for week in range(8, 11):
        week_delivered(q["shop"], sku="NAD", week=week, units=100, returns=12,
                       reason="quality/not_as_described", description="色差严重，材质不对")  # fmt: skip
        week_delivered(q["shop"], sku="FINE", week=week, units=300, returns=0)
    body = client(q["inspector"]).get(reverse("console_quality:accuracy")).content.decode()
    assert "NAD" in body and "色差" in body
    assert ">FINE<" not in body


def test_reinspection_after_the_rectification_passes_and_relists(q):
    c = client(q["inspector"])
    assert c.post(task_url(q["task"], "inspect"), fail_payload()).status_code == 302
    rectification_submit(
        actor=actor_for_user(q["merchant"]), task=QualityTask.unscoped.get(pk=q["task"].pk),
        payload={"response": "已更换面料供应商，商品图按实物重拍"},
    )  # fmt: skip
    body = c.get(task_url(q["task"])).content.decode()
    assert "Record the re-inspection" in body and "已更换面料供应商" in body
    assert 'id="id_penalty"' not in body  # no second penalty on a re-inspection
    reinspect = c.get(reverse("console_quality:tasks") + "?queue=reinspect").content.decode()
    assert f'data-task="{q["task"].number}"' in reinspect
    passed = {"sample_size": "20", "defects_found": "0", "method": "lab", "lab_name": "SGS 上海",
              "result": "pass", "notes": "复检合格"}  # fmt: skip
    assert c.post(task_url(q["task"], "inspect"), passed).status_code == 302
    task = QualityTask.unscoped.get(pk=q["task"].pk)
    assert task.status == "passed" and task.round == 2
    assert Sku.objects.get(pk=q["sku"].pk).status == SkuStatus.LISTED
    assert QualityNotice.unscoped.get(task=task).resolved_at is not None


def test_the_inspector_opens_the_file_the_shop_attached_to_its_rectification(q, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    c = client(q["inspector"])
    assert c.post(task_url(q["task"], "inspect"), fail_payload()).status_code == 302
    task = QualityTask.unscoped.get(pk=q["task"].pk)
    body = c.get(task_url(task)).content.decode()
    assert "/api/v1/quality/rectifications/" not in body  # nothing attached yet
    rectification_submit(
        actor=actor_for_user(q["merchant"]), task=task,
        payload={"response": "已更换面料供应商，附检测报告"}, file=PDF,
    )  # fmt: skip
    rect = task.rectifications.get()
    link = f"/api/v1/quality/rectifications/{rect.public_id}/file"
    for who in ("inspector", "admin"):
        page = client(q[who]).get(task_url(task)).content.decode()
        section = page[
            page.index('id="rectifications"') : page.index(
                "</section>", page.index('id="rectifications"')
            )
        ]
        assert f'href="{link}"' in section and "file.pdf" in section
        opened = client(q[who]).get(link)
        assert opened.status_code == 200 and opened["Content-Type"] == "application/pdf"
        assert opened["Content-Security-Policy"] == "sandbox"
    assert client(q["inspector"], "zh-hans").get(task_url(task)).status_code == 200
    assert client(q["consumer"]).get(link).status_code in (403, 404)
