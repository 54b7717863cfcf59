"""This year's municipal self-assessments of the demo world, in the proportions of the WODC
survey of municipalities (2016): about seven in ten municipalities answered; of those, 55%
have no insight into the presence of human trafficking and 67% none into its scale, though
87% have met it, and 43% give it high priority (4 or 5). Large municipalities have insight
more often than small ones, as in the survey, so the national monitor's blind-spot view
shows its point: municipalities with ten or more signals that say they see nothing.

The municipalities of the demo's municipal analysts are left unanswered, so that they can
answer themselves. Demo data only: rows are written directly, without an answering user,
and the load is on record as one audit event."""

from __future__ import annotations

import random

from django.db import transaction
from django.utils import timezone

from ketenzicht.accounts.actor import SYSTEM
from ketenzicht.accounts.models import OrganisationType
from ketenzicht.audit.models import Action, ObjectType, Purpose
from ketenzicht.audit.services import audit_record
from ketenzicht.common.context import CLI
from ketenzicht.geo.models import Municipality
from ketenzicht.monitor.models import SelfAssessment

from .chain import PLACES
from .world import ORGANISATIONS

ANSWERED = 0.69  # WODC 2016: 69% of municipalities responded
# Probability of "yes" on presence for large municipalities (in ``chain.PLACES``) and the
# others, and on scale for those with insight into presence: overall about 45% and 33% yes.
INSIGHT_PRESENCE = (0.75, 0.37)
INSIGHT_SCALE = 0.73
MET_RECENTLY = 0.87
PRIORITY = {1: 5, 2: 17, 3: 35, 4: 30, 5: 13}  # 43% high (4 or 5)
POLICY_ADOPTED = 0.6
SIGNAL_POINT = 0.75  # VNG/CoMensha 2019: a quarter had no agreement where to report
CARE_COORDINATOR = 0.49  # the same survey: 49% had someone responsible for victim care


@transaction.atomic
def load_demo_self_assessments() -> int:
    """This year's answers of about 69% of the municipalities; idempotent (a municipality
    that answered this year keeps its answers). Returns how many were added."""
    year = timezone.localdate().year
    own = {seat for _c, _n, kind, seat in ORGANISATIONS if kind == OrganisationType.MUNICIPALITY}
    answered = set(SelfAssessment.objects.filter(year=year).values_list("municipality", flat=True))
    now = timezone.now()
    rows = []
    for code in Municipality.objects.order_by("code").values_list("code", flat=True):
        # Seeded on purpose: synthetic data that loads the same every time.
        rng = random.Random(f"{code}-{year}")  # nosec B311
        if code in own or code in answered or rng.random() >= ANSWERED:
            continue
        large = code in PLACES
        presence = rng.random() < INSIGHT_PRESENCE[0 if large else 1]
        rows.append(
            SelfAssessment(
                municipality_id=code,
                year=year,
                insight_presence=presence,
                # Insight into the scale hardly comes without insight into presence.
                insight_scale=presence and rng.random() < INSIGHT_SCALE,
                met_recently=rng.random() < MET_RECENTLY,
                priority=rng.choices(list(PRIORITY), list(PRIORITY.values()))[0],
                policy_adopted=rng.random() < POLICY_ADOPTED,
                signal_point=rng.random() < SIGNAL_POINT,
                care_coordinator=rng.random() < CARE_COORDINATOR,
                answered_at=now,
            )
        )
    SelfAssessment.objects.bulk_create(rows)
    if rows:
        audit_record(
            actor=SYSTEM,
            action=Action.DEMO_LOAD,
            purpose=Purpose.ADMINISTRATION,
            context=CLI,
            object_type=ObjectType.SELF_ASSESSMENT,
            detail={"year": year, "self_assessments": len(rows)},
        )
    return len(rows)
