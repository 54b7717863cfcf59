"""What the persons app announces to the apps above it. Follow-up reacts to these (the
combination rules run over the soft signals that name freshly indexed records) without
``persons`` importing upwards (docs/architecture.md, "The app graph")."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by the indexing task with ``record_ids`` once their hit/no-hit index is written.
records_indexed = Signal()
