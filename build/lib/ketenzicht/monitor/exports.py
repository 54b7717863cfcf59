"""The monitor's tables as files a municipality can work with: CSV and XLSX. Built from the
same protected tables as the pages, with the same "<10" and "x" markers."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openpyxl import Workbook

from .selectors import Dashboard, Table

TITLES = {
    "trend": gettext_lazy("Signals per quarter and kind"),
    "types": gettext_lazy("Signals of the last twelve months per form of exploitation and kind"),
    "people": gettext_lazy("Distinct presumed victims and perpetrators, last twelve months"),
    "people_kind": gettext_lazy("Distinct presumed victims and perpetrators by kind of signal"),
    "people_age": gettext_lazy("Distinct presumed victims and perpetrators by age group"),
    "people_nationality": gettext_lazy(
        "Distinct presumed victims and perpetrators by nationality group"
    ),
    "sharing": gettext_lazy("Soft signals of the last twelve months, shared or not"),
    "followup": gettext_lazy(
        "Referrals of the last twelve months per receiving body and how they stood"
    ),
}


def _note() -> str:
    return _(
        "Numbers below 10 are shown as <10; an x hides a number that would otherwise give a "
        "small one away."
    )


def _title(key: str) -> str:
    return str(TITLES.get(key, key))


def _rows(table: Table) -> list[list[str]]:
    extra = [table.extra_label] if table.extra_label else []
    header = ["", *table.columns] + ([_("Total")] if table.total else []) + extra
    rows = [header]
    for row in table.rows:
        cells = [c.text for c in row.cells]
        total = [row.total.text] if row.total else []
        rows.append([row.label, *cells, *total] + ([row.extra] if extra else []))
    if table.total:
        extra_total = [table.extra_total] if extra else []
        rows.append([_("Total"), *(c.text for c in table.totals), table.total.text, *extra_total])
    return rows


def as_csv(dashboard: Dashboard) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([_("Human trafficking monitor: %(name)s") % {"name": dashboard.area.label}])
    writer.writerow([_note()])
    for key, table in dashboard.tables.items():
        writer.writerow([])
        writer.writerow([_title(key)])
        writer.writerows(_rows(table))
    return out.getvalue()


def as_xlsx(dashboard: Dashboard) -> bytes:
    book = Workbook()
    first = True
    for key, table in dashboard.tables.items():
        sheet = book.active if first else book.create_sheet()
        first = False
        sheet.title = key
        sheet.append([_title(key)])
        for row in _rows(table):
            # Published numbers as numbers, markers as text: a spreadsheet can sum the first.
            sheet.append([_number(v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _number(text: str) -> int | str:
    digits = text.replace(".", "")
    return int(digits) if digits.isdigit() else text
