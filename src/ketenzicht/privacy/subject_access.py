"""A data subject's right of access (GDPR art. 15): everything the own organisation holds
about one person, to whom it was disclosed, and who consulted it.

Each organisation in the chain is controller of its own records and answers for those; a
person who asks another organisation gets that organisation's answer. So the report covers
the privacy officer's organisation's records of the person (the one asked for and those the
linkage holds to be the same person), the signals that name them, and what happened to them.

Consultations come from the audit trail, which names objects only by a keyed hash: every
event on the person records, their signals, referrals and hit notices, by any organisation.
They give when, which organisation, what and why -- not the employee: the Court of Justice
held that the names of staff acting for the controller are not owed (C-579/21, Pankki S),
and the auditor can look them up by the same time and reference.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ketenzicht import policy
from ketenzicht.accounts.actor import SYSTEM, Actor
from ketenzicht.accounts.models import Organisation
from ketenzicht.audit.chain import object_refs, refs_q
from ketenzicht.audit.models import Action, AuditEvent, ObjectType, Purpose, Result
from ketenzicht.audit.services import audit_record, audited_get
from ketenzicht.common.context import Context
from ketenzicht.common.crypto import blind_index
from ketenzicht.followup.models import MissingReport, Referral, VictimTrack
from ketenzicht.persons.models import HitNotice, PersonRecord
from ketenzicht.sharing.models import AccessGrant, Disclosure
from ketenzicht.signals.models import Signal, Subject

SEARCH_LIMIT = 20


def subject_access_search(
    *,
    actor: Actor,
    context: Context,
    v_number: str = "",
    family_name: str = "",
    date_of_birth: dt.date | None = None,
) -> list[PersonRecord] | None:
    """The own organisation's records matching a request: a V-number, or a family name
    (any case) with the date of birth when given. None (audited) without the right."""
    if not policy.may_answer_subject_access(actor):
        _audit(actor, context, Action.LIST, Result.DENIED, detail={"found": 0})
        return None
    records = policy.subject_access_records(actor)
    if v_number:
        records = records.filter(v_number_digest=blind_index("v_number", v_number))
    elif family_name:
        records = records.filter(family_name_digest=blind_index("family_name", family_name))
        if date_of_birth is not None:
            records = records.filter(date_of_birth=date_of_birth)
    else:
        records = records.none()
    found = sorted(
        records.select_related("location").order_by("created_at", "id")[:SEARCH_LIMIT],
        key=lambda r: (r.family_name.casefold(), r.given_name.casefold()),  # sealed: sort here
    )
    _audit(
        actor,
        context,
        Action.LIST,
        Result.OK,
        detail={"found": len(found)},
        shown=[(ObjectType.PERSON, r.pk) for r in found],
    )
    return found


def subject_access_record(
    *, actor: Actor, context: Context, person_id: uuid.UUID | str
) -> PersonRecord | None:
    """The record the request is about, before exporting; None (audited) when it is not the
    actor's organisation's or the actor may not answer requests."""
    return audited_get(
        policy.subject_access_records(actor),
        person_id,
        actor=actor,
        context=context,
        action=Action.VIEW,
        purpose=Purpose.DATA_SUBJECT_RIGHTS,
        object_type=ObjectType.PERSON,
    )


def subject_access_report(
    *, actor: Actor, context: Context, person_id: uuid.UUID | str, fmt: str
) -> dict[str, Any] | None:
    """The report as JSON-ready data, or None (audited) when the record is not the actor's
    organisation's or the actor may not answer requests. The export is itself audited,
    with the request's reference as the explanation."""
    record = audited_get(
        policy.subject_access_records(actor),
        person_id,
        actor=actor,
        context=context,
        action=Action.EXPORT,
        purpose=Purpose.DATA_SUBJECT_RIGHTS,
        object_type=ObjectType.PERSON,
        record_ok=False,  # the export is recorded once it is built
        detail={"format": fmt},
    )
    if record is None:
        return None
    records = _same_person(actor, record)
    record_ids = [r.pk for r in records]
    subjects = list(
        Subject.objects.filter(record_id__in=record_ids)
        .select_related("signal__municipality", "signal__organisation", "signal__legal_basis")
        .prefetch_related("signal__exploitation_types", "signal__indicators")
        .order_by("signal__received_at", "id")
    )
    signal_ids = list(dict.fromkeys(s.signal_id for s in subjects))
    referrals = list(
        Referral.objects.filter(Q(signal_id__in=signal_ids) | Q(signals__in=signal_ids))
        .distinct()
        .select_related("from_organisation", "to_organisation")
        .order_by("sent_at")
    )
    notices = list(
        HitNotice.objects.filter(record_id__in=record_ids)
        .select_related("other_organisation")
        .order_by("created_at")
    )
    tracks = list(VictimTrack.objects.filter(subject__in=subjects).order_by("created_at"))
    consultations = _consultations(
        [
            *((ObjectType.PERSON, pk) for pk in record_ids),
            *((ObjectType.SIGNAL, pk) for pk in signal_ids),
            *((ObjectType.REFERRAL, r.pk) for r in referrals),
            *((ObjectType.HIT, n.pk) for n in notices),
        ]
    )
    report = {
        "request": {
            "reference": context.explanation,
            "organisation": actor.organisation_name or actor.organisation_code,
            "compiledAt": timezone.now().isoformat(timespec="seconds"),
            "compiledBy": actor.username,
        },
        "personRecords": [_record(r) for r in records],
        "signals": [_signal(s) for s in subjects],
        "disclosures": _disclosures({s.signal_id: s.signal.reference for s in subjects}),
        "referrals": [_referral(r) for r in referrals],
        "victimTracks": [_track(t) for t in tracks],
        "missingReports": [
            {"reportedAt": _iso(m.reported_at), "flaggedMinor": m.flagged_minor}
            for m in MissingReport.objects.filter(record_id__in=record_ids).order_by("reported_at")
        ],
        "hitNotices": [
            {
                "otherOrganisation": n.other_organisation.name,
                "since": _iso(n.since),
                "matchedOn": n.matched_on,
                "createdAt": _iso(n.created_at),
            }
            for n in notices
        ],
        "consultations": consultations,
    }
    _audit(
        actor,
        context,
        Action.EXPORT,
        Result.OK,
        record.pk,
        {
            "format": fmt,
            "records": len(records),
            "signals": len(signal_ids),
            "consultations": len(consultations),
        },
        [
            *((ObjectType.PERSON, pk) for pk in record_ids),
            *((ObjectType.SIGNAL, pk) for pk in signal_ids),
        ],
    )
    return report


def _audit(
    actor: Actor,
    context: Context,
    action: str,
    result: str,
    person_id: object = None,
    detail: dict[str, Any] | None = None,
    shown: list[tuple[str, object]] | None = None,
) -> None:
    """Every step of answering a request is on record with the same purpose."""
    audit_record(
        actor=actor,
        action=action,
        purpose=Purpose.DATA_SUBJECT_RIGHTS,
        context=context,
        object_type=ObjectType.PERSON,
        object_id=person_id,
        result=result,
        detail=detail,
        shown=shown or (),
    )


def _same_person(actor: Actor, record: PersonRecord) -> list[PersonRecord]:
    records: QuerySet[PersonRecord] = policy.subject_access_records(actor)
    if record.cluster_id is not None:
        records = records.filter(Q(pk=record.pk) | Q(cluster_id=record.cluster_id))
    else:
        records = records.filter(pk=record.pk)
    return list(
        records.select_related("location").prefetch_related("identifiers").order_by("created_at")
    )


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def _record(record: PersonRecord) -> dict[str, Any]:
    return {
        "id": str(record.pk),
        "givenName": record.given_name,
        "familyName": record.family_name,
        "aliases": record.aliases,
        "dateOfBirth": _iso(record.date_of_birth),
        "dateOfBirthPrecision": record.dob_precision,
        "sex": record.sex,
        "nationality": record.nationality,
        "vNumber": record.v_number,
        "residence": record.location.name if record.location else "",
        "identifiers": [{"kind": i.kind, "value": i.value} for i in record.identifiers.all()],
        "registeredAt": _iso(record.created_at),
        "changedAt": _iso(record.updated_at),
    }


def _signal(subject: Subject) -> dict[str, Any]:
    signal: Signal = subject.signal
    return {
        "reference": signal.reference,
        "role": subject.role,
        "kind": signal.kind,
        "status": signal.status,
        "organisation": signal.organisation.name,
        "observedOn": _iso(signal.observed_on),
        "registeredAt": _iso(signal.received_at),
        "municipality": signal.municipality.name,
        "exploitationTypes": [t.code for t in signal.exploitation_types.all()],
        "indicators": [i.code for i in signal.indicators.all()],
        "sourceReliability": signal.source_reliability,
        "informationCredibility": signal.information_credibility,
        "narrative": signal.narrative,
        "legalBasis": signal.legal_basis.label_nl if signal.legal_basis else "",
        "anonymisedAt": _iso(signal.anonymised_at),
    }


def _disclosures(references: dict[uuid.UUID, str]) -> list[dict[str, Any]]:
    """To whom the signals were made visible: sharing decisions and access by referral."""
    signal_ids = list(references)
    rows: list[dict[str, Any]] = [
        {
            "signal": references[d.signal_id],
            "at": _iso(d.decided_at),
            "sharedWith": d.distribution,
            "group": d.sharing_group.name if d.sharing_group else "",
            "organisation": d.organisation.name if d.organisation else "",
            "legalBasis": d.legal_basis.label_nl if d.legal_basis else "",
        }
        for d in Disclosure.objects.filter(signal_id__in=signal_ids)
        .select_related("sharing_group", "organisation", "legal_basis")
        .order_by("decided_at", "id")
    ]
    rows += [
        {
            "signal": references[g.signal_id],
            "at": _iso(g.granted_at),
            "sharedWith": "referral",
            "group": "",
            "organisation": g.organisation.name,
            "legalBasis": g.legal_basis.label_nl,
            "withdrawnAt": _iso(g.revoked_at),
        }
        for g in AccessGrant.objects.filter(signal_id__in=signal_ids)
        .select_related("organisation", "legal_basis")
        .order_by("granted_at", "id")
    ]
    return rows


def _referral(referral: Referral) -> dict[str, Any]:
    return {
        "reference": referral.reference,
        "from": referral.from_organisation.name,
        "to": referral.to_organisation.name,
        "status": referral.status,
        "sentAt": _iso(referral.sent_at),
        "reason": referral.reason,
        "outcome": referral.outcome,
        "outcomeReason": referral.outcome_reason,
        "closedAt": _iso(referral.closed_at),
    }


def _track(track: VictimTrack) -> dict[str, Any]:
    return {
        "minor": track.minor,
        "nidosNotifiedAt": _iso(track.nidos_notified_at),
        "reflectionOfferedAt": _iso(track.reflection_offered_at),
        "reflectionPeriod": [_iso(track.reflection_start), _iso(track.reflection_end)],
        "comenshaRegisteredAt": _iso(track.comensha_registered_at),
    }


def _consultations(objects: list[tuple[str, object]]) -> list[dict[str, Any]]:
    refs = {ref: kind for kind, pk in objects for ref in object_refs(kind, pk)}
    names = dict(Organisation.objects.values_list("code", "name"))
    names[SYSTEM.organisation_code] = str(_("Ketenzicht itself (automatic step)"))
    events = (
        AuditEvent.objects.filter(refs_q(refs))
        .order_by("occurred_at", "id")
        .values_list(
            "occurred_at",
            "organisation",
            "action",
            "purpose",
            "object_ref",
            "object_refs",
            "result",
        )
    )
    return [
        {
            "at": _iso(at),
            "organisation": names.get(organisation, organisation),
            "action": action,
            "purpose": purpose,
            # A list, search or export names the person among the objects it showed.
            "about": refs.get(ref) or next(refs[r] for r in listed.split() if r in refs),
            "result": result,
        }
        for at, organisation, action, purpose, ref, listed, result in events
    ]
