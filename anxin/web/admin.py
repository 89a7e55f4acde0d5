"""Saved queue views in the Django admin (read-mostly: people manage their own on the queue)."""

from django.contrib import admin

from .models import SavedView


@admin.register(SavedView)
class SavedViewAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "query", "created_at")
    search_fields = ("name", "user__username")
    raw_id_fields = ("user",)
