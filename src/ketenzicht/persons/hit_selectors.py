"""Reads of the hit/no-hit index (ADR 0007): the own organisation's hit notices, and reception's
attention list of residents a signal or a hit concerns."""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction

from ketenzicht import policy
from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import Organisation
from ketenzicht.audit.models import Action, Purpose, Result
from ketenzicht.audit.services import audit_record
from ketenzicht.common.context import Context
from ketenzicht.common.keyset import Page, paginate
from ketenzicht.policy import Projection
from ketenzicht.signals.models import Subject, SubjectRole

from .models import HitNotice, PersonRecord
from .same_person import matcher


@dataclass(frozen=True)
class HitRow:
    """What a coordinator learns from a match: who else is involved and whom to call, with
    the signal numbers on both sides, never the other side's content."""

    notice: HitNotice
    own_signals: list[str]
    other_signals: list[str]


def _signal_refs(actor: Actor, record_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    """Signal numbers per record; a restricted naming is not disclosed outside its
    organisation, not even by number."""
    refs: dict[uuid.UUID, list[str]] = defaultdict(list)
    for record_id, signal_id in (
        Subject.objects.filter(policy.shown_subjects(actor), record_id__in=record_ids)
        .order_by("signal__received_at")
        .values_list("record_id", "signal_id")
    ):
        refs[record_id].append(str(signal_id)[:8].upper())
    return refs


@transaction.atomic
def hit_list(
    *,
    actor: Actor,
    context: Context,
    open_only: bool = False,
    notice_id: int | None = None,
    cursor: str | None = None,
    size: int = 25,
    purpose: str = Purpose.VICTIM_PROTECTION,
) -> Page[HitRow]:
    qs = policy.visible_hit_notices(actor).select_related(
        "record", "other_organisation", "acknowledged_by"
    )
    if open_only:
        qs = qs.filter(acknowledged_at__isnull=True)
    if notice_id is not None:
        qs = qs.filter(pk=notice_id)
    page = paginate(qs, stamp_field="created_at", cursor=cursor, size=size)
    # Signal numbers on both sides: of every record the matcher links to this one, per
    # organisation (an organisation may hold several records of one person).
    linked = matcher().linked_records([n.record_id for n in page.items])
    every = set().union(*linked.values()) if linked else set()
    organisation_of = dict(
        PersonRecord.objects.filter(pk__in=every).values_list("pk", "organisation_id")
    )
    refs = _signal_refs(actor, list(every))

    def numbers(notice: HitNotice, organisation_id: int) -> list[str]:
        found: list[str] = []
        for record_id in linked.get(notice.record_id, ()):
            if organisation_of.get(record_id) == organisation_id:
                found.extend(r for r in refs[record_id] if r not in found)
        return found

    audit_record(
        actor=actor,
        action=Action.LIST,
        purpose=purpose,
        context=context,
        object_type="hit",
        detail={"rows": len(page.items), "open_only": open_only},
        shown=[("person", n.record_id) for n in page.items],
        # A role without hits sees an empty list; the trail shows it asked anyway.
        result=Result.OK if policy.may_receive_hits(actor) else Result.DENIED,
    )
    return Page(
        [
            HitRow(n, numbers(n, n.organisation_id), numbers(n, n.other_organisation_id))
            for n in page.items
        ],
        page.next_cursor,
    )


@dataclass(frozen=True)
class AttentionReason:
    kind: str  # "signal" or "hit"
    organisation: Organisation
    since: dt.datetime
    signal_id: uuid.UUID | None = None  # only when the actor may open the signal in full
    signal_reference: str = ""
    narrative: str = ""  # only when the signal is shared with the actor in full
    handling_codes: tuple[str, ...] = ()


@dataclass
class AttentionRow:
    resident: PersonRecord
    reasons: list[AttentionReason] = field(default_factory=list)

    @property
    def latest(self) -> dt.datetime:
        return max(r.since for r in self.reasons)

    @property
    def possible_victim(self) -> bool:
        return any(r.kind == "signal" for r in self.reasons)


MAX_ATTENTION_ROWS = 500


@transaction.atomic
def attention_list(
    *,
    actor: Actor,
    context: Context,
    location_id: int,
    purpose: str = Purpose.VICTIM_PROTECTION,
) -> list[AttentionRow] | None:
    """Residents of one location who need extra attention, newest first.

    A resident is listed when a record linked to theirs (same person by the matcher) is named
    as presumed victim on a signal the actor may know of (at least the attention
    projection), or when the organisation holds a hit notice for them. The narrative comes
    along only for signals the actor sees in full. None when the location is not the
    actor's to see.
    """
    location = policy.attention_locations(actor).filter(pk=location_id).first()
    if location is None:
        audit_record(
            actor=actor,
            action=Action.LIST,
            purpose=purpose,
            context=context,
            object_type="person",
            detail={"attention_location": location_id},
            result=Result.DENIED,
        )
        return None
    residents = {
        r.pk: r
        for r in PersonRecord.objects.filter(
            location_id=location.pk, organisation_id=location.organisation_id
        )
    }
    rows: dict[uuid.UUID, AttentionRow] = {}
    linked = matcher().linked_records(residents)
    resident_of: dict[uuid.UUID, set[uuid.UUID]] = defaultdict(set)
    for resident_id, records in linked.items():
        for record_id in records:
            resident_of[record_id].add(resident_id)
    victims = policy.visible_subjects(actor, Projection.ATTENTION).filter(
        record_id__in=list(resident_of), role=SubjectRole.PRESUMED_VICTIM
    )
    signals = {
        s.pk: s
        for s in policy.visible_signals(actor, Projection.ATTENTION)
        .filter(pk__in=victims.values("signal_id"))
        .select_related("organisation")
    }
    for signal_id, record_id in victims.filter(signal_id__in=list(signals)).values_list(
        "signal_id", "record_id"
    ):
        signal = signals[signal_id]
        full = bool(getattr(signal, "kz_full", False))
        for resident_id in resident_of[record_id]:
            row = rows.setdefault(resident_id, AttentionRow(residents[resident_id]))
            if any(r.signal_reference == signal.reference for r in row.reasons):
                continue
            row.reasons.append(
                AttentionReason(
                    kind="signal",
                    organisation=signal.organisation,
                    since=signal.received_at,
                    signal_id=signal.pk if full else None,
                    signal_reference=signal.reference,
                    narrative=signal.narrative if full else "",
                    handling_codes=tuple(signal.handling_codes),
                )
            )
    for notice in (
        policy.attention_hit_notices(actor)
        .filter(record_id__in=list(residents))
        .select_related("other_organisation")
    ):
        row = rows.setdefault(notice.record_id, AttentionRow(residents[notice.record_id]))
        if not any(r.organisation == notice.other_organisation for r in row.reasons):
            row.reasons.append(
                AttentionReason(
                    kind="hit", organisation=notice.other_organisation, since=notice.created_at
                )
            )
    result = sorted(rows.values(), key=lambda r: r.latest, reverse=True)[:MAX_ATTENTION_ROWS]
    by_reference = {s.reference: s.pk for s in signals.values()}
    for row in result:
        row.reasons.sort(key=lambda r: r.since, reverse=True)
    audit_record(
        actor=actor,
        action=Action.LIST,
        purpose=purpose,
        context=context,
        object_type="person",
        detail={"attention_location": location.pk, "rows": len(result)},
        # The resident, and each signal the row names (in full, or only by its number).
        shown=[("person", row.resident.pk) for row in result]
        + [
            ("signal", by_reference[reason.signal_reference])
            for row in result
            for reason in row.reasons
            if reason.kind == "signal"
        ],
    )
    return result
