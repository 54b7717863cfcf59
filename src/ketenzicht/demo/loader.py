"""Generate and load N demo signals deterministically, in bulk, through the intake service."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator

from django.db import connection, transaction
from django.utils import timezone

from ketenzicht.accounts.actor import SYSTEM, Actor
from ketenzicht.accounts.models import Location, LocationKind, Membership
from ketenzicht.accounts.selectors import actor_for_user
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import audit_record
from ketenzicht.common.context import CLI
from ketenzicht.geo.models import Municipality
from ketenzicht.persons.hit_services import records_index
from ketenzicht.persons.models import PersonRecord
from ketenzicht.persons.relink_services import persons_relink
from ketenzicht.persons.services import resident_register
from ketenzicht.signals.intake import SignalInput, SubjectInput
from ketenzicht.signals.models import Signal, Subject
from ketenzicht.signals.services import Vocabulary, signals_register
from ketenzicht.taxonomy.models import Indicator

from . import chain
from .chain import TYPES
from .people import person, registered_variant
from .world import AVIM_UNIT, SHARING_GROUPS

GROUP_CODE = "noord-nederland"
GROUP_MEMBERS = set(SHARING_GROUPS[GROUP_CODE][1])

RESIDENCE_KINDS = (
    LocationKind.RECEPTION_CENTRE,
    LocationKind.APPLICATION_CENTRE,
    LocationKind.PROTECTED_RECEPTION,
)

PREFIX = "DEMO-"
# The default world: about three years of the chain at its real scale (``chain``), some
# 1,200 registered presumed victims and 1,700 signals in the last twelve months.
DEFAULT_SIGNALS = 5_000
BATCH = 2000
# Up to this many new signals, people are linked batch by batch on intake, as in
# production; a larger load links every record in one streamed batch afterwards
# (``_index_then_link``): linking online costs milliseconds a record, hours for a million.
LINK_ONLINE_UP_TO = 5_000
INDEX_CHUNK = 5000
OTHERS_BASE = 900_000_000  # person keys of people named in another role
NARRATIVES = {
    "labour": [
        "Bewoner vertelt dat hij zeven dagen per week in een kas werkt en zijn loon moet "
        "afstaan aan een bemiddelaar.",
        "Medewerker ziet dat een groep bewoners 's ochtends vroeg door een busje wordt "
        "opgehaald; niemand kent de werkgever.",
        "Persoon zegt schuld te hebben bij de ronselaar voor reis en huisvesting.",
    ],
    "sexual": [
        "Jonge vrouw krijgt 's nachts bezoek van wisselende mannen; ze lijkt bang en heeft "
        "geen eigen telefoon.",
        "Bewoonster vertelt over een 'vriend' die haar werk in Amsterdam heeft beloofd.",
        "Minderjarige wordt steeds opgehaald door een oudere man met een auto met buitenlands "
        "kenteken.",
    ],
    "criminal": [
        "Jongere vertelt dat hij drugs moet vervoeren om een schuld af te lossen.",
        "Bewoner wordt gedwongen te stelen in winkels; opbrengst gaat naar een ander.",
    ],
    "begging": ["Persoon wordt dagelijks bij het station afgezet om te bedelen."],
    "organ_removal": ["Bewoner vertelt dat hem geld is geboden voor een nier."],
    "other": ["Persoon is gedwongen tot een huwelijk en mag de woning niet verlaten."],
}


def _weighted(rng: random.Random, table: dict[str, int]) -> str:
    return rng.choices(list(table), list(table.values()))[0]


class DemoGenerator:
    """The signals of the demo world: the registrations of ``chain.plan`` (who registered
    whom, where and when), each written up as a signal with its own seeded details."""

    def __init__(self, total: int, today: dt.date) -> None:
        self.total = total
        self.today = today
        self.indicators = list(Indicator.objects.values_list("code", flat=True))
        self.locations: dict[str, tuple[int, str]] = {
            code: (pk, municipality)
            for code, pk, municipality in Location.objects.values_list(
                "code", "pk", "municipality_id"
            )
        }
        by_organisation: dict[str, list[str]] = defaultdict(list)
        for code, organisation in Location.objects.order_by("code").values_list(
            "code", "organisation__code"
        ):
            by_organisation[organisation].append(code)
        avim = {unit: organisation for organisation, unit in AVIM_UNIT.items()}
        municipalities = {
            code: avim[unit]
            for code, unit in Municipality.objects.order_by("code").values_list(
                "code", "police_unit_code"
            )
        }
        self.plan = chain.plan(
            total, today, municipalities=municipalities, locations=dict(by_organisation)
        )

    def signals(self, start: int = 0) -> Iterator[tuple[str, SignalInput, dt.datetime]]:
        for index in range(start, len(self.plan.registrations)):
            yield self.signal(index)

    def signal(self, index: int) -> tuple[str, SignalInput, dt.datetime]:
        registration = self.plan.registrations[index]
        # Seeded on purpose: synthetic data that loads the same every time.
        rng = random.Random(index * 104_729 + 3)  # nosec B311
        organisation = registration.organisation
        main_type = registration.victim_type or _weighted(rng, TYPES)
        types = [main_type]
        if rng.random() < 0.12:
            types.append(_weighted(rng, TYPES))
        received_on = registration.received_on
        observed = received_on - dt.timedelta(days=rng.randrange(0, 10))
        received = dt.datetime.combine(
            received_on,
            dt.time(rng.randrange(7, 20), rng.randrange(60), rng.randrange(60)),
            tzinfo=dt.UTC,
        )
        received = min(received, timezone.now())
        location_id, municipality = None, registration.municipality
        if registration.location:
            location_id, municipality = self.locations[registration.location]
        named: list[tuple[str, int]] = []
        if registration.victim is not None:
            named.append(("presumed_victim", registration.victim))
            named += [("presumed_perpetrator", key) for key in registration.perpetrators]
            if rng.random() < 0.05:
                named.append(("other", OTHERS_BASE + index))
        subjects = [
            SubjectInput(role, **registered_variant(rng, person(key, self.today), organisation))
            for role, key in named
        ]
        kind = "hard" if rng.random() < 0.3 else "soft"
        distribution, group = "organisation", ""
        if kind == "soft":
            # Soft signals were hardly exchanged at the start of the period and more so
            # now, so the sharing health figure has a trend to show.
            recency = 1 - (self.today - received_on).days / (chain.QUARTERS * 92)
            if organisation in GROUP_MEMBERS and rng.random() < 0.15:
                distribution, group = "group", GROUP_CODE
            elif rng.random() < 0.25 + 0.55 * recency:
                distribution = "chain"
        data = SignalInput(
            kind=kind,
            observed_on=observed,
            municipality_code=municipality,
            location_id=location_id,
            exploitation_type_codes=tuple(dict.fromkeys(types)),
            indicator_codes=tuple(rng.sample(self.indicators, rng.choice([0, 1, 2, 2, 3, 4, 6]))),
            source_reliability=rng.choice("ABBCCX"),
            information_credibility=rng.choice("122334"),
            narrative=rng.choice(NARRATIVES[main_type]),
            distribution=distribution,
            sharing_group=group,
            source_reference=f"{PREFIX}{index:07d}",
            subjects=tuple(subjects),
        )
        return organisation, data, received


def load_demo_signals(total: int, *, progress: Callable[[int, int], None] | None = None) -> int:
    """Load signals DEMO-0000000 .. DEMO-(total-1); those already present are kept."""
    existing = Signal.objects.filter(source_reference__startswith=PREFIX).count()
    if existing >= total:
        return 0
    generator = DemoGenerator(total, timezone.localdate())
    actors: dict[str, Actor] = {}
    for membership in Membership.objects.select_related("user", "organisation").order_by("id"):
        code = membership.organisation.code
        if code not in actors:
            actor = actor_for_user(membership.user)
            if actor.can_register:
                actors[code] = actor
    vocabulary = Vocabulary()
    created = 0
    bulk = total - existing > LINK_ONLINE_UP_TO
    signals = generator.signals(existing)
    for start in range(existing, total, BATCH):
        stop = min(total, start + BATCH)
        per_org: dict[str, list[tuple[SignalInput, dt.datetime]]] = defaultdict(list)
        for _index in range(start, stop):
            organisation, data, received = next(signals)
            per_org[organisation].append((data, received))
        batch_signals: list[uuid.UUID] = []
        with transaction.atomic():
            for organisation, items in per_org.items():
                registered = signals_register(
                    actor=actors[organisation],
                    context=CLI,
                    items=[i for i, _r in items],
                    received_at=[r for _i, r in items],
                    audit_each=False,
                    vocabulary=vocabulary,
                    index=False,
                )
                batch_signals.extend(s.pk for s in registered)
            created += stop - start
            audit_record(
                actor=SYSTEM,
                action=Action.DEMO_LOAD,
                purpose=Purpose.ADMINISTRATION,
                context=CLI,
                object_type="signal",
                detail={"from": start, "to": stop},
            )
        if not bulk:
            # Linking joins the new records with what is there: plan it on fresh statistics.
            refresh_statistics()
            records_index(
                record_ids=Subject.objects.filter(signal_id__in=batch_signals).values_list(
                    "record_id", flat=True
                ),
                context=CLI,
            )
        if progress:
            progress(stop, total)
    if bulk and created:
        refresh_statistics()
        _index_then_link()
    return created


def refresh_statistics() -> None:
    """Fresh planner statistics after a bulk load, on PostgreSQL. A load inserts thousands
    of rows faster than autovacuum analyses them, and inside one transaction (a test)
    autovacuum never sees them: without statistics the planner takes the tables for empty
    and joins subjects, signals and person records by nested loops, which made one
    follow-up query take 30 s over the default world, and marking settled reviews during
    linking several minutes. Run after each batch that is linked online (a few for the
    default world) and once before a bulk link. ANALYZE counts the transaction's own
    rows; it skips, with a warning, tables the connecting role does not own."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def _index_then_link() -> None:
    """A large load (benchmarks) links every record as ``ketenzicht relink`` does: first
    the pseudonym index of its people (what notices say they match on), then one streamed
    batch re-link of the whole register, which puts every record in a person cluster and
    raises the hit notices of those clusters in bulk. The attention list and the monitor
    read the clusters."""
    ids = list(
        PersonRecord.objects.filter(subjects__signal__source_reference__startswith=PREFIX)
        .distinct()
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), INDEX_CHUNK):
        records_index(record_ids=ids[start : start + INDEX_CHUNK], context=CLI, link=False)
    # The worker need not index the records again: the notices are raised here.
    persons_relink(context=CLI, index_moved=False)


def load_demo_residents(total_signals: int) -> int:
    """COA residents per reception location, drawn from the same synthetic people as the
    signals so that hits and attention-list entries occur. Idempotent."""
    locations = list(
        Location.objects.filter(organisation__code="coa", kind__in=RESIDENCE_KINDS).order_by("code")
    )
    if not locations or PersonRecord.objects.filter(location__in=locations).exists():
        return 0
    coa = next(
        actor_for_user(m.user)
        for m in Membership.objects.filter(organisation__code="coa").select_related("user")
        if actor_for_user(m.user).can_register
    )
    pool = max(40, int(total_signals * 0.55))
    per_location = min(200, max(12, total_signals // 250))
    today = timezone.localdate()
    created: list[uuid.UUID] = []
    with transaction.atomic():
        for number, location in enumerate(locations):
            # Seeded on purpose: synthetic data that loads the same every time.
            rng = random.Random(number * 31 + 7)  # nosec B311
            for key in rng.sample(range(pool), min(pool, per_location)):
                who = person(key, today)
                record = resident_register(
                    actor=coa,
                    context=CLI,
                    location_id=location.pk,
                    given_name=who.given_name,
                    family_name=who.family_name,
                    v_number=who.v_number,
                    date_of_birth=who.date_of_birth,
                    dob_precision="exact",
                    sex=who.sex,
                    nationality=who.nationality,
                    phones=[who.phone],
                    index=False,
                )
                created.append(record.pk)
    records_index(record_ids=created, context=CLI)
    return len(created)
