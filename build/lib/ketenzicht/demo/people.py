"""Synthetic people for the demo: invented name combinations, never real persons.

The same person is registered by several organisations, each time with the small spelling
differences real registrations have (transliteration, typos, swapped name order), so the
linkage of a later issue has something to find.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

# nationality -> (given names, family names, sex of the given names in order f/m)
NAMES: dict[str, tuple[list[str], list[str]]] = {
    "ERI": (
        ["Senait", "Helen", "Yohannes", "Tesfay", "Mebrat", "Filmon", "Saba", "Dawit"],
        ["Tesfamariam", "Gebremedhin", "Haile", "Kidane", "Berhane", "Ghebre"],
    ),
    "SYR": (
        ["Amina", "Rania", "Mohammed", "Ahmad", "Layla", "Omar", "Huda", "Khaled"],
        ["Al-Hassan", "Haddad", "Khoury", "Darwish", "Al-Ali", "Nasser"],
    ),
    "NGA": (
        ["Blessing", "Joy", "Chinedu", "Emeka", "Precious", "Osas", "Faith", "Uche"],
        ["Okafor", "Eze", "Osagie", "Adeyemi", "Obi", "Igbinedion"],
    ),
    "AFG": (
        ["Fatima", "Zahra", "Ahmad", "Mohammad", "Maryam", "Ali", "Nazia", "Reza"],
        ["Ahmadi", "Rahimi", "Karimi", "Hosseini", "Sultani", "Noori"],
    ),
    "VNM": (
        ["Linh", "Mai", "Minh", "Tuan", "Hoa", "Duc", "Thu", "Nam"],
        ["Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu"],
    ),
    "MAR": (
        ["Salma", "Imane", "Youssef", "Hamza", "Khadija", "Anas", "Nadia", "Bilal"],
        ["El Amrani", "Benali", "Bouzid", "El Idrissi", "Ouali", "Tahiri"],
    ),
    "POL": (
        ["Anna", "Katarzyna", "Piotr", "Tomasz", "Magdalena", "Pawel", "Ewa", "Marek"],
        ["Nowak", "Kowalski", "Wisniewski", "Wojcik", "Kaminski", "Lewandowski"],
    ),
    "ROU": (
        ["Ioana", "Maria", "Andrei", "Mihai", "Elena", "Florin", "Alina", "Cristian"],
        ["Popescu", "Ionescu", "Dumitru", "Stan", "Constantin", "Marin"],
    ),
    "BGR": (
        ["Desislava", "Petya", "Georgi", "Ivan", "Milena", "Dimitar", "Silvia", "Nikolay"],
        ["Petrov", "Ivanova", "Georgiev", "Dimitrova", "Nikolov", "Stoyanov"],
    ),
    "UKR": (
        ["Olena", "Iryna", "Oleksandr", "Andrii", "Natalia", "Serhii", "Oksana", "Dmytro"],
        ["Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk"],
    ),
    "CHN": (
        ["Li", "Mei", "Wei", "Jun", "Xiu", "Hao", "Yan", "Lei"],
        ["Wang", "Zhang", "Liu", "Chen", "Yang", "Zhao"],
    ),
    "NLD": (
        ["Sanne", "Lisa", "Daan", "Bram", "Fleur", "Thijs", "Noor", "Jesse"],
        ["de Vries", "Jansen", "van Dijk", "Bakker", "Visser", "Smit"],
    ),
    "XXA": (
        ["Rahma", "Hawa", "Abdi", "Yusuf", "Asha", "Hassan", "Ifrah", "Mahad"],
        ["Warsame", "Farah", "Abdullahi", "Jama", "Osman", "Nur"],
    ),
}
NATIONALITY_WEIGHTS = {
    "ERI": 14,
    "SYR": 12,
    "NGA": 12,
    "AFG": 8,
    "VNM": 8,
    "MAR": 6,
    "POL": 8,
    "ROU": 9,
    "BGR": 6,
    "UKR": 6,
    "CHN": 4,
    "NLD": 5,
    "XXA": 2,
}
TRANSLITERATIONS = {
    "Mohammed": ["Mohamed", "Muhammad", "Mohammad"],
    "Mohammad": ["Mohammed", "Muhamad"],
    "Ahmad": ["Ahmed", "Achmad"],
    "Yohannes": ["Johannes", "Yohanes"],
    "Tesfamariam": ["Tesfamaryam", "Tesfa Mariam"],
    "Al-Hassan": ["Alhassan", "El Hassan"],
    "Khaled": ["Khalid", "Chaled"],
    "Fatima": ["Fatma", "Fatimah"],
    "Youssef": ["Yusuf", "Youssouf"],
    "Nguyen": ["Nguyễn", "Ngyuen"],
    "Wisniewski": ["Wiśniewski"],
    "Pawel": ["Paweł"],
    "Oleksandr": ["Olexandr", "Aleksandr"],
    "Serhii": ["Sergiy", "Sergei"],
    "Gebremedhin": ["Gebre Medhin", "Ghebremedhin"],
    "Hosseini": ["Husseini", "Hoseini"],
}
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


def person(key: int, today: dt.date) -> Person:
    """The ``key``-th synthetic person; the same key always gives the same person."""
    # Seeded on purpose: synthetic data that loads the same every time.
    rng = random.Random(key * 7919 + 17)  # nosec B311
    nationality = rng.choices(list(NATIONALITY_WEIGHTS), list(NATIONALITY_WEIGHTS.values()))[0]
    given, family = NAMES[nationality]
    female = rng.random() < 0.55
    # Even positions in the given-name lists are women's names.
    given_name = rng.choice(given[0::2] if female else given[1::2])
    age_days = int(rng.triangular(14 * 365, 55 * 365, 24 * 365))
    return Person(
        key=key,
        given_name=given_name,
        family_name=rng.choice(family),
        sex="female" if female else "male",
        nationality=nationality,
        date_of_birth=today - dt.timedelta(days=age_days),
        # Ten digits starting with a non-zero digit, unique per key.
        v_number=str(2_000_000_000 + (key * 104_729) % 7_000_000_000),
        phone=f"+316{(key * 7_654_321) % 100_000_000:08d}",
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


def registered_variant(rng: random.Random, p: Person) -> dict[str, object]:
    """How one organisation happened to register this person."""
    given, family = p.given_name, p.family_name
    roll = rng.random()
    if roll < 0.15 and given in TRANSLITERATIONS:
        given = rng.choice(TRANSLITERATIONS[given])
    elif roll < 0.25 and family in TRANSLITERATIONS:
        family = rng.choice(TRANSLITERATIONS[family])
    elif roll < 0.33:
        family = _typo(rng, family)
    elif roll < 0.38:
        given, family = family, given  # name order swapped at registration
    elif roll < 0.42:
        given = ""
    dob_roll = rng.random()
    if dob_roll < 0.6:
        dob, precision = p.date_of_birth, "exact"
    elif dob_roll < 0.75:
        dob, precision = dt.date(p.date_of_birth.year, 1, 1), "placeholder_jan1"
    elif dob_roll < 0.88:
        dob, precision = dt.date(p.date_of_birth.year, 1, 1), "year"
    else:
        dob, precision = None, "unknown"
    aliases = []
    if rng.random() < 0.08:
        aliases.append(rng.choice(NAMES[p.nationality][0]))
    return {
        "given_name": given,
        "family_name": family,
        "date_of_birth": dob,
        "dob_precision": precision,
        "sex": p.sex if rng.random() < 0.95 else "unknown",
        "nationality": p.nationality if rng.random() < 0.9 else "",
        "v_number": p.v_number if rng.random() < 0.45 else "",
        "phones": (p.phone,) if rng.random() < 0.3 else (),
        "aliases": tuple(aliases),
    }
