"""Reference data: Västra Götalandsregionen, its four sub-regions and its 49 municipalities."""

from django.db import migrations

from partnership.reference import ensure_reference_data


def forwards(apps, schema_editor):
    ensure_reference_data(
        apps.get_model("partnership", "Region"),
        apps.get_model("partnership", "SubRegion"),
        apps.get_model("partnership", "Municipality"),
    )


class Migration(migrations.Migration):
    dependencies = [("partnership", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
