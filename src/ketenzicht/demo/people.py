"""Synthetic people for the demo: invented name combinations, never real persons.

The same person is registered by several organisations, each time with the small spelling
differences real registrations have (transliteration, typos, swapped name order), so that
linkage has something to find. At the scale of the chain (tens of thousands of people) the
names must be as diverse as real ones, or namesakes merge in linkage and distort the counts
of distinct people and the hidden-number estimate: names are drawn from the chain-like
linkage generator's pools (``persons.linkage.generator.ORIGINS``, falling with rank as real
name frequencies do) and, for the nationalities it lacks, from the lists below.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any

from ketenzicht.persons.linkage.generator import DOB_MISSING, ORIGINS, V_NUMBER_HELD, VARIANTS

# Nationalities the linkage generator has no names for: (women's, men's, family names).
NAMES: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "VNM": (
        ("Linh", "Mai", "Hoa", "Thu", "Lan", "Huong", "Trang", "Ngoc", "Phuong", "Thao",
         "Hanh", "Yen", "Anh", "Diep", "Giang", "Nhung"),
        ("Minh", "Tuan", "Duc", "Nam", "Hung", "Quang", "Long", "Thanh", "Dung", "Hieu",
         "Khanh", "Phong", "Son", "Trung", "Vinh", "Bao"),
        ("Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu", "Vo", "Dang", "Bui", "Do", "Ho",
         "Ngo", "Duong", "Ly", "Truong", "Dinh", "Phan", "Mai", "Trinh", "Lam"),
    ),
    "POL": (
        ("Anna", "Katarzyna", "Magdalena", "Ewa", "Agnieszka", "Joanna", "Monika", "Marta",
         "Aleksandra", "Natalia", "Karolina", "Beata", "Dorota", "Justyna", "Paulina", "Iwona"),
        ("Piotr", "Tomasz", "Pawel", "Marek", "Krzysztof", "Andrzej", "Michal", "Jakub",
         "Lukasz", "Grzegorz", "Adam", "Marcin", "Kamil", "Dariusz", "Rafal", "Wojciech"),
        ("Nowak", "Kowalski", "Wisniewski", "Wojcik", "Kaminski", "Lewandowski",
         "Zielinski", "Szymanski", "Wozniak", "Dabrowski", "Kozlowski", "Jankowski",
         "Mazur", "Krawczyk", "Piotrowski", "Grabowski", "Pawlowski", "Michalski"),
    ),
    "ROU": (
        ("Ioana", "Maria", "Elena", "Alina", "Andreea", "Mihaela", "Gabriela", "Cristina",
         "Daniela", "Roxana", "Simona", "Raluca", "Florentina", "Georgiana", "Bianca", "Larisa"),
        ("Andrei", "Mihai", "Florin", "Cristian", "Ion", "Gheorghe", "Alexandru", "Marius",
         "Ionut", "Adrian", "Constantin", "Vasile", "Bogdan", "Catalin", "Daniel", "Sorin"),
        ("Popescu", "Ionescu", "Dumitru", "Stan", "Constantin", "Marin", "Popa", "Stoica",
         "Gheorghe", "Rusu", "Munteanu", "Matei", "Ciobanu", "Lazar", "Moldovan",
         "Florea", "Serban", "Dobre", "Barbu", "Nistor"),
    ),
    "BGR": (
        ("Desislava", "Petya", "Milena", "Silvia", "Maria", "Ivanka", "Gergana", "Yordanka",
         "Radka", "Teodora", "Violeta", "Zornitsa"),
        ("Georgi", "Ivan", "Dimitar", "Nikolay", "Petar", "Hristo", "Todor", "Stoyan",
         "Vasil", "Krasimir", "Plamen", "Angel"),
        ("Petrov", "Ivanov", "Georgiev", "Dimitrov", "Nikolov", "Stoyanov", "Todorov",
         "Iliev", "Hristov", "Marinov", "Kolev", "Angelov", "Yordanov", "Atanasov"),
    ),
    "CHN": (
        ("Li", "Mei", "Xiu", "Yan", "Jing", "Fang", "Hui", "Ying", "Lan", "Juan", "Xia", "Ping"),
        ("Wei", "Jun", "Hao", "Lei", "Qiang", "Jie", "Tao", "Ming", "Gang", "Yong", "Bo", "Chao"),
        ("Wang", "Zhang", "Liu", "Chen", "Yang", "Zhao", "Huang", "Zhou", "Wu", "Xu", "Sun",
         "Hu", "Zhu", "Gao", "Lin", "He"),
    ),
    "NLD": (
        ("Sanne", "Lisa", "Fleur", "Noor", "Emma", "Julia", "Sophie", "Eva", "Lotte", "Anouk",
         "Iris", "Sara", "Femke", "Demi", "Kim", "Romy"),
        ("Daan", "Bram", "Thijs", "Jesse", "Lars", "Ruben", "Tim", "Niels", "Sem", "Luuk",
         "Stijn", "Joris", "Bas", "Mark", "Kevin", "Rick"),
        ("de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
         "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
         "Brouwer", "de Wit", "Dijkstra", "Smits"),
    ),
}  # fmt: skip
# Shares of the people in the demo by nationality (roughly as among presumed victims the
# chain registers: Eritrea, Syria, Nigeria and EU labour migrants most).
NATIONALITY_WEIGHTS = {
    "ERI": 13,
    "ETH": 3,
    "SOM": 4,
    "SYR": 11,
    "IRQ": 3,
    "AFG": 7,
    "NGA": 11,
    "MAR": 5,
    "UKR": 6,
    "VNM": 7,
    "POL": 8,
    "ROU": 9,
    "BGR": 5,
    "CHN": 3,
    "NLD": 5,
}
_ORIGINS = {o.nationality: o for o in ORIGINS}
# Nationals of the EU/EEA are not in the asylum procedure: no V-number, and a known date of
# birth.
WITHOUT_V_NUMBER = {"POL", "ROU", "BGR", "NLD"}
FEMALE_SHARE = {"sexual": 0.85, "labour": 0.35, "criminal": 0.3, "begging": 0.5}


@dataclass(frozen=True)
class Person:
    key: int
    given_name: str
    family_name: str
    sex: str
    nationality: str
    date_of_birth: dt.date
    v_number: str
    phone: str
    # The person does not know their date of birth: registrars write 1 January of the
    # year the IND estimated, all of them the same (they take it over).
    dob_estimated: bool = False


def _ranked(rng: random.Random, names: tuple[str, ...]) -> str:
    """A name drawn with weights falling as 1/rank, as real name frequencies do."""
    return rng.choices(names, [1 / (rank + 1) for rank in range(len(names))])[0]


def _names(rng: random.Random, nationality: str, female: bool) -> tuple[str, str]:
    if nationality in NAMES:
        women, men, family = NAMES[nationality]
        return _ranked(rng, women if female else men), _ranked(rng, family)
    origin = _ORIGINS[nationality]
    given = _ranked(rng, origin.female if female else origin.male)
    if origin.family and (origin.naming != "afghan" or rng.random() < 0.35):
        return given, rng.choice(origin.family)
    # No family name (Tigrinya, Somali, many Afghans): the father's name is written as the
    # surname, as most registrars do.
    return given, _ranked(rng, origin.male)


def person(key: int, today: dt.date) -> Person:
    """The ``key``-th synthetic person; the same key always gives the same person."""
    # Seeded on purpose: synthetic data that loads the same every time.
    rng = random.Random(key * 7919 + 17)  # nosec B311
    nationality = rng.choices(list(NATIONALITY_WEIGHTS), list(NATIONALITY_WEIGHTS.values()))[0]
    female = rng.random() < 0.55
    given_name, family_name = _names(rng, nationality, female)
    age_days = int(rng.triangular(14 * 365, 55 * 365, 24 * 365))
    return Person(
        key=key,
        given_name=given_name,
        family_name=family_name,
        sex="female" if female else "male",
        nationality=nationality,
        date_of_birth=today - dt.timedelta(days=age_days),
        # Ten digits starting with a non-zero digit, unique per key.
        v_number=str(2_000_000_000 + (key * 104_729) % 7_000_000_000),
        phone=f"+316{(key * 7_654_321) % 100_000_000:08d}",
        dob_estimated=nationality not in WITHOUT_V_NUMBER and rng.random() < 0.3,
    )


def _typo(rng: random.Random, name: str) -> str:
    if len(name) < 4:
        return name
    i = rng.randrange(1, len(name) - 1)
    kind = rng.random()
    if kind < 0.4:
        return name[:i] + name[i + 1 :]  # dropped letter
    if kind < 0.7:
        return name[:i] + name[i] + name[i:]  # doubled letter
    return name[:i] + name[i + 1] + name[i] + name[i + 2 :]  # swapped letters


def _kind(organisation: str) -> str:
    """The linkage generator's kind of registrar for a demo organisation code."""
    head = organisation.split("-")[0]
    return {"gemeente": "gemeente", "dji": "coa", "dtv": "ind", "emm": "avim", "nla": "kmar"}.get(
        head, head if head in V_NUMBER_HELD else "avim"
    )


def registered_variant(rng: random.Random, p: Person, organisation: str = "") -> dict[str, Any]:
    """How one organisation happened to register this person: spelling variants and typos
    in the name, and a V-number and date of birth as often as that kind of organisation
    holds them (``persons.linkage.generator``: the IND nearly always, CoMensha seldom)."""
    kind = _kind(organisation)
    given, family = p.given_name, p.family_name
    roll = rng.random()
    if roll < 0.15 and given in VARIANTS:
        given = rng.choice(VARIANTS[given])
    elif roll < 0.25 and family in VARIANTS:
        family = rng.choice(VARIANTS[family])
    elif roll < 0.265:
        family = _typo(rng, family)
    elif roll < 0.285:
        given, family = family, given  # name order swapped at registration
    elif roll < 0.295:
        given = ""
    dob_roll = rng.random()
    if dob_roll < DOB_MISSING[kind]:
        dob, precision = None, "unknown"
    elif p.dob_estimated:
        dob, precision = dt.date(p.date_of_birth.year, 1, 1), "placeholder_jan1"
    elif dob_roll < 0.97:
        dob, precision = p.date_of_birth, "exact"
    else:
        dob, precision = dt.date(p.date_of_birth.year, 1, 1), "year"
    aliases = []
    if rng.random() < 0.08:
        aliases.append(_names(rng, p.nationality, p.sex == "female")[0])
    held = V_NUMBER_HELD[kind] if p.nationality not in WITHOUT_V_NUMBER else 0.0
    return {
        "given_name": given,
        "family_name": family,
        "date_of_birth": dob,
        "dob_precision": precision,
        "sex": p.sex if rng.random() < 0.98 else "unknown",
        "nationality": p.nationality if rng.random() < 0.95 else "",
        "v_number": p.v_number if rng.random() < held else "",
        "phones": (p.phone,) if rng.random() < 0.3 else (),
        "aliases": tuple(aliases),
    }
