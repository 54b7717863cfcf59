"""Writes to signals. Each service is one transaction that includes its audit events."""

from __future__ import annotations

import dataclasses
import datetime as dt
import uuid
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ketenzicht import policy
from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.models import Location
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import audit_record
from ketenzicht.common.bulk import bulk_insert
from ketenzicht.common.context import Context
from ketenzicht.geo.models import Municipality
from ketenzicht.persons.models import PersonIdentifier, PersonRecord
from ketenzicht.persons.tasks import index_after_commit
from ketenzicht.sharing.models import Disclosure, Distribution
from ketenzicht.sharing.services import (
    SharingDecision,
    SharingRequest,
    SharingVocabulary,
    disclosure_record,
    editable_signal,
    sharing_decide,
)
from ketenzicht.taxonomy.models import ControlMethod, ExploitationType, Indicator

from .events import hard_signals_registered
from .intake import SignalInput, SubjectInput
from .models import Kind, Signal, SignalRevision, Subject

Codes = dict[str, int]


class Vocabulary:
    """Code -> id maps for one batch of writes, so validating a code costs no query."""

    def __init__(self) -> None:
        self.municipalities = set(Municipality.objects.values_list("code", flat=True))
        self.types: Codes = dict(ExploitationType.objects.values_list("code", "id"))
        self.indicators: Codes = dict(
            Indicator.objects.filter(retired_in__isnull=True).values_list("code", "id")
        )
        self.controls: Codes = dict(ControlMethod.objects.values_list("code", "id"))
        self._locations: dict[int, set[int]] = {}
        self.sharing = SharingVocabulary()

    def locations_of(self, organisation_id: int) -> set[int]:
        if organisation_id not in self._locations:
            self._locations[organisation_id] = set(
                Location.objects.filter(organisation_id=organisation_id).values_list(
                    "pk", flat=True
                )
            )
        return self._locations[organisation_id]


def _ids(codes: Sequence[str], known: Codes, field: str, errors: dict[str, list[str]]) -> list[int]:
    unknown = [c for c in codes if c not in known]
    if unknown:
        errors.setdefault(field, []).append(
            _("Unknown code(s): %(codes)s.") % {"codes": ", ".join(sorted(set(unknown)))}
        )
    return [known[c] for c in dict.fromkeys(codes) if c in known]


def sharing_request(data: SignalInput) -> SharingRequest:
    return SharingRequest(
        distribution=data.distribution,
        sharing_group=data.sharing_group,
        legal_basis=data.legal_basis,
        legal_basis_note=data.legal_basis_note,
        handling_codes=data.handling_codes,
    )


def _check(
    data: SignalInput, actor: Actor, vocab: Vocabulary
) -> tuple[dict[str, list[str]], SharingDecision | None]:
    """Rules the database cannot state on its own; field -> messages, and the sharing."""
    decision, errors = sharing_decide(
        actor=actor, kind=data.kind, request=sharing_request(data), vocabulary=vocab.sharing
    )
    if data.observed_on > timezone.localdate():
        errors.setdefault("observed_on", []).append(_("The observation date lies in the future."))
    if data.municipality_code not in vocab.municipalities:
        errors.setdefault("municipality", []).append(
            _("Unknown municipality code '%(code)s'.") % {"code": data.municipality_code}
        )
    if not data.exploitation_type_codes:
        errors.setdefault("exploitation_types", []).append(
            _("Choose at least one exploitation type.")
        )
    if not data.narrative.strip():
        errors.setdefault("narrative", []).append(_("Describe what was observed."))
    _ids(data.exploitation_type_codes, vocab.types, "exploitation_types", errors)
    _ids(data.indicator_codes, vocab.indicators, "indicators", errors)
    _ids(data.control_method_codes, vocab.controls, "control_methods", errors)
    if data.location_id is not None and (
        actor.organisation_id is None
        or data.location_id not in vocab.locations_of(actor.organisation_id)
    ):
        errors.setdefault("location", []).append(_("Choose a location of your organisation."))
    return errors, decision


def _record_for(subject: SubjectInput, organisation_id: int) -> PersonRecord:
    return PersonRecord(
        id=uuid.uuid4(),
        organisation_id=organisation_id,
        given_name=subject.given_name.strip(),
        family_name=subject.family_name.strip(),
        aliases=[a.strip() for a in subject.aliases if a.strip()],
        date_of_birth=subject.date_of_birth,
        dob_precision=subject.dob_precision,
        sex=subject.sex,
        nationality=subject.nationality,
        v_number=subject.v_number,
    )


@transaction.atomic
def signals_register(
    *,
    actor: Actor,
    context: Context,
    items: Sequence[SignalInput],
    purpose: str = Purpose.REGISTRATION,
    audit_each: bool = True,
    vocabulary: Vocabulary | None = None,
    received_at: Sequence[dt.datetime] | None = None,
    index: bool = True,
) -> list[Signal]:
    """Register signals with their subjects, indicators and audit events in bulk.

    All or nothing: a ``ValidationError`` on any item saves none of them; its keys are
    ``"<item index>.<field>"`` so callers can point at the item. Raises
    ``PermissionDenied`` if the actor may not register signals. The new person records are
    indexed for hits after commit unless ``index`` is false (bulk loads index in bulk).
    """
    if not policy.may_register(actor) or actor.organisation_id is None:
        raise PermissionDenied
    vocab = vocabulary or Vocabulary()
    all_errors: dict[str, list[str]] = {}
    decisions: list[SharingDecision] = []
    for position, data in enumerate(items):
        errors, decision = _check(data, actor, vocab)
        all_errors.update({f"{position}.{k}": v for k, v in errors.items()})
        if decision is not None:
            decisions.append(decision)
    if all_errors:
        raise ValidationError(all_errors)

    signals: list[Signal] = []
    records: list[PersonRecord] = []
    identifiers: list[PersonIdentifier] = []
    subjects: list[Subject] = []
    disclosures: list[Disclosure] = []
    through: dict[str, list[Any]] = {"types": [], "indicators": [], "controls": []}
    for position, (data, decision) in enumerate(zip(items, decisions, strict=True)):
        signal = Signal(
            id=uuid.uuid4(),
            organisation_id=actor.organisation_id,
            created_by_id=actor.user_id or None,
            kind=data.kind,
            observed_on=data.observed_on,
            municipality_id=data.municipality_code,
            location_id=data.location_id,
            source_reliability=data.source_reliability,
            information_credibility=data.information_credibility,
            narrative=data.narrative.strip(),
            source_reference=data.source_reference,
            **decision.as_fields(),
        )
        if received_at is not None:
            signal.received_at = received_at[position]
        signals.append(signal)
        if decision.distribution != Distribution.ORGANISATION:
            disclosures.append(
                disclosure_record(actor=actor, signal_id=signal.id, decision=decision)
            )
        for type_id in _ids(data.exploitation_type_codes, vocab.types, "", {}):
            through["types"].append(
                Signal.exploitation_types.through(signal_id=signal.id, exploitationtype_id=type_id)
            )
        for indicator_id in _ids(data.indicator_codes, vocab.indicators, "", {}):
            through["indicators"].append(
                Signal.indicators.through(signal_id=signal.id, indicator_id=indicator_id)
            )
        for control_id in _ids(data.control_method_codes, vocab.controls, "", {}):
            through["controls"].append(
                Signal.control_methods.through(signal_id=signal.id, controlmethod_id=control_id)
            )
        for place, subject in enumerate(data.subjects):
            record = _record_for(subject, actor.organisation_id)
            records.append(record)
            identifiers.extend(
                PersonIdentifier(record_id=record.id, kind="phone", value=phone)
                for phone in dict.fromkeys(subject.phones)
            )
            subjects.append(
                Subject(
                    signal_id=signal.id,
                    record_id=record.id,
                    role=subject.role,
                    position=place,
                    restricted=subject.restricted,
                )
            )

    bulk_insert(Signal, signals)
    bulk_insert(PersonRecord, records)
    bulk_insert(PersonIdentifier, identifiers)
    bulk_insert(Subject, subjects)
    bulk_insert(Signal.exploitation_types.through, through["types"])
    bulk_insert(Signal.indicators.through, through["indicators"])
    bulk_insert(Signal.control_methods.through, through["controls"])
    bulk_insert(Disclosure, disclosures)
    if index:
        # Indexing, then the combination rules, then routing: all after commit, in the
        # worker; the request that registered never waits for them.
        index_after_commit(r.id for r in records)
        hard_signals_registered.send(
            sender=signals_register, signal_ids=[s.pk for s in signals if s.kind == Kind.HARD]
        )
    if audit_each:
        for signal, data in zip(signals, items, strict=True):
            audit_record(
                actor=actor,
                action=Action.CREATE,
                purpose=purpose,
                context=context,
                object_type="signal",
                object_id=signal.id,
                detail={
                    "kind": signal.kind,
                    "subjects": len(data.subjects),
                    "distribution": signal.distribution,
                },
            )
    return signals


def signal_register(*, actor: Actor, context: Context, data: SignalInput) -> Signal:
    """Register one signal (web form, API); errors are keyed by field name alone."""
    try:
        return signals_register(actor=actor, context=context, items=[data])[0]
    except ValidationError as exc:
        if not hasattr(exc, "error_dict"):
            raise
        raise ValidationError(
            {key.removeprefix("0."): messages for key, messages in exc.message_dict.items()}
        ) from exc


# Fields an edit may change, with how to show their value in the history.
EDITABLE_FIELDS = (
    "kind",
    "observed_on",
    "municipality_id",
    "location_id",
    "source_reliability",
    "information_credibility",
    "narrative",
)


def _plain(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def signal_update(
    *,
    actor: Actor,
    context: Context,
    signal_id: uuid.UUID,
    expected_version: int,
    data: SignalInput,
    subject_updates: Sequence[tuple[int, SubjectInput]] = (),
    new_subjects: Sequence[SubjectInput] = (),
) -> Signal:
    """Edit a signal and its subjects, keeping a revision with the old and new values.

    ``expected_version`` is the version the editor started from; if someone saved in
    between, the edit is refused rather than silently overwriting theirs. Raises
    ``Signal.DoesNotExist`` (after recording the denial) when the signal is not the
    actor's to edit.
    """
    with transaction.atomic():
        signal = editable_signal(
            actor=actor, context=context, signal_id=signal_id, action=Action.UPDATE
        )
        if signal is not None:
            return _update(
                actor, context, signal, expected_version, data, subject_updates, new_subjects
            )
    raise Signal.DoesNotExist


def _update(
    actor: Actor,
    context: Context,
    signal: Signal,
    expected_version: int,
    data: SignalInput,
    subject_updates: Sequence[tuple[int, SubjectInput]],
    new_subjects: Sequence[SubjectInput],
) -> Signal:
    if signal.version != expected_version:
        raise ValidationError(
            _("Someone else changed this signal while you were editing. Reload and try again.")
        )
    vocab = Vocabulary()
    # Sharing is changed through sharing.services.signal_share, not through an edit.
    errors, _decision = _check(
        dataclasses.replace(data, distribution=Distribution.ORGANISATION), actor, vocab
    )
    if errors:
        raise ValidationError(errors)

    changes: dict[str, list[object]] = {}
    new_values = {
        "kind": data.kind,
        "observed_on": data.observed_on,
        "municipality_id": data.municipality_code,
        "location_id": data.location_id,
        "source_reliability": data.source_reliability,
        "information_credibility": data.information_credibility,
        "narrative": data.narrative.strip(),
    }
    for name in EDITABLE_FIELDS:
        old, new = getattr(signal, name), new_values[name]
        if old != new:
            changes[name.removesuffix("_id")] = [_plain(old), _plain(new)]
            setattr(signal, name, new)

    for relation, codes, known in (
        ("exploitation_types", data.exploitation_type_codes, vocab.types),
        ("indicators", data.indicator_codes, vocab.indicators),
        ("control_methods", data.control_method_codes, vocab.controls),
    ):
        manager = getattr(signal, relation)
        before = sorted(manager.values_list("code", flat=True))
        after = sorted(dict.fromkeys(c for c in codes if c in known))
        if before != after:
            manager.set(_ids(after, known, relation, {}))
            changes[relation] = [before, after]

    subjects = {s.pk: s for s in signal.subjects.select_related("record")}
    records = {pk: s.record for pk, s in subjects.items()}
    touched: list[uuid.UUID] = []
    for subject_pk, update in subject_updates:
        if subject_pk not in records:
            raise ValidationError(_("Unknown subject."))
        record = records[subject_pk]
        current = subjects[subject_pk]
        for name in ("role", "restricted"):
            old, new = getattr(current, name), getattr(update, name)
            if old != new:
                changes[f"subject{subject_pk}.{name}"] = [old, new]
                setattr(current, name, new)
        current.save(update_fields=["role", "restricted"])
        fresh = _record_for(update, actor.organisation_id or 0)
        for name in (
            "given_name",
            "family_name",
            "aliases",
            "date_of_birth",
            "dob_precision",
            "sex",
            "nationality",
            "v_number",
        ):
            old, new = getattr(record, name), getattr(fresh, name)
            if old != new:
                changes[f"subject{subject_pk}.{name}"] = [_plain(old), _plain(new)]
                setattr(record, name, new)
        record.save()
        touched.append(record.pk)
        old_phones = sorted(i.value for i in record.identifiers.filter(kind="phone"))
        new_phones = sorted(dict.fromkeys(update.phones))
        if old_phones != new_phones:
            record.identifiers.filter(kind="phone").delete()
            PersonIdentifier.objects.bulk_create(
                PersonIdentifier(record=record, kind="phone", value=p) for p in new_phones
            )
            changes[f"subject{subject_pk}.phones"] = [old_phones, new_phones]
    position = len(records)
    for subject in new_subjects:
        record = _record_for(subject, actor.organisation_id or 0)
        record.save()
        PersonIdentifier.objects.bulk_create(
            PersonIdentifier(record=record, kind="phone", value=p)
            for p in dict.fromkeys(subject.phones)
        )
        created = Subject.objects.create(
            signal=signal,
            record=record,
            role=subject.role,
            position=position,
            restricted=subject.restricted,
        )
        touched.append(record.pk)
        position += 1
        changes[f"subject{created.pk}"] = [None, "added"]

    if not changes:
        return signal
    index_after_commit(touched)
    signal.version += 1
    signal.save()
    SignalRevision.objects.create(
        signal=signal,
        version=signal.version,
        changed_by_id=actor.user_id or None,
        changes=changes,
    )
    audit_record(
        actor=actor,
        action=Action.UPDATE,
        purpose=Purpose.FOLLOW_UP,
        context=context,
        object_type="signal",
        object_id=signal.id,
        detail={"fields": sorted(changes), "version": signal.version},
    )
    return signal
