from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "anxin.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from anxin.core.embedded import EMBEDDED_JOBS

        from .delivery import outbox_deliver_until_idle

        EMBEDDED_JOBS.append(outbox_deliver_until_idle)
