"""Dates as Dutch government letters and forms write them, the same on pages, in PDFs and
in both languages: 04-12-2026 and 04-12-2026 14:05 (templates use these names, never a
format string of their own)."""

DATE_FORMAT = "d-m-Y"
SHORT_DATE_FORMAT = "d-m-Y"
DATETIME_FORMAT = "d-m-Y H:i"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
