"""The monitor in the browser, checked with axe-core: a municipal analyst reads the figures
of their own municipality and answers its self-assessment; the National Rapporteur sees the
national figures and moves from the nation to a municipality."""

from __future__ import annotations

from django.utils import timezone

import pytest
from playwright.sync_api import Page, expect

from ketenzicht.monitor.models import SelfAssessment

from .conftest import assert_accessible, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_analyst_and_rapporteur_read_the_monitor(page: Page) -> None:
    login(page, "gemeente.westerwolde")
    page.click("nav >> text=Monitor")
    expect(page.locator("h1")).to_contain_text("Westerwolde")
    expect(page.locator("main")).to_contain_text("Aanwezigheid")
    assert_accessible(page, "monitor-municipality")
    # The yearly self-assessment: refused field by field when incomplete, then saved.
    page.click("text=Zelfevaluatie invullen")
    expect(page.locator("h1")).to_contain_text("Zelfevaluatie")
    page.check("#id_insight_presence_1")  # no insight into presence
    page.click("main >> text=Opslaan")
    expect(page.locator(".utrecht-alert--error")).to_contain_text("niets opgeslagen")
    expect(page.locator("main")).to_contain_text("Beantwoord met ja of nee.")
    assert_accessible(page, "self-assessment-errors")
    for question in ("insight_scale", "met_recently", "policy_adopted", "signal_point"):
        page.check(f"#id_{question}_0")  # yes
    page.check("#id_care_coordinator_1")
    page.check("#id_priority_2")  # 3
    page.click("main >> text=Opslaan")
    expect(page.locator("h1")).to_contain_text("Westerwolde")
    expect(page.locator("main")).to_contain_text("Uw gemeente heeft geantwoord op")
    assert page.goto("/monitor/NL").status == 404
    page.click("text=Uitloggen")
    page.wait_for_url(lambda url: "/inloggen" in url)

    login(page, "rapporteur")
    page.click("nav >> text=Monitor")
    expect(page.locator("h1")).to_contain_text("Nederland")
    # The demo's self-assessments of this year (WODC proportions), and Westerwolde's above.
    answered = SelfAssessment.objects.filter(year=timezone.localdate().year).count()
    assert answered > 200
    expect(page.locator("main")).to_contain_text(f"{answered} van 342 gemeenten hebben geantwoord")
    assert_accessible(page, "monitor-nation")
    page.select_option("#gebied", label="Amsterdam")
    page.click("main >> text=Tonen")
    expect(page.locator("h1")).to_contain_text("Amsterdam")
    assert_accessible(page, "monitor-amsterdam")
    page.click("text=Uitloggen")
    page.wait_for_url(lambda url: "/inloggen" in url)

    # A chain coordinator reads the national monitor too; a frontline reporter does not.
    login(page, "coa.coordinator")
    assert page.goto("/monitor/NL").status == 200
    expect(page.locator("h1")).to_contain_text("Nederland")
    page.click("text=Uitloggen")
    page.wait_for_url(lambda url: "/inloggen" in url)
    login(page, "coa.terapel")
    assert page.goto("/monitor/NL").status == 404
