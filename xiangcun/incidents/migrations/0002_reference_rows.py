from __future__ import annotations

from django.db import migrations


def load(apps, schema_editor):
    from xiangcun.incidents.reference import load_reference

    load_reference(apps.get_model("incidents", "Category"))


class Migration(migrations.Migration):
    dependencies = [("incidents", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
