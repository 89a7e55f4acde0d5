"""Notification.case_number/case_public_id/ticket_number become one subject reference."""

from django.db import migrations, models

CASE, TICKET = "cases.case", "tickets.ticket"


def to_subject(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    Notification.objects.exclude(case_number="").update(
        subject_type=CASE,
        subject_number=models.F("case_number"),
        subject_public_id=models.F("case_public_id"),
    )
    Notification.objects.filter(case_number="").exclude(ticket_number="").update(
        subject_type=TICKET, subject_number=models.F("ticket_number")
    )


def from_subject(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    Notification.objects.filter(subject_type=CASE).update(
        case_number=models.F("subject_number"), case_public_id=models.F("subject_public_id")
    )
    Notification.objects.filter(subject_type=TICKET).update(
        ticket_number=models.F("subject_number")
    )


class Migration(migrations.Migration):

    dependencies = [
        ("notifications", "0002_notification_ticket_number"),
    ]

    operations = [
        migrations.AddField(
            model_name="notification",
            name="subject_type",
            field=models.CharField(blank=True, max_length=40, verbose_name="subject type"),
        ),
        migrations.AddField(
            model_name="notification",
            name="subject_number",
            field=models.CharField(blank=True, max_length=20, verbose_name="number"),
        ),
        migrations.AddField(
            model_name="notification",
            name="subject_public_id",
            field=models.UUIDField(blank=True, null=True, verbose_name="subject id"),
        ),
        migrations.RunPython(to_subject, from_subject, elidable=True),
        migrations.RemoveField(model_name="notification", name="case_number"),
        migrations.RemoveField(model_name="notification", name="case_public_id"),
        migrations.RemoveField(model_name="notification", name="ticket_number"),
    ]
