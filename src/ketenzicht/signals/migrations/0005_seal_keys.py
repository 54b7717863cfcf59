"""A ``seal_key`` per row of the models whose primary key the database assigns on insert:
the UUID their sealed values are bound to (ADR 0021, issue 19). Added empty, filled in
batches, then made unique; ``followup/0005`` binds the existing values to it."""

import uuid

from django.db import migrations, models

from ketenzicht.common import sealing

TABLES = ["signals_signalrevision"]


def fill(apps, schema_editor):
    for table in TABLES:
        sealing.fill_seal_keys(schema_editor.connection, table)


class Migration(migrations.Migration):
    dependencies = [
        ("signals", "0004_sealed_fields"),
    ]

    operations = [
        migrations.AddField(
            model_name="signalrevision",
            name="seal_key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="signalrevision",
            name="seal_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
    ]
