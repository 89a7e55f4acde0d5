from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from anxin.notifications.events import webhook_events_declare


class CreditConfig(AppConfig):
    name = "anxin.credit"
    label = "credit"
    verbose_name = _("Merchant credit")

    def ready(self) -> None:
        from anxin.core.embedded import EMBEDDED_JOBS

        from .notify import CREDIT_EVENTS
        from .tasks import credit_recompute_job

        webhook_events_declare(CREDIT_EVENTS)  # merchants' endpoints may subscribe to them
        EMBEDDED_JOBS.append(credit_recompute_job)
