"""Writes of reference geography: the number of inhabitants per municipality."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ketenzicht.accounts.actor import SYSTEM
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import audit_record
from ketenzicht.common.context import Context

from .models import Municipality


def read_population(text: str) -> dict[str, int]:
    """``code`` and ``population`` columns (comma or semicolon separated, as CBS StatLine
    exports; codes may carry spaces). Every line's problems are reported together."""
    sample = text[:2048]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # one column, or empty: the header check below says what is wrong
    reader = csv.DictReader(io.StringIO(text), dialect=dialect)
    columns = {name.strip().lower(): name for name in reader.fieldnames or []}
    if "code" not in columns or "population" not in columns:
        raise ValidationError(_("The file needs a 'code' and a 'population' column."))
    known = set(Municipality.objects.values_list("code", flat=True))
    out: dict[str, int] = {}
    errors: list[str] = []
    for line, row in enumerate(reader, start=2):
        code = (row.get(columns["code"]) or "").strip().upper()
        raw = (row.get(columns["population"]) or "").strip().replace(" ", "")
        if re.fullmatch(r"\d{1,3}(\.\d{3})+", raw):  # 12.345: a Dutch thousands separator
            raw = raw.replace(".", "")
        if code not in known:
            errors.append(
                _("Line %(line)d: %(code)s is not a municipality of 2025.")
                % {"line": line, "code": code or "''"}
            )
        elif not raw.isdigit() or int(raw) == 0:
            errors.append(
                _("Line %(line)d: the number of inhabitants must be a whole number above 0.")
                % {"line": line}
            )
        elif code in out:
            errors.append(
                _("Line %(line)d: %(code)s appears twice.") % {"line": line, "code": code}
            )
        else:
            out[code] = int(raw)
    missing = sorted(known - set(out))
    if missing and not errors:
        errors.append(
            _("Every municipality needs a number; missing: %(codes)s.")
            % {"codes": ", ".join(missing[:10]) + (" …" if len(missing) > 10 else "")}
        )
    if errors:
        raise ValidationError(errors)
    return out


@transaction.atomic
def population_load(*, numbers: dict[str, int], on: dt.date, context: Context) -> int:
    """Store the inhabitants of every municipality (all or nothing)."""
    municipalities = list(Municipality.objects.select_for_update().order_by("code"))
    for municipality in municipalities:
        municipality.population = numbers[municipality.code]
        municipality.population_date = on
    Municipality.objects.bulk_update(municipalities, ["population", "population_date"])
    audit_record(
        actor=SYSTEM,
        action=Action.IMPORT,
        purpose=Purpose.ADMINISTRATION,
        context=context,
        object_type="",
        detail={"reference": "population", "on": on.isoformat(), "municipalities": len(numbers)},
    )
    return len(municipalities)
