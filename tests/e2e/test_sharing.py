"""Journeys across organisations: a soft signal of IND reaches COA reception as an attention
entry without its narrative, and both coordinators get a hit notice. Every page checked
with axe-core, for each role that uses it."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from ketenzicht.accounts.models import Location, User
from ketenzicht.accounts.selectors import actor_for_user
from ketenzicht.persons.services import resident_register
from ketenzicht.signals.factories import TEST_CONTEXT
from ketenzicht.signals.models import Signal

from .conftest import assert_accessible, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

V_NUMBER = "3141592653"
NARRATIVE = "Bewoonster vertelt over een schuld van 30.000 euro bij een 'tante' in Lagos."


def logout(page: Page) -> None:
    page.click("text=Uitloggen")
    page.wait_for_url(lambda url: "/inloggen" in url)


def test_soft_signal_reaches_reception_and_both_coordinators(page: Page) -> None:
    ter_apel = Location.objects.get(code="coa-ter-apel")
    coa = actor_for_user(User.objects.get(username="coa.terapel"))
    resident_register(
        actor=coa,
        context=TEST_CONTEXT,
        location_id=ter_apel.pk,
        given_name="Precious",
        family_name="Osagie-Proef",
        v_number=V_NUMBER,
        date_of_birth=dt.date(2003, 7, 12),
        dob_precision="exact",
        nationality="NGA",
    )

    # IND registers a soft signal; the default shares it with the chain on IND's basis.
    login(page, "ind.medewerker")
    page.goto("/signalen/nieuw")
    page.check("input[name=kind][value=soft]")
    page.check("input[name=exploitation_types][value=sexual]")
    page.fill("#id_narrative", NARRATIVE)
    page.select_option("#id_subjects-0-role", "presumed_victim")
    page.fill("#id_subjects-0-given_name", "Precious")
    page.fill("#id_subjects-0-family_name", "Osagie")
    page.fill("#id_subjects-0-v_number", "3141.592.653")
    expect(page.locator("input[name=distribution][value='']")).to_be_checked()
    page.click("button[name=save]")
    expect(page.locator(".utrecht-alert--ok")).to_be_visible()
    expect(page.locator("main")).to_contain_text("ketenpartners die het nodig hebben voor hun taak")
    expect(page.locator("main")).to_contain_text("AVG art. 6 lid 1 sub e")
    signal = Signal.objects.latest("received_at")  # narratives are sealed: no query on them
    assert signal.narrative == NARRATIVE
    assert_accessible(page, "ind-signal-detail")
    page.click("text=Delen wijzigen")
    assert_accessible(page, "share-form")
    logout(page)

    # Reception staff at Ter Apel: the resident on the attention list, no narrative.
    login(page, "coa.terapel")
    page.click("nav >> text=Aandachtslijst")
    entry = page.locator(".kz-attention__item", has_text="Osagie-Proef")
    expect(entry).to_contain_text("Extra aandacht: mogelijk slachtoffer van mensenhandel.")
    expect(entry).to_contain_text("Immigratie- en Naturalisatiedienst")
    expect(entry).to_contain_text("mensenhandel@ind.example")
    expect(page.locator("main")).not_to_contain_text("Lagos")
    assert_accessible(page, "attention-list")
    # Opening the signal itself gives the attention projection only.
    page.goto(f"/signalen/{signal.pk}")
    expect(page.locator("main")).to_contain_text("niet de inhoud")
    expect(page.locator("main")).not_to_contain_text("Lagos")
    assert_accessible(page, "signal-attention-projection")
    # Frontline staff receive no hit notices themselves.
    expect(page.locator("nav >> text=Treffers")).to_have_count(0)
    logout(page)

    # Both coordinators get a hit notice naming the other organisation, no content.
    for username, other in (
        ("coa.coordinator", "Immigratie- en Naturalisatiedienst"),
        ("ind.coordinator", "Centraal Orgaan opvang asielzoekers"),
    ):
        login(page, username)
        page.click("nav >> text=Treffers")
        row = page.locator("tbody tr", has_text=other).filter(has_text="Osagie")
        expect(row.first).to_be_visible()
        expect(page.locator("main")).not_to_contain_text("Lagos")
        assert_accessible(page, f"hits-{username}")
        row.first.locator("button", has_text="Markeer als afgehandeld").click()
        expect(page.locator(".utrecht-alert--ok")).to_be_visible()
        logout(page)


def test_pages_of_the_other_roles_are_accessible(page: Page) -> None:
    login(page, "rapporteur")
    # The rapporteur lands on the monitor (9e7849b); sharing health is one link away.
    page.goto("/delen/gezondheid")
    expect(page.locator("h1")).to_have_text("Deelgezondheid")
    expect(page.locator("nav >> text=Signalen")).to_have_count(0)
    assert_accessible(page, "sharing-health")
    logout(page)

    login(page, "beheerder")
    expect(page.locator("h1")).to_have_text("Deelgroepen")
    assert_accessible(page, "sharing-groups")
    page.click("text=Ketenoverleg mensenhandel Noord-Nederland")
    assert_accessible(page, "sharing-group-form")
    page.goto("/delen/organisaties")
    assert_accessible(page, "organisations")
    page.click("text=Immigratie- en Naturalisatiedienst")
    page.select_option("#id_legal_basis", "consent")
    page.click("main button[type=submit]")
    expect(page.locator("#id_legal_basis_note_error")).to_be_visible()
    assert_accessible(page, "organisation-form-error")
    logout(page)

    login(page, "gemeente.westerwolde")
    # The municipal analyst lands on the municipality's monitor, their work (9e7849b).
    expect(page.locator("h1")).to_have_text("Monitor mensenhandel: Westerwolde")
    assert_accessible(page, "municipal-analyst-home")
    logout(page)

    login(page, "coa.coordinator")
    page.goto("/aandacht")
    expect(page.locator("#locatie")).to_be_visible()
    assert_accessible(page, "attention-list-coordinator")
