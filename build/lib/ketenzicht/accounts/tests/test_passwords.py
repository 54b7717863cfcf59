"""Context words in passwords (ASVS 6.1.2, 6.2.11)."""

from __future__ import annotations

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketenzicht.accounts.factories import OrganisationFactory


@pytest.mark.parametrize(
    ("password", "word"),
    [
        ("Ketenzicht-2026-winter", "ketenzicht"),
        ("KETENZ1CHT!voorjaar", "ketenzicht"),  # digits for letters, other case
        ("mijn-Wachtw00rd-is-lang", "wachtwoord"),
        ("Zeeland-Mensenhandel-9", "mensenhandel"),
        ("ter apel blijft koud", "terapel"),
        ("Vluchthaven-Oostzaan-44", "vluchthaven"),  # an organisation's name
    ],
)
def test_passwords_built_on_context_words_are_refused(db: None, password: str, word: str) -> None:
    OrganisationFactory(code="vluchthaven-noord", name="Stichting Vluchthaven")
    with translation.override("nl"), pytest.raises(ValidationError) as refused:
        validate_password(password)
    messages = " ".join(refused.value.messages)
    assert f"makkelijk te raden is: {word}." in messages


@settings(max_examples=50, deadline=None)
@given(st.text(alphabet="bcdfghjklmnpqrstvwxz2345678#%&*", min_size=12, max_size=30))
def test_passwords_without_such_words_pass_this_check(password: str) -> None:
    from ketenzicht.accounts.passwords import CONTEXT_WORDS, ContextWordValidator

    assert not any(w in password for w in CONTEXT_WORDS)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("ketenzicht.accounts.passwords._organisation_words", lambda: set())
        ContextWordValidator().validate(password)
