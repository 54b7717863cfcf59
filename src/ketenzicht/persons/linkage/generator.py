"""A labelled generator of person records as the Dutch asylum chain registers them, to
measure linkage.

It is built from how real registrations differ, not from what the model compares, so that
a model tuned on it is not simply tuned on its own assumptions (an independent labelled set
scored 0.12 F1 lower than the first version of this generator). What it reproduces:

- **Naming systems.** Tigrinya (Eritrea, Ethiopia) and Somali people have no family name:
  a person is *given + father + grandfather*. One organisation writes the father's name as
  surname, another the grandfather's, a third both, and some put "given father" in the
  given-name field and the grandfather in the surname. Afghans (Pashto, Dari) often have
  no family name either: the surname field holds the father's name, ``NN`` or the given
  name again. Arabic family names come with article variants (Al-Hassan, Alhassan,
  El Hassan, Hassan) and are sometimes replaced by the father's name. Edo (Nigeria) and
  most others have a given and a family name.
- **Spelling.** Transliteration variants, Dutch spellings (oe, dj, ch), all capitals, a
  typo, given and family name swapped.
- **Dates of birth.** An unknown date is 1 January of an estimated year, and organisations
  estimate one or two years apart; day and month swapped, a digit wrong, or missing (often
  at CoMensha and NGOs).
- **V-numbers.** Missing at CoMensha and NGOs and often elsewhere outside the asylum
  procedure, a digit mistyped, transposed or dropped, printed with dots, rarely a
  relative's number.
- **Phones.** ``+31 6``, ``0031``, ``06-``, foreign numbers, changed over time, shared by a
  household.
- **Nationality.** ISO-3 or ISO-2 codes, Dutch or English names and adjectives, a
  neighbouring country by mistake (ERI/ETH, SOM/ETH, AFG/IRN), stateless or unknown.
- **Households are the hard negatives.** Siblings share the father's name, a phone, the
  nationality and 1 January birth dates.

Every rate is a field of ``Rates``; ``Rates.scaled`` multiplies them, so a result can be
shown to hold when the world is messier or cleaner than assumed. Deterministic for a seed;
every record carries ``person_id`` and ``naming`` (the truth). Only synthetic data: the
names are common given names, never people.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field, fields, replace

# The chain's registering organisations and how many of the records each holds.
ORGANISATIONS = ("ind", "coa", "avim", "kmar", "nidos", "gemeente", "comensha")
ORGANISATION_WEIGHTS = (26, 28, 12, 6, 6, 12, 10)

# How an organisation writes a name without a family name (Tigrinya, Somali): weights of
# the conventions "father" (surname = father), "grandfather", "both" (surname = father and
# grandfather) and "given_father" (given field = given and father, surname = grandfather).
PATRONYMIC_CONVENTIONS = ("father", "grandfather", "both", "given_father")
ORGANISATION_CONVENTIONS = {
    "ind": (70, 5, 20, 5),
    "coa": (60, 5, 25, 10),
    "avim": (35, 15, 20, 30),
    "kmar": (40, 20, 20, 20),
    "nidos": (50, 10, 30, 10),
    "gemeente": (25, 25, 40, 10),
    "comensha": (40, 30, 15, 15),
}
# The share of records that carry a V-number, per organisation (before ``Rates``).
V_NUMBER_HELD = {
    "ind": 0.98,
    "coa": 0.95,
    "avim": 0.55,
    "kmar": 0.45,
    "nidos": 0.85,
    "gemeente": 0.7,
    "comensha": 0.1,
}
# The share of records without a date of birth, per organisation (before ``Rates``).
DOB_MISSING = {
    "ind": 0.0,
    "coa": 0.01,
    "avim": 0.06,
    "kmar": 0.03,
    "nidos": 0.02,
    "gemeente": 0.02,
    "comensha": 0.3,
}
# The share of an organisation's records copied from the chain's shared registration (the
# Basisvoorziening Vreemdelingen: IND registers, COA, Nidos and municipalities take over
# name, date of birth and V-number); the rest are registered anew from documents or from
# what the person says, which is where the variation comes from.
COPIES_REGISTRATION = {
    "ind": 1.0,
    "coa": 0.75,
    "avim": 0.25,
    "kmar": 0.05,
    "nidos": 0.65,
    "gemeente": 0.5,
    "comensha": 0.0,
}
# Organisations that often write names in capitals (from travel documents and police systems).
CAPITALS = {"kmar": 0.5, "avim": 0.3, "ind": 0.1}


@dataclass(frozen=True)
class Rates:
    """How often each kind of variation occurs. ``scaled`` varies them together."""

    spelling_variant: float = 0.30  # another transliteration of a name word
    dutch_spelling: float = 0.10  # oe for u, dj for j, ch for kh ...
    typo: float = 0.05  # a letter dropped, doubled or two swapped
    swap_given_family: float = 0.06
    afghan_without_family: float = 0.65  # share of Afghans who have no family name
    arabic_family_replaced: float = 0.12  # the father's name written as the family name
    dob_unknown: float = 0.30  # share of people whose date of birth is estimated (1 Jan)
    dob_estimate_differs: float = 0.35  # another organisation's estimate is 1-2 years off
    dob_swap: float = 0.04
    dob_digit: float = 0.03
    dob_missing: float = 1.0  # multiplies ``DOB_MISSING``
    v_missing: float = 1.0  # multiplies the share of records without a V-number
    v_typo: float = 0.03
    v_dots: float = 0.25
    v_relative: float = 0.01
    phone_recorded: float = 0.5
    phone_changed: float = 0.35  # the person had another number at that time
    nationality_missing: float = 0.08
    nationality_neighbour: float = 0.04
    nationality_unknown: float = 0.03
    sex_missing: float = 0.05
    copied: float = 1.0  # multiplies ``COPIES_REGISTRATION``

    def scaled(self, factor: float) -> Rates:
        """Every error rate times ``factor`` (shares of people, not of errors, unchanged)."""
        keep = {"afghan_without_family", "dob_unknown", "phone_recorded", "copied"}
        changed = {}
        for f in fields(self):
            if f.name in keep:
                continue
            value = getattr(self, f.name)
            changed[f.name] = (
                value * factor
                if f.name in ("dob_missing", "v_missing")
                else min(0.95, value * factor)
            )
        return replace(self, **changed)


@dataclass(frozen=True)
class Origin:
    nationality: str
    naming: str  # tigrinya, somali, afghan, arabic, given_family
    male: tuple[str, ...]
    female: tuple[str, ...]
    family: tuple[str, ...]  # family names, when the naming system has them
    phone_prefix: str
    weight: int
    neighbours: tuple[str, ...] = ()


# Given names are drawn with weights falling as 1/rank, as real name frequencies do: a few
# names (Mohammed, Yonas, Abdi) are very common, which is what makes namesakes.
ORIGINS = (
    Origin(
        "ERI", "tigrinya",
        ("Yonas", "Tesfay", "Haile", "Mebrahtu", "Kidane", "Semere", "Filmon", "Merhawi",
         "Yohannes", "Daniel", "Tekle", "Berhane", "Ghebremedhin", "Awet", "Samuel", "Robel",
         "Habtom", "Amanuel", "Dawit", "Michael", "Efrem", "Ermias", "Goitom", "Henok",
         "Kibrom", "Mussie", "Natnael", "Okbay", "Selamawit", "Teklay", "Weldu", "Zerai"),
        ("Senait", "Abrehet", "Helen", "Saba", "Luwam", "Selam", "Mebrat", "Yordanos",
         "Feven", "Hiwet", "Tsega", "Rahwa", "Almaz", "Freweini", "Hanna", "Lidya",
         "Meron", "Nebiat", "Ruta", "Winta"),
        (), "+2917", 24, ("ETH", "SDN"),
    ),
    Origin(
        "ETH", "tigrinya",
        ("Abebe", "Tesfaye", "Haile", "Girma", "Kebede", "Alemu", "Bekele", "Tadesse",
         "Getachew", "Mulugeta", "Yohannes", "Dawit", "Solomon", "Berhanu", "Fikru", "Henok"),
        ("Tigist", "Meseret", "Hirut", "Almaz", "Bethlehem", "Selam", "Mekdes", "Hanna",
         "Aster", "Genet", "Liya", "Tsion"),
        (), "+2519", 5, ("ERI", "SOM"),
    ),
    Origin(
        "SOM", "somali",
        ("Abdi", "Mohamed", "Hassan", "Ali", "Abdullahi", "Ahmed", "Omar", "Yusuf",
         "Ismail", "Abdirahman", "Hussein", "Ibrahim", "Farah", "Aden", "Nur", "Osman",
         "Abdikarim", "Abdiaziz", "Said", "Jama", "Warsame", "Dahir", "Mahad", "Guled"),
        ("Fadumo", "Hodan", "Ayaan", "Amina", "Halima", "Sahra", "Asha", "Hawa", "Ifrah",
         "Khadra", "Ubah", "Sagal", "Deeqa", "Filsan", "Hibo", "Nasra"),
        (), "+2526", 10, ("ETH", "KEN"),
    ),
    Origin(
        "AFG", "afghan",
        ("Mohammad", "Ahmad", "Gul", "Zahir", "Rahim", "Hamid", "Karim", "Farid", "Jawad",
         "Nasir", "Wahid", "Shafiq", "Habib", "Qasim", "Rahmatullah", "Sayed", "Ali",
         "Hussain", "Mustafa", "Naveed", "Omid", "Reza", "Samiullah", "Zabihullah"),
        ("Zarghona", "Fereshta", "Shukria", "Mariam", "Nazia", "Parwana", "Roya", "Sima",
         "Zahra", "Frozan", "Mursal", "Nilofar", "Fatima", "Masooma", "Shabnam", "Sadia"),
        ("Ahmadzai", "Rahimi", "Karimi", "Popal", "Sultani", "Noori", "Hakimi", "Safi",
         "Stanikzai", "Haidari", "Mohammadi", "Wardak", "Amiri", "Jalali", "Hosseini",
         "Azizi", "Rezaei", "Sadat"),
        "+937", 16, ("IRN", "PAK"),
    ),
    Origin(
        "SYR", "arabic",
        ("Mohammed", "Ahmed", "Ali", "Hassan", "Hussein", "Omar", "Khaled", "Yusuf",
         "Abdullah", "Mahmoud", "Mustafa", "Ibrahim", "Rami", "Bilal", "Jamal", "Tarek",
         "Ammar", "Anas", "Fadi", "Firas", "Hamza", "Karam", "Majd", "Nour", "Samer", "Wael"),
        ("Fatima", "Aisha", "Mariam", "Noor", "Zainab", "Rania", "Huda", "Layla", "Amal",
         "Yasmin", "Rasha", "Hiba", "Dima", "Lama", "Reem", "Salma", "Sara", "Walaa"),
        ("Al-Hassan", "Al-Ahmad", "Haddad", "Khalil", "Ibrahim", "Othman", "Al-Khatib",
         "Saleh", "Darwish", "Al-Masri", "Hamdan", "Najjar", "Abdullah", "Al-Sayed",
         "Al-Ali", "Al-Hussein", "Al-Omar", "Suleiman", "Al-Halabi", "Kassem", "Mansour",
         "Al-Rifai", "Al-Shami", "Hamoud"),
        "+9639", 20, ("IRQ", "LBN", "JOR"),
    ),
    Origin(
        "IRQ", "arabic",
        ("Mohammed", "Ali", "Hussein", "Ahmed", "Abbas", "Hassan", "Mustafa", "Haider",
         "Karrar", "Ammar", "Omar", "Yasir", "Mahdi", "Sajjad", "Zaid", "Qasim"),
        ("Fatima", "Zainab", "Maryam", "Noor", "Zahraa", "Hawraa", "Ruqaya", "Sara",
         "Dunya", "Shahad", "Israa", "Huda"),
        ("Al-Jabouri", "Al-Obeidi", "Al-Dulaimi", "Al-Tamimi", "Al-Shammari", "Al-Zubaidi",
         "Al-Rubaie", "Al-Saadi", "Al-Maliki", "Al-Khafaji", "Kadhim", "Jassim"),
        "+9647", 5, ("SYR", "IRN"),
    ),
    Origin(
        "NGA", "given_family",
        ("Osaretin", "Efosa", "Osagie", "Eghosa", "Omoruyi", "Osaro", "Ehis", "Nosa",
         "Uyi", "Aisosa", "Ikponmwosa", "Imade", "Ekhator", "Edosa", "Izevbigie", "Obaseki",
         "Godwin", "Friday", "Sunday", "Emmanuel"),
        ("Ivie", "Esohe", "Osasu", "Itohan", "Efe", "Omosede", "Uyiosa", "Ewaen", "Osato",
         "Adesuwa", "Imuetinyan", "Eki", "Blessing", "Joy", "Precious", "Faith"),
        ("Igbinedion", "Osayande", "Omoregie", "Ehigiator", "Edokpolo", "Aigbe", "Iyamu",
         "Ogbeide", "Okungbowa", "Uwaifo", "Osagiede", "Obasuyi", "Eweka", "Idahosa",
         "Osagie", "Omoruyi", "Erhabor", "Ogiemwonyi", "Asemota", "Imafidon"),
        "+2348", 10, ("GHA", "CMR"),
    ),
    Origin(
        "MAR", "given_family",
        ("Mohamed", "Youssef", "Ahmed", "Hamza", "Mehdi", "Omar", "Karim", "Rachid",
         "Said", "Nabil", "Anouar", "Bilal", "Ilias", "Ayoub", "Soufiane", "Hicham"),
        ("Fatima", "Khadija", "Meryem", "Salma", "Imane", "Nadia", "Samira", "Hanane",
         "Loubna", "Siham", "Houda", "Asmae"),
        ("El Amrani", "Benali", "El Idrissi", "Bouazza", "Ait Ali", "El Khattabi",
         "Ouali", "Benjelloun", "Tahiri", "Ziani", "El Mansouri", "Cherkaoui",
         "Bakkali", "Azzouzi", "El Ouardi", "Haddou"),
        "+2126", 6, ("DZA", "TUN"),
    ),
    Origin(
        "UKR", "given_family",
        ("Oleksandr", "Andrii", "Serhii", "Dmytro", "Volodymyr", "Mykola", "Ivan",
         "Yurii", "Vasyl", "Oleh", "Bohdan", "Maksym"),
        ("Olena", "Natalia", "Tetiana", "Iryna", "Svitlana", "Oksana", "Yulia", "Kateryna",
         "Anastasiia", "Mariia", "Viktoriia", "Halyna"),
        ("Kovalenko", "Bondarenko", "Tkachenko", "Shevchenko", "Kravchenko", "Boiko",
         "Melnyk", "Koval", "Oliinyk", "Shevchuk", "Polishchuk", "Lysenko", "Marchenko",
         "Moroz", "Savchenko", "Rudenko"),
        "+38067", 4, ("RUS", "MDA"),
    ),
)  # fmt: skip

NAMING_SYSTEMS = ("tigrinya", "somali", "afghan", "arabic", "given_family")

# Spellings the same name gets from different registrars (transliteration conventions).
VARIANTS = {
    "Mohammed": ("Muhammad", "Mohamed", "Mouhamed", "Mohammad", "Mohamad", "Muhammed"),
    "Mohamed": ("Maxamed", "Mohammed", "Mohamud", "Muhamed", "Mohamad"),
    "Mohammad": ("Mohammed", "Muhammad", "Mohamad", "Mahmad"),
    "Ahmed": ("Ahmad", "Achmed", "Axmed", "Ahmet"),
    "Ahmad": ("Ahmed", "Achmad", "Ahmat"),
    "Ali": ("Aly", "Cali", "Alie"),
    "Hassan": ("Hasan", "Xasan", "Hassen"),
    "Hussein": ("Husein", "Hussain", "Xuseen", "Hossein", "Husain"),
    "Hussain": ("Hussein", "Husain", "Hossain"),
    "Omar": ("Umar", "Cumar", "Omer"),
    "Khaled": ("Khalid", "Chaled", "Haled"),
    "Yusuf": ("Youssef", "Joesoef", "Yousef", "Yusef", "Yuusuf"),
    "Youssef": ("Yusuf", "Youssouf", "Yousef"),
    "Abdullah": ("Abdallah", "Abdulla"),
    "Abdullahi": ("Cabdullaahi", "Abdulahi"),
    "Abdi": ("Cabdi", "Abdy"),
    "Abdirahman": ("Cabdiraxmaan", "Abdurahman", "Abdulrahman"),
    "Abdikarim": ("Cabdikariim", "Abdulkarim"),
    "Abdiaziz": ("Cabdicasiis", "Abdulaziz"),
    "Mahmoud": ("Mahmud", "Machmoed"),
    "Mustafa": ("Mustapha", "Moestafa", "Mostafa"),
    "Ibrahim": ("Ebrahim", "Ibraahim", "Brahim"),
    "Jamal": ("Djamal", "Gamal"),
    "Tarek": ("Tariq", "Tarik"),
    "Ismail": ("Ismaaciil", "Esmail"),
    "Osman": ("Cusmaan", "Othman", "Usman"),
    "Said": ("Saeed", "Sayed", "Saciid"),
    "Jama": ("Jaamac", "Djama"),
    "Dahir": ("Daahir", "Daher"),
    "Fatima": ("Fatma", "Faadumo", "Fatimah"),
    "Fadumo": ("Faadumo", "Fatima"),
    "Aisha": ("Aicha", "Caasha", "Ayesha"),
    "Amina": ("Aamina", "Emine"),
    "Zainab": ("Zeinab", "Zaynab"),
    "Mariam": ("Maryam", "Meryem", "Mariyam"),
    "Maryam": ("Mariam", "Meryem"),
    "Yasmin": ("Jasmin", "Yasmine"),
    "Yonas": ("Jonas", "Yonnas", "Yunus"),
    "Yohannes": ("Johannes", "Yohanes"),
    "Haile": ("Hayle", "Hailé"),
    "Tesfay": ("Tesfaye", "Tesfai"),
    "Tesfaye": ("Tesfay", "Tesfai"),
    "Mebrahtu": ("Mebrahtom", "Mebrathu"),
    "Ghebremedhin": ("Gebremedhin", "Ghebremedin"),
    "Berhane": ("Berhan", "Birhane"),
    "Tekle": ("Tekleh", "Teklay"),
    "Habtom": ("Habtu", "Habtoum"),
    "Goitom": ("Goytom", "Goitum"),
    "Kibrom": ("Kbrom", "Kibrum"),
    "Mussie": ("Musie", "Mussi"),
    "Senait": ("Senaid", "Sennait"),
    "Abrehet": ("Abrehed", "Abraheth"),
    "Zahir": ("Zaheer", "Zaher"),
    "Rahim": ("Raheem", "Rachim"),
    "Hamid": ("Hameed", "Hamed"),
    "Karim": ("Kareem", "Karem"),
    "Farid": ("Fareed", "Fared"),
    "Qasim": ("Kasim", "Qassem", "Gasim"),
    "Sayed": ("Said", "Sayyid", "Sayeed"),
    "Zarghona": ("Zarghuna", "Zarghoona"),
    "Fereshta": ("Freshta", "Fereshteh"),
    "Shafiq": ("Shafik", "Chafiq"),
    "Wahid": ("Waheed", "Vahid"),
    "Osaretin": ("Osarentin", "Osaretinmwen"),
    "Efosa": ("Efosah", "Efossa"),
    "Eghosa": ("Eghosah", "Egosa"),
    "Osagie": ("Osagiè", "Osaghie"),
    "Esohe": ("Esoh", "Essohe"),
    "Oleksandr": ("Aleksandr", "Olexandr", "Oleksander"),
    "Andrii": ("Andriy", "Andrey"),
    "Serhii": ("Serhiy", "Sergey", "Sergii"),
    "Dmytro": ("Dmitro", "Dmitry"),
    "Yurii": ("Yuriy", "Jurij"),
    "Mykola": ("Nikolai", "Mikola"),
    "Al-Hassan": ("Alhassan", "El Hassan", "Al Hasan", "Hassan"),
    "Al-Ahmad": ("Alahmad", "El Ahmad", "Al Ahmed", "Ahmad"),
    "Al-Khatib": ("Alkhatib", "El Khatib", "Al Chatib", "Khatib"),
    "Al-Masri": ("Almasri", "El Masri", "Al Masry", "Masri"),
    "Al-Sayed": ("Alsayed", "El Sayed", "Al Said", "Sayed"),
    "Al-Ali": ("Alali", "El Ali", "Ali"),
    "Al-Hussein": ("Alhussein", "El Hussein", "Al Husein", "Hussein"),
    "Al-Omar": ("Alomar", "El Omar", "Omar"),
    "Al-Halabi": ("Alhalabi", "El Halabi", "Halabi"),
    "Al-Rifai": ("Alrifai", "El Rifai", "Rifai", "Al Refai"),
    "Al-Shami": ("Alshami", "El Shami", "Shami"),
    "Al-Jabouri": ("Aljabouri", "Al Jaburi", "Jabouri"),
    "Al-Obeidi": ("Alobeidi", "Al Obaidi", "Obeidi"),
    "Al-Dulaimi": ("Aldulaimi", "Al Dulaymi", "Dulaimi"),
    "Al-Tamimi": ("Altamimi", "Al Tamimi", "Tamimi"),
    "Al-Shammari": ("Alshammari", "Al Shamari", "Shammari"),
    "Al-Zubaidi": ("Alzubaidi", "Al Zubaydi", "Zubaidi"),
    "Al-Rubaie": ("Alrubaie", "Al Rubaye", "Rubaie"),
    "Al-Saadi": ("Alsaadi", "Al Sadi", "Saadi"),
    "Al-Maliki": ("Almaliki", "Al Malki", "Maliki"),
    "Al-Khafaji": ("Alkhafaji", "Al Khafagi", "Khafaji"),
    "Othman": ("Osman", "Uthman"),
    "Haddad": ("Hadad", "Al Haddad"),
    "Saleh": ("Salih", "Salah"),
    "Suleiman": ("Sulaiman", "Soliman", "Sleiman"),
    "Kassem": ("Qassem", "Kasem"),
    "Jassim": ("Jasim", "Qassim"),
    "Kadhim": ("Kazim", "Kadim"),
    "Ahmadzai": ("Ahmadzay", "Ahmadsai"),
    "Mohammadi": ("Muhammadi", "Mohamadi"),
    "Hosseini": ("Husseini", "Hoseini"),
    "Rezaei": ("Rezai", "Rezayi"),
    "Igbinedion": ("Igbinedon", "Igbinediun"),
    "Omoregie": ("Omorogie", "Omoreghie"),
    "El Amrani": ("Amrani", "Elamrani", "El-Amrani"),
    "El Idrissi": ("Idrissi", "Elidrissi", "El Idrisi"),
    "El Khattabi": ("Khattabi", "El-Khattabi"),
    "El Mansouri": ("Mansouri", "Elmansouri"),
    "El Ouardi": ("Ouardi", "El Wardi"),
    "Shevchenko": ("Sjevtsjenko", "Schewtschenko"),
    "Kravchenko": ("Kravtsjenko",),
}

# Dutch-style spelling of the registrars who write what they hear.
DUTCH_SOUNDS = (("ou", "oe"), ("u", "oe"), ("j", "dj"), ("y", "j"), ("sh", "sj"), ("kh", "ch"))

# How nationalities are written: codes, Dutch and English names and adjectives.
NATIONALITY_WRITTEN = {
    "ERI": ("ERI", "ER", "Eritrea", "Eritrese", "eritreeër", "Eritrean"),
    "ETH": ("ETH", "ET", "Ethiopië", "Ethiopia", "Ethiopische"),
    "SOM": ("SOM", "SO", "Somalië", "Somalia", "Somalische", "Somali"),
    "AFG": ("AFG", "AF", "Afghanistan", "Afghaanse", "Afghan"),
    "SYR": ("SYR", "SY", "Syrië", "Syria", "Syrische", "Syrian"),
    "IRQ": ("IRQ", "IQ", "Irak", "Iraq", "Iraakse"),
    "NGA": ("NGA", "NG", "Nigeria", "Nigeriaanse", "Nigerian"),
    "MAR": ("MAR", "MA", "Marokko", "Morocco", "Marokkaanse"),
    "UKR": ("UKR", "UA", "Oekraïne", "Ukraine", "Oekraïense"),
}
UNKNOWN_NATIONALITY = ("XXA", "Staatloos", "Onbekend", "XXX", "stateless")


@dataclass(frozen=True)
class Person:
    person_id: int
    origin: Origin
    given_name: str
    father: str
    grandfather: str
    family_name: str  # empty when the naming system has none
    sex: str
    date_of_birth: dt.date
    dob_estimated: bool  # the person does not know the date; registrars write 1 January
    registered_year: int  # the year IND estimated, when the date is estimated
    registered_names: tuple[str, str]  # given and surname fields as IND registered them
    v_number: str  # empty: never in the asylum procedure
    phones: tuple[str, ...]  # the numbers the person had over time, household's first
    household: int
    relative_v_number: str = ""  # a household member's V-number, to mistake for theirs


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
    naming: str = field(default="")

    @classmethod
    def columns(cls) -> list[str]:
        return [f.name for f in fields(cls)]

    @classmethod
    def input_columns(cls) -> list[str]:
        """The ``ketenzicht link`` input columns, without the truth."""
        return cls.columns()[:-2]


def _zipf(rng: random.Random, names: tuple[str, ...]) -> str:
    return rng.choices(names, [1 / (rank + 1) for rank in range(len(names))])[0]


def _v_number(rng: random.Random) -> str:
    return str(rng.randint(1_000_000_000, 9_999_999_999))


def _phone(rng: random.Random, origin: Origin) -> str:
    # Most people in the chain have a Dutch prepaid number; some keep a foreign one.
    if rng.random() < 0.8:
        return "+316" + "".join(rng.choice("0123456789") for _ in range(8))
    return origin.phone_prefix + "".join(rng.choice("0123456789") for _ in range(7))


def _people(rng: random.Random, count: int, today: dt.date, rates: Rates) -> Iterator[Person]:
    """Households of one to six people: a parent or two, and children or siblings who share
    the father's name (and so the patronymic), a phone, the nationality and, when the dates
    are estimated, 1 January birth dates close together."""
    origins = list(ORIGINS)
    weights = [o.weight for o in origins]
    person_id = 0
    household = 0
    while person_id < count:
        origin = rng.choices(origins, weights)[0]
        father = _zipf(rng, origin.male)
        grandfather = _zipf(rng, origin.male)
        without_family = origin.naming in ("tigrinya", "somali") or (
            origin.naming == "afghan" and rng.random() < rates.afghan_without_family
        )
        family = "" if without_family else rng.choice(origin.family)
        shared_phone = _phone(rng, origin)
        estimated = rng.random() < rates.dob_unknown
        first_year = today.year - rng.randint(14, 45)
        size = rng.choices((1, 2, 3, 4, 5, 6), (40, 20, 15, 12, 8, 5))[0]
        base_v = int(_v_number(rng)) // 10 * 10
        members: list[Person] = []
        for member in range(min(size, count - person_id)):
            sex = rng.choice("MF")
            given = _zipf(rng, origin.male if sex == "M" else origin.female)
            # Siblings: the same father (and so patronymic), born a few years apart.
            year = first_year + member * rng.randint(1, 3)
            born = dt.date(min(year, today.year - 1), rng.randint(1, 12), rng.randint(1, 28))
            phones = [shared_phone] if member == 0 or rng.random() < 0.6 else []
            phones += [_phone(rng, origin) for _ in range(rng.choice((0, 1, 1, 2)))]
            in_procedure = rng.random() < 0.9
            # A household applies together and gets consecutive V-numbers: one digit
            # apart, like a mistyped number, which makes siblings hard negatives.
            v_number = str(base_v + member) if in_procedure else ""
            members.append(
                Person(
                    person_id=person_id,
                    origin=origin,
                    given_name=given,
                    father=father,
                    grandfather=grandfather,
                    family_name=family,
                    sex=sex,
                    date_of_birth=born,
                    dob_estimated=estimated,
                    registered_year=born.year,
                    registered_names=("", ""),
                    v_number=v_number,
                    phones=tuple(phones),
                    household=household,
                )
            )
            person_id += 1
        for i, person in enumerate(members):
            relatives = [m.v_number for j, m in enumerate(members) if j != i and m.v_number]
            person = replace(person, relative_v_number=relatives[0] if relatives else "")
            # IND's registration, which the chain copies: its way of writing the name and,
            # for an unknown date, its estimate of the year.
            year = person.date_of_birth.year
            if estimated and rng.random() < rates.dob_estimate_differs:
                year += rng.choice((-1, 1))
            yield replace(
                person, registered_year=year, registered_names=_names(rng, person, "ind", rates)
            )
        household += 1


def _typo(rng: random.Random, name: str) -> str:
    if len(name) < 4:
        return name
    i = rng.randrange(1, len(name) - 1)
    edit = rng.choice(("drop", "swap", "double", "replace"))
    if edit == "drop":
        return name[:i] + name[i + 1 :]
    if edit == "swap":
        return name[: i - 1] + name[i] + name[i - 1] + name[i + 1 :]
    if edit == "double":
        return name[:i] + name[i] + name[i:]
    return name[:i] + rng.choice("aeiouyhnrst") + name[i + 1 :]


def _spelling(rng: random.Random, name: str, rates: Rates) -> str:
    if not name:
        return name
    if name in VARIANTS and rng.random() < rates.spelling_variant:
        name = rng.choice(VARIANTS[name])
    if rng.random() < rates.dutch_spelling:
        for english, dutch in DUTCH_SOUNDS:
            if english in name.lower():
                lowered = name.lower().replace(english, dutch, 1)
                name = lowered[0].upper() + lowered[1:]
                break
    if rng.random() < rates.typo:
        name = _typo(rng, name)
    return name


def _names(rng: random.Random, person: Person, organisation: str, rates: Rates) -> tuple[str, str]:
    """Given-name and surname fields as this organisation writes them."""
    given = _spelling(rng, person.given_name, rates)
    father = _spelling(rng, person.father, rates)
    grandfather = _spelling(rng, person.grandfather, rates)
    naming = person.origin.naming
    if naming in ("tigrinya", "somali"):
        convention = rng.choices(PATRONYMIC_CONVENTIONS, ORGANISATION_CONVENTIONS[organisation])[0]
        if convention == "father":
            return given, father
        if convention == "grandfather":
            return given, grandfather
        if convention == "both":
            return given, f"{father} {grandfather}"
        return f"{given} {father}", grandfather
    if naming == "afghan" and not person.family_name:
        roll = rng.random()
        if roll < 0.55:
            return given, father
        if roll < 0.75:
            return given, "NN"
        if roll < 0.9:
            return given, given
        return given, ""
    family = _spelling(rng, person.family_name, rates)
    if naming == "arabic" and rng.random() < rates.arabic_family_replaced:
        return given, father
    return given, family


def _date_of_birth(rng: random.Random, person: Person, organisation: str, rates: Rates) -> str:
    if rng.random() < DOB_MISSING[organisation] * rates.dob_missing:
        return ""
    born = person.date_of_birth
    if person.dob_estimated:
        # Each estimate is made anew from how old the person looks or says to be.
        year = person.registered_year
        if rng.random() < rates.dob_estimate_differs:
            year += rng.choice((-2, -1, -1, 1, 1, 2))
        return dt.date(year, 1, 1).isoformat()
    roll = rng.random()
    if roll < rates.dob_swap and born.day <= 12 and born.day != born.month:
        return dt.date(born.year, born.day, born.month).isoformat()
    roll -= rates.dob_swap
    if 0 <= roll < rates.dob_digit:
        text = born.isoformat()
        for _attempt in range(10):
            i = rng.choice((2, 3, 6, 8, 9))  # a digit of the decade, year, month or day
            candidate = text[:i] + rng.choice("0123456789") + text[i + 1 :]
            try:
                if candidate != text and 1900 < dt.date.fromisoformat(candidate).year < 2026:
                    return candidate
            except ValueError:
                continue
    return born.isoformat()


def _v_written(rng: random.Random, person: Person, organisation: str, rates: Rates) -> str:
    held = 1 - (1 - V_NUMBER_HELD[organisation]) * rates.v_missing
    if not person.v_number or rng.random() > held:
        return ""
    digits = person.v_number
    if person.relative_v_number and rng.random() < rates.v_relative:
        digits = person.relative_v_number
    elif rng.random() < rates.v_typo:
        i = rng.randrange(len(digits) - 1)
        edit = rng.choice(("mistype", "transpose", "drop"))
        if edit == "transpose":
            digits = digits[:i] + digits[i + 1] + digits[i] + digits[i + 2 :]
        elif edit == "mistype":
            digits = digits[:i] + str((int(digits[i]) + rng.randint(1, 9)) % 10) + digits[i + 1 :]
        else:
            digits = digits[:i] + digits[i + 1 :]
    if rng.random() < rates.v_dots and len(digits) == 10:
        digits = f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"
    return digits


def _phone_written(rng: random.Random, person: Person, rates: Rates) -> str:
    if not person.phones or rng.random() > rates.phone_recorded:
        return ""
    number = person.phones[0]
    if len(person.phones) > 1 and rng.random() < rates.phone_changed:
        number = rng.choice(person.phones[1:])
    if number.startswith("+316"):
        style = rng.random()
        local = number[4:]
        if style < 0.3:
            return "06-" + local
        if style < 0.5:
            return "0031" + number[3:]
        if style < 0.7:
            return f"+31 6 {local[:4]} {local[4:]}"
        return "06" + local
    return "00" + number[1:] if rng.random() < 0.4 else number


def _nationality(rng: random.Random, person: Person, rates: Rates) -> str:
    roll = rng.random()
    if roll < rates.nationality_missing:
        return ""
    roll -= rates.nationality_missing
    if roll < rates.nationality_unknown:
        return rng.choice(UNKNOWN_NATIONALITY)
    roll -= rates.nationality_unknown
    code = person.origin.nationality
    if roll < rates.nationality_neighbour and person.origin.neighbours:
        code = rng.choice(person.origin.neighbours)
        return code if code not in NATIONALITY_WRITTEN else rng.choice(NATIONALITY_WRITTEN[code])
    return rng.choice(NATIONALITY_WRITTEN[code])


def _copied(rng: random.Random, person: Person, rates: Rates) -> tuple[str, str, str, str]:
    """Names, date of birth and V-number taken over from IND's registration: the same
    values, now and then retyped with a slip."""
    given, family = person.registered_names
    if rng.random() < rates.typo:
        given = _typo(rng, given)
    if person.dob_estimated:
        born = dt.date(person.registered_year, 1, 1).isoformat()
    else:
        born = person.date_of_birth.isoformat()
    v_number = person.v_number
    if v_number and rng.random() < rates.v_dots:
        v_number = f"{v_number[:4]}.{v_number[4:7]}.{v_number[7:]}"
    return given, family, born, v_number


def _record(
    rng: random.Random, person: Person, organisation: str, number: int, rates: Rates
) -> Record:
    if person.v_number and rng.random() < COPIES_REGISTRATION[organisation] * rates.copied:
        given, family, born, v_number = _copied(rng, person, rates)
    else:
        given, family = _names(rng, person, organisation, rates)
        if rng.random() < rates.swap_given_family and family:
            given, family = family, given
        born = _date_of_birth(rng, person, organisation, rates)
        v_number = _v_written(rng, person, organisation, rates)
    if rng.random() < CAPITALS.get(organisation, 0.0):
        given, family = given.upper(), family.upper()
    return Record(
        record_id=f"r{number:07d}",
        source_org=organisation,
        given_name=given,
        family_name=family,
        date_of_birth=born,
        sex="" if rng.random() < rates.sex_missing else person.sex,
        nationality=_nationality(rng, person, rates),
        v_number=v_number,
        phone=_phone_written(rng, person, rates),
        person_id=person.person_id,
        naming=person.origin.naming,
    )


def generate(
    people: int,
    *,
    seed: int = 1,
    today: dt.date | None = None,
    rates: Rates | None = None,
) -> list[Record]:
    """Records of ``people`` synthetic people, one to four organisations each (about 2.2
    records a person, as in the chain: many are seen once)."""
    # Seeded on purpose: synthetic data that loads the same every time.
    rng = random.Random(seed)  # nosec B311
    today = today or dt.date(2026, 11, 1)
    rates = rates or Rates()
    records: list[Record] = []
    for person in _people(rng, people, today, rates):
        count = rng.choices((1, 2, 3, 4), (30, 35, 23, 12))[0]
        organisations: set[str] = set()
        while len(organisations) < count:
            organisations.add(rng.choices(ORGANISATIONS, ORGANISATION_WEIGHTS)[0])
        for organisation in sorted(organisations):
            records.append(_record(rng, person, organisation, len(records), rates))
    rng.shuffle(records)
    return records
