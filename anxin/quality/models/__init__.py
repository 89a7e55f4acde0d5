from .alert import QualityAlert
from .notice import MonthlyReport, QualityNotice, SamplingPlan
from .score import AccuracyScore
from .task import InspectionRecord, QualityTask, QualityTaskEvent, Rectification

__all__ = [
    "AccuracyScore",
    "InspectionRecord",
    "MonthlyReport",
    "QualityAlert",
    "QualityNotice",
    "QualityTask",
    "QualityTaskEvent",
    "Rectification",
    "SamplingPlan",
]
