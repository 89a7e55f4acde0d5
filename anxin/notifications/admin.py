from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from anxin.core import clock

from .choices import OutboxStatus
from .models import Notification, OutboxMessage, WebhookEndpoint


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["title", "recipient", "kind", "subject_number", "created_at", "read_at"]
    list_filter = ["kind", "subject_type"]
    search_fields = ["subject_number", "recipient__username"]
    raw_id_fields = ["recipient", "merchant"]
    readonly_fields = ["public_id", "created_at", "updated_at"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "merchant", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["url", "merchant__code"]
    raw_id_fields = ["merchant"]
    # The secret is never shown again after creation (it is not an editable field either).
    readonly_fields = ["public_id", "created_at", "updated_at"]


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    list_display = ["pk", "channel", "event", "merchant", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "channel"]
    search_fields = ["event", "public_id"]
    raw_id_fields = ["merchant", "endpoint", "redelivery_of"]
    readonly_fields = [f.name for f in OutboxMessage._meta.concrete_fields]
    actions = ["retry_now"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Retry now (dead or failed messages start over)"))
    def retry_now(self, request: HttpRequest, queryset: QuerySet[OutboxMessage]) -> None:
        count = queryset.exclude(status=OutboxStatus.SENT).update(
            status=OutboxStatus.PENDING, attempts=0, claim="", next_attempt_at=clock.now()
        )
        self.message_user(request, _("%(n)s messages scheduled.") % {"n": count}, messages.INFO)
