"""One way to write a date (issue 20, item 16): 04-12-2026 on pages, in PDFs and in both
languages, from the named formats in conf/formats; templates name a format, never spell one."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from django.template import Context, Template
from django.utils import translation

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
DAY = dt.date(2026, 12, 4)
MOMENT = dt.datetime(2026, 12, 4, 13, 5, tzinfo=dt.UTC)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_dates_read_the_same_in_both_languages(language: str) -> None:
    source = (
        '{{ d|date }} {{ d|date:"SHORT_DATE_FORMAT" }} {{ m|date:"SHORT_DATETIME_FORMAT" }} '
        "{{ m|date:'DATETIME_FORMAT' }}"
    )
    with translation.override(language):
        text = Template(source).render(Context({"d": DAY, "m": MOMENT}))
    assert text == "04-12-2026 04-12-2026 04-12-2026 14:05 04-12-2026 14:05"


def test_the_pdf_filter_writes_the_same_date() -> None:
    from ketenzicht.common.templatetags.kz_format import iso_moment

    with translation.override("nl"):
        assert iso_moment("2026-12-04") == "04-12-2026"
        assert iso_moment("2026-12-04T13:05:00+00:00") == "04-12-2026 14:05"


def test_templates_name_their_date_format() -> None:
    spelled = re.compile(r"""\|date:["'](?:[djnmFYy][-/ .])""")
    offenders = [
        f"{path.relative_to(TEMPLATES)}:{number}"
        for path in TEMPLATES.rglob("*.html")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if spelled.search(line)
    ]
    assert offenders == []
