"""The municipal self-assessment: a municipality's yearly answers on its own view of human
trafficking (writes and reads), national figures in the shape of the WODC survey, and the
blind-spot indicator.

A blind spot is a municipality that answers it has no insight into the presence of human
trafficking while the chain's published figures show at least ten signals in its area in
the last twelve months (a number, or an "x", which stands for ten or more). Only what is
published is used, so the indicator discloses nothing the monitor does not already show;
municipalities with one to nine signals are therefore not flagged, and the page says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from ketenzicht.accounts.actor import Actor
from ketenzicht.audit.models import Action, ObjectType, Purpose, Result
from ketenzicht.audit.services import audit_record
from ketenzicht.common.context import Context
from ketenzicht.geo.models import Municipality

from . import access
from .models import SelfAssessment
from .tables import NATION

FIELDS = (*SelfAssessment.QUESTIONS, "priority")


def _audit(actor: Actor, context: Context, action: str, ref: str, result: str = Result.OK) -> None:
    audit_record(
        actor=actor,
        action=action,
        purpose=Purpose.MONITORING,
        context=context,
        object_type=ObjectType.SELF_ASSESSMENT,
        object_id=ref,
        result=result,
    )


def self_assessment_save(
    *, actor: Actor, context: Context, answers: dict[str, Any]
) -> SelfAssessment:
    """Save the answers of the actor's municipality for this year; answering again in the
    same year replaces them (the audit trail keeps that it happened). A refusal or invalid
    answers are on record too, and nothing is saved."""
    year = timezone.localdate().year
    if not access.may_answer_self_assessment(actor):
        _audit(actor, context, Action.UPDATE, str(year), Result.DENIED)
        raise PermissionDenied
    code = str(actor.municipality_code)
    with transaction.atomic():
        existing = SelfAssessment.objects.select_for_update().filter(
            municipality_id=code, year=year
        )
        assessment = existing.first() or SelfAssessment(municipality_id=code, year=year)
        created = assessment.pk is None
        for name in FIELDS:
            setattr(assessment, name, answers.get(name))
        assessment.answered_by_id = actor.user_id
        assessment.answered_at = timezone.now()
        try:
            assessment.full_clean(exclude=["answered_by", "municipality"], validate_unique=False)
        except ValidationError as exc:
            error: ValidationError | None = exc
        else:
            error = None
            try:
                with transaction.atomic():
                    assessment.save()
            except IntegrityError:
                # A colleague's first answer of the year came in at the same moment: these
                # answers replace it, as a second answer would.
                existing_pk = SelfAssessment.objects.get(municipality_id=code, year=year).pk
                assessment.pk, created = existing_pk, False
                assessment.save(force_update=True)
            _audit(actor, context, Action.CREATE if created else Action.UPDATE, f"{code}-{year}")
    if error is not None:
        _audit(actor, context, Action.UPDATE, f"{code}-{year}", Result.INVALID)
        raise error
    return assessment


def self_assessment_refused(*, actor: Actor, context: Context) -> None:
    """On record: someone who answers for no municipality asked for the form."""
    _audit(actor, context, Action.VIEW, str(timezone.localdate().year), Result.DENIED)


@dataclass(frozen=True)
class Own:
    """The self-assessment of the actor's own municipality for this year."""

    year: int
    assessment: SelfAssessment | None
    blind_spot: bool


def own_self_assessment(*, actor: Actor, context: Context) -> Own | None:
    """For a municipal analyst: this year's answers of their municipality (or None when
    the actor answers for none)."""
    if not access.may_answer_self_assessment(actor):
        return None
    year = timezone.localdate().year
    assessment = access.visible_self_assessments(actor).filter(year=year).first()
    _audit(actor, context, Action.VIEW, f"{actor.municipality_code}-{year}")
    flagged = _blind_spots(actor, [assessment] if assessment else [])
    return Own(year, assessment, bool(flagged))


@dataclass(frozen=True)
class Question:
    name: str
    label: str
    yes: int
    no: int

    @property
    def percent_yes(self) -> int:
        return round(100 * self.yes / (self.yes + self.no)) if self.yes + self.no else 0

    @property
    def percent_no(self) -> int:
        return 100 - self.percent_yes if self.yes + self.no else 0


@dataclass(frozen=True)
class Figures:
    """National figures of one year's self-assessments, shaped like the WODC survey."""

    year: int
    answered: int
    municipalities: int
    questions: list[Question]
    priority: list[int]  # municipalities per priority 1..5
    blind_spots: list[tuple[str, str]]  # (code, name)

    @property
    def percent_answered(self) -> int:
        return round(100 * self.answered / self.municipalities) if self.municipalities else 0

    @property
    def percent_high_priority(self) -> int:
        return round(100 * sum(self.priority[3:]) / self.answered) if self.answered else 0


def self_assessment_figures(
    *, actor: Actor, context: Context, year: int | None = None
) -> Figures | None:
    """National figures and blind spots, for those who may see the national monitor."""
    if not access.may_view_monitor_area(actor, NATION):
        return None
    year = year or timezone.localdate().year
    answers = list(access.visible_self_assessments(actor).filter(year=year))
    _audit(actor, context, Action.LIST, str(year))
    labels = {f.name: str(f.verbose_name) for f in SelfAssessment._meta.fields}
    questions = [
        Question(
            name,
            labels[name],
            sum(1 for a in answers if getattr(a, name)),
            sum(1 for a in answers if not getattr(a, name)),
        )
        for name in SelfAssessment.QUESTIONS
    ]
    priority = [sum(1 for a in answers if a.priority == p) for p in range(1, 6)]
    names = dict(Municipality.objects.values_list("code", "name"))
    spots = sorted(
        ((code, names.get(code, code)) for code in _blind_spots(actor, answers)),
        key=lambda item: item[1],
    )
    return Figures(year, len(answers), len(names), questions, priority, spots)


def _blind_spots(actor: Actor, answers: list[SelfAssessment]) -> set[str]:
    """Of the municipalities answering "no insight into presence", those whose published
    twelve-month figure is ten or more (shown, or hidden as "x")."""
    without = {a.municipality_id for a in answers if not a.insight_presence}
    if not without:
        return set()
    published = access.monitor_scopes(actor).filter(scope__in=without, key="trend")
    out = set()
    for table in published:
        window = table.data.get("window") or {}
        if not window.get("total_small", True):
            out.add(table.scope)
    return out
