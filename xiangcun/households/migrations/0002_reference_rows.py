from __future__ import annotations

from django.db import migrations


def load(apps, schema_editor):
    from xiangcun.households.reference import load_reference

    load_reference(apps.get_model("households", "HouseholdTag"), apps.get_model("households", "LowIncomeCategory"))


class Migration(migrations.Migration):
    dependencies = [("households", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
