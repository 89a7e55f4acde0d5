from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "anxin.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from .audit import audit_chain_all
        from .embedded import EMBEDDED_JOBS, embedded_sweeper_start

        EMBEDDED_JOBS.append(audit_chain_all)
        embedded_sweeper_start()
