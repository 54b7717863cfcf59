"""The monitor's charts as numbers for the SVG templates: plain bars with their values written
on them, a suppressed value drawn as its marker ("<10" or "x") and never as a low bar. Every
chart has the same figures in a table beside it."""

from __future__ import annotations

from .selectors import Dashboard, Table

CHART_HEIGHT = 160
BAR_WIDTH = 44
GAP = 16


def trend_chart(table: Table | None) -> dict[str, object] | None:
    """Bars of the signals per quarter (the row totals of the trend table). A suppressed
    total gets no bar but its marker ("<10" or "x"), so it never reads as a low count."""
    if table is None or not table.rows:
        return None
    known = [r.total.value for r in table.rows if r.total and r.total.value is not None]
    top = max(known, default=0) or 1
    bars = []
    for i, row in enumerate(table.rows):
        x = i * (BAR_WIDTH + GAP)
        value = row.total.value if row.total else None
        height = round(value / top * (CHART_HEIGHT - 20), 1) if value is not None else 0
        bars.append(
            {
                "x": x,
                "y": CHART_HEIGHT - height,
                "height": height,
                "text": row.total.text if row.total else "",
                "text_y": CHART_HEIGHT - height - 4,
                "label": row.label.split(" ")[0],
                "suppressed": value is None,
            }
        )
    return {
        "bars": bars,
        "width": len(bars) * (BAR_WIDTH + GAP),
        "height": CHART_HEIGHT + 24,
        "bar_width": BAR_WIDTH,
        "label_y": CHART_HEIGHT + 18,
    }


ROW_HEIGHT = 22
LABEL_WIDTH = 230
BAR_AREA = 300


def bars_chart(table: Table | None) -> dict[str, object] | None:
    """Horizontal bars of a table's row totals (signals per form of exploitation)."""
    if table is None or not table.rows or not any(r.total for r in table.rows):
        return None
    known = [r.total.value for r in table.rows if r.total and r.total.value is not None]
    top = max(known, default=0) or 1
    bars = []
    for i, row in enumerate(table.rows):
        value = row.total.value if row.total else None
        width = round(value / top * BAR_AREA, 1) if value is not None else 0
        y = i * ROW_HEIGHT
        bars.append(
            {
                "y": y,
                "text_y": y + 15,
                "width": width,
                "text_x": LABEL_WIDTH + width + 6,
                "text": row.total.text if row.total else "",
                "label": row.label,
                "suppressed": value is None,
            }
        )
    return {
        "bars": bars,
        "label_width": LABEL_WIDTH,
        "label_x": LABEL_WIDTH - 8,
        "bar_height": ROW_HEIGHT - 6,
        "width": LABEL_WIDTH + BAR_AREA + 60,
        "height": len(bars) * ROW_HEIGHT,
    }


def charts(dashboard: Dashboard) -> dict[str, object]:
    return {
        "trend_chart": trend_chart(dashboard.tables.get("trend")),
        "types_chart": bars_chart(dashboard.tables.get("types")),
    }
