"""The monitor's dashboard as a PDF report a municipality can put on its council agenda.

The same protected tables and charts as the page, laid out for A4 by WeasyPrint. Nothing is
fetched while rendering: the styles are inlined and every other address is refused, so a
report can never make the server request a URL.
"""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from ketenzicht.common.pdf import html_to_pdf, static_text

from .charts import charts
from .selectors import Dashboard


def report_html(dashboard: Dashboard) -> str:
    return render_to_string(
        "monitor/report.html",
        {
            "dashboard": dashboard,
            **charts(dashboard),
            "report_style": static_text("report.css"),
            "svg_style": static_text("charts.css"),
            "printed_at": timezone.localdate(),
        },
    )


def as_pdf(dashboard: Dashboard) -> bytes:
    return html_to_pdf(report_html(dashboard))
