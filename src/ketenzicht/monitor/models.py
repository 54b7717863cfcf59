"""The monitor's published tables: pre-aggregated in the worker and protected against
disclosure before they are stored, so pages and exports only read fixed, safe tables."""

from __future__ import annotations

from django.db import models


class PublishedTable(models.Model):
    """One fixed table for one area: the nation (``NL``), a police unit (``PO1``), a province
    (``PV20``) or a municipality (``GM0014``). ``data`` holds row and column codes, the
    protected cells and totals (``null`` where suppressed) and which suppressed values are
    small (shown as "<10") rather than hidden to protect another (shown as "x")."""

    scope = models.CharField(max_length=8)
    key = models.CharField(max_length=40)
    data = models.JSONField()
    built_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="published_table")]
