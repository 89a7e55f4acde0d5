"""What the quality API reads and answers (django-ninja schemas)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints

from anxin.core.labels import choice_label

from .. import inputs
from ..choices import (
    AlertStatus,
    BaselineSource,
    InspectionMethod,
    InspectionResult,
    Metric,
    PlanFrequency,
    RectificationStatus,
    TaskOrigin,
    TaskStatus,
)

NO_NUL = r"^[^\x00]*$"
Key = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[^\x00]+$")]
Code = Annotated[str, StringConstraints(max_length=40, pattern=NO_NUL)]


# --- bodies and queries -------------------------------------------------------------------------


class ReasonBody(inputs.ActIn):
    """A step that needs a reason (cancel, dismiss)."""


class RectifyBody(inputs.RectifyIn):
    """What the shop changed."""


class PlanBody(inputs.PlanIn):
    pass


class PlanChangeBody(inputs.PlanChangeIn):
    pass


class TaskOpenBody(inputs.TaskOpenIn):
    pass


class AlertQuery(Schema):
    status: AlertStatus | None = None
    merchant: Code | None = None


class TaskQuery(Schema):
    status: TaskStatus | None = None
    queue: Annotated[
        str, StringConstraints(pattern=r"^(open|mine|waiting_merchant|reinspect|all)$")
    ] = "all"
    merchant: Code | None = None


class MerchantQuery(Schema):
    merchant: Code | None = Field(
        default=None, description="Merchant code; needed only with platform access"
    )


class ReportQuery(MerchantQuery):
    month: Annotated[str, StringConstraints(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")] | None = None


class OpenQuery(Schema):
    open: bool = False


# --- answers --------------------------------------------------------------------------------------


class SkuOut(Schema):
    code: str
    name: str
    status: str


class AlertOut(Schema):
    model_config = ConfigDict(from_attributes=True)

    id: UUID = Field(validation_alias="public_id")
    number: str
    merchant: str
    sku: SkuOut
    category: str
    metric: str
    metric_label: str
    period_start: date
    period_end: date
    returns: int
    units: int
    rate: float
    centre_line: float
    ucl: float
    baseline: str
    baseline_label: str
    baseline_units: int
    status: str
    status_label: str
    raised_at: datetime
    closed_at: datetime | None
    close_reason: str
    task: str | None

    @staticmethod
    def resolve_merchant(obj: Any) -> str:
        return obj.merchant.code

    @staticmethod
    def resolve_category(obj: Any) -> str:
        return obj.category.code

    @staticmethod
    def resolve_metric_label(obj: Any) -> str:
        return choice_label(Metric, obj.metric)

    @staticmethod
    def resolve_centre_line(obj: Any) -> float:
        return obj.centre

    @staticmethod
    def resolve_baseline(obj: Any) -> str:
        return obj.baseline_source

    @staticmethod
    def resolve_baseline_label(obj: Any) -> str:
        return choice_label(BaselineSource, obj.baseline_source)

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return choice_label(AlertStatus, obj.status)

    @staticmethod
    def resolve_task(obj: Any) -> str | None:
        task = getattr(obj, "task", None)
        return task.number if task is not None else None


class ChartPointOut(Schema):
    week: date
    returns: int
    units: int
    rate: float
    centre: float
    ucl: float
    charted: bool
    signal: bool


class ChartOut(Schema):
    metric: str
    label: str
    points: list[ChartPointOut]


class AlertDetailOut(AlertOut):
    charts: list[ChartOut] = []


class EventOut(Schema):
    action: str
    from_status: str
    to_status: str
    actor: str
    actor_role: str
    reason: str
    created_at: datetime


class InspectionOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    round: int
    sample_size: int
    method: str
    method_label: str
    lab_name: str
    result: str
    result_label: str
    defects_found: int
    notes: str
    report: str | None
    report_content_type: str
    inspected_by: str
    inspected_at: datetime

    @staticmethod
    def resolve_method_label(obj: Any) -> str:
        return choice_label(InspectionMethod, obj.method)

    @staticmethod
    def resolve_result_label(obj: Any) -> str:
        return choice_label(InspectionResult, obj.result)

    @staticmethod
    def resolve_report(obj: Any) -> str | None:
        return f"/api/v1/quality/inspections/{obj.public_id}/report" if obj.report else None


class AspectOut(Schema):
    aspect: str
    count: int
    words: list[str]


class RectificationOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    task: str
    sku: str
    round: int
    status: str
    status_label: str
    request: str
    aspects: list[AspectOut]
    requested_at: datetime
    due_at: datetime
    response: str
    submitted_at: datetime | None
    decided_at: datetime | None
    file: str | None = Field(description="URL of the file the shop attached, if any")
    file_name: str
    file_content_type: str
    file_size: int

    @staticmethod
    def resolve_file(obj: Any) -> str | None:
        return f"/api/v1/quality/rectifications/{obj.public_id}/file" if obj.file else None

    @staticmethod
    def resolve_task(obj: Any) -> str:
        return obj.task.number

    @staticmethod
    def resolve_sku(obj: Any) -> str:
        return obj.task.sku.code

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return choice_label(RectificationStatus, obj.status)


class NoticeOut(Schema):
    number: str
    merchant: str
    merchant_name: str
    sku_code: str
    product_name: str
    category_code: str
    method: str
    method_label: str
    lab_name: str
    sample_size: int
    defects_found: int
    findings: str
    measures: str
    penalty: Decimal
    published_at: datetime
    resolved_at: datetime | None

    @staticmethod
    def resolve_merchant(obj: Any) -> str:
        return obj.merchant.code

    @staticmethod
    def resolve_method_label(obj: Any) -> str:
        return choice_label(InspectionMethod, obj.method)


class TaskOut(Schema):
    id: UUID = Field(validation_alias="public_id")
    number: str
    version: int = Field(validation_alias="state_version")
    merchant: str
    sku: SkuOut
    origin: str
    origin_label: str
    alert: str | None
    status: str
    status_label: str
    round: int
    due_at: datetime | None
    penalty: Decimal
    delisted: bool
    opened_at: datetime
    closed_at: datetime | None

    @staticmethod
    def resolve_merchant(obj: Any) -> str:
        return obj.merchant.code

    @staticmethod
    def resolve_origin_label(obj: Any) -> str:
        return choice_label(TaskOrigin, obj.origin)

    @staticmethod
    def resolve_alert(obj: Any) -> str | None:
        return obj.alert.number if obj.alert_id else None

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return choice_label(TaskStatus, obj.status)


class TaskDetailOut(TaskOut):
    events: list[EventOut]
    inspections: list[InspectionOut]
    rectifications: list[RectificationOut]
    notice: NoticeOut | None
    actions: list[str]

    @staticmethod
    def resolve_notice(obj: Any) -> Any:
        return getattr(obj, "notice", None) if hasattr(obj, "notice") else None

    @staticmethod
    def resolve_actions(obj: Any) -> list[str]:
        return list(getattr(obj, "actions_now", []))


class PlanOut(Schema):
    id: int
    name: str
    category: str
    frequency: str
    frequency_label: str
    sample_skus: int
    units_per_sku: int
    method: str
    active: bool
    next_run_at: datetime
    last_run_at: datetime | None

    @staticmethod
    def resolve_category(obj: Any) -> str:
        return obj.category.code

    @staticmethod
    def resolve_frequency_label(obj: Any) -> str:
        return choice_label(PlanFrequency, obj.frequency)


class IntervalOut(Schema):
    low: float
    high: float


class ScoreOut(Schema):
    value: float
    from_returns: float
    stars: float | None
    stars_count: int
    ratio: float


class WordOut(Schema):
    word: str
    count: int


class AspectCountOut(Schema):
    aspect: str
    label: str
    advice: str
    count: int
    words: list[WordOut]


class SkuAccuracyOut(Schema):
    sku: str
    name: str
    units: int
    returns: int
    rate: float
    interval: IntervalOut
    norm: float
    flagged: bool
    aspects: list[AspectCountOut] = []


class AccuracyOut(Schema):
    merchant: str
    since: date
    until: date
    units: int
    returns: int
    rate: float
    interval: IntervalOut
    expected: float
    score: ScoreOut
    skus: list[SkuAccuracyOut]


class PublicAccuracyOut(Schema):
    merchant: str
    score: float
    rate: float
    expected: float
    units: int
    interval: IntervalOut
    since: date
    until: date


class MetricFigureOut(Schema):
    returns: int
    rate: float
    category_rate: float


class ReportRowOut(Schema):
    sku: str
    name: str
    category: str
    units: int
    rates: dict[str, MetricFigureOut]
    not_as_described_interval: IntervalOut
    flagged: bool
    aspects: list[AspectCountOut]


class ReportOut(Schema):
    merchant: str
    month: str
    since: date
    until: date
    score: ScoreOut
    skus: list[ReportRowOut]
    alerts: list[AlertOut]
    open_tasks: list[TaskOut]
    rectifications: list[RectificationOut]
    todo: list[str]
