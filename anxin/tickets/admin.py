from django.contrib import admin

from .models import AgentProfile, InboundMail, RevisitRule, SlaPolicy, Team, Ticket


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "kind", "supervisor", "assignment_mode"]


@admin.register(AgentProfile)
class AgentProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "availability", "capacity", "assigned_turn"]
    filter_horizontal = ["teams", "categories"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "ticket_type",
        "priority",
        "channel",
        "first_response_minutes",
        "next_response_minutes",
        "resolution_minutes",
        "calendar",
        "active",
    ]


@admin.register(RevisitRule)
class RevisitRuleAdmin(admin.ModelAdmin):
    list_display = ["trigger", "delay_days", "team", "active"]


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = ["number", "type", "priority", "channel", "status", "team", "assignee"]
    list_filter = ["status", "type", "channel"]
    search_fields = ["number"]
    readonly_fields = [f.name for f in Ticket._meta.concrete_fields]

    def has_add_permission(self, request: object) -> bool:
        return False  # tickets are opened through the services (channels), never by hand here


@admin.register(InboundMail)
class InboundMailAdmin(admin.ModelAdmin):
    list_display = ["received_at", "source", "status", "reason", "ticket"]
    list_filter = ["status", "source"]
    exclude = ["raw"]
