"""Blocking on birth-year spans and sex: the features ``dob_span`` and ``dob_span_shifted``
(four-year spans of the birth year, the second shifted by two) and ``sex`` become indexed
columns of ``RecordFeatures``, so that a record finds candidates whose estimated birth year
differs by one or two years while the surname changes too. Existing rows get the two spans
in their sealed row and all three columns, in keyset batches, from the year and sex the row
already holds.

Reverse: the columns go; rows keep the extra keys, which older code ignores.
"""

import json
from typing import Any

from django.db import migrations, models

from ketenzicht.common import crypto, sealing

NEW = ("dob_span", "dob_span_shifted", "sex")


def fill(apps: Any, schema_editor: Any) -> None:
    from ketenzicht.persons.linkage.features import year_spans

    connection = schema_editor.connection
    table = "persons_recordfeatures"
    for batch in sealing.keyset_batches(connection, table, "record_id", ["row"]):
        updates = []
        for key, sealed in batch:
            row = json.loads(crypto.open_sealed(str(sealed or ""), f"{table}.row") or "null")
            if not isinstance(row, dict):
                continue
            row["dob_span"], row["dob_span_shifted"] = year_spans(row.get("dob_year"))
            row.setdefault("sex", None)
            text = json.dumps(row, ensure_ascii=False, sort_keys=True, default=str)
            updates.append((key, crypto.seal(text, f"{table}.row"), *(row[c] for c in NEW)))
        sealing.write_rows(connection, table, "record_id", ["row", *NEW], updates)


class Migration(migrations.Migration):

    dependencies = [
        ('persons', '0012_seal_keys'),
    ]

    operations = [
        migrations.AddField(
            model_name='recordfeatures',
            name='dob_span',
            field=models.PositiveSmallIntegerField(null=True),
        ),
        migrations.AddField(
            model_name='recordfeatures',
            name='dob_span_shifted',
            field=models.PositiveSmallIntegerField(null=True),
        ),
        migrations.AddField(
            model_name='recordfeatures',
            name='sex',
            field=models.CharField(max_length=1, null=True),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name='recordfeatures',
            index=models.Index(fields=['key_given', 'dob_span'], name='features_given_span'),
        ),
        migrations.AddIndex(
            model_name='recordfeatures',
            index=models.Index(fields=['key_given', 'dob_span_shifted'], name='features_given_shift'),
        ),
        migrations.AddIndex(
            model_name='recordfeatures',
            index=models.Index(fields=['key_given', 'dob_md'], name='features_given_md'),
        ),
        migrations.AddIndex(
            model_name='recordfeatures',
            index=models.Index(fields=['dob_trusted', 'sex'], name='features_dob_sex'),
        ),
        migrations.AddIndex(
            model_name='recordfeatures',
            index=models.Index(fields=['key_first', 'dob_span', 'sex'], name='features_first_span'),
        ),
        migrations.AddIndex(
            model_name='recordfeatures',
            index=models.Index(fields=['key_first', 'dob_span_shifted', 'sex'], name='features_first_shift'),
        ),
        migrations.AddIndex(
            model_name='recordfeatures',
            index=models.Index(fields=['key_last', 'dob_span', 'sex'], name='features_last_span'),
        ),
        migrations.AddIndex(
            model_name='recordfeatures',
            index=models.Index(fields=['key_last', 'dob_span_shifted', 'sex'], name='features_last_shift'),
        ),
    ]
