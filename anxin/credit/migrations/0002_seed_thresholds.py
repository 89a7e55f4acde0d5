"""The ladder's starting policy rows (``anxin/credit/reference.py``)."""

from django.db import migrations

from anxin.credit.reference import THRESHOLDS, thresholds_install


def seed(apps, schema_editor):
    thresholds_install(apps.get_model("credit", "CreditThreshold"))


def unseed(apps, schema_editor):
    apps.get_model("credit", "CreditThreshold").objects.filter(
        step__in=[row[0] for row in THRESHOLDS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
