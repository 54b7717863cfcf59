"""Normalisation of identity fields before comparison, for the names, numbers and dates the
Dutch asylum chain registers.

Pure functions, no Django: the linkage library, the ``ketenzicht link`` command and the
generator of labelled test data all use them. Every function accepts what a registration
may contain (empty strings, odd spacing, other scripts' letters folded to Latin by the
registrar) and returns a canonical value or an empty one, never raises.

Transliteration keys: Arabic, Tigrinya, Pashto, Dari, Somali and Edo names reach Dutch
registers in several Latin spellings (Mohammed/Muhammad/Mouhamed, Cabdi/Abdi,
Joesoef/Yusuf). The key keeps what the spellings agree on, the consonant skeleton, after
merging the letters the transliteration conventions swap (Dutch oe/English u, dj/j/y,
kh/ch/x/h, q/k/c, ph/f ...) and dropping the Somali c and the Arabic 'ayn that some
registrars write and others leave out. Names of one root (Hassan, Hussein) share a key,
so the model weighs an exact spelling above a shared key.
"""

from __future__ import annotations

import datetime as dt
import gettext
import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
import pycountry

from ketenzicht.common import names

# Parts of a name that are not the name itself: Dutch particles (tussenvoegsels) and the
# Arabic article and kinship words, which registrars include, join or leave out.
PARTICLES = frozenset(
    {
        "van", "de", "der", "den", "het", "t", "ten", "ter", "te", "op", "in", "la", "le",
        "al", "el", "ul", "ud", "ad", "ed", "bin", "ben", "ibn", "bint", "ould", "wad",
    }
)  # fmt: skip

# Transliteration merges, applied in order to a folded token.
_DIGRAPHS = (
    ("sch", "s"),
    ("kh", "h"),
    ("ch", "h"),
    ("gh", "g"),
    ("dh", "d"),
    ("th", "t"),
    ("ph", "f"),
    ("sh", "s"),
    ("dj", "j"),
    ("tj", "c"),
    ("ck", "k"),
    ("ou", "u"),
    ("oe", "u"),
    ("ee", "i"),
    ("ie", "i"),
)
_LETTERS = str.maketrans({"q": "k", "c": "k", "x": "h", "j": "y", "v": "w", "z": "s"})
_VOWELS = set("aeiou")


# The per-value functions below are pure and cached: names, numbers and countries repeat
# throughout a register, and normalising a million records is otherwise the slowest step.
@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Lower case, accents removed, every run of non-letters a single space: the folding
    blind indexes and hit pseudonyms use too (``ketenzicht.common.names``)."""
    return names.fold(text or "")


def name_tokens(*parts: str) -> list[str]:
    """The words of a name without particles, in the order given (``al-Hassan`` and
    ``El Hassan`` both give ``["hassan"]``)."""
    words = fold(" ".join(parts)).split()
    kept = [w for w in words if w not in PARTICLES]
    return kept or words


@lru_cache(maxsize=1 << 16)
def translit_key(token: str) -> str:
    """The transliteration key of one name word: its first sound and consonant skeleton.
    Mohammed, Muhammad and Mouhamed give ``mhmd``; Cabdi and Abdi ``abd``; Joesoef, Yusuf
    and Youssef ``ysf``; Haile and Hayle ``hl``."""
    word = fold(token).replace(" ", "")
    if not word:
        return ""
    # Somali writes the 'ayn as c before a vowel (Cabdi, Cali, Caasha).
    if len(word) > 2 and word[0] == "c" and word[1] in _VOWELS:
        word = word[1:]
    for digraph, replacement in _DIGRAPHS:
        word = word.replace(digraph, replacement)
    word = word.translate(_LETTERS)
    # A leading vowel counts as one class (Ahmed, Achmed, Ehmet); after it only consonants
    # count, y included as the glide it is in these spellings (Tesfay/Tesfaye).
    key = "a" if word[0] in _VOWELS else word[0]
    for letter in word[1:]:
        if letter in _VOWELS or letter == "y" or key[-1] == letter:
            continue
        key += letter
    return key


def name_key(*parts: str) -> str:
    """Transliteration keys of every word, sorted: order and particles do not matter."""
    return " ".join(sorted(translit_key(t) for t in name_tokens(*parts)))


# -- identifiers --------------------------------------------------------------------------


def v_number(raw: str) -> str:
    """Ten digits, or empty: separators are ignored, anything else is not a V-number."""
    digits = re.sub(r"[\s.\-/]", "", raw or "")
    return digits if re.fullmatch(r"\d{10}", digits) else ""


@lru_cache(maxsize=1 << 16)
def phone_e164(raw: str, region: str = "NL") -> str:
    """E.164 (``+31612345678``) from any common way of writing a number, or empty."""
    text = (raw or "").strip()
    if not text:
        return ""
    if text.startswith("00"):
        text = "+" + text[2:]
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


# Dutch and English adjectives of the nationalities most often seen in the asylum chain;
# country names in both languages come from pycountry's ISO 3166 translations.
_ADJECTIVES = {
    "AFG": ("afghaans", "afghaanse", "afghan"),
    "DZA": ("algerijns", "algerijnse", "algerian"),
    "CMR": ("kameroens", "kameroense", "cameroonian"),
    "COD": ("congolees", "congolese"),
    "EGY": ("egyptisch", "egyptische", "egyptian"),
    "ERI": ("eritrees", "eritrese", "eritreeer", "eritrean"),
    "ETH": ("ethiopisch", "ethiopische", "ethiopian"),
    "GIN": ("guinees", "guinese", "guinean"),
    "IRN": ("iraans", "iraanse", "iranian", "perzisch"),
    "IRQ": ("iraaks", "iraakse", "iraqi"),
    "LBY": ("libisch", "libische", "libyan"),
    "MAR": ("marokkaans", "marokkaanse", "moroccan"),
    "NGA": ("nigeriaans", "nigeriaanse", "nigerian"),
    "PAK": ("pakistaans", "pakistaanse", "pakistani"),
    "PSE": ("palestijns", "palestijnse", "palestinian"),
    "SDN": ("soedanees", "soedanese", "sudanese"),
    "SLE": ("sierra leoons", "sierra leoonse", "sierra leonean"),
    "SOM": ("somalisch", "somalische", "somali", "somalian"),
    "SSD": ("zuid soedanees", "zuid soedanese", "south sudanese"),
    "SYR": ("syrisch", "syrische", "syrian"),
    "TUN": ("tunesisch", "tunesische", "tunisian"),
    "TUR": ("turks", "turkse", "turkish"),
    "UKR": ("oekraiens", "oekraiense", "ukrainian"),
    "VNM": ("vietnamees", "vietnamese"),
    "YEM": ("jemenitisch", "jemenitische", "yemeni"),
    "ALB": ("albanees", "albanese", "albanian"),
    "CHN": ("chinees", "chinese"),
    "ROU": ("roemeens", "roemeense", "romanian"),
    "BGR": ("bulgaars", "bulgaarse", "bulgarian"),
    "NLD": ("nederlands", "nederlandse", "dutch"),
}
STATELESS = {"XXA", "XXB", "XXC", "XXX"}


@lru_cache(maxsize=1)
def _nationality_names() -> dict[str, str]:
    names: dict[str, str] = {}
    dutch = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=["nl"])
    for country in pycountry.countries:
        code = country.alpha_3
        variants = {country.name, dutch.gettext(country.name)}
        for attribute in ("official_name", "common_name"):
            if hasattr(country, attribute):
                variants.add(getattr(country, attribute))
        for variant in variants:
            names.setdefault(fold(variant), code)
    for code, adjectives in _ADJECTIVES.items():
        for adjective in adjectives:
            names[fold(adjective)] = code
    return names


@lru_cache(maxsize=1 << 16)
def nationality(raw: str) -> str:
    """ISO 3166 alpha-3 from an alpha-3 or alpha-2 code, a numeric code, or a country name
    or adjective in Dutch or English (``ERI``, ``ER``, ``232``, ``Eritrea``, ``Eritrese``);
    the ICAO codes for stateless persons and refugees are kept; empty when unknown."""
    text = (raw or "").strip()
    if not text:
        return ""
    code = text.upper()
    if code in STATELESS:
        return code
    country = None
    if len(code) == 3 and code.isalpha():
        country = pycountry.countries.get(alpha_3=code)
    elif len(code) == 2 and code.isalpha():
        country = pycountry.countries.get(alpha_2=code)
    elif code.isdigit():
        country = pycountry.countries.get(numeric=code.zfill(3))
    if country is not None:
        return str(country.alpha_3)
    return _nationality_names().get(fold(text), "")


# -- dates of birth --------------------------------------------------------------------------


class Precision:
    EXACT = "exact"
    YEAR = "year"  # only the year is known
    PLACEHOLDER = "placeholder_jan1"  # 1 January recorded because the date is unknown
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class BirthDate:
    value: dt.date | None
    precision: str

    @property
    def iso(self) -> str:
        return self.value.isoformat() if self.value else ""

    @property
    def year(self) -> int | None:
        return self.value.year if self.value else None


def birth_date(raw: str | dt.date | None, precision: str = "") -> BirthDate:
    """The date of birth with how far it can be trusted. A 1 January is taken for the
    placeholder it usually is, unless the registrar said the date is exact."""
    value: dt.date | None
    if isinstance(raw, dt.date):
        value = raw
    else:
        try:
            value = dt.date.fromisoformat((raw or "").strip()[:10])
        except ValueError:
            return BirthDate(None, Precision.UNKNOWN)
    if value.year < 1900:
        return BirthDate(None, Precision.UNKNOWN)
    if precision in (Precision.YEAR, Precision.PLACEHOLDER, Precision.UNKNOWN):
        if precision == Precision.UNKNOWN:
            return BirthDate(None, Precision.UNKNOWN)
        return BirthDate(dt.date(value.year, 1, 1), precision)
    if (value.month, value.day) == (1, 1) and precision != Precision.EXACT:
        return BirthDate(value, Precision.PLACEHOLDER)
    return BirthDate(value, Precision.EXACT)
