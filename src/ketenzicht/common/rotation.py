"""What ``rotate_field_key`` needs from the apps above ``common``, announced rather than
imported (docs/architecture.md, "The app graph"): the persons app recomputes the blind
keys it keeps outside model fields, the audit app records the rotation."""

from __future__ import annotations

from django.dispatch import Signal

# Sent when blind indexes are recomputed; each receiver recomputes its own and returns how
# many rows it wrote.
blind_indexes_recompute = Signal()

# Sent once a rotation is done, with ``active`` (the key now sealing), ``resealed`` and
# ``indexed`` (row counts).
field_keys_rotated = Signal()
