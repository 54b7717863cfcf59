"""Bulk import of signals from CSV or XLSX: all or nothing, with a row-level error report.

One row per subject; rows sharing a ``reference`` form one signal (the signal columns are
read from its first row). Re-importing a file skips references the organisation already
has, so an import can be repeated safely. Columns are documented in docs/import.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rest_framework import serializers

from ketenzicht.accounts.actor import Actor
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import audit_record
from ketenzicht.common.context import Context

from .intake import SignalInput
from .models import Signal
from .payload import SignalInputSerializer
from .services import Vocabulary, signals_register

SIGNAL_COLUMNS = {
    "reference": "sourceReference",
    "kind": "kind",
    "observed_on": "observedOn",
    "municipality": "municipality",
    "exploitation_types": "exploitationTypes",
    "indicators": "indicators",
    "control_methods": "controlMethods",
    "source_reliability": "sourceReliability",
    "information_credibility": "informationCredibility",
    "narrative": "narrative",
    "distribution": "distribution",
    "sharing_group": "sharingGroup",
    "legal_basis": "legalBasis",
    "legal_basis_note": "legalBasisNote",
    "handling_codes": "handlingCodes",
}
SUBJECT_COLUMNS = {
    "subject_role": "role",
    "subject_given_name": "givenName",
    "subject_family_name": "familyName",
    "subject_aliases": "aliases",
    "subject_date_of_birth": "dateOfBirth",
    "subject_dob_precision": "dateOfBirthPrecision",
    "subject_sex": "sex",
    "subject_nationality": "nationality",
    "subject_v_number": "vNumber",
    "subject_phones": "phones",
    "subject_restricted": "restricted",
}
LIST_COLUMNS = {
    "exploitation_types",
    "indicators",
    "control_methods",
    "subject_aliases",
    "subject_phones",
    "handling_codes",
}
DATE_COLUMNS = {"observed_on", "subject_date_of_birth"}
REQUIRED_COLUMNS = (
    "reference",
    "kind",
    "observed_on",
    "municipality",
    "exploitation_types",
    "narrative",
)
ALL_COLUMNS = (*SIGNAL_COLUMNS, *SUBJECT_COLUMNS)
# API field name -> file column, to report validation errors in the file's own terms.
API_TO_COLUMN = {v: k for k, v in SIGNAL_COLUMNS.items()} | {
    "location": "location",
    "subjects": "subject_role",
}
SUBJECT_API_TO_COLUMN = {v: k for k, v in SUBJECT_COLUMNS.items()}
SERVICE_TO_COLUMN = {
    "observed_on": "observed_on",
    "municipality": "municipality",
    "exploitation_types": "exploitation_types",
    "indicators": "indicators",
    "control_methods": "control_methods",
    "narrative": "narrative",
}
MAX_ERRORS = 1000
XLSX_MAGIC = b"PK\x03\x04"


@dataclass
class RowError:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class ImportResult:
    total_rows: int = 0
    created: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


class ImportFileError(Exception):
    """The file as a whole cannot be read (format, encoding, header)."""


Row = tuple[int, dict[str, str]]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _header(raw: Iterable[Any]) -> list[str]:
    names = [_cell(h).lower().replace(" ", "_") for h in raw]
    unknown = [n for n in names if n and n not in ALL_COLUMNS]
    if unknown:
        raise ImportFileError(_("Unknown column(s): %(cols)s.") % {"cols": ", ".join(unknown)})
    missing = [c for c in REQUIRED_COLUMNS if c not in names]
    if missing:
        raise ImportFileError(_("Missing column(s): %(cols)s.") % {"cols": ", ".join(missing)})
    return names


def read_rows(content: bytes, filename: str) -> list[Row]:
    """Rows as ``(row number in the file, {column: text})``; the header is row 1."""
    if content.startswith(XLSX_MAGIC) or filename.lower().endswith(".xlsx"):
        if not content.startswith(XLSX_MAGIC):
            raise ImportFileError(_("This file is not a valid XLSX workbook."))
        return _read_xlsx(content)
    if b"\x00" in content[:4096]:
        raise ImportFileError(_("This file is not a CSV text file."))
    return _read_csv(content)


def _read_csv(content: bytes) -> list[Row]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise ImportFileError(
            _(
                "The file is not UTF-8 encoded (first problem on row %(row)s). "
                "Save it as 'CSV UTF-8'."
            )
            % {"row": line}
        ) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = _header(next(reader))
    except StopIteration as exc:
        raise ImportFileError(_("The file is empty.")) from exc
    except csv.Error as exc:
        raise ImportFileError(_("The file is not valid CSV: %(e)s") % {"e": exc}) from exc
    rows: list[Row] = []
    try:
        for values in reader:
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header):
                raise ImportFileError(
                    _("Row %(row)s has more cells than the header.") % {"row": reader.line_num}
                )
            rows.append(
                (reader.line_num, dict(zip(header, (v.strip() for v in values), strict=False)))
            )
    except csv.Error as exc:
        raise ImportFileError(
            _("Row %(row)s is not valid CSV: %(e)s") % {"row": reader.line_num, "e": exc}
        ) from exc
    return rows


# An XLSX is a zip: a few megabytes can unpack to gigabytes (a zip bomb). Its declared
# sizes are checked before anything is unpacked (ASVS 5.2.3); a real workbook of the largest
# accepted upload unpacks to well under this.
XLSX_MAX_MEMBERS = 200
XLSX_MAX_UNPACKED = 200 * 1024 * 1024
XLSX_MAX_RATIO = 200


def _check_archive(archive: Any) -> None:
    members = archive.infolist()
    unpacked = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    if (
        len(members) > XLSX_MAX_MEMBERS
        or unpacked > XLSX_MAX_UNPACKED
        or unpacked / packed > XLSX_MAX_RATIO
    ):
        raise ImportFileError(
            _("This workbook unpacks to far more than it holds; it is refused as unsafe.")
        )


def _read_xlsx(content: bytes) -> list[Row]:
    from openpyxl import load_workbook  # noqa: PLC0415  (heavy: only for an .xlsx upload)

    try:
        _check_archive(zipfile.ZipFile(io.BytesIO(content)))
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(_("This file is not a valid XLSX workbook.")) from exc
    sheet = workbook.worksheets[0]
    iterator = sheet.iter_rows(values_only=True)
    try:
        header = _header(next(iterator))
    except StopIteration as exc:
        raise ImportFileError(_("The file is empty.")) from exc
    rows: list[Row] = []
    for number, values in enumerate(iterator, start=2):
        cells = [_cell(v) for v in values]
        if any(cells):
            rows.append((number, dict(zip(header, cells, strict=False))))
    workbook.close()
    return rows


_DUTCH_DATE = re.compile(r"^(\d{1,2})[-/](\d{1,2})[-/](\d{4})$")


def _date(text: str) -> str:
    match = _DUTCH_DATE.match(text)
    if match:
        day, month, year = match.groups()
        return f"{year}-{int(month):02d}-{int(day):02d}"
    return text


def _value(column: str, text: str) -> Any:
    if column in LIST_COLUMNS:
        return [part.strip() for part in re.split(r"[;|]", text) if part.strip()]
    if column in DATE_COLUMNS:
        if re.fullmatch(r"\d{4}", text):  # a year of birth alone
            return f"{text}-01-01"
        return _date(text)
    return text


def _payload(group: list[Row]) -> dict[str, Any]:
    first = group[0][1]
    payload: dict[str, Any] = {
        api: _value(col, first.get(col, ""))
        for col, api in SIGNAL_COLUMNS.items()
        if first.get(col, "") != ""
    }
    for key in ("exploitationTypes",):
        payload.setdefault(key, [])
    payload.setdefault("narrative", "")
    subjects = []
    for _number, row in group:
        if not any(row.get(col) for col in SUBJECT_COLUMNS):
            continue
        subjects.append(
            {api: _value(col, row[col]) for col, api in SUBJECT_COLUMNS.items() if row.get(col)}
        )
    payload["subjects"] = subjects
    return payload


def _serializer_errors(detail: Any, group: list[Row]) -> list[RowError]:
    """Map DRF error detail of one signal back to (row, column) of the file."""
    errors: list[RowError] = []
    subject_rows = [n for n, row in group if any(row.get(c) for c in SUBJECT_COLUMNS)]
    for api_name, messages in detail.items():
        if api_name == "subjects" and isinstance(messages, (list, dict)):
            items = messages.items() if isinstance(messages, dict) else enumerate(messages)
            for index, subject_errors in items:
                if not isinstance(subject_errors, dict):
                    for message in _flatten(subject_errors):
                        errors.append(RowError(group[0][0], "subject_role", message))
                    continue
                for sub_name, sub_messages in subject_errors.items():
                    column = SUBJECT_API_TO_COLUMN.get(sub_name) or str(sub_name)
                    for message in _flatten(sub_messages):
                        errors.append(RowError(subject_rows[int(index)], column, message))
            continue
        column = API_TO_COLUMN.get(api_name, api_name)
        for message in _flatten(messages):
            errors.append(RowError(group[0][0], column, message))
    return errors


def _flatten(messages: Any) -> list[str]:
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in _flatten(value)]
    if isinstance(messages, list):
        return [m for value in messages for m in _flatten(value)]
    return [str(messages)]


def _group(rows: list[Row], result: ImportResult) -> dict[str, list[Row]]:
    groups: dict[str, list[Row]] = {}
    for number, row in rows:
        reference = row.get("reference", "")
        if not reference:
            result.errors.append(RowError(number, "reference", _("This field is required.")))
            continue
        group = groups.setdefault(reference, [])
        if group:
            first = group[0][1]
            for column in SIGNAL_COLUMNS:
                if row.get(column) and row[column] != first.get(column, ""):
                    result.errors.append(
                        RowError(
                            number,
                            column,
                            _("Differs from row %(row)s, the first row of reference %(ref)s.")
                            % {"row": group[0][0], "ref": reference},
                        )
                    )
        group.append((number, row))
    return groups


def import_signals(
    *,
    actor: Actor,
    context: Context,
    content: bytes,
    filename: str,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = 2000,
) -> ImportResult:
    """Validate every row, then register all signals in one transaction, or none."""
    result = ImportResult()
    try:
        rows = read_rows(content, filename)
    except ImportFileError as exc:
        result.errors.append(RowError(1, "", str(exc)))
        return result
    result.total_rows = len(rows)
    groups = _group(rows, result)
    existing = (
        set(
            Signal.objects.filter(
                organisation_id=actor.organisation_id or 0, source_reference__in=list(groups)
            ).values_list("source_reference", flat=True)
        )
        if groups
        else set()
    )

    inputs: list[tuple[SignalInput, list[Row]]] = []
    vocabulary = Vocabulary()
    # One validator for every row: DRF builds a serializer's fields per instance, which
    # cost a third of the import's time when done per row.
    validator = SignalInputSerializer(context={"vocabulary": vocabulary})
    done = 0
    for reference, group in groups.items():
        done += len(group)
        if reference in existing:
            result.skipped += 1
            continue
        try:
            attrs = validator.run_validation(_payload(group))
        except serializers.ValidationError as exc:
            result.errors.extend(_serializer_errors(exc.detail, group))
        else:
            inputs.append((validator.to_input(attrs), group))
        if progress and done % 500 < len(group):
            progress(done, result.total_rows)
        if len(result.errors) >= MAX_ERRORS:
            break
    if result.errors:
        return result

    try:
        with transaction.atomic():
            for start in range(0, len(inputs), batch_size):
                chunk = inputs[start : start + batch_size]
                try:
                    signals_register(
                        actor=actor,
                        context=context,
                        items=[item for item, _g in chunk],
                        purpose=Purpose.IMPORT,
                        vocabulary=vocabulary,
                    )
                except ValidationError as exc:
                    for key, messages in exc.message_dict.items():
                        index, _dot, name = key.partition(".")
                        row = chunk[int(index)][1][0][0] if index.isdigit() else 1
                        for message in messages:
                            result.errors.append(
                                RowError(row, SERVICE_TO_COLUMN.get(name, name), message)
                            )
                if progress:
                    progress(min(result.total_rows, done), result.total_rows)
            if result.errors:
                raise RollbackError
            result.created = len(inputs)
            audit_record(
                actor=actor,
                action=Action.IMPORT,
                purpose=Purpose.IMPORT,
                context=context,
                object_type="import",
                object_id=filename,
                detail={
                    "rows": result.total_rows,
                    "created": result.created,
                    "skipped": result.skipped,
                },
            )
    except RollbackError:
        result.created = 0
    result.errors.sort(key=lambda e: (e.row, e.column))
    return result


class RollbackError(Exception):
    pass
