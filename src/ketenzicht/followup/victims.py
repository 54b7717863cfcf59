"""The victim track: for each presumed victim on a referred signal, the steps and clocks of
Dutch practice. A reflection period of up to three months (30 days in Dublin cases), with a
reminder before it ends; registration with CoMensha (by law for police, KMar and the Labour
Inspectorate, otherwise only with recorded written consent); a minor notifies Nidos and is
advised protected reception; a flagged minor who leaves reception with unknown destination
alerts Nidos, the police and every organisation with a hit at once."""

from __future__ import annotations

import datetime as dt
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from dateutil.relativedelta import relativedelta

from ketenzicht import policy
from ketenzicht.accounts.actor import SYSTEM, Actor
from ketenzicht.accounts.models import Organisation, OrganisationType
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import audit_record, audited_get
from ketenzicht.common.context import Context
from ketenzicht.notifications.models import Channel
from ketenzicht.notifications.services import Event, emit
from ketenzicht.persons.models import HitNotice, PersonRecord
from ketenzicht.persons.same_person import matcher
from ketenzicht.sharing.models import AccessGrant
from ketenzicht.sharing.services import referral_access_grant
from ketenzicht.signals.models import Subject, SubjectRole

from .models import MissingReport, Referral, VictimTrack

REFLECTION = relativedelta(months=3)
REFLECTION_DUBLIN = dt.timedelta(days=30)
REMIND_DAYS_BEFORE = 10
COMENSHA_BY_LAW = {
    OrganisationType.AVIM,
    OrganisationType.KMAR,
    OrganisationType.LABOUR_INSPECTORATE,
}


def age_on(record: PersonRecord, day: dt.date) -> int | None:
    """Age in whole years, when the date of birth is known well enough (exact or year)."""
    born = record.date_of_birth
    if born is None or record.dob_precision not in ("exact", "year"):
        return None
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _emit(
    title: str, organisations: set[int], track: VictimTrack | None, kind: str, **data: str
) -> None:
    emit(
        Event(
            type=f"victim.{kind}",
            channel=Channel.VICTIMS,
            organisations=tuple(sorted(organisations)),
            title=title,
            link=f"/signalen/{track.subject.signal_id}" if track else "/postvak",
            subject=str(track.pk) if track else "",
            data={"track": str(track.pk) if track else "", **data},
            attributes={"kind": kind},
            urgent=kind in ("minor", "missing_minor"),
        )
    )


def victim_tracks_open(*, referral: Referral, context: Context) -> list[VictimTrack]:
    """Open a track for each presumed victim on the referral's signals (once per subject).
    Minors: Nidos is told and gets access to the signal; protected reception is advised."""
    tracks = []
    nidos = list(Organisation.objects.filter(type=OrganisationType.NIDOS))
    for subject in Subject.objects.filter(
        signal__in=referral.signals.all(), role=SubjectRole.PRESUMED_VICTIM
    ).select_related("record", "signal"):
        track, created = VictimTrack.objects.get_or_create(subject=subject)
        if not created:
            continue
        age = age_on(subject.record, subject.signal.observed_on)
        if age is not None and age < 18:
            track.minor = True
            track.protected_reception = True
            track.nidos_notified_at = timezone.now()
            track.save()
            for guardian in nidos:
                if (
                    not AccessGrant.objects.filter(
                        signal=subject.signal, organisation=guardian, revoked_at__isnull=True
                    ).exists()
                    and guardian.pk != subject.signal.organisation_id
                ):
                    referral_access_grant(
                        SYSTEM, context, subject.signal, guardian.pk, "avg-6-1-e", "", "referral"
                    )
            with override(settings.LANGUAGE_CODE):
                title = _(
                    "Presumed victim under 18 on signal %(ref)s: "
                    "guardianship and protected reception"
                ) % {"ref": subject.signal.reference}
            _emit(title, {g.pk for g in nidos}, track, "minor", signal=str(subject.signal_id))
        audit_record(
            actor=SYSTEM,
            action=Action.VICTIM_STEP,
            purpose=Purpose.VICTIM_PROTECTION,
            context=context,
            object_type="victim_track",
            object_id=track.pk,
            detail={"step": "opened", "minor": track.minor},
        )
        tracks.append(track)
    return tracks


def visible_tracks(actor: Actor) -> QuerySet[VictimTrack]:
    """Tracks of presumed victims on signals the actor sees in full."""
    return VictimTrack.objects.filter(subject__in=policy.visible_subjects(actor).values("pk"))


def steppable_tracks(actor: Actor) -> QuerySet[VictimTrack]:
    """Tracks whose steps the actor's organisation records: the reporting organisation, a
    body that received a referral of the signal, and Nidos for minors (its guardianship).
    Others who see the signal read the track but do not change it."""
    if not policy.may_register(actor):
        return VictimTrack.objects.none()
    org = actor.organisation_id or 0
    received = Referral.objects.filter(signals=OuterRef("subject__signal"), to_organisation_id=org)
    guardian = Organisation.objects.filter(pk=org, type=OrganisationType.NIDOS)
    return visible_tracks(actor).filter(
        Q(subject__signal__organisation_id=org)
        | Q(Exists(received))
        | (Q(minor=True) & Q(Exists(guardian)))
    )


def steppable_track_get(*, actor: Actor, context: Context, track_id: int) -> VictimTrack | None:
    """A track the actor may record a step on, to show a step's form again (audited)."""
    return audited_get(
        steppable_tracks(actor).select_related("subject__signal", "subject__record"),
        track_id,
        actor=actor,
        context=context,
        action=Action.VIEW,
        purpose=Purpose.VICTIM_PROTECTION,
        object_type="victim_track",
    )


def _track_for_step(actor: Actor, context: Context, track_id: int, step: str) -> VictimTrack | None:
    return audited_get(
        steppable_tracks(actor).select_for_update(of=("self",)).select_related("subject__signal"),
        track_id,
        actor=actor,
        context=context,
        action=Action.VICTIM_STEP,
        purpose=Purpose.VICTIM_PROTECTION,
        object_type="victim_track",
        record_ok=False,  # the step records itself
        detail={"step": step},
    )


def _record_step(
    actor: Actor, context: Context, track: VictimTrack, step: str, **detail: object
) -> None:
    audit_record(
        actor=actor,
        action=Action.VICTIM_STEP,
        purpose=Purpose.VICTIM_PROTECTION,
        context=context,
        object_type="victim_track",
        object_id=track.pk,
        detail={"step": step, **detail},
    )


def reflection_offer(
    *, actor: Actor, context: Context, track_id: int, start: dt.date, dublin: bool = False
) -> VictimTrack | None:
    """Record the offer of a reflection period: three months, or 30 days in a Dublin case."""
    with transaction.atomic():
        track = _track_for_step(actor, context, track_id, "reflection")
        if track is None:
            return None
        track.reflection_offered_at = timezone.now()
        track.reflection_start = start
        track.reflection_dublin = dublin
        track.reflection_end = start + (REFLECTION_DUBLIN if dublin else REFLECTION)
        track.reflection_reminded_at = None
        track.save()
        _record_step(actor, context, track, "reflection", end=track.reflection_end.isoformat())
        return track


def comensha_register(
    *, actor: Actor, context: Context, track_id: int, consent_note: str = ""
) -> VictimTrack | None:
    """Register the presumed victim with CoMensha. Police, KMar and the Labour Inspectorate
    do so by law; anyone else only with recorded written consent (its date and scope)."""
    with transaction.atomic():
        track = _track_for_step(actor, context, track_id, "comensha")
        if track is None:
            return None
        if track.comensha_registered_at is not None:
            raise ValidationError(
                {
                    "__all__": [
                        _("Already registered with CoMensha on %(day)s.")
                        % {
                            "day": timezone.localtime(track.comensha_registered_at).strftime(
                                "%d-%m-%Y"
                            )
                        }
                    ]
                }
            )
        organisation = Organisation.objects.get(pk=actor.organisation_id or 0)
        by_law = organisation.type in COMENSHA_BY_LAW
        if not by_law and not consent_note.strip():
            raise ValidationError(
                {
                    "consent_note": [
                        _(
                            "Your organisation may register with CoMensha only with written "
                            "consent: record its date and scope."
                        )
                    ]
                }
            )
        track.comensha_registered_at = timezone.now()
        track.comensha_basis = "law" if by_law else "consent"
        track.comensha_consent_note = "" if by_law else consent_note.strip()[:300]
        track.save()
        _record_step(actor, context, track, "comensha", basis=track.comensha_basis)
        comensha = set(
            Organisation.objects.filter(type=OrganisationType.COMENSHA).values_list("pk", flat=True)
        )
        with override(settings.LANGUAGE_CODE):
            title = _("Registration of a presumed victim by %(org)s") % {"org": organisation.name}
        _emit(title, comensha, track, "comensha", basis=track.comensha_basis)
        return track


@transaction.atomic
def reflection_reminders(*, today: dt.date | None = None) -> int:
    """Remind, once, whoever holds the signal that a reflection period ends soon."""
    today = today or timezone.localdate()
    count = 0
    for track in (
        VictimTrack.objects.select_for_update(of=("self",))
        .select_related("subject__signal")
        .filter(
            reflection_end__isnull=False,
            reflection_reminded_at__isnull=True,
            reflection_end__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE),
            reflection_end__gte=today,
        )
    ):
        track.reflection_reminded_at = timezone.now()
        track.save(update_fields=["reflection_reminded_at"])
        holders = {track.subject.signal.organisation_id} | set(
            Referral.objects.filter(signals=track.subject.signal).values_list(
                "to_organisation_id", flat=True
            )
        )
        with override(settings.LANGUAGE_CODE):
            title = _("Reflection period on signal %(ref)s ends on %(end)s") % {
                "ref": track.subject.signal.reference,
                "end": track.reflection_end.strftime("%d-%m-%Y") if track.reflection_end else "",
            }
        _emit(title, holders, track, "reflection_ending")
        count += 1
    return count


def resident_missing(
    *, actor: Actor, context: Context, record_id: uuid.UUID | str
) -> MissingReport | None:
    """Reception records that a resident left with unknown destination (refused, changing
    nothing, when it was already reported in the last 24 hours). When the resident is a
    flagged minor (a minor on a victim track, linked to this record), Nidos, the police
    of the location's region and every organisation with a hit are alerted at once."""
    with transaction.atomic():
        # Reception's own residents: records of the organisation with a location.
        residents = (
            PersonRecord.objects.filter(
                organisation_id=actor.organisation_id or 0, location__isnull=False
            )
            if policy.may_view_attention(actor)
            else PersonRecord.objects.none()
        )
        record = audited_get(
            residents.select_for_update(of=("self",)).select_related("location__municipality"),
            record_id,
            actor=actor,
            context=context,
            action=Action.VICTIM_STEP,
            purpose=Purpose.VICTIM_PROTECTION,
            object_type="person",
            record_ok=False,  # recorded below with whom it alerted
            detail={"step": "missing"},
        )
        if record is None:
            return None
        # Once a day is enough: a second click must not alert everyone again.
        earlier = record.missing_reports.filter(
            reported_at__gte=timezone.now() - dt.timedelta(hours=24)
        ).first()
        if earlier is not None:
            raise ValidationError(
                _("Already reported on %(when)s.")
                % {"when": timezone.localtime(earlier.reported_at).strftime("%d-%m-%Y %H:%M")}
            )
        linked = matcher().linked_records([record.pk]).get(record.pk, {record.pk})
        flagged = VictimTrack.objects.filter(subject__record_id__in=linked, minor=True).exists()
        alerted: set[int] = set()
        if flagged:
            alerted |= set(
                Organisation.objects.filter(type=OrganisationType.NIDOS).values_list(
                    "pk", flat=True
                )
            )
            alerted |= set(
                Organisation.objects.filter(
                    type=OrganisationType.AVIM,
                    police_unit_code=record.location.municipality.police_unit_code,  # type: ignore[union-attr]
                ).values_list("pk", flat=True)
            )
            alerted |= set(
                HitNotice.objects.filter(record=record).values_list(
                    "other_organisation_id", flat=True
                )
            )
            alerted.discard(actor.organisation_id or 0)
        report = MissingReport.objects.create(
            record=record,
            reported_by_id=actor.user_id,
            flagged_minor=flagged,
            alerted=sorted(
                Organisation.objects.filter(pk__in=alerted).values_list("code", flat=True)
            ),
        )
        audit_record(
            actor=actor,
            action=Action.VICTIM_STEP,
            purpose=Purpose.VICTIM_PROTECTION,
            context=context,
            object_type="person",
            object_id=record.pk,
            detail={"step": "missing", "flagged_minor": flagged, "alerted": report.alerted},
        )
        if alerted:
            with override(settings.LANGUAGE_CODE):
                title = _(
                    "URGENT: a minor presumed victim left %(location)s with unknown destination; "
                    "contact %(org)s"
                ) % {"location": record.location.name, "org": actor.organisation_name}  # type: ignore[union-attr]
            _emit(title, alerted, None, "missing_minor", location=record.location.code)  # type: ignore[union-attr]
        return report
