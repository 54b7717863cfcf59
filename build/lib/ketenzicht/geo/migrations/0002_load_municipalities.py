from django.db import migrations


def load(apps, schema_editor):
    from ketenzicht.geo.reference import load_municipalities

    load_municipalities(apps.get_model("geo", "Municipality"))


class Migration(migrations.Migration):
    dependencies = [("geo", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
