"""The monitor's dashboard as a PDF report a municipality can put on its council agenda.

The same protected tables and charts as the page, laid out for A4 by WeasyPrint. Nothing is
fetched while rendering: the styles are inlined and every other address is refused, so a
report can never make the server request a URL.
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone

from .charts import charts
from .selectors import Dashboard


def _style(name: str) -> str:
    path = finders.find(f"ketenzicht/{name}")
    if not isinstance(path, str):
        raise FileNotFoundError(name)
    with open(path, encoding="utf-8") as f:
        return f.read()


def _refuse(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    raise ValueError(f"the report fetches nothing: {url[:60]}")


def report_html(dashboard: Dashboard) -> str:
    return render_to_string(
        "monitor/report.html",
        {
            "dashboard": dashboard,
            **charts(dashboard),
            "report_style": _style("report.css"),
            "svg_style": _style("charts.css"),
            "printed_at": timezone.localdate(),
        },
    )


def as_pdf(dashboard: Dashboard) -> bytes:
    import weasyprint  # loads Pango through cffi: only when a report is asked for

    html = weasyprint.HTML(string=report_html(dashboard), url_fetcher=_refuse)
    return bytes(html.write_pdf())
