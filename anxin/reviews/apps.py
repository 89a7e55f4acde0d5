from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from anxin.notifications.events import webhook_events_declare


class ReviewsConfig(AppConfig):
    name = "anxin.reviews"
    label = "reviews"
    verbose_name = _("Reviews")

    def ready(self) -> None:
        from .notify import REVIEW_EVENTS

        webhook_events_declare(REVIEW_EVENTS)  # merchants' endpoints may subscribe to them
