"""The linkage review in the browser, checked with axe-core: a coordinator judges an
uncertain pair from its waterfall, then splits the link again from the person page."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from ketenzicht.accounts.models import Organisation
from ketenzicht.persons.hit_services import records_index
from ketenzicht.persons.models import HitNotice, MatchReview, PersonRecord, ReviewStatus
from ketenzicht.signals.factories import TEST_CONTEXT

from .conftest import assert_accessible, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _pair() -> tuple[PersonRecord, PersonRecord, MatchReview]:
    """Same uncommon name, only the birth year in common: a pair for the review queue."""
    coa, ind = Organisation.objects.get(code="coa"), Organisation.objects.get(code="ind")
    records = [
        PersonRecord.objects.create(
            organisation=org,
            given_name="Tesfamariam",
            family_name="Gebremedhin",
            date_of_birth=dt.date.fromisoformat(born),
            dob_precision=precision,
            nationality=nationality,
            sex="male",
        )
        for org, born, precision, nationality in (
            (coa, "1996-01-01", "placeholder_jan1", "ERI"),
            (ind, "1996-07-23", "exact", ""),
        )
    ]
    records_index(record_ids=[r.pk for r in records], context=TEST_CONTEXT)
    left, right = sorted(r.pk for r in records)
    return records[0], records[1], MatchReview.objects.get(left_id=left, right_id=right)


def test_a_coordinator_confirms_a_pair_and_splits_it_again(page: Page) -> None:
    mine, theirs, review = _pair()
    assert review.status == ReviewStatus.PENDING
    login(page, "coa.coordinator")
    page.click("nav >> text=Mogelijke koppelingen")
    assert_accessible(page, "reviews")
    page.click(f"a[href='/koppelingen/{review.pk}']")
    expect(page.locator("main")).to_contain_text("Hoe de vergelijking woog")
    expect(page.locator("main")).not_to_contain_text("23-07-1996")
    assert_accessible(page, "review")
    page.click("text=Beslissing vastleggen")
    expect(page.locator(".utrecht-form-field-error-message")).to_contain_text("Kies of")
    assert_accessible(page, "review-error")
    page.check("text=Ja, dezelfde persoon")
    page.fill("#id_note", "Zelfde foto en verhaal in beide dossiers.")
    page.click("text=Beslissing vastleggen")
    expect(page.locator(".utrecht-alert--ok")).to_contain_text("dezelfde persoon")
    assert HitNotice.objects.filter(record=mine, other_organisation__code="ind").exists()
    page.click("text=Beslist")
    expect(page.locator("main")).to_contain_text("coa.coordinator")

    page.goto(f"/personen/{mine.pk}")
    expect(page.locator("main")).to_contain_text("Gekoppelde records")
    page.click("text=Niet dezelfde persoon? Maak de koppeling ongedaan")
    page.click("text=Koppeling ongedaan maken")
    expect(page.locator("main")).to_contain_text("Geef aan waarom de koppeling niet klopt.")
    assert_accessible(page, "split-error")
    page.fill("#id_note", "Andere vader volgens het IND-dossier.")
    page.click("text=Koppeling ongedaan maken")
    expect(page.locator(".utrecht-alert--ok")).to_contain_text("ongedaan")
    assert_accessible(page, "person-split")
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.cluster_id != theirs.cluster_id
    assert not HitNotice.objects.filter(record=mine, other_organisation__code="ind").exists()
