from django.contrib import admin
from django.http import HttpRequest

from .models import NpsSurvey, PointsEntry, QaSample, QaScorecard, Survey


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("subject_number", "subject_type", "score", "sent_at", "answered_at")
    list_filter = ("subject_type", "score")
    search_fields = ("subject_number",)
    readonly_fields = ("public_id", "email")


@admin.register(NpsSurvey)
class NpsSurveyAdmin(admin.ModelAdmin):
    list_display = ("recipient", "period", "score", "answered_at")
    list_filter = ("period",)


@admin.register(PointsEntry)
class PointsEntryAdmin(admin.ModelAdmin):
    """Read-only: the ledger changes only through points_credit / points_debit."""

    list_display = ("user", "seq", "delta", "balance_after", "reason", "ref", "created_at")
    list_filter = ("reason",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


admin.site.register(QaSample)
admin.site.register(QaScorecard)
