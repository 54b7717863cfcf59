"""Case names sealed (issue 19, item 8b: a case is often named after the people in it; it
is never searched or sorted by name, so no blind index), and a ``seal_key`` per row of the
models whose primary key the database assigns on insert: the UUID their sealed values are
bound to (ADR 0021, issue 19). Added empty, filled in batches, then made unique;
``followup/0005`` binds the existing values to it."""

import uuid

from django.db import migrations, models

import ketenzicht.common.encrypted_fields
from ketenzicht.common import sealing

TABLES = ["followup_referralevent", "followup_victimtrack", "followup_case", "followup_casenote"]


def fill(apps, schema_editor):
    for table in TABLES:
        sealing.fill_seal_keys(schema_editor.connection, table)


def seal_case_names(apps, schema_editor):
    sealing.seal_columns(schema_editor.connection, "followup_case", ["name"], row_key="seal_key")


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0003_sealed_fields"),
    ]

    operations = [
        migrations.AddField(
            model_name="referralevent",
            name="seal_key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="victimtrack",
            name="seal_key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="case",
            name="seal_key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.AddField(
            model_name="casenote",
            name="seal_key",
            field=models.UUIDField(editable=False, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AlterField(
            model_name="referralevent",
            name="seal_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="victimtrack",
            name="seal_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="case",
            name="seal_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        migrations.AlterField(
            model_name="casenote",
            name="seal_key",
            field=models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
        ),
        # The case name sealed like the other free text, bound to the new key.
        migrations.AlterField(
            model_name="case",
            name="name",
            field=ketenzicht.common.encrypted_fields.EncryptedCharField(
                max_length=200, verbose_name="name"
            ),
        ),
        migrations.RunPython(seal_case_names, elidable=False),  # no way back to the clear
    ]
