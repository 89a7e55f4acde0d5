"""/api/v1/quality/tasks, inspections, rectifications and sampling plans: the inspector's
workspace, and the shop's side of a failed inspection (its rectification)."""

from types import SimpleNamespace
from typing import Any, BinaryIO, cast

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import File, Form, Query, Router, Status
from ninja.files import UploadedFile

from anxin.accounts.api.auth import API_AUTH, actor_of
from anxin.core.api.idempotency import idempotent
from anxin.core.errors import NotFound, ValidationFailed
from anxin.core.responses import photo_response

from .. import selectors, services
from .common import reader, task_detail
from .schemas import (
    Key,
    OpenQuery,
    PlanBody,
    PlanChangeBody,
    PlanOut,
    ReasonBody,
    RectificationOut,
    RectifyBody,
    TaskDetailOut,
    TaskOpenBody,
    TaskOut,
    TaskQuery,
)

router = Router(tags=["quality: tasks and inspections"], auth=API_AUTH)

INSPECTION_FIELDS = (
    "sample_size", "method", "lab_name", "result", "defects_found", "notes", "penalty",
    "rectify_days", "request", "public_findings",
)  # fmt: skip


@router.get("/quality/tasks", response=list[TaskOut], summary="Quality tasks (newest first)")
def task_list(request: HttpRequest, query: Query[TaskQuery]) -> Any:
    actor = reader(actor_of(request))
    rows = selectors.task_list_for(
        actor=actor, status=query.status, queue=query.queue, merchant=query.merchant
    )
    return list(rows[:200])


@router.post(
    "/quality/tasks", response={201: TaskDetailOut}, summary="Open a task for a SKU (inspectors)"
)
@idempotent(TaskDetailOut)
def task_open(request: HttpRequest, payload: TaskOpenBody) -> Status[Any]:
    actor = reader(actor_of(request))
    task = services.task_open_by_hand(actor=actor, payload=payload.model_dump())
    return Status(201, task_detail(actor, task.number))


@router.get(
    "/quality/tasks/{number}",
    response=TaskDetailOut,
    summary="A task: history, inspections, rectifications, notice",
)
def task_get(request: HttpRequest, number: Key) -> Any:
    return task_detail(reader(actor_of(request)), number)


@router.post(
    "/quality/tasks/{number}/actions/{action}",
    response={200: TaskDetailOut},
    summary="Take a step: start or cancel (inspectors)",
)
@idempotent(TaskDetailOut)
def task_action(request: HttpRequest, number: Key, action: Key, payload: ReasonBody) -> Any:
    actor = reader(actor_of(request))
    task = selectors.task_get_for(actor=actor, number=number)
    if action not in ("start", "cancel"):
        raise NotFound()
    services.task_act(actor=actor, task=task, action=action, payload=payload.model_dump())
    return Status(200, task_detail(actor, number))


@router.post(
    "/quality/tasks/{number}/inspections",
    response={201: TaskDetailOut},
    summary="Record a sampling inspection (multipart; file 'report' optional) — passes or fails the task",
)
def inspection_add(
    request: HttpRequest, number: Key, report: File[UploadedFile] | None = None
) -> Any:
    actor = reader(actor_of(request))
    task = selectors.task_get_for(actor=actor, number=number)
    payload = {k: request.POST[k] for k in INSPECTION_FIELDS if request.POST.get(k, "") != ""}
    services.inspection_record(
        actor=actor,
        task=task,
        payload=payload,
        report=cast(BinaryIO, report) if report is not None else None,
    )
    return Status(201, task_detail(actor, number))


@router.get("/quality/inspections/{inspection_id}/report", summary="An inspection's report file")
def inspection_report(request: HttpRequest, inspection_id: Key) -> HttpResponse:
    actor = reader(actor_of(request))
    record = selectors.inspection_get_for(actor=actor, public_id=inspection_id)
    if not record.report:
        raise NotFound()
    return _file_response(record.report, record.report_content_type)


def _file_response(file: Any, content_type: str) -> HttpResponse:
    """A stored report or rectification file, inline, never sniffed; a PDF sandboxed."""
    response = photo_response(SimpleNamespace(file=file, content_type=content_type))
    if content_type == "application/pdf":
        response["Content-Security-Policy"] = "sandbox"
    return response


@router.post(
    "/quality/tasks/{number}/rectification",
    response={200: TaskDetailOut},
    summary="Submit the rectification (the shop): what was changed; the task goes to re-inspection",
)
@idempotent(TaskDetailOut)
def rectification_submit(request: HttpRequest, number: Key, payload: RectifyBody) -> Any:
    actor = reader(actor_of(request))
    task = selectors.task_get_for(actor=actor, number=number)
    services.rectification_submit(actor=actor, task=task, payload=payload.model_dump())
    return Status(200, task_detail(actor, number))


@router.post(
    "/quality/tasks/{number}/rectification/upload",
    response={200: TaskDetailOut},
    summary="Submit the rectification with a file (multipart: 'response' and an optional 'file', "
    "a PDF or a JPEG/PNG/WebP image up to 10 MB)",
)
def rectification_upload(
    request: HttpRequest,
    number: Key,
    response: Form[str],
    file: File[UploadedFile | None] = None,
) -> Any:
    actor = reader(actor_of(request))
    task = selectors.task_get_for(actor=actor, number=number)
    if "\x00" in response:
        raise ValidationFailed(fields={"response": _("This value is not valid.")})
    services.rectification_submit(
        actor=actor,
        task=task,
        payload={"response": response},
        file=cast(BinaryIO, file) if file is not None else None,
    )
    return Status(200, task_detail(actor, number))


@router.get("/quality/rectifications/{rectification_id}/file", summary="A rectification's file")
def rectification_file(request: HttpRequest, rectification_id: Key) -> HttpResponse:
    actor = reader(actor_of(request))
    found = selectors.rectification_file_get_for(actor=actor, public_id=rectification_id)
    return _file_response(found.file, found.file_content_type)


@router.get(
    "/quality/rectifications", response=list[RectificationOut], summary="Rectification requests"
)
def rectification_list(request: HttpRequest, query: Query[OpenQuery]) -> Any:
    actor = reader(actor_of(request))
    return list(selectors.rectification_list_for(actor=actor, open_only=query.open)[:200])


@router.get("/quality/plans", response=list[PlanOut], summary="Routine sampling plans (platform)")
def plan_list(request: HttpRequest) -> Any:
    return list(selectors.plan_list_for(actor=reader(actor_of(request))))


@router.post(
    "/quality/plans", response={201: PlanOut}, summary="Create a sampling plan (inspectors)"
)
@idempotent(PlanOut)
def plan_create(request: HttpRequest, payload: PlanBody) -> Any:
    actor = reader(actor_of(request))
    return Status(201, services.plan_create(actor=actor, payload=payload.model_dump(mode="json")))


@router.patch(
    "/quality/plans/{plan_id}",
    response={200: PlanOut},
    summary="Change a sampling plan (inspectors)",
)
def plan_change(request: HttpRequest, plan_id: int, payload: PlanChangeBody) -> Any:
    actor = reader(actor_of(request))
    plan = selectors.plan_get_for(actor=actor, pk=plan_id)
    changes = payload.model_dump(mode="json", exclude_unset=True)
    return Status(200, services.plan_change(actor=actor, plan=plan, payload=changes))
