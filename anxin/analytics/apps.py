from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "anxin.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from anxin.core.embedded import EMBEDDED_JOBS

        from . import tasks_targets  # noqa: F401  (registers its Celery tasks)
        from .tasks import analytics_job
        from .tasks_targets import targets_job, transparency_job

        # The refresh first: the targets and the monthly report read the rollups it writes.
        EMBEDDED_JOBS.extend([analytics_job, targets_job, transparency_job])
