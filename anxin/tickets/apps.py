from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "anxin.tickets"
    label = "tickets"
    verbose_name = _("Service desk")

    def ready(self) -> None:
        from anxin.core.embedded import EMBEDDED_JOBS

        from . import effects  # noqa: F401  (registers the ticket and SLA workflows)
        from .followup import revisits_generate
        from .tasks import nps_invite_job

        EMBEDDED_JOBS.append(revisits_generate)
        EMBEDDED_JOBS.append(nps_invite_job)  # NPS starts here: feedback cannot read tickets
