from typing import Any

from django.contrib import admin

from .models import Article, ArticleCategory, CannedReply


@admin.register(ArticleCategory)
class ArticleCategoryAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "order"]


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    """Read-mostly: texts and status change in the console, through the services."""

    list_display = ["slug", "category", "status", "helpful_yes", "helpful_no", "published_at"]
    list_filter = ["status", "category"]
    search_fields = ["slug", "title_zh", "title_en"]
    readonly_fields = [f.name for f in Article._meta.fields]

    def has_add_permission(self, request: Any) -> bool:
        return False


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    list_display = ["title_en", "title_zh", "team_code", "active"]
    list_filter = ["active", "team_code"]
