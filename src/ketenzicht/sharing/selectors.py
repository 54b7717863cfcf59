"""Reads of sharing configuration (no personal data) and of the sharing health figure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

from ketenzicht import policy
from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import Organisation
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import audit_record
from ketenzicht.common.context import Context
from ketenzicht.policy import Projection
from ketenzicht.signals.models import Kind, Signal

from .models import (
    AccessGrant,
    Disclosure,
    Distribution,
    LegalBasis,
    OrganisationDefaults,
    SharingGroup,
)


def legal_basis_list() -> QuerySet[LegalBasis]:
    return LegalBasis.objects.filter(active=True)


def sharing_group_list(*, organisation_id: int | None = None) -> QuerySet[SharingGroup]:
    qs = SharingGroup.objects.prefetch_related("organisations")
    if organisation_id is not None:
        qs = qs.filter(organisations=organisation_id)
    return qs


def organisation_defaults(*, organisation_id: int | None) -> OrganisationDefaults | None:
    return (
        OrganisationDefaults.objects.select_related("legal_basis")
        .filter(organisation_id=organisation_id or 0)
        .first()
    )


def organisation_settings_list() -> QuerySet[Organisation]:
    return Organisation.objects.select_related("sharing_defaults__legal_basis").order_by(
        "type", "name"
    )


@dataclass(frozen=True)
class HealthCell:
    soft: int
    shared: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.shared / self.soft) if self.soft else None


@dataclass(frozen=True)
class HealthRow:
    organisation: str
    cells: list[HealthCell]
    total: HealthCell


@dataclass(frozen=True)
class SharingHealth:
    months: list[dt.date]
    rows: list[HealthRow]
    total: list[HealthCell]


def _month_starts(count: int, today: dt.date) -> list[dt.date]:
    months, year, month = [], today.year, today.month
    for _ in range(count):
        months.append(dt.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def shared_beyond_reporter(until: dt.datetime | None = None) -> Q:
    """Signals visible beyond the reporting organisation: to a group, the chain, or through
    a referral (an access grant; with ``until``, one granted before then)."""
    grants = AccessGrant.objects.filter(signal_id=OuterRef("pk"))
    if until is not None:
        grants = grants.filter(granted_at__lt=until)
    return ~Q(distribution=Distribution.ORGANISATION) | Q(Exists(grants))


@transaction.atomic
def sharing_health(*, actor: Actor, context: Context, months: int = 12) -> SharingHealth | None:
    """Share of soft signals visible beyond the reporting organisation, per organisation and
    month of registration: by group, chain or referral. Counts only, no personal data."""
    if not policy.may_view_sharing_health(actor):
        return None
    starts = _month_starts(months, timezone.localdate())
    first = dt.datetime.combine(starts[0], dt.time(), tzinfo=dt.UTC)
    beyond = shared_beyond_reporter()
    counts = (
        policy.signals_for_aggregates(actor)
        .filter(kind=Kind.SOFT, received_at__gte=first)
        .annotate(month=TruncMonth("received_at", tzinfo=dt.UTC))
        .values("organisation__name", "month")
        .annotate(soft=Count("pk"), shared=Count("pk", filter=beyond))
    )
    table: dict[str, dict[dt.date, HealthCell]] = {}
    for row in counts:
        month = row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]
        table.setdefault(row["organisation__name"], {})[month] = HealthCell(
            row["soft"], row["shared"]
        )
    empty = HealthCell(0, 0)
    rows = []
    for name in sorted(table):
        cells = [table[name].get(m, empty) for m in starts]
        rows.append(
            HealthRow(
                name,
                cells,
                HealthCell(sum(c.soft for c in cells), sum(c.shared for c in cells)),
            )
        )
    total = [
        HealthCell(sum(r.cells[i].soft for r in rows), sum(r.cells[i].shared for r in rows))
        for i in range(len(starts))
    ]
    audit_record(
        actor=actor,
        action=Action.VIEW,
        purpose=Purpose.MONITORING,
        context=context,
        object_type="signal",
        detail={"figure": "sharing_health", "months": months},
    )
    return SharingHealth(starts, rows, total)


def disclosure_list(*, actor: Actor, signal: Signal) -> QuerySet[Disclosure]:
    """The sharing history of a signal, for its reporting organisation only."""
    if signal.organisation_id != actor.organisation_id or signal.projection < Projection.FULL:
        return Disclosure.objects.none()
    return signal.disclosures.select_related(
        "sharing_group", "organisation", "legal_basis", "decided_by"
    )
