"""Sealed values are bound to their row (issue 19, item 6; ADR 0021): a ciphertext copied
into another row does not open there, fails safely (not shown, logged, no error page), is
never laundered by a save, and existing values are bound by the migration."""

from __future__ import annotations

import importlib
import uuid
from types import SimpleNamespace
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldError
from django.db import connection, transaction
from django.test import Client

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import User
from ketenzicht.common.crypto import FieldDecryptError, open_sealed, seal
from ketenzicht.common.encrypted_fields import (
    EncryptedMixin,
    Sealed,
    UnreadableText,
    open_value,
    row_key_field,
)
from ketenzicht.followup.models import Case, CaseNote
from ketenzicht.signals.factories import register
from ketenzicht.signals.models import Signal

pytestmark = pytest.mark.django_db

SECRET = "Alleen voor COA: bewoonster werkt nachts in een kas"


def raw(table: str, column: str, pk: Any) -> str:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column} FROM {table} WHERE id = %s",  # noqa: S608 - test literals
            [pk.hex if connection.vendor == "sqlite" and isinstance(pk, uuid.UUID) else pk],
        )
        return str(cursor.fetchone()[0])


def move_narrative(source: Signal, target: Signal) -> None:
    """What an attacker with write access to the database does: copy one row's ciphertext
    into another row's column."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE signals_signal SET narrative = %s WHERE id = %s",
            [raw("signals_signal", "narrative", source.pk), _db(target.pk)],
        )


def _db(pk: uuid.UUID) -> Any:
    return pk.hex if connection.vendor == "sqlite" else pk


def logged_in(actor: Actor) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=actor.user_id))
    return client


@settings(max_examples=100)
@given(text=st.text(min_size=1, max_size=200), rows=st.lists(st.uuids(), min_size=2, max_size=2))
def test_a_value_sealed_for_one_row_opens_only_in_that_row(
    text: str, rows: list[uuid.UUID]
) -> None:
    own, other = rows[0].hex, rows[1].hex
    sealed = seal(text, "signals_signal.narrative", own)
    assert sealed.startswith("kz2:")
    assert open_sealed(sealed, "signals_signal.narrative", own) == text
    if own != other:
        with pytest.raises(FieldDecryptError):
            open_sealed(sealed, "signals_signal.narrative", other)
    with pytest.raises(FieldDecryptError):  # nor as if it were bound to the column only
        open_sealed(sealed, "signals_signal.narrative")
    with pytest.raises(FieldDecryptError):  # an older, column-bound value put in a row
        open_sealed(seal(text, "signals_signal.narrative"), "signals_signal.narrative", own)


def test_a_narrative_copied_into_another_signal_is_not_shown_there(
    reporter: Actor, caplog: Any
) -> None:
    private = register(reporter, narrative=SECRET)
    chain = register(reporter, narrative="Voor de keten")
    move_narrative(private, chain)

    narrative = Signal.objects.get(pk=chain.pk).narrative
    assert narrative == "" and isinstance(narrative, UnreadableText)
    assert f"signals_signal.narrative row {chain.pk}" in caplog.text
    assert SECRET not in caplog.text
    assert Signal.objects.get(pk=private.pk).narrative == SECRET  # its own row still opens

    client = logged_in(reporter)
    listing = client.get("/signalen/")
    detail = client.get(f"/signalen/{chain.pk}")
    assert (listing.status_code, detail.status_code) == (200, 200)
    assert "nachts in een kas" not in detail.content.decode()


def test_saving_a_row_with_an_unreadable_value_keeps_what_is_stored(reporter: Actor) -> None:
    private = register(reporter, narrative=SECRET)
    chain = register(reporter, narrative="Voor de keten")
    move_narrative(private, chain)
    moved = raw("signals_signal", "narrative", chain.pk)

    signal = Signal.objects.get(pk=chain.pk)
    signal.legal_basis_note = "toegevoegd"
    signal.save()

    assert raw("signals_signal", "narrative", chain.pk) == moved  # not "", not re-sealed here
    again = Signal.objects.get(pk=chain.pk)
    assert isinstance(again.narrative, UnreadableText)
    assert again.legal_basis_note == "toegevoegd"


def test_a_case_note_copied_into_another_note_is_not_shown(reporter: Actor) -> None:
    case = Case.objects.create(name="Kassen", organisation_id=reporter.organisation_id)
    first = CaseNote.objects.create(case=case, organisation_id=case.organisation_id, text=SECRET)
    second = CaseNote.objects.create(case=case, organisation_id=case.organisation_id, text="x")
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE followup_casenote SET text = %s WHERE id = %s",
            [raw("followup_casenote", "text", first.pk), second.pk],
        )
    assert CaseNote.objects.get(pk=second.pk).text == ""
    assert CaseNote.objects.get(pk=first.pk).text == SECRET


def test_every_model_with_sealed_fields_binds_them_to_a_uuid_known_before_insert() -> None:
    sealed = [
        model
        for model in apps.get_models()
        if any(isinstance(f, EncryptedMixin) for f in model._meta.concrete_fields)
    ]
    assert {m._meta.label for m in sealed} >= {"signals.Signal", "followup.Case"}
    for model in sealed:
        field = row_key_field(model)
        # A related row's key (features share their record's) is set before insert by the
        # caller; every other row key is made with the object.
        assert field.is_relation or getattr(model(), field.attname) is not None, model


def test_a_sealed_column_is_written_through_its_row_only(reporter: Actor) -> None:
    signal = register(reporter)
    with pytest.raises(FieldError, match="sealed for its row"), transaction.atomic():
        Signal.objects.filter(pk=signal.pk).update(narrative="elders geschreven")
    Signal.objects.filter(pk=signal.pk).update(legal_basis_note="")  # emptying needs no row
    assert Signal.objects.get(pk=signal.pk).legal_basis_note == ""


def test_values_list_gives_sealed_values_that_open_with_their_row(reporter: Actor) -> None:
    signal = register(reporter, narrative=SECRET)
    ((pk, narrative),) = Signal.objects.values_list("pk", "narrative")
    assert isinstance(narrative, Sealed)
    assert open_value(narrative, pk) == SECRET
    assert open_value(narrative, uuid.uuid4()) == ""  # another row's key: not shown
    assert open_value("plain", signal.pk) == "plain"


def test_the_migration_binds_column_bound_values_to_their_rows(reporter: Actor) -> None:
    signal = register(reporter, narrative=SECRET)
    case = Case.objects.create(name="Familie Tesfay", organisation_id=reporter.organisation_id)
    note = CaseNote.objects.create(case=case, organisation_id=case.organisation_id, text=SECRET)
    with connection.cursor() as cursor:  # as the migrations before the row binding left them
        cursor.execute(
            "UPDATE signals_signal SET narrative = %s WHERE id = %s",
            [seal(SECRET, "signals_signal.narrative"), _db(signal.pk)],
        )
        cursor.execute(
            "UPDATE followup_casenote SET text = %s WHERE id = %s",
            [seal("notitie", "followup_casenote.text"), note.pk],
        )
    assert Signal.objects.get(pk=signal.pk).narrative == ""  # column-bound: refused at runtime

    migration = importlib.import_module(
        "ketenzicht.followup.migrations.0005_bind_sealed_values_to_rows"
    )
    editor = SimpleNamespace(connection=connection)  # all the migration uses of its editor
    migration.bind(apps, editor)
    migration.bind(apps, editor)  # again: nothing left to do

    assert raw("signals_signal", "narrative", signal.pk).startswith("kz2:")
    assert Signal.objects.get(pk=signal.pk).narrative == SECRET
    assert CaseNote.objects.get(pk=note.pk).text == "notitie"
    assert Case.objects.get(pk=case.pk).name == "Familie Tesfay"


def test_a_case_name_is_sealed_in_the_database_and_shown_on_the_case_pages(
    colleague: Actor,
) -> None:
    case = Case.objects.create(name="Familie Tesfay", organisation_id=colleague.organisation_id)
    stored = raw("followup_case", "name", case.pk)
    assert stored.startswith("kz2:") and "Tesfay" not in stored
    assert Case.objects.get(pk=case.pk).name == "Familie Tesfay"
    with pytest.raises(FieldError):
        list(Case.objects.filter(name="Familie Tesfay"))
    client = logged_in(colleague)
    assert "Familie Tesfay" in client.get(f"/casussen/{case.pk}").content.decode()
    assert "Familie Tesfay" in client.get("/casussen").content.decode()
