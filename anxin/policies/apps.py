from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PoliciesConfig(AppConfig):
    name = "anxin.policies"
    label = "policies"
    verbose_name = _("Policies")

    def ready(self) -> None:
        from anxin.core.calendars import calendar_register

        from .business_hours import business_due

        calendar_register("business", business_due)
