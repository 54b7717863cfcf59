"""Reads of signals. Every read goes through the sharing policy and is audited."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects

from ketenzicht import policy
from ketenzicht.accounts.actor import Actor
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import audit_record, audited_get
from ketenzicht.common.context import Context
from ketenzicht.common.crypto import blind_index
from ketenzicht.common.encrypted_fields import tokens_match
from ketenzicht.common.keyset import Page, paginate
from ketenzicht.persons.validation import parse_v_number
from ketenzicht.policy import Projection
from ketenzicht.taxonomy.models import ExploitationType

from .models import ImportJob, Signal, SignalRevision, Subject, SubjectRole

PAGE_SIZE = 25


@dataclass(frozen=True)
class SubjectSummary:
    role: str
    person_id: uuid.UUID

    def get_role_display(self) -> str:
        return str(SubjectRole(self.role).label)


@dataclass(frozen=True)
class SignalRow:
    """One row of a signal list: the signal with its types and who it is about.

    Built with one query per relation for the whole page, without model instances for
    subjects, because the list is the most requested read.
    """

    signal: Signal
    exploitation_types: list[ExploitationType]
    subjects: list[SubjectSummary]


def _subjects(actor: Actor) -> Prefetch[str, QuerySet[Subject], str]:
    """Subjects with their person records and identifiers, in two queries for any page."""
    return Prefetch(
        "subjects",
        queryset=Subject.objects.filter(policy.shown_subjects(actor))
        .select_related("record__organisation")
        .prefetch_related("record__identifiers"),
    )


@dataclass(frozen=True)
class SignalFilters:
    kind: str = ""
    status: str = ""
    observed_from: dt.date | None = None
    observed_to: dt.date | None = None
    municipality: str = ""
    exploitation_type: str = ""
    # A reference (the signal's or the source's), a V-number or words of a name.
    search: str = ""

    def as_detail(self) -> dict[str, str]:
        # The search text may be a name or a V-number: the audit says only that one was
        # made; what it showed is in the event's ``shown``.
        return {
            k: "yes" if k == "search" else str(v)
            for k, v in self.__dict__.items()
            if v not in ("", None)
        }


_REFERENCE = re.compile(r"[0-9a-f]{4,8}")


def _search(actor: Actor, qs: QuerySet[Signal], text: str) -> QuerySet[Signal]:
    """Signals whose reference starts with the text, whose source reference is the text,
    or that name a person the actor may see by this V-number or with every word of the
    text in their names. Names and V-numbers are sealed: they are matched by their blind
    indexes only, and only on subjects the actor is shown (a restricted identity is not
    found by another organisation)."""
    text = text.replace("\x00", "").strip()  # PostgreSQL text holds no NUL
    match = Q(source_reference=text)
    if _REFERENCE.fullmatch(text.lower()):
        match |= Q(id__istartswith=text.lower())
    records = tokens_match("record__name_digests", "name", text)
    with contextlib.suppress(ValidationError):  # not a V-number: names and references
        records |= Q(record__v_number_digest=blind_index("v_number", parse_v_number(text)))
    named = Subject.objects.filter(policy.shown_subjects(actor)).filter(records)
    return qs.filter(match | Q(pk__in=named.values("signal_id")))


def _filtered(actor: Actor, filters: SignalFilters) -> QuerySet[Signal]:
    qs = policy.visible_signals(actor)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.observed_from:
        qs = qs.filter(observed_on__gte=filters.observed_from)
    if filters.observed_to:
        qs = qs.filter(observed_on__lte=filters.observed_to)
    if filters.municipality:
        qs = qs.filter(municipality_id=filters.municipality)
    if filters.exploitation_type:
        through = Signal.exploitation_types.through.objects.filter(
            exploitationtype__code=filters.exploitation_type
        )
        qs = qs.filter(pk__in=through.values("signal_id"))
    if filters.search.strip():
        qs = _search(actor, qs, filters.search)
    return qs


def _rows(actor: Actor, signals: list[Signal]) -> list[SignalRow]:
    ids = [signal.pk for signal in signals]
    types: dict[uuid.UUID, list[ExploitationType]] = {pk: [] for pk in ids}
    links = Signal.exploitation_types.through.objects.filter(signal_id__in=ids).select_related(
        "exploitationtype"
    )
    for link in links:
        types[link.signal_id].append(link.exploitationtype)
    subjects: dict[uuid.UUID, list[SubjectSummary]] = {pk: [] for pk in ids}
    for signal_id, role, record_id in (
        Subject.objects.filter(policy.shown_subjects(actor), signal_id__in=ids)
        .order_by("position", "id")
        .values_list("signal_id", "role", "record_id")
    ):
        subjects[signal_id].append(SubjectSummary(role, record_id))
    return [
        SignalRow(
            signal,
            sorted(types[signal.pk], key=lambda t: t.position),
            subjects[signal.pk],
        )
        for signal in signals
    ]


@transaction.atomic
def signal_list(
    *,
    actor: Actor,
    context: Context,
    filters: SignalFilters = SignalFilters(),
    cursor: str | None = None,
    size: int = PAGE_SIZE,
    purpose: str = Purpose.WORK_LIST,
) -> Page[SignalRow]:
    qs = _filtered(actor, filters).select_related("municipality", "organisation")
    page = paginate(qs, stamp_field="received_at", cursor=cursor, size=size)
    rows = _rows(actor, page.items)
    audit_record(
        actor=actor,
        action=Action.LIST,
        purpose=purpose,
        context=context,
        object_type="signal",
        detail={"filters": filters.as_detail(), "rows": len(page.items), "deep": bool(cursor)},
        # Each signal, and each person it names (the API shows their ids).
        shown=[("signal", row.signal.pk) for row in rows]
        + [("person", subject.person_id) for row in rows for subject in row.subjects],
    )
    return Page(rows, page.next_cursor)


def _attention_view(actor: Actor, signal: Signal) -> Signal:
    """A fresh, unsaved copy holding only what the attention projection shows, so that no
    template or serializer can reach content by accident."""
    shown = Signal(
        id=signal.pk,
        kind=signal.kind,
        organisation=signal.organisation,
        received_at=signal.received_at,
        handling_codes=list(signal.handling_codes),
    )
    shown.projection = Projection.ATTENTION
    shown.names_victim = (
        policy.visible_subjects(actor, Projection.ATTENTION)
        .filter(signal_id=signal.pk, role=SubjectRole.PRESUMED_VICTIM)
        .exists()
    )
    return shown


@transaction.atomic
def signal_get(
    *,
    actor: Actor,
    context: Context,
    signal_id: uuid.UUID | str,
    purpose: str = Purpose.FOLLOW_UP,
    action: str = Action.VIEW,
    for_edit: bool = False,
) -> Signal | None:
    """One signal as the actor may see it, or None when it does not exist or is not visible.

    The two cases look the same to the caller (forbidden looks like nonexistent); the audit
    event tells them apart only by its result. ``signal.projection`` says how much the
    actor sees: with ``ATTENTION`` only the reporting organisation, its contact, the dates,
    the handling codes and ``signal.names_victim`` are loaded, never content. With
    ``for_edit`` only a signal the actor may edit is returned (for edit and share forms).
    """
    qs = (
        policy.editable_signals(actor)
        if for_edit
        else policy.visible_signals(actor, Projection.ATTENTION)
    ).select_related(
        "municipality", "location", "organisation", "created_by", "sharing_group", "legal_basis"
    )

    def projection(signal: Signal) -> Projection:
        # An editable signal comes from the full-projection queryset, which is not
        # annotated: it is seen in full by definition.
        return Projection.FULL if getattr(signal, "kz_full", for_edit) else Projection.ATTENTION

    def people(signal: Signal) -> list[tuple[str, object]]:
        # The people on it are shown with it, on its page and on its edit form; the
        # attention projection shows none.
        if projection(signal) != Projection.FULL:
            return []
        return [
            ("person", record_id)
            for record_id in Subject.objects.filter(
                policy.shown_subjects(actor), signal_id=signal.pk
            )
            .values_list("record_id", flat=True)
            .order_by("position", "id")
        ]

    signal = audited_get(
        qs,
        signal_id,
        actor=actor,
        context=context,
        action=action,
        purpose=purpose,
        object_type="signal",
        detail=lambda signal: {"projection": projection(signal).name.lower()},
        shown=people,
    )
    if signal is None:
        return None
    signal.projection = projection(signal)
    if signal.projection == Projection.FULL:
        prefetch_related_objects(
            [signal], "exploitation_types", "indicators", "control_methods", _subjects(actor)
        )
        return signal
    return _attention_view(actor, signal)


def signal_revisions(*, actor: Actor, signal: Signal) -> QuerySet[SignalRevision]:
    """History of a signal the caller already read in full through ``signal_get``."""
    if signal.projection != Projection.FULL:
        return SignalRevision.objects.none()
    return signal.revisions.select_related("changed_by")


def import_job_list(*, actor: Actor) -> QuerySet[ImportJob]:
    """Import jobs the actor started; the uploaded bytes are not loaded."""
    return ImportJob.objects.filter(created_by_id=actor.user_id).defer("content")
