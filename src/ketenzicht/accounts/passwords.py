"""Passwords may not be built on words anyone who knows the context would try first (ASVS
6.1.2, 6.2.11): the product's and organisations' names, the chain's own vocabulary, and the
word "password" in both languages. The list is documented in docs/security/asvs.md."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ketenzicht.common.crypto import normalise

from .models import Organisation

# Words of this context (lower case, at least four letters). Organisation codes and names
# are added from the database at check time.
CONTEXT_WORDS = frozenset(
    {
        "ketenzicht",
        "mensenhandel",
        "uitbuiting",
        "slachtoffer",
        "signaal",
        "signalen",
        "vreemdeling",
        "asiel",
        "opvang",
        "terapel",
        "password",
        "wachtwoord",
        "welkom",
        "welcome",
        "geheim",
        "secret",
        "admin",
        "beheerder",
        "nidos",
        "comensha",
        "marechaussee",
        "politie",
        "gemeente",
    }
)


def _organisation_words() -> set[str]:
    words: set[str] = set()
    for code, name in Organisation.objects.values_list("code", "name"):
        words.update(w for w in re.split(r"[^a-z]+", normalise(f"{code} {name}")) if len(w) >= 4)
    return words


class ContextWordValidator:
    def validate(self, password: str, user: Any = None) -> None:
        folded = re.sub(r"[^a-z]", "", normalise(password).replace("0", "o").replace("1", "i"))
        found = sorted(w for w in CONTEXT_WORDS | _organisation_words() if w in folded)
        if found:
            raise ValidationError(
                _("This password contains a word that is easy to guess here: %(word)s.")
                % {"word": found[0]},
                code="password_context_word",
            )

    def get_help_text(self) -> str:
        return _(
            "Your password may not contain the name of Ketenzicht, an organisation or words "
            "of the chain's work."
        )
