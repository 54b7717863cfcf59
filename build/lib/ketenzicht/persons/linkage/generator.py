"""A labelled generator of realistic asylum-chain person records, to measure linkage.

Synthetic people from the origins most seen in the Dutch asylum chain (Eritrea, Syria,
Afghanistan, Somalia, Nigeria/Edo State), in households that share a family name (often a
patronymic), a phone and a nationality, with namesakes from small pools of common names.
Each person is registered by one to four organisations, each of which writes the person
down its own way: another transliteration (Mohammed/Muhammad/Mouhamed, Cabdi/Abdi,
Joesoef/Yusuf), given and family name swapped, patronymics reordered, typos, an unknown
date of birth written as 1 January or with day and month swapped, a mistyped V-number,
the phone in another format, the nationality as a code, a Dutch or an English name.

Deterministic for a seed; every record carries ``person_id``, the truth to score against.
Only synthetic data: the names are common first names and family names, never people.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path

ORGANISATIONS = ("ind", "coa", "avim", "kmar", "nidos", "dji", "dtv", "gemeente")
ORGANISATION_WEIGHTS = (30, 30, 12, 6, 5, 3, 4, 10)


@dataclass(frozen=True)
class Origin:
    nationality: str
    names: tuple[str, ...]  # as written in English-language documents
    female: tuple[str, ...]
    family: tuple[str, ...]  # family names; empty: the father's given name (patronymic)
    phone_prefix: str
    weight: int


ORIGINS = (
    Origin(
        "ERI",
        ("Yonas", "Tesfay", "Haile", "Mebrahtu", "Kidane", "Semere", "Filmon", "Merhawi",
         "Yohannes", "Daniel", "Tekle", "Berhane", "Ghebremedhin", "Awet", "Samuel", "Robel"),
        ("Senait", "Abrehet", "Helen", "Saba", "Luwam", "Selam", "Mebrat", "Yordanos",
         "Feven", "Hiwet", "Tsega", "Rahwa"),
        (),
        "+2917",
        30,
    ),
    Origin(
        "SYR",
        ("Mohammed", "Ahmed", "Ali", "Hassan", "Hussein", "Omar", "Khaled", "Yusuf",
         "Abdullah", "Mahmoud", "Mustafa", "Ibrahim", "Rami", "Bilal", "Jamal", "Tarek"),
        ("Fatima", "Aisha", "Mariam", "Noor", "Zainab", "Rania", "Huda", "Layla", "Amal",
         "Yasmin", "Rasha", "Hiba"),
        ("Al-Hassan", "Al-Ahmad", "Haddad", "Khalil", "Ibrahim", "Othman", "Al-Khatib",
         "Saleh", "Darwish", "Al-Masri", "Hamdan", "Najjar", "Abdullah", "Al-Sayed"),
        "+9639",
        28,
    ),
    Origin(
        "AFG",
        ("Mohammad", "Ahmad", "Gul", "Zahir", "Rahim", "Hamid", "Karim", "Farid", "Jawad",
         "Nasir", "Wahid", "Shafiq", "Habib", "Qasim", "Rahmatullah", "Sayed"),
        ("Zarghona", "Fereshta", "Shukria", "Mariam", "Nazia", "Parwana", "Roya", "Sima",
         "Zahra", "Frozan", "Mursal", "Nilofar"),
        ("Ahmadzai", "Rahimi", "Karimi", "Popal", "Sultani", "Noori", "Hakimi", "Safi",
         "Stanikzai", "Haidari", "Mohammadi", "Wardak", "Amiri", "Jalali"),
        "+937",
        20,
    ),
    Origin(
        "SOM",
        ("Abdi", "Mohamed", "Hassan", "Ali", "Abdullahi", "Ahmed", "Omar", "Yusuf",
         "Ismail", "Abdirahman", "Hussein", "Ibrahim", "Farah", "Aden", "Nur", "Osman"),
        ("Fadumo", "Hodan", "Ayaan", "Amina", "Halima", "Sahra", "Asha", "Hawa", "Ifrah",
         "Khadra", "Ubah", "Sagal"),
        (),
        "+2526",
        12,
    ),
    Origin(
        "NGA",
        ("Osaretin", "Efosa", "Osagie", "Eghosa", "Omoruyi", "Osaro", "Ehis", "Nosa",
         "Uyi", "Aisosa", "Ikponmwosa", "Imade", "Ekhator", "Edosa", "Izevbigie", "Obaseki"),
        ("Ivie", "Esohe", "Osasu", "Itohan", "Efe", "Omosede", "Uyiosa", "Ewaen", "Osato",
         "Adesuwa", "Imuetinyan", "Eki"),
        ("Igbinedion", "Osayande", "Omoregie", "Ehigiator", "Edokpolo", "Aigbe", "Iyamu",
         "Ogbeide", "Okungbowa", "Uwaifo", "Osagiede", "Obasuyi", "Eweka", "Idahosa"),
        "+2348",
        10,
    ),
)  # fmt: skip

# Spellings the same name gets from different registrars.
VARIANTS = {
    "Mohammed": ("Muhammad", "Mohamed", "Mouhamed", "Mohammad", "Mohamad", "Muhammed"),
    "Mohamed": ("Maxamed", "Mohammed", "Mohamud", "Muhamed"),
    "Mohammad": ("Mohammed", "Muhammad", "Mohamad"),
    "Ahmed": ("Ahmad", "Achmed", "Axmed", "Ahmet"),
    "Ahmad": ("Ahmed", "Achmad"),
    "Ali": ("Aly", "Cali"),
    "Hassan": ("Hasan", "Xasan", "Hassen"),
    "Hussein": ("Husein", "Hussain", "Xuseen", "Hossein"),
    "Omar": ("Umar", "Cumar", "Omer"),
    "Khaled": ("Khalid", "Chaled", "Haled"),
    "Yusuf": ("Youssef", "Joesoef", "Yousef", "Yusef", "Yuusuf"),
    "Abdullah": ("Abdallah", "Abdulla"),
    "Abdullahi": ("Cabdullaahi", "Abdulahi"),
    "Abdi": ("Cabdi", "Abdy"),
    "Abdirahman": ("Cabdiraxmaan", "Abdurahman", "Abdulrahman"),
    "Mahmoud": ("Mahmud", "Machmoed"),
    "Mustafa": ("Mustapha", "Moestafa"),
    "Ibrahim": ("Ebrahim", "Ibraahim", "Brahim"),
    "Jamal": ("Djamal", "Gamal"),
    "Tarek": ("Tariq", "Tarik"),
    "Ismail": ("Ismaaciil", "Esmail"),
    "Osman": ("Cusmaan", "Othman", "Usman"),
    "Fatima": ("Fatma", "Faadumo", "Fatimah"),
    "Fadumo": ("Faadumo", "Fatima"),
    "Aisha": ("Aicha", "Caasha", "Ayesha"),
    "Amina": ("Aamina", "Emine"),
    "Zainab": ("Zeinab", "Zaynab"),
    "Mariam": ("Maryam", "Meryem", "Mariyam"),
    "Yasmin": ("Jasmin", "Yasmine"),
    "Yonas": ("Jonas", "Yonnas"),
    "Yohannes": ("Johannes", "Yohanes"),
    "Haile": ("Hayle", "Hailé"),
    "Tesfay": ("Tesfaye", "Tesfai"),
    "Mebrahtu": ("Mebrahtom", "Mebrathu"),
    "Ghebremedhin": ("Gebremedhin", "Ghebremedin"),
    "Berhane": ("Berhan", "Birhane"),
    "Tekle": ("Tekleh", "Teklay"),
    "Senait": ("Senaid", "Sennait"),
    "Abrehet": ("Abrehed", "Abraheth"),
    "Zahir": ("Zaheer", "Zaher"),
    "Rahim": ("Raheem", "Rachim"),
    "Hamid": ("Hameed", "Hamed"),
    "Karim": ("Kareem", "Karem"),
    "Farid": ("Fareed", "Fared"),
    "Qasim": ("Kasim", "Qassem"),
    "Sayed": ("Said", "Sayyid"),
    "Zarghona": ("Zarghuna", "Zarghoona"),
    "Fereshta": ("Freshta", "Fereshteh"),
    "Osaretin": ("Osarentin", "Osaretinmwen"),
    "Efosa": ("Efosah", "Efossa"),
    "Eghosa": ("Eghosah", "Egosa"),
    "Osagie": ("Osagiè", "Osaghie"),
    "Esohe": ("Esoh", "Essohe"),
    "Al-Hassan": ("Alhassan", "El Hassan", "Al Hasan", "Hassan"),
    "Al-Ahmad": ("Alahmad", "El Ahmad", "Al Ahmed"),
    "Al-Khatib": ("Alkhatib", "El Khatib", "Al Chatib"),
    "Al-Masri": ("Almasri", "El Masri", "Al Masry"),
    "Al-Sayed": ("Alsayed", "El Sayed", "Al Said"),
    "Othman": ("Osman", "Uthman"),
    "Haddad": ("Hadad", "Al Haddad"),
    "Saleh": ("Salih", "Salah"),
    "Ahmadzai": ("Ahmadzay", "Ahmadsai"),
    "Mohammadi": ("Muhammadi", "Mohamadi"),
    "Igbinedion": ("Igbinedon", "Igbinediun"),
    "Omoregie": ("Omorogie", "Omoreghie"),
}

# Dutch-style transliteration of the registrars who write what they hear.
DUTCH_SOUNDS = (("ou", "oe"), ("u", "oe"), ("y", "j"), ("sh", "sj"), ("j", "dj"), ("ee", "ie"))

NATIONALITY_WRITTEN = {
    "ERI": ("ERI", "ER", "Eritrea", "Eritrese", "eritreeër"),
    "SYR": ("SYR", "SY", "Syrië", "Syria", "Syrische"),
    "AFG": ("AFG", "AF", "Afghanistan", "Afghaanse"),
    "SOM": ("SOM", "SO", "Somalië", "Somalia", "Somalische"),
    "NGA": ("NGA", "NG", "Nigeria", "Nigeriaanse"),
}


@dataclass(frozen=True)
class Person:
    person_id: int
    origin: Origin
    given_name: str
    family_name: str  # for patronymic origins: the father's given name
    grandfather: str
    sex: str
    date_of_birth: dt.date
    v_number: str
    phone: str
    household: int


@dataclass(frozen=True)
class Record:
    record_id: str
    source_org: str
    given_name: str
    family_name: str
    date_of_birth: str
    sex: str
    nationality: str
    v_number: str
    phone: str
    person_id: int

    @classmethod
    def columns(cls) -> list[str]:
        return [f.name for f in fields(cls)]


def _people(rng: random.Random, count: int, today: dt.date) -> Iterator[Person]:
    """Households of one to five people that share a family name, a phone and an origin."""
    origins = list(ORIGINS)
    weights = [o.weight for o in origins]
    person_id = 0
    household = 0
    while person_id < count:
        origin = rng.choices(origins, weights)[0]
        father = rng.choice(origin.names)
        grandfather = rng.choice(origin.names)
        family = rng.choice(origin.family) if origin.family else father
        phone = origin.phone_prefix + "".join(rng.choice("0123456789") for _ in range(7))
        parent_year = today.year - rng.randint(25, 55)
        size = rng.choices((1, 2, 3, 4, 5), (45, 20, 15, 12, 8))[0]
        for member in range(min(size, count - person_id)):
            sex = rng.choice("MF")
            given = rng.choice(origin.names if sex == "M" else origin.female)
            year = parent_year + (0 if member < 2 else rng.randint(18, 30))
            born = dt.date(min(year, today.year - 1), rng.randint(1, 12), rng.randint(1, 28))
            yield Person(
                person_id=person_id,
                origin=origin,
                given_name=given,
                family_name=family,
                grandfather=grandfather,
                sex=sex,
                date_of_birth=born,
                v_number=str(rng.randint(1_000_000_000, 9_999_999_999)),
                phone=phone if member == 0 or rng.random() < 0.7 else "",
                household=household,
            )
            person_id += 1
        household += 1


def _spelling(rng: random.Random, name: str) -> str:
    roll = rng.random()
    if roll < 0.35 and name in VARIANTS:
        return rng.choice(VARIANTS[name])
    if roll < 0.45:
        for english, dutch in DUTCH_SOUNDS:
            if english in name.lower():
                lowered = name.lower().replace(english, dutch, 1)
                return lowered[0].upper() + lowered[1:]
    if roll < 0.50 and len(name) > 4:
        i = rng.randrange(2, len(name) - 1)  # registrars rarely get the first letter wrong
        edit = rng.choice(("drop", "swap", "double"))
        if edit == "drop":
            return name[:i] + name[i + 1 :]
        if edit == "swap":
            return name[: i - 1] + name[i] + name[i - 1] + name[i + 1 :]
        return name[:i] + name[i] + name[i:]
    return name


def _v_number(rng: random.Random, person: Person, organisation: str) -> str:
    holds = {"ind": 0.97, "coa": 0.93, "dtv": 0.95, "nidos": 0.8, "dji": 0.7, "kmar": 0.5}
    if rng.random() > holds.get(organisation, 0.25):
        return ""
    digits = person.v_number
    if rng.random() < 0.03:  # one digit mistyped or two swapped
        i = rng.randrange(len(digits) - 1)
        digits = (
            digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
            if rng.random() < 0.5
            else digits[:i] + str((int(digits[i]) + 1) % 10) + digits[i + 1 :]
        )
    if rng.random() < 0.2:
        digits = f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"
    return digits


def _phone(rng: random.Random, person: Person) -> str:
    if not person.phone or rng.random() < 0.4:
        return ""
    number = person.phone
    style = rng.random()
    if style < 0.3:
        return "00" + number[1:]
    if style < 0.5:
        return f"{number[:4]} {number[4:7]} {number[7:]}"
    return number


def _date_of_birth(rng: random.Random, person: Person, placeholder: bool) -> str:
    born = person.date_of_birth
    if placeholder:
        return dt.date(born.year, 1, 1).isoformat()
    roll = rng.random()
    if roll < 0.05 and born.day <= 12 and born.day != born.month:
        return dt.date(born.year, born.day, born.month).isoformat()  # day and month swapped
    if roll < 0.08:
        return ""
    if roll < 0.10:
        return dt.date(born.year + rng.choice((-1, 1)), born.month, born.day).isoformat()
    return born.isoformat()


def _record(rng: random.Random, person: Person, organisation: str, number: int) -> Record:
    given = _spelling(rng, person.given_name)
    family = _spelling(rng, person.family_name)
    if not person.origin.family and rng.random() < 0.3:
        # Patronymic naming: some write father and grandfather as the family name.
        family = f"{family} {_spelling(rng, person.grandfather)}"
    if rng.random() < 0.10:
        given, family = family, given
    # Documents from the country of origin often carry 1 January for an unknown date.
    placeholder = rng.random() < (0.35 if person.origin.nationality in ("AFG", "SOM") else 0.1)
    written = NATIONALITY_WRITTEN[person.origin.nationality]
    nationality = "" if rng.random() < 0.1 else rng.choice(written)
    return Record(
        record_id=f"r{number:07d}",
        source_org=organisation,
        given_name=given,
        family_name=family,
        date_of_birth=_date_of_birth(rng, person, placeholder),
        sex="" if rng.random() < 0.1 else person.sex,
        nationality=nationality,
        v_number=_v_number(rng, person, organisation),
        phone=_phone(rng, person),
        person_id=person.person_id,
    )


def generate(people: int, *, seed: int = 1, today: dt.date | None = None) -> list[Record]:
    """Records of ``people`` synthetic people, one to four organisations each."""
    # Seeded on purpose: synthetic data that loads the same every time.
    rng = random.Random(seed)  # nosec B311
    today = today or dt.date(2026, 11, 1)
    records: list[Record] = []
    for person in _people(rng, people, today):
        count = rng.choices((1, 2, 3, 4), (35, 35, 20, 10))[0]
        organisations: set[str] = set()
        while len(organisations) < count:
            organisations.add(rng.choices(ORGANISATIONS, ORGANISATION_WEIGHTS)[0])
        for organisation in sorted(organisations):
            records.append(_record(rng, person, organisation, len(records)))
    rng.shuffle(records)
    return records


def write_csv(records: list[Record], path: Path, *, with_truth: bool = True) -> None:
    columns = Record.columns() if with_truth else Record.columns()[:-1]
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        for record in records:
            writer.writerow(asdict(record))
