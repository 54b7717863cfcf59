"""Words for the review waterfall: the model's comparisons and levels (as Splink labels
them in the model) in the interface language."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

COMPARISONS: dict[str, Promise] = {
    "name": _("Name"),
    "date_of_birth": _("Date of birth"),
    "v_number": _("V-number"),
    "phone": _("Phone number"),
    "nationality": _("Nationality"),
    "sex": _("Sex"),
}

LEVELS: dict[str, Promise] = {
    "missing": _("missing on one side"),
    "All other comparisons": _("different"),
    "same name (words, any order)": _("same name (words in any order)"),
    "same name by transliteration": _("same name in another spelling"),
    "two or more names in common": _("two or more names in common"),
    "similar transliteration keys": _("similar spelling"),
    "one name in common": _("one name in common"),
    "same exact date": _("same exact date"),
    "day and month swapped": _("day and month swapped"),
    "year one off": _("year one off"),
    "same year, one a 1-January placeholder or year only": _(
        "same year (one a 1 January placeholder or year only)"
    ),
    "Exact match on v_number": _("same"),
    "Damerau-Levenshtein distance of v_number <= 1": _("one typing error apart"),
    "Exact match on phone": _("same"),
    "Exact match on nationality": _("same"),
    "Exact match on sex": _("same"),
}


def comparison_label(name: str) -> str:
    return str(COMPARISONS.get(name, name))


def level_label(label: str) -> str:
    return str(LEVELS.get(label, label))
