"""The demo's hidden population of victims and which organisations meet them.

The demo world is built from a truth the product never sees: for every calendar quarter a
number of victims of human trafficking, most of whom no organisation meets. Each kind of
organisation meets each victim of a quarter with its own probability, independently of the
others, and registers a signal naming them (sometimes a second one). What the chain
registers is therefore a sample of the truth with overlaps between organisations, as in the
Netherlands: about one to two thousand registered presumed victims a year at the default
size, against an estimated total about five times that (the National Rapporteur's
multiple systems estimate), so the monitor's estimate can be checked against the number the
generator knows (``DemoPlan.truth``, docs/monitor.md "Demo world").

Places: a victim is met where they live or work, weighted towards the large cities; COA
registers at its reception locations (most at Ter Apel), the IND partly at Ter Apel, KMar
mostly at Schiphol, the police by the unit of the victim's municipality, a municipality
only its own residents. Numbers of inhabitants do not ship with Ketenzicht, so the weights
below are rounded sizes of the largest municipalities (tens of thousands of inhabitants),
not data the product uses.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from .people import person

# Per kind of organisation: the probability that it meets (and registers) a victim of the
# quarter. Together about one victim in five is registered (``REGISTERED_SHARE``).
MEETS = {
    "coa": 0.060,
    "avim": 0.045,
    "ind": 0.030,
    "kmar": 0.016,
    "nla": 0.016,
    "nidos": 0.010,
    "comensha": 0.010,
    "emm": 0.006,
    "dji": 0.004,
    "dtv": 0.003,
}
# A municipality with its own analyst meets its residents more often than a chain partner.
MUNICIPALITY_MEETS = 0.06
MUNICIPAL_ORGANISATIONS = {
    "GM1950": "gemeente-westerwolde",
    "GM0363": "gemeente-amsterdam",
    "GM0599": "gemeente-rotterdam",
    "GM0344": "gemeente-utrecht",
}
SECOND_SIGNAL = 0.25  # the organisation registers the same victim again that quarter
WITHOUT_PEOPLE = 0.04  # a signal about a place or a situation, naming nobody
# Registrations grow over the period (more signalling, more sharing): the last quarter has
# this many times the victims of the first, so the trends have something to show.
GROWTH = 1.5
# Rounded inhabitants in tens of thousands of the largest municipalities; every other
# municipality weighs ``OTHER_WEIGHT``.
PLACES = {
    "GM0363": 93, "GM0599": 67, "GM0518": 56, "GM0344": 37, "GM0772": 24, "GM0014": 24,
    "GM0855": 23, "GM0034": 22, "GM0758": 19, "GM0268": 18, "GM0200": 17, "GM0202": 17,
    "GM0392": 17, "GM0394": 16, "GM0307": 16, "GM0479": 16, "GM0153": 16, "GM0796": 16,
    "GM0193": 13, "GM0546": 13, "GM0637": 13, "GM0080": 13, "GM0935": 12, "GM0505": 12,
    "GM0228": 12, "GM1783": 11, "GM0361": 11, "GM0114": 11, "GM0503": 10, "GM0983": 10,
    "GM0150": 10, "GM0794": 9, "GM0828": 9, "GM0362": 9, "GM0402": 9, "GM0917": 9,
    "GM1883": 9, "GM1674": 8, "GM0606": 8, "GM0622": 7, "GM0513": 7, "GM0995": 8,
    "GM0106": 7, "GM0400": 6, "GM0439": 8, "GM0405": 7, "GM0718": 4, "GM0715": 5,
    "GM0748": 7, "GM0141": 7, "GM0345": 7, "GM0502": 7, "GM1930": 9, "GM1900": 9,
    "GM0090": 6, "GM0074": 5, "GM0243": 5, "GM0166": 5, "GM0537": 7, "GM0484": 11,
    "GM0988": 5, "GM0957": 6, "GM0928": 4, "GM0664": 4,
}  # fmt: skip
OTHER_WEIGHT = 2.0
# Where an organisation registers: its own locations (code, weight) with this probability,
# otherwise where the victim is.
AT_LOCATIONS = {
    "coa": 0.9,
    "ind": 0.4,
    "kmar": 0.7,
    "dji": 1.0,
}
LOCATION_WEIGHTS = {"coa-ter-apel": 6, "coa-beschermde-opvang": 1}  # others weigh 2
TYPES = {"labour": 40, "sexual": 35, "criminal": 15, "begging": 4, "organ_removal": 1, "other": 5}
FEMALE_SHARE = {"sexual": 0.85, "labour": 0.35, "criminal": 0.3, "begging": 0.5}
PERPETRATOR_BASE = 500_000_000  # person keys of presumed perpetrators
VICTIMS_PER_PERPETRATOR = 6  # a network exploits several victims over the period
QUARTERS = 13  # twelve completed quarters (three years) and the current one


def quarter_of(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """The first day of the quarter and the first day of the next."""
    start = dt.date(year, 3 * (quarter - 1) + 1, 1)
    end = dt.date(year + 1, 1, 1) if quarter == 4 else dt.date(year, 3 * quarter + 1, 1)
    return start, end


def covered_quarters(today: dt.date, count: int = QUARTERS) -> list[tuple[int, int]]:
    """``count`` quarters up to and including today's, oldest first."""
    year, quarter = quarter_of(today)
    out = []
    for _ in range(count):
        out.append((year, quarter))
        year, quarter = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    return out[::-1]


@dataclass(frozen=True, slots=True)
class Registration:
    """One signal of the plan: who registered it, where and when, and whom it names."""

    organisation: str  # organisation code; AVIM and municipalities resolved already
    received_on: dt.date
    municipality: str  # where the victim is met ("" when the organisation's location is used)
    location: str  # the organisation's location code, or ""
    victim: int | None  # person key of the presumed victim, None for a signal naming nobody
    victim_type: str
    perpetrators: tuple[int, ...] = ()


@dataclass
class DemoPlan:
    """The registrations of the demo world in load order, and the truth behind them."""

    registrations: list[Registration]
    victims: dict[tuple[int, int], int] = field(default_factory=dict)  # quarter -> victims
    victim_keys: int = 0  # person keys 0 .. victim_keys - 1 are victims

    def truth(self, quarters: list[tuple[int, int]]) -> int:
        """How many victims there were in these quarters, registered or not."""
        return sum(self.victims.get(q, 0) for q in quarters)

    def histories(self, quarters: list[tuple[int, int]]) -> dict[int, set[str]]:
        """Per victim registered in these quarters, the kinds of organisation that did: the
        capture histories the monitor's estimate would see with perfect linkage."""
        wanted = set(quarters)
        out: dict[int, set[str]] = {}
        for r in self.registrations:
            if r.victim is not None and quarter_of(r.received_on) in wanted:
                out.setdefault(r.victim, set()).add(kind_of(r.organisation))
        return out

    def registered(self, quarters: list[tuple[int, int]]) -> set[int]:
        """The victims some organisation registered in these quarters."""
        wanted = set(quarters)
        return {
            r.victim
            for r in self.registrations
            if r.victim is not None and quarter_of(r.received_on) in wanted
        }


def kind_of(organisation: str) -> str:
    """The kind of organisation (``OrganisationType``) of a demo organisation code."""
    if organisation.startswith("avim-"):
        return "avim"
    return "municipality" if organisation.startswith("gemeente-") else organisation


def _share(victim_type: str, female: bool) -> float:
    share = FEMALE_SHARE.get(victim_type, 0.5)
    return share if female else 1 - share


def _weighted(rng: random.Random, table: dict[str, float]) -> str:
    return rng.choices(list(table), list(table.values()))[0]


def plan(
    total: int,
    today: dt.date,
    *,
    municipalities: dict[str, str],
    locations: dict[str, list[str]],
) -> DemoPlan:
    """``total`` registrations, drawn victim by victim until there are enough.

    ``municipalities`` maps every municipality code to its police unit's AVIM organisation;
    ``locations`` lists each organisation's location codes. Deterministic for the same
    arguments; each victim's quarter is drawn at random, so the registrations of any prefix
    are spread over the whole period."""
    # Seeded on purpose: synthetic data that loads the same every time.
    rng = random.Random(2026)  # nosec B311
    quarters = covered_quarters(today)
    year, quarter = quarter_of(today)
    start, end = quarter_bounds(year, quarter)
    elapsed = max(1, (today - start).days) / (end - start).days
    weights = [1 + (GROWTH - 1) * i / (len(quarters) - 1) for i in range(len(quarters))]
    weights[-1] *= elapsed  # the current quarter has only begun
    places = {code: PLACES.get(code, OTHER_WEIGHT) for code in municipalities}
    place_codes, place_weights = list(places), list(places.values())
    out: list[Registration] = []
    victims: dict[tuple[int, int], int] = {}
    key = 0
    while len(out) < total:
        q = rng.choices(quarters, weights)[0]
        victims[q] = victims.get(q, 0) + 1
        place = rng.choices(place_codes, place_weights)[0]
        meets = dict(MEETS)
        if place in MUNICIPAL_ORGANISATIONS:
            meets["municipality"] = MUNICIPALITY_MEETS
        met = [kind for kind, probability in meets.items() if rng.random() < probability]
        if not met:
            key += 1
            continue  # never registered: only in the truth
        # The form follows the victim's sex roughly as in the registrations.
        female = person(key, today).sex == "female"
        types = {t: w * _share(t, female) for t, w in TYPES.items()}
        victim_type = _weighted(rng, types)
        q_start, q_end = quarter_bounds(*q)
        last_day = min(q_end - dt.timedelta(days=1), today)
        span = (last_day - q_start).days
        perpetrators = tuple(
            PERPETRATOR_BASE + key // VICTIMS_PER_PERPETRATOR + offset
            for offset in range(rng.choices([0, 1, 2], [45, 45, 10])[0])
        )
        for kind in met:
            if kind == "avim":
                organisation = municipalities[place]
            elif kind == "municipality":
                organisation = MUNICIPAL_ORGANISATIONS[place]
            else:
                organisation = kind
            for _ in range(2 if rng.random() < SECOND_SIGNAL else 1):
                location = ""
                own = locations.get(organisation, [])
                if own and rng.random() < AT_LOCATIONS.get(organisation, 0):
                    location = rng.choices(own, [LOCATION_WEIGHTS.get(c, 2) for c in own])[0]
                received = q_start + dt.timedelta(days=rng.randint(0, max(0, span)))
                named = tuple(p for p in perpetrators if rng.random() < 0.6)
                out.append(
                    Registration(organisation, received, place, location, key, victim_type, named)
                )
                if rng.random() < WITHOUT_PEOPLE:
                    out.append(Registration(organisation, received, place, location, None, ""))
        key += 1
    return DemoPlan(out[:total], victims, key)
