from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from ketenzicht.accounts.actor import Actor
from ketenzicht.audit.models import AuditEvent
from ketenzicht.persons.models import PersonRecord
from ketenzicht.signals.factories import TEST_CONTEXT
from ketenzicht.signals.importer import import_signals, read_rows
from ketenzicht.signals.models import Signal

pytestmark = pytest.mark.django_db

HEADER = (
    "reference,kind,observed_on,municipality,exploitation_types,indicators,narrative,"
    "subject_role,subject_given_name,subject_family_name,subject_date_of_birth,"
    "subject_dob_precision,subject_nationality,subject_v_number,subject_phones\n"
)
GOOD = (
    HEADER + "R-1,soft,2026-02-01,GM1950,labour,AL-DR-S01;AL-EX-M01,Werkt in kas,presumed_victim,"
    "Senait,Tesfay,2001-05-04,exact,ERI,1234567890,0612345678\n"
    + "R-1,,,,,,,presumed_perpetrator,Dawit,Kidane,,unknown,ERI,,\n"
    + "R-2,hard,01-03-2026,GM0363,sexual,,Vrouw wordt opgehaald,presumed_victim,Joy,Obi,"
    "1998,year,NGA,,\n"
)


def run(actor: Actor, content: bytes, name: str = "import.csv"):  # type: ignore[no-untyped-def]
    return import_signals(actor=actor, context=TEST_CONTEXT, content=content, filename=name)


def test_good_file_imports_signals_with_their_subjects(reporter: Actor) -> None:
    result = run(reporter, GOOD.encode())
    assert result.ok, result.errors
    assert (result.total_rows, result.created, result.skipped) == (3, 2, 0)
    first = Signal.objects.get(source_reference="R-1")
    assert first.subjects.count() == 2
    second = Signal.objects.get(source_reference="R-2")
    assert str(second.observed_on) == "2026-03-01"
    assert second.subjects.get().record.dob_precision == "year"
    assert AuditEvent.objects.filter(action="import").count() == 1
    assert AuditEvent.objects.filter(action="create", purpose="import").count() == 2


def test_reimport_is_idempotent(reporter: Actor) -> None:
    run(reporter, GOOD.encode())
    again = run(reporter, GOOD.encode())
    assert again.ok and (again.created, again.skipped) == (0, 2)
    assert Signal.objects.count() == 2


def test_one_bad_row_imports_nothing_and_names_row_and_column(reporter: Actor) -> None:
    bad = GOOD + "R-3,soft,2026-02-30,GM1950,labour,,Tekst,presumed_victim,A,B,,,,12345,\n"
    result = run(reporter, bad.encode())
    assert not result.ok
    assert Signal.objects.count() == 0 and PersonRecord.objects.count() == 0
    found = {(e.row, e.column) for e in result.errors}
    assert (5, "observed_on") in found
    assert (5, "subject_v_number") in found


def test_service_level_errors_point_at_rows(reporter: Actor) -> None:
    bad = GOOD + "R-4,soft,2026-02-01,GM9999,labour,XX-1,Tekst,,,,,,,,\n"
    result = run(reporter, bad.encode())
    assert not result.ok
    assert {(e.row, e.column) for e in result.errors} >= {(5, "municipality")}
    assert Signal.objects.count() == 0


def test_conflicting_signal_columns_in_continuation_rows(reporter: Actor) -> None:
    bad = HEADER + (
        "R-1,soft,2026-02-01,GM1950,labour,,Tekst,presumed_victim,A,B,,,,,\n"
        "R-1,hard,,,,,,other,C,D,,,,,\n"
    )
    result = run(reporter, bad.encode())
    assert [(e.row, e.column) for e in result.errors] == [(3, "kind")]


def test_semicolon_csv_with_bom_is_read() -> None:
    content = "\ufeff" + GOOD.replace(",", ";").replace(
        "AL-DR-S01;AL-EX-M01", "AL-DR-S01|AL-EX-M01"
    )
    rows = read_rows(content.encode(), "x.csv")
    assert rows[0][1]["reference"] == "R-1"
    assert rows[0][1]["indicators"] == "AL-DR-S01|AL-EX-M01"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (GOOD.encode("utf-16"), "not a CSV"),
        ("reference;kind\nR-1;soft\n".encode("cp1252") + b"\xe9\xff\n", "UTF-8"),
        (b"", "empty"),
        (b"reference,colour\nR-1,red\n", "Unknown column"),
        (b"reference,kind\nR-1,soft\n", "Missing column"),
        (b"PK\x03\x04garbage", "XLSX"),
    ],
)
def test_unreadable_files_get_one_clear_error(
    reporter: Actor, content: bytes, message: str
) -> None:
    result = run(reporter, content)
    assert len(result.errors) == 1
    assert message in result.errors[0].message
    assert Signal.objects.count() == 0


def test_xlsx_import(reporter: Actor) -> None:
    workbook = Workbook()
    sheet = workbook.active
    for line in GOOD.strip().split("\n"):
        sheet.append(line.split(","))
    buffer = io.BytesIO()
    workbook.save(buffer)
    result = run(reporter, buffer.getvalue(), "import.xlsx")
    assert result.ok, result.errors
    assert result.created == 2


def test_a_workbook_that_unpacks_to_far_more_than_it_holds_is_refused_unread(
    reporter: Actor,
) -> None:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (50 * 1024 * 1024))  # 50 MB of zeros
    assert len(buffer.getvalue()) < 200_000
    result = run(reporter, buffer.getvalue(), "import.xlsx")
    assert [e.message for e in result.errors] == [
        "This workbook unpacks to far more than it holds; it is refused as unsafe."
    ]
    assert Signal.objects.count() == 0


def test_a_workbook_with_xml_entities_is_refused(reporter: Actor) -> None:
    """A billion-laughs or external-entity sheet never expands (defusedxml, ASVS 1.5.1)."""
    import zipfile

    workbook = Workbook()
    for line in GOOD.strip().split("\n"):
        workbook.active.append(line.split(","))
    plain = io.BytesIO()
    workbook.save(plain)
    hostile = io.BytesIO()
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">'
        '<!ENTITY e SYSTEM "file:///etc/passwd">]>'
    )
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(hostile, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = data.split(b"?>", 1)[1] if data.startswith(b"<?xml") else data
                data = bomb.encode() + body  # declared entities alone are refused
            target.writestr(item, data)
    result = run(reporter, hostile.getvalue(), "import.xlsx")
    assert [e.message for e in result.errors] == ["This file is not a valid XLSX workbook."]
    assert Signal.objects.count() == 0


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.binary(max_size=400))
def test_reader_never_crashes_on_arbitrary_bytes(reporter: Actor, blob: bytes) -> None:
    result = run(reporter, HEADER.encode() + blob)
    assert result.ok or result.errors
    assert all(e.row >= 1 for e in result.errors)


def test_single_signal_file_points_at_its_row(reporter: Actor) -> None:
    one = HEADER + "R-1,soft,2030-01-01,GM9999,labour,NOPE-1,Tekst,presumed_victim,A,B,,,,123,\n"
    result = run(reporter, one.encode())
    found = {(e.row, e.column) for e in result.errors}
    # Every problem of the row at once, each at its own column.
    assert found == {
        (2, "observed_on"),
        (2, "municipality"),
        (2, "indicators"),
        (2, "subject_v_number"),
    }
