"""The ladder's starting policy rows (administrators edit them afterwards):
warn below 60, restrict below 50 (once warned, on a later day), raise the deposit 1.5× below 40
(once restricted), propose an exit below 30 on two days running (an administrator decides)."""

from decimal import Decimal

from django.db import migrations

SEED = [
    # step, below, days, deposit factor, note
    ("warn", Decimal("60"), 1, None, "Score below 60: the shop is warned and told what to improve."),
    ("restrict", Decimal("50"), 1, None, "Score below 50 while warned: new orders refused, settlement held."),
    ("deposit_increase", Decimal("40"), 1, Decimal("1.50"), "Score below 40 while restricted: the required deposit rises 1.5×."),
    ("exit", Decimal("30"), 2, None, "Score below 30 two days running: an exit is proposed to the platform's administrators, who decide."),
]  # fmt: skip


def seed(apps, schema_editor):
    threshold = apps.get_model("credit", "CreditThreshold")
    for step, below, days, factor, note in SEED:
        threshold.objects.update_or_create(
            step=step,
            defaults={"below": below, "days": days, "deposit_factor": factor, "note": note},
        )


def unseed(apps, schema_editor):
    apps.get_model("credit", "CreditThreshold").objects.filter(
        step__in=[row[0] for row in SEED]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("credit", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
