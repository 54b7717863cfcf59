from django.db import migrations


def seed(apps, schema_editor):
    from ketenzicht.taxonomy.seed import seed_taxonomy

    seed_taxonomy(apps)


class Migration(migrations.Migration):
    dependencies = [("taxonomy", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
