"""Bind every sealed value to its row (issue 19, item 6; ADR 0021).

Values were sealed with ``table.column`` as associated data, so a ciphertext copied into
another row of the same column opened there (an organisation-only narrative in a chain
signal's row). Each is opened and sealed again as ``kz2`` with ``table.column.<row key>``:
the primary key where it is a UUID, else the ``seal_key`` the migrations before this one
added. The models are read from the migration state, so every sealed column at this point is
covered; it depends on the newest migration of every app that has sealed fields. A value that
does not open stops the migration (nothing is dropped). Running it again changes nothing.
Not reversible: the older binding is what this removes.
"""

from django.db import migrations

from ketenzicht.common import sealing
from ketenzicht.common.encrypted_fields import EncryptedMixin, row_key_field


def bind(apps, schema_editor):
    for model in apps.get_models():
        columns = [
            str(f.column) for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)
        ]
        if columns:
            sealing.reseal_columns(
                schema_editor.connection,
                model._meta.db_table,
                columns,
                str(model._meta.pk.column),
                str(row_key_field(model).column),
            )


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0004_seal_keys_and_sealed_case_name"),
        ("notifications", "0002_sealed_webhook_secret"),
        ("persons", "0012_seal_keys"),
        ("signals", "0005_seal_keys"),
    ]

    operations = [
        migrations.RunPython(bind, elidable=False),
    ]
