"""The format of the application's console log (docs/security/logging.md)."""

from __future__ import annotations

import logging
import time


class OneLineUtcFormatter(logging.Formatter):
    """``2026-11-30T05:21:07Z WARNING django.request: message``: one record, one line (a
    carriage return or line feed in a message, such as a path a client chose, is written as
    ``\\r`` or ``\\n``), with the time in UTC like the audit trail."""

    def converter(self, seconds: float | None = None) -> time.struct_time:
        return time.gmtime(seconds)

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%SZ")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        return text.replace("\r", "\\r").replace("\n", "\\n")
