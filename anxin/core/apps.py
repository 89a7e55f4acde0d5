from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "anxin.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from .embedded import embedded_sweeper_start

        embedded_sweeper_start()
