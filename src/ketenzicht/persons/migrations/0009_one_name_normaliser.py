"""One name normaliser (``common.names``): recompute every stored key derived from a name
folded by one of the three normalisers it replaces.

- blind indexes (ADR 0021): ``PersonRecord.v_number_digest``, ``family_name_digest``,
  ``name_digests`` and ``PersonIdentifier.value_digest`` (``crypto.normalise``);
- hit pseudonyms of kind ``name_dob`` (``IndexEntry``, ADR 0007; ``index.normalise_name``),
  and the ``matched_on`` of the notices of records whose pseudonym changed;
- the name features of ``RecordFeatures`` (``linkage.normalise.fold``): the sealed row and
  its indexed blind keys, so that candidates and name frequencies are found as on intake.

Design: raw rows in keyset batches (as ``common.sealing``), each value opened in Python
and its keys computed with the code now in place, written only where a key changed (in a
register of a million records few names fold differently). Nothing is created or deleted:
a record withheld from the index has no entry and gets none. Person clusters are not
decided again (that needs the linkage model); ``ketenzicht relink`` does, if wanted.
A pseudonym made under an index key that is no longer the current one is left to the
re-index that a key rotation needs anyway.

Reverse: nothing to undo in the schema, and the old normalisers are gone; after going back
to older code, ``ketenzicht rotate_field_key --blind-indexes`` and ``ketenzicht reindex``
recompute every key with it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any

from django.apps import apps as django_apps
from django.conf import settings
from django.db import migrations

from ketenzicht.common import crypto, sealing
from ketenzicht.common.encrypted_fields import tokens_text

BATCH = 2000


def _open(value: Any, column: str) -> str:
    return crypto.open_sealed(str(value or ""), column)


def recompute_blind_indexes(connection: Any) -> int:
    """Blind indexes of person records and identifiers; returns the rows rewritten."""
    table = "persons_personrecord"
    written = 0
    sealed = ["given_name", "family_name", "aliases", "v_number"]
    digests = ["v_number_digest", "family_name_digest", "name_digests"]
    for batch in sealing.keyset_batches(connection, table, "id", [*sealed, *digests]):
        updates = []
        for key, *values in batch:
            given, family, aliases, v_number = (
                _open(v, f"{table}.{c}") for v, c in zip(values[:4], sealed, strict=True)
            )
            new = (
                crypto.blind_index("v_number", v_number),
                crypto.blind_index("family_name", family),
                tokens_text("name", [given, family, json.loads(aliases or "[]")]),
            )
            if new != tuple(v or "" for v in values[4:]):
                updates.append((key, *new))
        sealing.write_rows(connection, table, "id", digests, updates)
        written += len(updates)
    table = "persons_personidentifier"
    for batch in sealing.keyset_batches(connection, table, "id", ["value", "value_digest"]):
        updates = []
        for key, value, digest in batch:
            new_digest = crypto.blind_index("identifier", _open(value, f"{table}.value"))
            if new_digest != (digest or ""):
                updates.append((key, new_digest))
        sealing.write_rows(connection, table, "id", ["value_digest"], updates)
        written += len(updates)
    return written


def _date(value: Any) -> dt.date | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def recompute_name_pseudonyms(connection: Any) -> set[Any]:
    """The ``name_dob`` pseudonyms made with the current index key; returns the ids of the
    records whose pseudonym changed."""
    from ketenzicht.persons.pseudonyms import features

    quote = connection.ops.quote_name
    record = "persons_personrecord"
    changed: set[Any] = set()
    last: Any = None
    with connection.cursor() as cursor:
        while True:
            after = "AND e.id > %s " if last is not None else ""
            # Names are constants of this module; values are bound.
            cursor.execute(
                "SELECT e.id, e.record_id, e.token, r.given_name, r.family_name, "  # noqa: S608  # nosec B608
                "r.date_of_birth, r.dob_precision "
                f"FROM persons_indexentry e JOIN {record} r ON r.id = e.record_id "
                f"WHERE e.{quote('key')} = %s AND e.key_id = %s {after}"
                f"ORDER BY e.id LIMIT {BATCH}",
                ["name_dob", settings.INDEX_KEY_ID, *([last] if last is not None else [])],
            )
            batch = cursor.fetchall()
            if not batch:
                break
            last = batch[-1][0]
            updates = []
            for pk, record_id, token, given, family, born, precision in batch:
                new = [
                    f.token
                    for f in features(
                        v_number="",
                        phones=[],
                        given_name=_open(given, f"{record}.given_name"),
                        family_name=_open(family, f"{record}.family_name"),
                        date_of_birth=_date(born),
                        dob_precision=precision,
                    )
                    if f.key == "name_dob"
                ]
                if new and new[0] != token:
                    updates.append((pk, new[0]))
                    changed.add(record_id)
            sealing.write_rows(connection, "persons_indexentry", "id", ["token"], updates)
    return changed


def refresh_notices(apps: Any, record_ids: Iterable[Any]) -> int:
    """``matched_on`` of the notices of these records' person clusters, as ``records_index``
    gives it: per notice, the exact features the record shares with the other organisation's
    records in its cluster, or "linked" for a record it shares none with. Returns the
    notices changed."""
    PersonRecord = apps.get_model("persons", "PersonRecord")
    IndexEntry = apps.get_model("persons", "IndexEntry")
    HitNotice = apps.get_model("persons", "HitNotice")
    ids = list(record_ids)
    changed = 0
    for start in range(0, len(ids), 500):
        clusters = set(
            PersonRecord.objects.filter(
                pk__in=ids[start : start + 500], cluster__isnull=False
            ).values_list("cluster_id", flat=True)
        )
        members = list(
            PersonRecord.objects.filter(cluster_id__in=clusters).values_list(
                "pk", "organisation_id", "cluster_id"
            )
        )
        cluster_of = {pk: cluster for pk, _org, cluster in members}
        by_cluster_org: dict[tuple[Any, Any], list[Any]] = defaultdict(list)
        for pk, org, cluster in members:
            by_cluster_org[(cluster, org)].append(pk)
        entries: dict[Any, dict[str, str]] = defaultdict(dict)
        for record_id, key, token in IndexEntry.objects.filter(
            record_id__in=list(cluster_of)
        ).values_list("record_id", "key", "token"):
            entries[record_id][token] = key
        notices = []
        for notice in HitNotice.objects.filter(record_id__in=list(cluster_of)):
            others = by_cluster_org.get(
                (cluster_of[notice.record_id], notice.other_organisation_id)
            )
            if not others:
                continue  # withdrawn by the next index run (``notices_prune``), not here
            own = entries.get(notice.record_id, {})
            keys: set[str] = set()
            for other in others:
                shared = {own[t] for t in own.keys() & entries.get(other, {}).keys()}
                keys |= shared or {"linked"}
            if sorted(keys) != list(notice.matched_on):
                notice.matched_on = sorted(keys)
                notices.append(notice)
        HitNotice.objects.bulk_update(notices, ["matched_on"], batch_size=1000)
        changed += len(notices)
    return changed


def name_features() -> list[str]:
    """The columns of a linkage row computed from the names: those a name gives a value
    that no name leaves empty (asked of the code, which may have more than when this was
    written)."""
    from ketenzicht.persons.linkage.features import record_features

    probe = record_features({"record_id": "probe", "given_name": "Ab Cd", "family_name": "Ef Gh"})
    empty = record_features({"record_id": "probe"})
    return sorted(c for c in probe if probe[c] != empty[c])


def recompute_features(connection: Any, apps: Any = None) -> int:
    """The name features of each record's sealed linkage row, and the blind keys of those
    that are indexed columns (every indexed name feature is a blind key, ADR 0021)."""
    from ketenzicht.persons.linkage.features import record_features

    table = "persons_recordfeatures"
    model = (apps or django_apps).get_model("persons", "RecordFeatures")
    named = name_features()
    indexed = sorted({f.column for f in model._meta.concrete_fields} & set(named))
    written = 0
    for batch in sealing.keyset_batches(connection, table, "record_id", ["row", *indexed]):
        updates = []
        for key, sealed, *stored in batch:
            row = json.loads(_open(sealed, f"{table}.row") or "null")
            if not isinstance(row, dict):
                continue
            fresh = record_features(
                {
                    "record_id": row.get("unique_id") or str(key),
                    "given_name": row.get("given_name") or "",
                    "family_name": row.get("family_name") or "",
                }
            )
            # Only the features the row has: one written before a feature existed gets it
            # from whoever introduced that feature, not from here.
            new_row = {**row, **{c: fresh[c] for c in named if c in row}}
            blind = [
                None
                if new_row.get(c) is None
                else crypto.keyed_digest(f"features.{c}", str(new_row[c]))
                for c in indexed
            ]
            if new_row == row and blind == stored:
                continue
            text = json.dumps(new_row, ensure_ascii=False, sort_keys=True, default=str)
            updates.append((key, crypto.seal(text, f"{table}.row"), *blind))
        sealing.write_rows(connection, table, "record_id", ["row", *indexed], updates)
        written += len(updates)
    return written


def forwards(apps: Any, schema_editor: Any) -> None:
    connection = schema_editor.connection
    recompute_blind_indexes(connection)
    refresh_notices(apps, recompute_name_pseudonyms(connection))
    recompute_features(connection, apps)


class Migration(migrations.Migration):
    dependencies = [
        ("persons", "0008_sealed_fields"),
    ]

    operations = [
        migrations.RunPython(forwards, migrations.RunPython.noop, elidable=False),
    ]
