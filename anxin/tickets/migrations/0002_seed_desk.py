"""Default teams, SLA policy rows and revisit rules (administrators change them later)."""

from django.db import migrations

TEAMS = [
    # code, zh, en, kind, types, first line
    ("service", "客户服务", "Customer service", "customer_service", [], True),
    ("technical", "技术支持", "Technical support", "technical", [], False),
    ("logistics", "物流协调", "Logistics coordination", "logistics", ["logistics"], False),
    ("disputes", "纠纷处理", "Dispute handling", "disputes", [], False),
]

# name, type, priority, channel, first response, next response, resolution (minutes, business)
SLA = [
    ("Default", "", "", "", 240, 480, 1620),
    ("Complaints", "complaint", "", "", 120, 240, 1080),
    ("Urgent", "", "urgent", "", 60, 120, 540),
    ("Urgent complaints", "complaint", "urgent", "", 30, 60, 540),
]


def install(apps, schema_editor):
    Team = apps.get_model("tickets", "Team")
    SlaPolicy = apps.get_model("tickets", "SlaPolicy")
    RevisitRule = apps.get_model("tickets", "RevisitRule")
    for code, zh, en, kind, types, first in TEAMS:
        Team.objects.update_or_create(
            code=code,
            defaults={
                "name_zh": zh,
                "name_en": en,
                "kind": kind,
                "ticket_types": types,
                "first_line": first,
            },
        )
    for name, ticket_type, priority, channel, first, nxt, resolution in SLA:
        SlaPolicy.objects.update_or_create(
            name=name,
            defaults={
                "ticket_type": ticket_type,
                "priority": priority,
                "channel": channel,
                "first_response_minutes": first,
                "next_response_minutes": nxt,
                "resolution_minutes": resolution,
            },
        )
    if not RevisitRule.objects.exists():
        RevisitRule.objects.create(trigger="repair_completed", delay_days=7)
        RevisitRule.objects.create(trigger="complaint_closed", delay_days=3)


class Migration(migrations.Migration):
    dependencies = [("tickets", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
