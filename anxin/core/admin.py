from django.contrib import admin

from .models import AuditEntry, Deadline, IdempotencyRecord


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["tenant", "seq", "created_at", "actor", "action", "subject_type", "subject_id"]
    list_filter = ["tenant", "action"]
    search_fields = ["subject_id", "actor"]

    # The audit trail is append-only: nobody edits or deletes it, not even in the admin.
    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ["subject_type", "subject_id", "kind", "action", "due_at", "state", "fired_at"]
    list_filter = ["state", "kind", "subject_type"]


@admin.register(IdempotencyRecord)
class IdempotencyRecordAdmin(admin.ModelAdmin):
    list_display = ["scope", "key", "operation", "status_code", "created_at"]
