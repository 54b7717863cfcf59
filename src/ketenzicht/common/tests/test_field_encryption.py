"""Field encryption at rest and blind indexes (ADR 0021): what the database holds, that it
opens only with the right key in the right column, lookups, and key rotation."""

from __future__ import annotations

import base64
from typing import Any

from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketenzicht.accounts.actor import Actor
from ketenzicht.audit.models import AuditEvent
from ketenzicht.common import crypto, sealing
from ketenzicht.common.crypto import FieldDecryptError, new_key_text, open_sealed, seal
from ketenzicht.common.encrypted_fields import UnreadableText
from ketenzicht.followup.models import CaseNote
from ketenzicht.persons.hit_services import records_index
from ketenzicht.persons.models import PersonIdentifier, PersonRecord, RecordFeatures
from ketenzicht.persons.selectors import person_list
from ketenzicht.signals.factories import TEST_CONTEXT, register
from ketenzicht.signals.intake import SubjectInput
from ketenzicht.signals.models import Signal

OLD, NEW = new_key_text("k1"), new_key_text("k2")


def raw(table: str, column: str, where: str = "") -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} {where}")  # noqa: S608 - test literals
        return [row[0] for row in cursor.fetchall()]


# -- sealing ------------------------------------------------------------------------------


@settings(max_examples=200)
@given(text=st.text(min_size=1, max_size=300), column=st.sampled_from(["t.a", "t.b"]))
def test_a_sealed_value_opens_to_itself_and_never_shows_in_the_clear(
    text: str, column: str
) -> None:
    sealed = seal(text, column)
    assert sealed.startswith("kz1:") and open_sealed(sealed, column) == text
    assert seal(text, column) != sealed  # a fresh nonce every time
    if len(text) > 8:  # shorter strings can turn up in any random base64
        assert text not in sealed


@settings(max_examples=100)
@given(text=st.text(min_size=1, max_size=100), flip=st.integers(min_value=0, max_value=500))
def test_a_moved_damaged_or_foreign_value_does_not_open(text: str, flip: int) -> None:
    sealed = seal(text, "signals_signal.narrative")
    with pytest.raises(FieldDecryptError):
        open_sealed(sealed, "persons_personrecord.family_name")  # copied into another column
    prefix, key_id, body = sealed.split(":", 2)
    data = bytearray(base64.urlsafe_b64decode(body))
    data[flip % len(data)] ^= 0x01
    damaged = base64.urlsafe_b64encode(bytes(data)).decode()
    with pytest.raises(FieldDecryptError):
        open_sealed(f"{prefix}:{key_id}:{damaged}", "signals_signal.narrative")
    with pytest.raises(FieldDecryptError):
        open_sealed(f"{prefix}:unknown:{body}", "signals_signal.narrative")
    with pytest.raises(FieldDecryptError):
        open_sealed(text if not text.startswith("kz1:") else "plain", "signals_signal.narrative")


@pytest.mark.parametrize(
    "keys",
    ["", "k1:short", "k 1:" + new_key_text("x").split(":")[1], f"{OLD},{OLD}"],
)
def test_a_bad_key_ring_is_refused(keys: str) -> None:
    with pytest.raises(ValueError, match="key"):
        crypto.parse_keys(keys)


# -- what the database holds --------------------------------------------------------------


def test_narratives_and_identity_fields_are_sealed_in_the_database(reporter: Actor) -> None:
    signal = register(
        reporter,
        subjects=(
            SubjectInput(
                role="presumed_victim",
                given_name="Senait",
                family_name="Tesfay",
                aliases=("Senayt Tesfaye",),
                v_number="1234567890",
                phones=("+31612345678",),
            ),
        ),
    )
    record = signal.subjects.get().record
    records_index(record_ids=[record.pk], context=TEST_CONTEXT)  # builds the linkage features
    CaseNote.objects.create(
        case_id=_case(reporter), organisation_id=reporter.organisation_id, text="Tesfay gesproken"
    )

    stored = {
        "narrative": raw("signals_signal", "narrative")[0],
        "given": raw("persons_personrecord", "given_name")[0],
        "family": raw("persons_personrecord", "family_name")[0],
        "aliases": raw("persons_personrecord", "aliases")[0],
        "v_number": raw("persons_personrecord", "v_number")[0],
        "phone": raw("persons_personidentifier", "value")[0],
        "features": raw("persons_recordfeatures", "row")[0],
        "case note": raw("followup_casenote", "text")[0],
    }
    everything = " ".join(stored.values())
    # Exact words of six characters or more: a short word can turn up in random base64.
    for value in ("Senait", "Tesfay", "Senayt", "1234567890", "31612345678", "nachts in een"):
        assert value not in everything, value
    assert {k for k, v in stored.items() if not v.startswith("kz2:")} == set()
    blocking = raw(
        "persons_recordfeatures", "v_number || ' ' || name_key || ' ' || COALESCE(phone, '')"
    )[0]
    assert "1234567890" not in blocking and "tesfay" not in blocking.lower()
    # ... and the application reads them as they were.
    record.refresh_from_db()
    assert (record.given_name, record.family_name, record.v_number) == (
        "Senait",
        "Tesfay",
        "1234567890",
    )
    assert record.aliases == ["Senayt Tesfaye"]
    assert RecordFeatures.objects.get(record=record).row["v_number"] == "1234567890"
    assert Signal.objects.get(pk=signal.pk).narrative == signal.narrative


def _case(actor: Actor) -> int:
    from ketenzicht.followup.models import Case

    return Case.objects.create(name="Kassen", organisation_id=actor.organisation_id).pk


def test_queries_on_a_sealed_column_are_refused_not_silently_empty(reporter: Actor) -> None:
    register(reporter)
    with pytest.raises(FieldError, match="blind index"):
        list(PersonRecord.objects.filter(family_name="Tesfay"))
    with pytest.raises(FieldError):
        list(Signal.objects.filter(narrative__icontains="kas"))
    assert Signal.objects.filter(narrative__isempty=False).count() == 1
    assert PersonRecord.objects.filter(given_name__isnull=False).count() == 1


# -- lookups through blind indexes --------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("Tesfay", True),
        ("tesfay senait", True),
        ("TÉSFAY", True),  # case and accents do not matter
        ("Senayt", True),  # an alias
        ("Tesf", False),  # whole words only: a sealed name has no substrings
        ("Tesfay Haile", False),  # every word must be there
    ],
)
def test_people_are_found_by_whole_words_of_their_names(
    reporter: Actor, query: str, found: bool
) -> None:
    register(
        reporter,
        subjects=(
            SubjectInput(
                role="presumed_victim",
                given_name="Senait",
                family_name="Tesfay",
                aliases=("Senayt",),
            ),
        ),
    )
    page = person_list(actor=reporter, context=TEST_CONTEXT, name=query)
    assert bool(page.items) is found


def test_a_v_number_is_found_exactly(reporter: Actor) -> None:
    register(reporter)
    assert len(person_list(actor=reporter, context=TEST_CONTEXT, v_number="1234567890").items) == 1
    assert not person_list(actor=reporter, context=TEST_CONTEXT, v_number="1234567891").items


# -- key rotation -------------------------------------------------------------------------


def test_rotation_seals_everything_under_the_new_key_so_the_old_one_can_go(
    reporter: Actor, settings: Any, capsys: Any
) -> None:
    settings.FIELD_ENCRYPTION_KEYS = OLD
    signal = register(reporter)
    assert raw("signals_signal", "narrative")[0].startswith("kz2:k1:")

    settings.FIELD_ENCRYPTION_KEYS = f"{NEW},{OLD}"  # the new key first: it seals from now
    call_command("rotate_field_key")
    assert "signals.Signal: 1 resealed" in capsys.readouterr().out
    assert raw("signals_signal", "narrative")[0].startswith("kz2:k2:")
    assert raw("persons_personrecord", "family_name")[0].startswith("kz2:k2:")
    call_command("rotate_field_key")  # again: nothing left to do
    assert "signals.Signal: 0 resealed" in capsys.readouterr().out

    # Each run is on record (the audit app hears common.rotation.field_keys_rotated).
    runs = AuditEvent.objects.filter(action="configure", detail__active_key="k2")
    assert [e.detail["resealed"] > 0 for e in runs.order_by("id")] == [True, False]

    settings.FIELD_ENCRYPTION_KEYS = NEW  # the old key is gone
    assert Signal.objects.get(pk=signal.pk).narrative == signal.narrative
    assert PersonRecord.objects.get().family_name == "Tesfay"


def test_without_its_key_a_value_is_not_shown_and_is_logged(
    reporter: Actor, settings: Any, caplog: Any
) -> None:
    settings.FIELD_ENCRYPTION_KEYS = OLD
    signal = register(reporter)
    settings.FIELD_ENCRYPTION_KEYS = NEW
    narrative = Signal.objects.get(pk=signal.pk).narrative
    assert narrative == "" and isinstance(narrative, UnreadableText)
    assert "signals_signal.narrative" in caplog.text


def test_a_new_blind_index_key_needs_the_indexes_recomputed(reporter: Actor, settings: Any) -> None:
    register(reporter)
    records_index(record_ids=list(PersonRecord.objects.values_list("pk", flat=True)))
    settings.BLIND_INDEX_KEY = "another blind index key"
    assert not person_list(actor=reporter, context=TEST_CONTEXT, v_number="1234567890").items

    call_command("rotate_field_key", "--blind-indexes")

    assert person_list(actor=reporter, context=TEST_CONTEXT, v_number="1234567890").items
    assert person_list(actor=reporter, context=TEST_CONTEXT, name="tesfay").items
    features = RecordFeatures.objects.get()
    assert features.v_number == crypto.keyed_digest("features.v_number", "1234567890")
    identifier = PersonIdentifier.objects.get()
    assert identifier.value_digest == crypto.blind_index("identifier", "+31612345678")


# -- sealing what was stored in the clear (the data migrations) ---------------------------


def test_the_migration_helper_seals_clear_values_and_fills_the_digests(reporter: Actor) -> None:
    register(reporter)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE persons_personrecord SET family_name = 'Haile', v_number = '2000000001', "
            "v_number_digest = '', family_name_digest = ''"
        )
        cursor.execute("UPDATE signals_signal SET narrative = 'Werkt in een kas'")

    sealing.seal_columns(
        connection,
        "persons_personrecord",
        ["family_name", "v_number"],
        row_key="id",
        derived={
            "v_number_digest": lambda p: crypto.blind_index("v_number", p["v_number"]),
            "family_name_digest": lambda p: crypto.blind_index("family_name", p["family_name"]),
        },
    )
    written = sealing.seal_columns(connection, "signals_signal", ["narrative"], row_key="id")
    again = sealing.seal_columns(connection, "signals_signal", ["narrative"], row_key="id")

    assert (written, again) == (1, 0)
    assert raw("signals_signal", "narrative")[0].startswith("kz2:")
    record = PersonRecord.objects.get()
    assert (record.family_name, record.v_number) == ("Haile", "2000000001")
    assert person_list(actor=reporter, context=TEST_CONTEXT, v_number="2000000001").items
    assert Signal.objects.get().narrative == "Werkt in een kas"
