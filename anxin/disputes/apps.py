from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from anxin.notifications.events import webhook_events_declare


class DisputesConfig(AppConfig):
    name = "anxin.disputes"
    label = "disputes"
    verbose_name = _("Disputes and arbitration")

    def ready(self) -> None:
        from . import effects  # noqa: F401  (registers the dispute workflow)
        from .notify import DISPUTE_EVENTS

        webhook_events_declare(DISPUTE_EVENTS)  # merchants' endpoints may subscribe to them
