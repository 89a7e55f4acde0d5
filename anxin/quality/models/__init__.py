from .alert import QualityAlert
from .notice import MonthlyReport, QualityNotice, SamplingPlan
from .task import InspectionRecord, QualityTask, QualityTaskEvent, Rectification

__all__ = [
    "InspectionRecord",
    "MonthlyReport",
    "QualityAlert",
    "QualityNotice",
    "QualityTask",
    "QualityTaskEvent",
    "Rectification",
    "SamplingPlan",
]
