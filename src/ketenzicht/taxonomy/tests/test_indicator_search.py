"""Indicators are found by the words people use and shown for one age group, each once
(issue 20, item 9)."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from ketenzicht.accounts.actor import Actor
from ketenzicht.signals.factories import register
from ketenzicht.signals.tests.test_views import form_data, logged_in
from ketenzicht.taxonomy.models import Indicator

pytestmark = pytest.mark.django_db

ITEM = re.compile(
    r'<div class="[^"]*kz-indicator" data-age="(\w+)"( hidden)? data-search="([^"]*)">'
)


def _shown(html: str) -> list[tuple[str, str]]:
    """(age group, search text) of every indicator a reader sees without scripts."""
    return [(age, text) for age, hidden, text in ITEM.findall(html) if not hidden]


def test_every_indicator_has_dutch_and_english_search_words() -> None:
    indicators = list(Indicator.objects.all())
    assert len(indicators) == 132
    assert all(i.search_terms for i in indicators)
    documents = Indicator.objects.get(code="AL-CD-S01")
    assert "paspoort" in documents.search_terms and "passport" in documents.search_terms
    hours = Indicator.objects.filter(label_en="Excessive working days or hours").first()
    assert hours is not None and "uren" in hours.search_terms


def test_the_form_lists_the_adult_indicators_each_once(reporter: Actor) -> None:
    html = logged_in(reporter).get("/signalen/nieuw").content.decode()
    shown = _shown(html)
    assert {age for age, _ in shown} == {"adult"}
    assert len(shown) == Indicator.objects.filter(list__startswith="adult").count()
    # Confiscation of documents is an indicator under two ILO elements, not four.
    assert sum("inname van documenten" in text for _, text in shown) == 2
    assert any("paspoort" in text for _, text in shown)
    assert any(" uren" in text for _, text in shown)
    assert re.search(r'name="indicator_age" value="adult"[^>]*checked', html)


def test_a_child_victim_switches_to_the_childrens_list(reporter: Actor) -> None:
    data = form_data(refresh_indicators="1", indicators=[])
    data["subjects-0-date_of_birth"] = "2012-05-04"
    html = logged_in(reporter).post("/signalen/nieuw", data).content.decode()
    assert {age for age, _ in _shown(html)} == {"child"}
    assert re.search(r'name="indicator_age" value="child"[^>]*checked', html)
    chosen = logged_in(reporter).post(
        "/signalen/nieuw", form_data(refresh_indicators="1", indicator_age="child")
    )
    shown = Counter(age for age, _ in _shown(chosen.content.decode()))
    # The two ticked adult indicators stay in view: switching loses nothing.
    assert shown == Counter(
        child=Indicator.objects.filter(list__startswith="child").count(), adult=2
    )


def test_editing_a_signal_with_childrens_indicators_shows_that_list(reporter: Actor) -> None:
    signal = register(reporter, indicator_codes=("CL-CR-M01",))
    html = logged_in(reporter).get(f"/signalen/{signal.pk}/bewerken").content.decode()
    assert {age for age, _ in _shown(html)} == {"child"}
