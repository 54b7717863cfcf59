"""What the privacy officer's page shows besides the search: the retention periods in force
and the last purge of each category (from the audit trail)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ketenzicht.audit.models import Action, AuditEvent, Purpose

from .retention import RULES, Rule, retention_days


@dataclass(frozen=True)
class RetentionRow:
    rule: Rule
    days: int
    last_run: dt.datetime | None
    last_count: int | None


def retention_overview() -> list[RetentionRow]:
    rows = []
    for rule in RULES:
        events = AuditEvent.objects.filter(
            action=Action.PURGE, purpose=Purpose.RETENTION, detail__category=rule.category.value
        )
        # Purges run daily, so the newest is found near the end of the trail.
        last = events.order_by("-id").first()
        count = None
        if last is not None:
            # A large purge goes in batches, one event each, all with the run's cut-off.
            batches = events.filter(
                occurred_at__gte=last.occurred_at - dt.timedelta(days=1),
                detail__cutoff=last.detail.get("cutoff"),
            )
            count = sum(int(e.detail.get("count", 0)) for e in batches)
        rows.append(
            RetentionRow(
                rule=rule,
                days=retention_days(rule.category),
                last_run=last.occurred_at if last else None,
                last_count=count,
            )
        )
    return rows
