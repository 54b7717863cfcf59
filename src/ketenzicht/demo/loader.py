"""Generate and load N demo signals deterministically, in bulk, through the intake service."""

from __future__ import annotations

import datetime as dt
import random
import uuid
from collections import defaultdict
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from ketenzicht.accounts.actor import SYSTEM, Actor
from ketenzicht.accounts.models import Location, LocationKind, Membership
from ketenzicht.accounts.selectors import actor_for_user
from ketenzicht.audit.models import Action, Purpose
from ketenzicht.audit.services import CLI, audit_record
from ketenzicht.persons.linkage_services import persons_relink
from ketenzicht.persons.models import PersonRecord
from ketenzicht.persons.services import records_index, resident_register
from ketenzicht.signals.intake import SignalInput, SubjectInput
from ketenzicht.signals.models import Signal, Subject
from ketenzicht.signals.services import Vocabulary, signals_register
from ketenzicht.taxonomy.models import Indicator

from .people import FEMALE_SHARE, person, registered_variant
from .world import SHARING_GROUPS

GROUP_CODE = "noord-nederland"
GROUP_MEMBERS = set(SHARING_GROUPS[GROUP_CODE][1])

RESIDENCE_KINDS = (
    LocationKind.RECEPTION_CENTRE,
    LocationKind.APPLICATION_CENTRE,
    LocationKind.PROTECTED_RECEPTION,
)

PREFIX = "DEMO-"
BATCH = 2000
# Up to this many new signals, people are linked batch by batch on intake, as in
# production; a larger load links every record in one streamed batch afterwards
# (``_index_then_link``): linking online costs milliseconds a record, hours for a million.
LINK_ONLINE_UP_TO = 5_000
INDEX_CHUNK = 5000
# Share of signals per reporting organisation (COA and the police see most).
REPORTERS = {
    "coa": 33,
    "ind": 14,
    "kmar": 8,
    "nidos": 6,
    "nla": 6,
    "dji": 2,
    "dtv": 1,
    "comensha": 3,
    "emm": 2,
    "gemeente-westerwolde": 1,
    "gemeente-amsterdam": 2,
    "gemeente-rotterdam": 2,
    "gemeente-utrecht": 1,
    "avim-noord-nederland": 4,
    "avim-amsterdam": 4,
    "avim-rotterdam": 3,
    "avim-den-haag": 2,
    "avim-midden-nederland": 2,
    "avim-oost-nederland": 1,
    "avim-noord-holland": 1,
    "avim-zeeland-west-brabant": 1,
    "avim-oost-brabant": 1,
    "avim-limburg": 1,
}
TYPES = {"labour": 40, "sexual": 35, "criminal": 15, "begging": 4, "organ_removal": 1, "other": 5}
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
BIG_CITIES = [
    "GM0363",
    "GM0599",
    "GM0518",
    "GM0344",
    "GM0772",
    "GM0855",
    "GM0014",
    "GM0202",
    "GM0935",
    "GM0193",
    "GM0034",
    "GM0758",
    "GM0268",
    "GM0080",
]


def _weighted(rng: random.Random, table: dict[str, int]) -> str:
    return rng.choices(list(table), list(table.values()))[0]


class DemoGenerator:
    def __init__(self, total: int, today: dt.date) -> None:
        self.total = total
        self.today = today
        self.pool = max(40, int(total * 0.55))
        indicators = list(Indicator.objects.values_list("code", "list"))
        self.indicators = [code for code, _list in indicators]
        self.locations: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for location in Location.objects.all():
            self.locations[location.organisation.code].append(
                (location.pk, location.municipality_id)
            )
        self.seats = {
            m.organisation.code: m.organisation.municipality_id
            for m in Membership.objects.select_related("organisation")
        }

    def signal(self, index: int) -> tuple[str, SignalInput, dt.datetime]:
        # Seeded on purpose: synthetic data that loads the same every time.
        rng = random.Random(index * 104_729 + 3)  # nosec B311
        organisation = _weighted(rng, REPORTERS)
        main_type = _weighted(rng, TYPES)
        types = [main_type]
        if rng.random() < 0.12:
            types.append(_weighted(rng, TYPES))
        observed = self.today - dt.timedelta(days=int(rng.random() ** 0.8 * 5 * 365))
        received = dt.datetime.combine(
            min(self.today, observed + dt.timedelta(days=rng.randrange(0, 10))),
            dt.time(rng.randrange(7, 20), rng.randrange(60), rng.randrange(60)),
            tzinfo=dt.UTC,
        )
        received = min(received, timezone.now())
        location_id, municipality = None, self.seats.get(organisation) or "GM0363"
        if self.locations.get(organisation) and rng.random() < 0.85:
            location_id, municipality = rng.choice(self.locations[organisation])
        elif organisation.startswith(("nla", "emm", "comensha", "nidos", "ind", "dtv")):
            municipality = rng.choice(BIG_CITIES)
        subjects = []
        for position in range(rng.choices([0, 1, 2, 3], [5, 60, 28, 7])[0]):
            role = (
                "presumed_victim"
                if position == 0
                else rng.choices(
                    ["presumed_victim", "presumed_perpetrator", "other"], [40, 50, 10]
                )[0]
            )
            who = person(rng.randrange(self.pool), self.today)
            variant = registered_variant(rng, who)
            if (
                role == "presumed_victim"
                and main_type in FEMALE_SHARE
                and ((who.sex == "female") != (rng.random() < FEMALE_SHARE[main_type]))
            ):
                # Re-draw once so victims' sex roughly follows the exploitation type.
                who = person(rng.randrange(self.pool), self.today)
                variant = registered_variant(rng, who)
            subjects.append(SubjectInput(role=role, **variant))  # type: ignore[arg-type]
        kind = "hard" if rng.random() < 0.3 else "soft"
        distribution, group = "organisation", ""
        if kind == "soft":
            # Soft signals were hardly exchanged five years ago and more so now, so the
            # sharing health figure has a trend to show.
            recency = 1 - (self.today - observed).days / (5 * 365)
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
        if code in REPORTERS and code not in actors:
            actor = actor_for_user(membership.user)
            if actor.can_register:
                actors[code] = actor
    vocabulary = Vocabulary()
    created = 0
    bulk = total - existing > LINK_ONLINE_UP_TO
    for start in range(existing, total, BATCH):
        stop = min(total, start + BATCH)
        per_org: dict[str, list[tuple[SignalInput, dt.datetime]]] = defaultdict(list)
        for index in range(start, stop):
            organisation, data, received = generator.signal(index)
            if organisation not in actors:
                organisation = "coa"
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
            records_index(
                record_ids=Subject.objects.filter(signal_id__in=batch_signals).values_list(
                    "record_id", flat=True
                ),
                context=CLI,
            )
        if progress:
            progress(stop, total)
    if bulk and created:
        _index_then_link()
    return created


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
