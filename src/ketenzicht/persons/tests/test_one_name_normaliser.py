"""Migration 0009: keys stored under the three former name normalisers are recomputed with
the one that replaced them (``common.names``)."""

from __future__ import annotations

import datetime as dt
import importlib
import re
import unicodedata
from types import SimpleNamespace

from django.apps import apps
from django.db import connection
from django.utils import timezone

import pytest

from ketenzicht.accounts.factories import OrganisationFactory
from ketenzicht.common import sealing
from ketenzicht.common.crypto import blind_index, keyed_digest, open_sealed, seal
from ketenzicht.common.encrypted_fields import (
    EncryptedMixin,
    row_key_field,
    row_key_text,
    tokens_text,
)
from ketenzicht.persons.intake_linking import features_of, record_row
from ketenzicht.persons.linkage import normalise
from ketenzicht.persons.linkage.features import record_features
from ketenzicht.persons.models import (
    HitNotice,
    IndexEntry,
    PersonCluster,
    PersonIdentifier,
    PersonRecord,
    RecordFeatures,
)
from ketenzicht.persons.pseudonyms import pseudonym
from ketenzicht.persons.same_person import ExactPseudonymMatcher

pytestmark = pytest.mark.django_db

migration = importlib.import_module("ketenzicht.persons.migrations.0009_one_name_normaliser")
row_binding = importlib.import_module(
    "ketenzicht.followup.migrations.0005_bind_sealed_values_to_rows"
)


def _as_when_0009_ran() -> None:
    """Sealed values as 0009 found them: bound to their column only (the row binding came
    with followup 0005, which ``_bind_rows`` runs afterwards, as a migration would)."""
    for model in (PersonRecord, PersonIdentifier, RecordFeatures):
        fields = [f for f in model._meta.concrete_fields if isinstance(f, EncryptedMixin)]
        labels = [f"{model._meta.db_table}.{f.column}" for f in fields]
        key = row_key_field(model)
        pk = str(model._meta.pk.column)
        columns = [str(f.column) for f in fields]
        read = columns if key.column == pk else [*columns, str(key.column)]
        for batch in sealing.keyset_batches(connection, model._meta.db_table, pk, read):
            updates = []
            for stored_pk, *values in batch:
                row = row_key_text(stored_pk if key.column == pk else values[-1])
                updates.append(
                    (
                        stored_pk,
                        *(
                            seal(open_sealed(str(v or ""), label, row), label)
                            for v, label in zip(values, labels, strict=False)
                        ),
                    )
                )
            sealing.write_rows(connection, model._meta.db_table, pk, columns, updates)


def _bind_rows() -> None:
    row_binding.bind(apps, SimpleNamespace(connection=connection))


# The three normalisers as they were before 0009, to write keys the way they were written.
def old_blind_normalise(value: str) -> str:
    decomposed = unicodedata.normalize("NFKD", value.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join("".join(c if c.isalnum() else " " for c in letters).split())


def old_normalise_name(*parts: str) -> str:
    text = unicodedata.normalize("NFKD", " ".join(parts)).casefold()
    letters = "".join(c if c.isalpha() else " " for c in text if not unicodedata.combining(c))
    return " ".join(sorted(letters.split()))


def old_linkage_fold(text: str) -> str:
    special = str.maketrans({"ß": "ss", "æ": "ae", "ø": "o", "œ": "oe", "ł": "l", "ı": "i"})
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(special))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", plain).strip()


def _record(org: object, given: str, family: str) -> PersonRecord:
    """A record as intake leaves it: blind indexes, pseudonyms and linkage features (its
    cluster is set by the test, so the linkage model does not decide it)."""
    record = PersonRecord.objects.create(
        organisation=org,
        given_name=given,
        family_name=family,
        aliases=[f"{given} {family}"],
        date_of_birth=dt.date(1990, 5, 4),
        dob_precision="exact",
        nationality="ERI",
        sex="male",
    )
    ExactPseudonymMatcher().index([record])
    features_of(record_row(record, []), record.pk).save()
    return record


def _write_old_keys(record: PersonRecord, monkeypatch: pytest.MonkeyPatch) -> None:
    """Put back what the former normalisers stored for this record."""
    given, family = record.given_name, record.family_name
    old_words = old_blind_normalise(f"{given} {family} {given} {family}").split()
    PersonRecord.objects.filter(pk=record.pk).update(
        family_name_digest=keyed_digest("family_name", old_blind_normalise(family)),
        name_digests=f" {' '.join(sorted({keyed_digest('name', w) for w in old_words}))} ",
    )
    IndexEntry.objects.filter(record=record, key="name_dob").update(
        token=pseudonym("name_dob", f"{old_normalise_name(given, family)}|1990-05-04")
    )
    features = RecordFeatures.objects.get(record=record)
    with monkeypatch.context() as patched:
        patched.setattr(normalise, "fold", old_linkage_fold)
        normalise.translit_key.cache_clear()
        old_row = record_features({"record_id": "x", "given_name": given, "family_name": family})
    normalise.translit_key.cache_clear()
    old = {c: old_row[c] for c in migration.name_features() if c in features.row}
    indexed = {f.column for f in RecordFeatures._meta.concrete_fields} & set(old)
    features.row = {**features.row, **old}
    for c in indexed:
        setattr(features, c, None if old[c] is None else keyed_digest(f"features.{c}", str(old[c])))
    features.save(update_fields=["row", *indexed])  # sealed: written through its row
    assert RecordFeatures.objects.get(pk=features.pk).row["name_sorted"] == "id odegard sa"


def test_the_migration_recomputes_keys_stored_under_the_old_normalisers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    coa, police = OrganisationFactory(code="coa"), OrganisationFactory(code="avim")
    arabic = _record(coa, "Saʿid", "Ødegård")
    latin = _record(police, "Said", "Odegard")
    untouched = _record(police, "Senait", "Tesfay")
    # One person, known to both organisations; the notice was given when the pseudonyms
    # differed, so it said "linked by comparison".
    cluster = PersonCluster.objects.create(pk=9001, size=2)
    PersonRecord.objects.filter(pk__in=[arabic.pk, latin.pk]).update(cluster=cluster)
    for record, org, other, other_org in (
        (arabic, coa, latin, police),
        (latin, police, arabic, coa),
    ):
        HitNotice.objects.create(
            organisation=org,
            record=record,
            other_organisation=other_org,
            other_record=other,
            matched_on=["linked"],
            since=timezone.now(),
        )
    _write_old_keys(arabic, monkeypatch)
    stale = PersonRecord.objects.get(pk=arabic.pk)
    assert stale.family_name_digest != blind_index("family_name", "Ødegård")

    _as_when_0009_ran()
    migration.forwards(apps, SimpleNamespace(connection=connection))
    _bind_rows()

    fresh = PersonRecord.objects.get(pk=arabic.pk)
    assert fresh.family_name_digest == blind_index("family_name", "Odegard")
    assert fresh.name_digests == tokens_text("name", ["Said", "Odegard", ["Said Odegard"]])
    assert set(IndexEntry.objects.filter(record=arabic, key="name_dob").values_list("token")) == {
        (pseudonym("name_dob", "odegard said|1990-05-04"),)
    }
    features = RecordFeatures.objects.get(record=arabic)
    assert features.row["name_sorted"] == "odegard said"
    assert features.name_sorted == keyed_digest("features.name_sorted", "odegard said")
    assert features.name_key == RecordFeatures.objects.get(record=latin).name_key
    # The pseudonyms agree now, and the notices say so.
    assert list(HitNotice.objects.values_list("matched_on", flat=True)) == [["name_dob"]] * 2
    # Searching finds both spellings, as one name.
    assert (
        PersonRecord.objects.filter(
            family_name_digest=blind_index("family_name", "ODEGÅRD")
        ).count()
        == 2
    )
    assert PersonRecord.objects.get(pk=untouched.pk).name_digests == tokens_text(
        "name", ["Senait", "Tesfay", ["Senait Tesfay"]]
    )


def test_a_register_that_is_already_current_is_left_as_it_is() -> None:
    coa = OrganisationFactory(code="coa")
    _record(coa, "Søren", "Ødegård")
    _record(coa, "Mohammed", "Abdelkader Osman")
    _as_when_0009_ran()
    assert migration.recompute_blind_indexes(connection) == 0
    assert migration.recompute_name_pseudonyms(connection) == set()
    assert migration.recompute_features(connection) == 0
