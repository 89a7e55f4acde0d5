"""Tenant and role isolation of the quality API: every operation × every role, from ONE table.

The world is the cases isolation world (shops m1 and m2, consumers A and B, staff and tokens, see
``anxin/cases/tests/builders.py``) plus a quality inspector, and at m1: an open alert with its open
task, a task that failed inspection (its SKU delisted, a notice, a rectification asked of m1) and
a sampling plan. m2 has no quality rows. Expected answers: anonymous 401 (except the public
notices and score); consumers 403; out of scope 404 — the same as missing; a role that may read
but not act 403. Denied writes change nothing; lists never contain another shop's rows.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from django.test import Client, override_settings

from anxin.accounts.services import actor_for_user
from anxin.cases.tests.builders import NOW, ROLES, World, png_bytes, world
from anxin.catalog.models import Sku
from anxin.catalog.tests import factories as f
from anxin.core import clock
from anxin.core.actors import SYSTEM, Role
from anxin.core.models import AuditEntry
from anxin.core.tests.shared_rows import rows_for_the_group
from anxin.quality.api.routes import router as quality_router
from anxin.quality.choices import TaskOrigin
from anxin.quality.models import (
    InspectionRecord,
    QualityAlert,
    QualityNotice,
    QualityTask,
    Rectification,
    SamplingPlan,
)
from anxin.quality.services import (
    alert_raise,
    inspection_record,
    plan_create,
    rectification_submit,
    task_open,
)
from conftest import ApiClient

pytestmark = [pytest.mark.django_db, pytest.mark.db]

Q_ROLES = (*ROLES, "inspector")
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@dataclass
class QualityWorld:
    base: World
    alert: str  # m1's open alert (its task open)
    task: str  # that task
    failed: str  # m1's failed task (rectification requested)
    inspection: str  # the failed task's inspection (public id)
    rectified: str  # m1's task whose rectification was submitted with a file (re-inspecting)
    rectification: str  # that rectification (public id)
    notice: str
    plan: int
    inspector: Any

    def api(self, role: str) -> ApiClient:
        if role == "inspector":
            client = Client()
            client.force_login(self.inspector)
            return ApiClient(client=client)
        return self.base.api(role)


def quality_world() -> QualityWorld:
    base = world()
    inspector_user = f.user("inspector", Role.QUALITY_INSPECTOR)
    inspector = actor_for_user(inspector_user)
    sku = Sku.objects.get(merchant=base.m1, code="TS-01")
    alert = alert_raise(sku_id=sku.pk, metric="defect", period_start=date(2026, 10, 26),
                        returns=9, units=100, centre=0.02, ucl=0.062, tail=1e-5,
                        baseline_source="sku", baseline_units=800)  # fmt: skip
    failed = task_open(actor=SYSTEM, sku_id=sku.pk, origin=TaskOrigin.MANUAL)
    record = inspection_record(
        actor=inspector, task=failed, report=PDF,
        payload={"sample_size": 10, "method": "visual", "result": "fail", "defects_found": 4,
                 "notes": "色差明显", "penalty": "0"},
    )  # fmt: skip
    rectified = task_open(actor=SYSTEM, sku_id=sku.pk, origin=TaskOrigin.MANUAL)
    inspection_record(
        actor=inspector, task=rectified,
        payload={"sample_size": 10, "method": "visual", "result": "fail", "defects_found": 2,
                 "notes": "线头多", "penalty": "0"},
    )  # fmt: skip
    m1_admin = actor_for_user(base.users["m1_admin"])
    rectification_submit(
        actor=m1_admin, task=rectified, payload={"response": "更换供应商"}, file=PDF
    )
    plan = plan_create(actor=inspector, payload={"name": "服装月度抽检", "category": "apparel-clothing",
                                                 "frequency": "monthly", "method": "visual",
                                                 "next_run_at": "2027-01-01T09:00:00+08:00"})  # fmt: skip
    return QualityWorld(
        base=base,
        alert=alert.number,
        task=alert.task.number,
        failed=failed.number,
        inspection=str(record.public_id),
        rectified=rectified.number,
        rectification=str(Rectification.unscoped.get(task=rectified).public_id),
        notice=QualityNotice.unscoped.get(task=failed).number,
        plan=plan.pk,
        inspector=inspector_user,
    )


@pytest.fixture(scope="module")
def _quality_world(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[QualityWorld]:
    media = tmp_path_factory.mktemp("media")
    with (
        override_settings(MEDIA_ROOT=str(media)),
        rows_for_the_group(django_db_blocker),
        django_db_blocker.unblock(),
    ):
        yield quality_world()


@pytest.fixture
def w(_quality_world: QualityWorld, db: Any) -> QualityWorld:
    clock.freeze(NOW)
    return _quality_world


def snapshot() -> dict[str, Any]:
    return {
        "alerts": sorted(QualityAlert.unscoped.values_list("number", "status")),
        "tasks": sorted(QualityTask.unscoped.values_list("number", "status", "state_version")),
        "inspections": InspectionRecord.unscoped.count(),
        "rectifications": sorted(
            Rectification.unscoped.values_list("pk", "status", "file", "file_sha256")
        ),
        "plans": sorted(SamplingPlan.unscoped.values_list("pk", "name", "active", "sample_skus")),
        "skus": sorted(Sku.objects.values_list("pk", "status")),
        "audit": AuditEntry.objects.count(),
    }


@dataclass(frozen=True)
class Endpoint:
    method: str
    route: str
    call: Callable[[QualityWorld, ApiClient], Any]
    writes: bool = False


def _inspect(w: QualityWorld, api: ApiClient) -> Any:
    report = io.BytesIO(PDF)
    report.name = "report.pdf"
    data = {"sample_size": "5", "method": "visual", "result": "pass", "report": report}
    return api.client.post(
        f"/api/v1/quality/tasks/{w.task}/inspections", data, headers=api._headers({})
    )


def _upload(w: QualityWorld, api: ApiClient) -> Any:
    photo = io.BytesIO(png_bytes())
    photo.name = "新标签.png"
    data = {"response": "已按实物重拍商品图片", "file": photo}
    return api.client.post(
        f"/api/v1/quality/tasks/{w.failed}/rectification/upload", data, headers=api._headers({})
    )


T = "/quality/tasks/{number}"
ENDPOINTS: dict[str, Endpoint] = {
    "alerts": Endpoint("GET", "/quality/alerts", lambda w, api: api.get("/quality/alerts")),
    "alert": Endpoint("GET", "/quality/alerts/{number}", lambda w, api: api.get(f"/quality/alerts/{w.alert}")),
    "dismiss": Endpoint("POST", "/quality/alerts/{number}/dismiss",
                        lambda w, api: api.post(f"/quality/alerts/{w.alert}/dismiss", {"reason": "误报"}), writes=True),
    "tasks": Endpoint("GET", "/quality/tasks", lambda w, api: api.get("/quality/tasks")),
    "open": Endpoint("POST", "/quality/tasks",
                     lambda w, api: api.post("/quality/tasks", {"merchant": "m2", "sku": "TS-01"}), writes=True),
    "task": Endpoint("GET", T, lambda w, api: api.get(f"/quality/tasks/{w.task}")),
    "start": Endpoint("POST", T + "/actions/{action}",
                      lambda w, api: api.post(f"/quality/tasks/{w.task}/actions/start", {}), writes=True),
    "inspect": Endpoint("POST", T + "/inspections", _inspect, writes=True),
    "report": Endpoint("GET", "/quality/inspections/{inspection_id}/report",
                       lambda w, api: api.get(f"/quality/inspections/{w.inspection}/report")),
    "rectify": Endpoint("POST", T + "/rectification",
                        lambda w, api: api.post(f"/quality/tasks/{w.failed}/rectification", {"response": "已更换面料"}),
                        writes=True),
    "upload": Endpoint("POST", T + "/rectification/upload", _upload, writes=True),
    "rect_file": Endpoint("GET", "/quality/rectifications/{rectification_id}/file",
                          lambda w, api: api.get(f"/quality/rectifications/{w.rectification}/file")),
    "rectifications": Endpoint("GET", "/quality/rectifications", lambda w, api: api.get("/quality/rectifications")),
    "plans": Endpoint("GET", "/quality/plans", lambda w, api: api.get("/quality/plans")),
    "plan_create": Endpoint("POST", "/quality/plans",
                            lambda w, api: api.post("/quality/plans", {"name": "家居季度抽检", "category": "apparel-clothing",
                                                                       "frequency": "quarterly", "method": "lab"}), writes=True),
    "plan_change": Endpoint("PATCH", "/quality/plans/{plan_id}",
                            lambda w, api: api.client.patch(f"/api/v1/quality/plans/{w.plan}", {"sample_skus": 5},
                                                            content_type="application/json", headers=api._headers({})),
                            writes=True),
    "notices": Endpoint("GET", "/quality/notices", lambda w, api: api.get("/quality/notices")),
    "notice": Endpoint("GET", "/quality/notices/{number}", lambda w, api: api.get(f"/quality/notices/{w.notice}")),
    "score": Endpoint("GET", "/quality/merchants/{code}/accuracy", lambda w, api: api.get("/quality/merchants/m1/accuracy")),
    "accuracy": Endpoint("GET", "/quality/accuracy", lambda w, api: api.get("/quality/accuracy", {"merchant": "m1"})),
    "month": Endpoint("GET", "/quality/report", lambda w, api: api.get("/quality/report", {"merchant": "m1"})),
}  # fmt: skip


def _row(endpoint: str, *statuses: int) -> dict[tuple[str, str], int]:
    return {(endpoint, role): s for role, s in zip(Q_ROLES, statuses, strict=True)}


# fmt: off
POLICY: dict[tuple[str, str], int] = {
    #                       anon cons_a cons_b m1_st m1_ad m1_tk m2_st m2_tk agent arbit admin plat_tk insp
    **_row("alerts",         401, 403,   403,   200,  200,  200,  200,  200,  200,  200,  200,  200,    200),
    **_row("alert",          401, 403,   403,   200,  200,  200,  404,  404,  200,  200,  200,  200,    200),
    **_row("dismiss",        401, 403,   403,   403,  403,  403,  404,  404,  403,  403,  200,  403,    200),
    **_row("tasks",          401, 403,   403,   200,  200,  200,  200,  200,  200,  200,  200,  200,    200),
    **_row("open",           401, 403,   403,   403,  403,  403,  403,  403,  403,  403,  201,  403,    201),
    **_row("task",           401, 403,   403,   200,  200,  200,  404,  404,  200,  200,  200,  200,    200),
    **_row("start",          401, 403,   403,   403,  403,  403,  404,  404,  403,  403,  200,  403,    200),
    **_row("inspect",        401, 403,   403,   403,  403,  403,  404,  404,  403,  403,  201,  403,    201),
    **_row("report",         401, 403,   403,   200,  200,  200,  404,  404,  200,  200,  200,  200,    200),
    **_row("rectify",        401, 403,   403,   200,  200,  200,  404,  404,  403,  403,  403,  403,    403),
    **_row("upload",         401, 403,   403,   200,  200,  200,  404,  404,  403,  403,  403,  403,    403),
    **_row("rect_file",      401, 403,   403,   200,  200,  200,  404,  404,  200,  200,  200,  200,    200),
    **_row("rectifications", 401, 403,   403,   200,  200,  200,  200,  200,  200,  200,  200,  200,    200),
    **_row("plans",          401, 403,   403,   200,  200,  200,  200,  200,  200,  200,  200,  200,    200),
    **_row("plan_create",    401, 403,   403,   403,  403,  403,  403,  403,  403,  403,  201,  403,    201),
    **_row("plan_change",    401, 403,   403,   404,  404,  404,  404,  404,  403,  403,  200,  403,    200),
    **_row("notices",        200, 200,   200,   200,  200,  200,  200,  200,  200,  200,  200,  200,    200),
    **_row("notice",         200, 200,   200,   200,  200,  200,  200,  200,  200,  200,  200,  200,    200),
    **_row("score",          200, 200,   200,   200,  200,  200,  200,  200,  200,  200,  200,  200,    200),
    **_row("accuracy",       401, 403,   403,   200,  200,  200,  404,  404,  200,  200,  200,  200,    200),
    **_row("month",          401, 403,   403,   200,  200,  200,  404,  404,  200,  200,  200,  200,    200),
}
# fmt: on

M1 = {"m1_staff", "m1_admin", "m1_token"}
PLATFORM = {"agent", "arbitrator", "admin", "platform_token", "inspector"}


@pytest.mark.parametrize(("endpoint", "role"), sorted(POLICY))
def test_policy_table(w: QualityWorld, endpoint: str, role: str) -> None:
    # given
    spec = ENDPOINTS[endpoint]
    expected = POLICY[(endpoint, role)]
    before = snapshot()
    # when
    response = spec.call(w, w.api(role))
    # then
    assert response.status_code == expected, (endpoint, role, response.content[:300])
    if expected in (401, 403, 404):
        code = {401: "auth.required", 403: "forbidden", 404: "not_found"}[expected]
        assert response.json()["error"]["code"] == code
    if spec.writes:
        assert (snapshot() == before) is (expected >= 400), "a denied write changed something"
    if expected == 200 and spec.route in (
        "/quality/alerts",
        "/quality/tasks",
        "/quality/rectifications",
    ):
        rows = response.json()
        mine = role in M1 or role in PLATFORM
        if spec.route == "/quality/alerts":
            assert {r["number"] for r in rows} == ({w.alert} if mine else set())
        elif spec.route == "/quality/tasks":
            assert {r["number"] for r in rows} == (
                {w.task, w.failed, w.rectified} if mine else set()
            )
        else:
            assert {r["task"] for r in rows} == ({w.failed, w.rectified} if mine else set())
    if expected == 200 and spec.route == "/quality/plans":
        assert [p["id"] for p in response.json()] == ([w.plan] if role in PLATFORM else [])


def test_the_public_notice_names_no_person(w: QualityWorld) -> None:
    body = w.api("anonymous").get(f"/quality/notices/{w.notice}").json()
    text = str(body)
    assert body["merchant"] == "m1" and body["sku_code"] == "TS-01"
    for private in ("张三", "13812341234", "inspector", "user:"):
        assert private not in text


def test_every_quality_route_has_rows_for_every_role() -> None:
    served: set[tuple[str, str]] = set()
    for mount in quality_router.build_routers(""):
        for path, view in mount.template.path_operations.items():
            for operation in view.operations:
                served |= {(m.upper(), f"{mount.prefix}{path}") for m in operation.methods}
    declared = {(e.method, e.route) for e in ENDPOINTS.values()}
    assert served == declared
    assert {role for _e, role in POLICY} == set(Q_ROLES)
    assert len(POLICY) == len(ENDPOINTS) * len(Q_ROLES)
