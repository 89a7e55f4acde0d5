from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FeedbackConfig(AppConfig):
    name = "anxin.feedback"
    label = "feedback"
    verbose_name = _("Satisfaction and quality")

    def ready(self) -> None:
        from anxin.core.embedded import EMBEDDED_JOBS

        from .tasks import nps_invite_job

        EMBEDDED_JOBS.append(nps_invite_job)
