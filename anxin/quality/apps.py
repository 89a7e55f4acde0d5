from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from anxin.notifications.events import webhook_events_declare


class QualityConfig(AppConfig):
    name = "anxin.quality"
    label = "quality"
    verbose_name = _("Product quality")

    def ready(self) -> None:
        from anxin.core.embedded import EMBEDDED_JOBS

        from . import effects  # noqa: F401  (registers the quality task workflow)
        from .notify import QUALITY_EVENTS
        from .tasks import quality_daily_job

        webhook_events_declare(QUALITY_EVENTS)  # merchants' endpoints may subscribe to them
        EMBEDDED_JOBS.append(quality_daily_job)
