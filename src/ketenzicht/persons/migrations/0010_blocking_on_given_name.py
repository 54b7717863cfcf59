"""Blocking on the given name: the features ``key_given`` and ``key_second`` (the first and
second name as written) and ``dob`` (the date as registered, placeholders included) become
indexed columns of ``RecordFeatures``, so that a record finds candidates whose surname
differs (patronymic conventions) or whose estimated birth year differs. Existing rows get the
three features in their sealed row and their (blind) columns, in keyset batches, computed
with the code in place from the names and date the row already holds.

Reverse: the columns go; rows keep the extra keys, which older code ignores.
"""

import json
from typing import Any

from django.db import migrations, models

from ketenzicht.common import crypto, sealing

NEW = ("key_given", "key_second", "dob")
BLIND = ("key_given", "key_second")


def fill(apps: Any, schema_editor: Any) -> None:
    from ketenzicht.persons.linkage.features import record_features

    connection = schema_editor.connection
    table = "persons_recordfeatures"
    for batch in sealing.keyset_batches(connection, table, "record_id", ["row"]):
        updates = []
        for key, sealed in batch:
            row = json.loads(crypto.open_sealed(str(sealed or ""), f"{table}.row") or "null")
            if not isinstance(row, dict):
                continue
            fresh = record_features(
                {
                    "record_id": row.get("unique_id") or str(key),
                    "given_name": row.get("given_name") or "",
                    "family_name": row.get("family_name") or "",
                    "date_of_birth": row.get("dob") or "",
                },
                dob_precision="exact" if row.get("dob_exact") else "",
            )
            row.update({c: fresh[c] for c in NEW})
            columns = [
                None
                if row[c] is None
                else crypto.keyed_digest(f"features.{c}", str(row[c]))
                if c in BLIND
                else row[c]
                for c in NEW
            ]
            text = json.dumps(row, ensure_ascii=False, sort_keys=True, default=str)
            updates.append((key, crypto.seal(text, f"{table}.row"), *columns))
        sealing.write_rows(connection, table, "record_id", ["row", *NEW], updates)


class Migration(migrations.Migration):
    dependencies = [
        ("persons", "0009_one_name_normaliser"),
    ]

    operations = [
        # The columns first, then their values, then the indexes over them.
        migrations.AddField(
            model_name="recordfeatures",
            name="dob",
            field=models.CharField(max_length=10, null=True),
        ),
        migrations.AddField(
            model_name="recordfeatures",
            name="key_given",
            field=models.CharField(max_length=100, null=True),
        ),
        migrations.AddField(
            model_name="recordfeatures",
            name="key_second",
            field=models.CharField(max_length=100, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=False),
        migrations.AddIndex(
            model_name="recordfeatures",
            index=models.Index(fields=["key_given", "dob"], name="features_given_dob"),
        ),
        migrations.AddIndex(
            model_name="recordfeatures",
            index=models.Index(
                fields=["key_given", "key_second", "nationality"], name="features_given_second_nat"
            ),
        ),
    ]
