"""The other follow-up pages in the browser, each checked with axe-core: a joint-analysis
case shared with a sharing group, the victim track on a signal, the administrator's
routing configuration, webhook subscriptions with their delivery log, and the deadline
figures on the demo world."""

from __future__ import annotations

from collections import Counter

import pytest
from playwright.sync_api import Page, expect

from ketenzicht.followup.models import Case, Referral, VictimTrack
from ketenzicht.notifications.models import Subscription
from ketenzicht.signals.models import Signal

from .conftest import assert_accessible, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def logout(page: Page) -> None:
    page.click("text=Uitloggen")
    page.wait_for_url(lambda url: "/inloggen" in url)


def test_a_case_is_shared_with_the_regional_partnership(page: Page) -> None:
    signals = list(Signal.objects.filter(organisation__code="coa").order_by("received_at")[:2])
    login(page, "coa.coordinator")
    page.click("nav >> text=Casussen")
    assert_accessible(page, "cases-empty")
    page.click("text=Nieuwe casus")
    page.fill("#id_name", "Uitzendbureau Noord")
    page.select_option("#id_sharing_group", label="Ketenoverleg mensenhandel Noord-Nederland")
    page.fill("#id_signals", f"{signals[0].reference}, ONBEKEND1")
    page.click("text=Casus openen")
    expect(page.locator("#id_signals_error")).to_contain_text("ONBEKEND1")
    assert_accessible(page, "case-form-error")
    assert not Case.objects.exists()
    page.fill("#id_signals", ", ".join(s.reference for s in signals))
    page.click("text=Casus openen")
    expect(page.locator(".utrecht-alert--ok")).to_be_visible()
    page.fill("#id_text", "Beide signalen noemen hetzelfde uitzendbureau.")
    page.click("text=Notitie toevoegen")
    expect(page.locator("main")).to_contain_text("hetzelfde uitzendbureau")
    assert_accessible(page, "case")
    logout(page)

    login(page, "avim.noord")
    page.click("nav >> text=Casussen")
    page.click("text=Uitzendbureau Noord")
    page.fill("#id_text", "AVIM start een verkennend onderzoek.")
    page.check("#id_decision")
    page.click("text=Notitie toevoegen")
    expect(page.locator("main")).to_contain_text("Besluit")
    assert_accessible(page, "case-partner")
    logout(page)


def test_the_police_offer_the_reflection_period_on_the_signal(page: Page) -> None:
    track = (
        VictimTrack.objects.filter(
            subject__signal__referrals__to_organisation__code="avim-noord-nederland"
        )
        .select_related("subject")
        .first()
    )
    assert track is not None, "the demo world routes hard signals with presumed victims"
    login(page, "avim.noord")
    page.goto(f"/signalen/{track.subject.signal_id}")
    expect(page.locator("main")).to_contain_text("Slachtofferspoor")
    section = page.locator(f"#track-{track.pk}")
    section.locator("summary", has_text="Bedenktijd aanbieden").click()
    section.locator("input[name=start]").fill("2026-11-02")
    assert_accessible(page, "signal-victim-track")
    section.locator("text=Aanbod vastleggen").click()
    expect(page.locator(".utrecht-alert--ok")).to_be_visible()
    expect(page.locator(f"#track-{track.pk}")).to_contain_text("02-02-2027")
    logout(page)


def test_the_administrator_changes_routing_and_deadlines(page: Page) -> None:
    login(page, "beheerder")
    page.click("nav >> text=Routering")
    expect(page.locator("main")).to_contain_text("R1")
    assert_accessible(page, "configuration")
    page.click("text=Nieuwe termijnen")
    page.select_option("#id_organisation", label="Expertisecentrum Mensenhandel en Mensensmokkel")
    page.fill("#id_acknowledge_days", "5")
    page.fill("#id_outcome_days", "2")
    page.click("main button[type=submit]")
    expect(page.locator("#id_outcome_days_error")).to_be_visible()
    assert_accessible(page, "deadline-policy-error")
    page.fill("#id_outcome_days", "20")
    page.click("main button[type=submit]")
    expect(page.locator("main")).to_contain_text("Expertisecentrum Mensenhandel")
    page.click("text=R2")
    assert_accessible(page, "routing-rule")
    logout(page)


def test_a_coordinator_subscribes_a_partner_system(page: Page) -> None:
    login(page, "coa.coordinator")
    page.click("nav >> text=Webhooks")
    page.click("text=Nieuw abonnement")
    page.fill("#id_callback_url", "http://partner.example/hooks")
    page.check("input[name=channels][value=referrals]")
    page.click("main button[type=submit]")
    expect(page.locator("#id_callback_url_error")).to_contain_text("https://")
    assert_accessible(page, "subscription-error")
    page.fill("#id_callback_url", "https://partner.example/hooks")
    page.click("main button[type=submit]")
    secret = Subscription.objects.get().secret
    expect(page.locator("main")).to_contain_text(secret)
    assert_accessible(page, "subscription-secret")
    page.click("text=Alle abonnementen")
    page.click("text=Tonen")
    expect(page.locator("main")).to_contain_text("Afleverlog")
    assert_accessible(page, "delivery-log")
    logout(page)


def test_the_rapporteur_sees_deadline_figures_of_the_demo_world(page: Page) -> None:
    referrals = list(Referral.objects.select_related("to_organisation"))
    year = Counter(r.sent_at.year for r in referrals).most_common(1)[0][0]
    busiest = Counter(
        r.to_organisation.name for r in referrals if r.sent_at.year == year
    ).most_common(1)[0][0]
    login(page, "rapporteur")
    page.click("nav >> text=Termijnen")
    page.select_option("#id_period", str(year))
    page.click("main button[type=submit]")
    # The rapporteur reads protected figures, rows by name (ranked by volume, they would
    # rank hidden figures, ADR 0025): the busiest body is there, not necessarily first.
    expect(page.locator("tbody tr", has_text=busiest)).to_be_visible()
    names = page.locator("tbody tr th").all_inner_texts()
    assert names == sorted(names)
    assert_accessible(page, "deadlines")
    logout(page)
