"""Everyday use of the signal form (issue 20): what a person starts on, what an edit fills
in, how errors are shown and what happens to a text that is too long."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ketenzicht.accounts.actor import Actor
from ketenzicht.signals.factories import register
from ketenzicht.signals.models import Signal
from ketenzicht.signals.tests.test_views import form_data, logged_in

pytestmark = pytest.mark.django_db


def _selected(html: str, name: str) -> str | None:
    """The option a browser shows for a select: the one marked selected, else the first."""
    select = re.search(rf'<select name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    options = re.findall(r'<option value="([^"]*)"( selected)?', select.group(1))
    chosen = [value for value, selected in options if selected]
    return chosen[0] if chosen else options[0][0]


def _input(html: str, name: str) -> str:
    found = re.search(rf'<(?:input|textarea)[^>]*name="{re.escape(name)}"[^>]*>', html)
    assert found, name
    return found.group(0)


def test_a_person_starts_as_sex_unknown_also_when_added_with_the_button(reporter: Actor) -> None:
    client = logged_in(reporter)
    first = client.get("/signalen/nieuw").content.decode()
    assert _selected(first, "subjects-0-sex") == "unknown"
    added = client.post("/signalen/nieuw", form_data(add_subject="1")).content.decode()
    assert _selected(added, "subjects-1-sex") == "unknown"
    assert _selected(added, "subjects-1-dob_precision") == "exact"
    # The new, untouched person carries no errors.
    assert 'id="id_subjects-1-sex_error"' not in added


def test_the_api_defaults_sex_to_unknown() -> None:
    from ketenzicht.signals.payload import SubjectInputSerializer

    assert SubjectInputSerializer().fields["sex"].default == "unknown"


def test_the_edit_form_is_filled_with_every_stored_value(reporter: Actor) -> None:
    signal = register(reporter, kind="hard", municipality_code="GM0363")
    html = logged_in(reporter).get(f"/signalen/{signal.pk}/bewerken").content.decode()
    assert 'value="2026-03-01"' in _input(html, "observed_on")
    assert _selected(html, "municipality") == "GM0363"
    assert re.search(r'value="hard"[^>]*checked', html)
    assert "Bewoner werkt" in html
    assert 'value="Tesfay"' in _input(html, "subjects-0-family_name")
    assert _selected(html, "subjects-0-sex") == "female"


def test_saving_the_edit_form_unchanged_succeeds(reporter: Actor) -> None:
    """Post back exactly what the edit page shows, as a browser would."""
    signal = register(reporter)
    client = logged_in(reporter)
    html = client.get(f"/signalen/{signal.pk}/bewerken").content.decode()
    data: dict[str, Any] = form_data()
    data.pop("distribution")
    data.update(
        {
            "version": str(signal.version),
            "observed_on": re.search(r'value="([^"]*)"', _input(html, "observed_on")).group(1),
            "municipality": _selected(html, "municipality"),
            "subjects-INITIAL_FORMS": "0",
            "subjects-0-subject_id": str(signal.subjects.get().pk),
            "save": "1",
        }
    )
    response = client.post(f"/signalen/{signal.pk}/bewerken", data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_the_error_summary_links_every_invalid_field(reporter: Actor) -> None:
    data = form_data(observed_on="", municipality="", narrative="")
    data["kind"] = ""
    data["subjects-0-role"] = ""
    html = logged_in(reporter).post("/signalen/nieuw", data).content.decode()
    summary = re.search(r"<div[^>]*data-error-summary.*?</div>", html, re.S)
    assert summary and 'tabindex="-1"' in summary.group(0)
    links = re.findall(r'href="#([^"]+)"', summary.group(0))
    assert {"id_observed_on", "id_municipality", "id_narrative", "id_kind_0"} <= set(links)
    assert "id_subjects-0-role" in links
    for anchor in links:
        element = re.search(rf'<(input|select|textarea)[^>]*id="{anchor}"[^>]*>', html)
        assert element, anchor
        assert 'aria-invalid="true"' in element.group(0), anchor
        assert "_error" in element.group(0), anchor  # aria-describedby names the message
    assert "utrecht-select--invalid" in _tag(html, "id_municipality")
    assert "utrecht-textarea--invalid" in _tag(html, "id_narrative")
    assert "utrecht-textarea--invalid" not in _tag(html, "id_municipality")
    assert "utrecht-radio-button--invalid" in _tag(html, "id_kind_0")


def _tag(html: str, element_id: str) -> str:
    found = re.search(rf'<(?:input|select|textarea)[^>]*id="{element_id}"[^>]*>', html)
    assert found, element_id
    return found.group(0)


def test_a_too_long_narrative_is_a_field_error_and_the_input_is_kept(reporter: Actor) -> None:
    long = "a" * 20001
    html = logged_in(reporter).post("/signalen/nieuw", form_data(narrative=long)).content.decode()
    assert "hoogstens 20000 tekens" in html or "at most 20000" in html or "20000 tekens" in html
    assert long in html
    assert 'value="Tesfay"' in html
    assert 'aria-describedby="id_narrative_help id_narrative_error id_narrative_count"' in html
    assert Signal.objects.count() == 0


def test_a_body_too_large_to_read_gives_the_form_back(reporter: Actor, settings: Any) -> None:
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    client = logged_in(reporter)
    response = client.post("/signalen/nieuw", form_data(narrative="a" * 20_000))
    assert response.status_code == 413
    html = response.content.decode()
    assert 'name="narrative"' in html and "data-error-summary" in html
    assert "kon niet gelezen worden" in html or "could not be read" in html
    signal = register(reporter)
    edit = client.post(f"/signalen/{signal.pk}/bewerken", form_data(narrative="a" * 20_000))
    assert edit.status_code == 413 and "Bewoner werkt" in edit.content.decode()


@settings(max_examples=20, deadline=None)
@given(text=st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"])))
def test_the_count_names_the_limit_of_any_text_area(text: str) -> None:
    from django import forms

    from ketenzicht.common.templatetags.ketenzicht import character_limit

    class F(forms.Form):
        note = forms.CharField(max_length=len(text) + 1, widget=forms.Textarea)
        line = forms.CharField(max_length=10)

    form = F({"note": text, "line": ""})
    assert character_limit(form["note"]) == len(text) + 1
    assert character_limit(form["line"]) is None
