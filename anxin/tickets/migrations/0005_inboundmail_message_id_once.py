from django.db import migrations, models


def blank_later_duplicates(apps, schema_editor):
    """Rows stored twice before the constraint existed: the first keeps the Message-ID, later
    copies keep their bytes and name the first in their reason."""
    InboundMail = apps.get_model("tickets", "InboundMail")
    first: dict[str, int] = {}
    rows = InboundMail.objects.exclude(mail_message_id="").order_by("pk")
    for pk, message_id in rows.values_list("pk", "mail_message_id").iterator():
        if message_id not in first:
            first[message_id] = pk
            continue
        InboundMail.objects.filter(pk=pk).update(
            mail_message_id="", reason=f"Duplicate of inbound mail #{first[message_id]}."
        )


class Migration(migrations.Migration):
    dependencies = [
        ("tickets", "0004_inbound_sender_index"),
    ]

    operations = [
        migrations.RunPython(blank_later_duplicates, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="inboundmail",
            name="mail_message_id",
            field=models.CharField(blank=True, max_length=255, verbose_name="Message-ID"),
        ),
        migrations.AddConstraint(
            model_name="inboundmail",
            constraint=models.UniqueConstraint(
                condition=models.Q(("mail_message_id", ""), _negated=True),
                fields=("mail_message_id",),
                name="inboundmail_message_id_once",
            ),
        ),
    ]
