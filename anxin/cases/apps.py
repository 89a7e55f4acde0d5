from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from anxin.notifications.events import webhook_events_declare


class CasesConfig(AppConfig):
    name = "anxin.cases"
    label = "cases"
    verbose_name = _("After-sales cases")

    def ready(self) -> None:
        from . import effects  # noqa: F401  (registers the case and refund workflows)
        from .notify import CASE_EVENTS

        webhook_events_declare(CASE_EVENTS)  # merchants' endpoints may subscribe to them
