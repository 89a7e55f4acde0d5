from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "anxin.cases"
    label = "cases"
    verbose_name = _("After-sales cases")

    def ready(self) -> None:
        from . import workflow  # noqa: F401  (registers the case workflow)
