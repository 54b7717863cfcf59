"""What the signals app announces to the apps above it. Follow-up reacts to these (routing
starts when a hard signal is registered) without ``signals`` importing upwards; the layers
are checked by import-linter (docs/architecture.md, "The app graph")."""

from __future__ import annotations

from django.dispatch import Signal

# Sent inside the registering transaction with ``signal_ids`` (the hard signals just
# registered); a receiver that starts work defers it to the commit.
hard_signals_registered = Signal()
