from django.db import migrations


def install(apps, schema_editor):
    from anxin.catalog.reference import categories_install

    categories_install(apps.get_model("catalog", "Category"))


class Migration(migrations.Migration):
    dependencies = [("catalog", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
