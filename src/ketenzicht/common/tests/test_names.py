"""One folding of names: blind indexes, hit pseudonyms and linkage see the same words."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from ketenzicht.common import crypto, names
from ketenzicht.persons import pseudonyms
from ketenzicht.persons.linkage import normalise as linkage

# Names as the chain registers them: Latin with accents and the letters NFKD leaves alone,
# Arabic names folded to Latin with the 'ayn and hamza signs, combining marks written apart,
# other scripts, digits of other scripts, and punctuation.
NAME_CHARS = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    + list("éëïöüçñåãøØßẞæÆœŒłŁđĐðÐþÞıİāīūḥṣṭẓḍ")
    + ["ʿ", "ʾ", "'", "’", "\u0301", "\u0308", "\u0327"]
    + list("محمدعليМарияΣοφία٣፩12")
    + list(" -./,()")
)
NAMES = st.text(NAME_CHARS, max_size=30) | st.text(max_size=20)


@given(NAMES)
@example("Søren")
@example("ß")
@example("Ø")
@example("ʿAbd al-Raḥmān")
@example("Saʿīd")
@example("Zoe\u0308")
def test_blind_index_hit_pseudonym_and_linkage_fold_a_name_alike(name: str) -> None:
    words = names.words(name)
    assert crypto.normalise(name).split() == words
    assert crypto.blind_tokens("name", name) == {crypto.blind_index("name", w) for w in words}
    assert pseudonyms.normalise_name(name) == " ".join(sorted(words))
    assert linkage.fold(name).split() == words


@given(st.text(max_size=40))
def test_folding_is_stable_and_leaves_only_words(text: str) -> None:
    folded = names.fold(text)
    assert names.fold(folded) == folded
    assert folded == folded.strip() and "  " not in folded
    assert all(word.isalnum() for word in folded.split())
    assert not any(c.isdigit() and not c.isascii() for c in folded)


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Søren", "soren"),
        ("SØREN", "soren"),
        ("Straße", "strasse"),
        ("STRAẞE", "strasse"),
        ("Ærø Łódź Þór", "aero lodz thor"),
        ("Ðorđe", "dorde"),
        ("Yıldız", "yildiz"),
        ("İbrahim", "ibrahim"),
        ("ʿAbd al-Raḥmān", "abd al rahman"),
        ("Saʿīd", "said"),
        ("Sa'id", "said"),
        ("Muʾmin", "mumin"),
        ("N’Diaye", "ndiaye"),
        ("Zoe\u0308", "zoe"),
        ("Zoë", "zoe"),
        ("  Jean-Pierre   de  la Cruz. ", "jean pierre de la cruz"),
        ("Мария", "мария"),
        ("محمد", "محمد"),
        ("NN 1", "nn 1"),
        ("NN ፩", "nn 1"),  # Ethiopic digit one
        ("٣", "3"),  # Arabic-Indic three
        ("", ""),
    ],
)
def test_the_folding_contract(raw: str, folded: str) -> None:
    assert names.fold(raw) == folded


def test_digits_keep_numbered_unknown_people_apart() -> None:
    assert pseudonyms.normalise_name("NN", "1") != pseudonyms.normalise_name("NN", "2")


def test_names_module_stays_free_of_django() -> None:
    # persons.linkage runs without Django (``ketenzicht link``, a partner's token tool) and
    # imports this module, and with it the package's __init__.
    common = Path(names.__file__).parent
    for source in (common / "names.py", common / "__init__.py", common.parent / "__init__.py"):
        tree = ast.parse(source.read_text())
        imported = {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        } | {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert not {m for m in imported if m.startswith(("django", "ketenzicht"))}, source
