"""One folding of names for every comparison Ketenzicht makes of them.

The blind indexes of sealed names (``common.crypto``), the hit/no-hit pseudonyms
(``persons.pseudonyms``, ADR 0007) and probabilistic linkage (``persons.linkage.normalise``)
all compare names after this folding, so that a name found by one is found by the others:
``Søren`` is ``soren`` in a search, in a pseudonym and in a comparison alike.

Plain Python, no Django and nothing else of Ketenzicht: the linkage library, which runs
outside Django (``ketenzicht link``, a partner's ``ketenzicht tokens``), imports it.

The contract, in order:

1. Apostrophes and the signs for the Arabic 'ayn and hamza (``'`` ``’`` ``ʿ`` ``ʾ`` ...) are
   removed without breaking the word: one registrar writes ``Saʿid`` or ``Sa'id``, another
   ``Said``, and ``N'Diaye`` is also written ``Ndiaye``.
2. Unicode compatibility decomposition (NFKD), case folded, every mark removed (accents,
   diaeresis, the vowel signs of other scripts).
3. Letters that do not decompose into a base letter and marks are spelt out:
   ß ss, æ ae, ø o, œ oe, ł l, đ d, ð d, þ th, ı i.
4. Digits of any script become ASCII digits and are **kept**: registrars number people whose
   name they do not know (``NN 1``, ``Onbekend 2``), and those must not become one name; a
   V-number or phone number in a name field is still that number.
5. Letters of every script are kept (lower case where the script has case): a name written
   in Arabic or Cyrillic script compares equal to the same spelling, instead of vanishing.
6. Every run of anything else (spaces, hyphens, dots, slashes) is one space; none at the
   ends.

Changing any of this changes stored keys (blind indexes, pseudonyms, linkage features) and
needs a data migration that recomputes them (see ``persons/migrations/0009``), and partners
must make their keyed tokens again (ADR 0010).
"""

from __future__ import annotations

import re
import unicodedata

# Removed inside a word: apostrophes, and the modifier letters and primes that stand for
# the Arabic 'ayn and hamza in transliterations (U+02B9-U+02BF, U+02C8).
_SILENT = dict.fromkeys(map(ord, "'`´‘’‛′ʹʻʼʽʾʿˈ"), None)

# Letters that NFKD does not decompose into a base letter plus marks.
SPECIAL_LETTERS = {
    "ß": "ss",
    "æ": "ae",
    "ø": "o",
    "œ": "oe",
    "ł": "l",
    "đ": "d",
    "ð": "d",
    "þ": "th",
    "ı": "i",
}
_SPECIAL = str.maketrans(SPECIAL_LETTERS)
_ASCII_NOT_WORD = re.compile(r"[^a-z0-9]+")


def _plain(char: str) -> str:
    """One character of decomposed, case-folded text: itself, an ASCII digit, or a space."""
    if unicodedata.category(char).startswith("M"):
        return ""
    if char.isdigit():
        return str(unicodedata.digit(char))
    return char if char.isalnum() else " "


def fold(text: str) -> str:
    """The folded name: lower case, unaccented, words of letters and digits separated by
    one space (see the module's contract). ``fold(fold(x)) == fold(x)``."""
    text = (text or "").translate(_SILENT)
    if text.isascii():
        # Most names in the register: the same result without the per-character walk.
        return _ASCII_NOT_WORD.sub(" ", text.lower()).strip()
    decomposed = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold())
    # Again after decomposing: some letters decompose into an apostrophe and a letter (ŉ).
    plain = "".join(_plain(c) for c in decomposed.translate(_SILENT)).translate(_SPECIAL)
    return " ".join(plain.split())


def words(*parts: str) -> list[str]:
    """The folded words of the parts of a name, in the order given."""
    return fold(" ".join(parts)).split()


def sorted_words(*parts: str) -> str:
    """The folded words sorted: given and family name swapped, patronymics reordered, the
    same name."""
    return " ".join(sorted(words(*parts)))
