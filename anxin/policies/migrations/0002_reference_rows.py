from django.db import migrations


def install(apps, schema_editor):
    from anxin.policies.reference import reference_install

    reference_install(
        apps.get_model("policies", "Policy"),
        apps.get_model("policies", "Reason"),
        apps.get_model("catalog", "Category"),
    )


class Migration(migrations.Migration):
    dependencies = [("policies", "0001_initial"), ("catalog", "0002_reference_categories")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
