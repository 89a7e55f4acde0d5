from django.db import migrations


def install(apps, schema_editor):
    from anxin.policies.holidays import CHINA

    day_model = apps.get_model("policies", "CalendarDay")
    for day in CHINA:
        day_model.objects.update_or_create(
            date=day.date,
            defaults={
                "kind": day.kind,
                "name_zh": day.name_zh,
                "name_en": day.name_en,
                "provisional": day.provisional,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("policies", "0003_calendarday")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
