"""The municipal self-assessment: answered once a year by the municipality's analyst,
national figures in the shape of the WODC survey, and blind spots that use only what the
monitor publishes."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

import pytest

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.factories import OrganisationFactory, make_actor
from ketenzicht.accounts.models import OrganisationType, Role, User
from ketenzicht.audit.models import AuditEvent, ObjectType, Result
from ketenzicht.geo.models import Municipality
from ketenzicht.monitor.assessment import self_assessment_figures, self_assessment_save
from ketenzicht.monitor.models import SelfAssessment
from ketenzicht.monitor.services import monitor_rebuild
from ketenzicht.signals.factories import TEST_CONTEXT, register

from .test_monitor import NEXT_QUARTER

pytestmark = pytest.mark.django_db

ANSWERS = {
    "insight_presence": "0",
    "insight_scale": "0",
    "met_recently": "1",
    "priority": "2",
    "policy_adopted": "0",
    "signal_point": "1",
    "care_coordinator": "0",
}


def _analyst(code: str, username: str) -> Actor:
    organisation = OrganisationFactory(
        code=f"gm-{code.lower()}",
        type=OrganisationType.MUNICIPALITY,
        municipality_id=Municipality.objects.get(code=code).code,
    )
    return make_actor(Role.MUNICIPAL_ANALYST, organisation, username=username)


def _client(actor: Actor) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=actor.user_id))
    client.cookies["django_language"] = "nl"
    return client


def _events(result: str = Result.OK) -> list[str]:
    events = AuditEvent.objects.filter(object_type=ObjectType.SELF_ASSESSMENT, result=result)
    return [e.action for e in events.order_by("id")]


def test_an_analyst_answers_for_their_municipality_and_may_change_the_answers() -> None:
    analyst = _analyst("GM1950", "analist-ww")
    client = _client(analyst)
    page = client.get("/monitor/self-assessment").content.decode()
    assert "Zelfevaluatie" in page and "Westerwolde" in page
    response = client.post("/monitor/self-assessment", ANSWERS)
    assert response.status_code == 302 and response["Location"] == "/monitor/GM1950"
    saved = SelfAssessment.objects.get(municipality_id="GM1950")
    assert not saved.insight_presence and saved.met_recently and saved.priority == 2
    assert saved.answered_by_id == analyst.user_id
    # Answering again in the same year replaces the answers: still one per year.
    client.post("/monitor/self-assessment", ANSWERS | {"priority": "4", "insight_presence": "1"})
    saved = SelfAssessment.objects.get(municipality_id="GM1950")
    assert saved.priority == 4 and saved.insight_presence
    assert [a for a in _events() if a != "view"] == ["create", "update"]
    # The form shows the saved answers.
    page = client.get("/monitor/self-assessment").content.decode()
    assert 'name="priority" value="4" id="id_priority_3" class="utrecht-radio-button' in page
    assert page.count("checked") == 7


def test_missing_or_impossible_answers_are_refused_field_by_field_and_nothing_is_saved() -> None:
    analyst = _analyst("GM1950", "analist-ww2")
    client = _client(analyst)
    response = client.post(
        "/monitor/self-assessment", ANSWERS | {"priority": "7", "met_recently": ""}
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "niets opgeslagen" in page and "Beantwoord met ja of nee." in page
    assert "Selecteer een geldige keuze" in page  # the priority of 7
    assert not SelfAssessment.objects.exists()
    # The service refuses the same without the form, and keeps the refusal on record.
    with pytest.raises(ValidationError) as refused:
        self_assessment_save(
            actor=analyst,
            context=TEST_CONTEXT,
            answers={name: value == "1" for name, value in ANSWERS.items()} | {"priority": 7},
        )
    assert "priority" in refused.value.message_dict
    assert not SelfAssessment.objects.exists()
    assert _events(Result.INVALID) == ["update"]


def test_only_a_municipal_analyst_answers_and_only_for_their_own_municipality() -> None:
    frontline = make_actor(Role.FRONTLINE, OrganisationFactory(code="coa-sa"), username="fl-sa")
    rapporteur = make_actor(
        Role.NATIONAL_MONITOR, OrganisationFactory(code="nrm-sa"), username="r-sa"
    )
    for actor in (frontline, rapporteur):
        assert _client(actor).get("/monitor/self-assessment").status_code == 404
        assert _client(actor).post("/monitor/self-assessment", ANSWERS).status_code == 404
        with pytest.raises(PermissionDenied):
            self_assessment_save(actor=actor, context=TEST_CONTEXT, answers={})
    assert not SelfAssessment.objects.exists()
    # Each refusal on record: the form asked for (twice: shown and posted), the write.
    assert _events(Result.DENIED) == ["view", "view", "update"] * 2
    # An analyst cannot read another municipality's answers or the national figures.
    _client(_analyst("GM0014", "analist-gr")).post("/monitor/self-assessment", ANSWERS)
    other = _analyst("GM1950", "analist-ww3")
    assert self_assessment_figures(actor=other, context=TEST_CONTEXT) is None
    page = _client(other).get("/monitor/self-assessment").content.decode()
    assert "checked" not in page


def test_national_figures_and_blind_spots_from_what_is_published(reporter: Actor) -> None:
    # Westerwolde: twelve signals; Groningen: two. Both answer "no insight into presence";
    # Amsterdam answers "yes".
    for _ in range(12):
        register(reporter, municipality_code="GM1950")
    for _ in range(2):
        register(reporter, municipality_code="GM0014")
    monitor_rebuild(context=TEST_CONTEXT, today=NEXT_QUARTER)
    for code, username, answers in (
        ("GM1950", "a1", ANSWERS),
        ("GM0014", "a2", ANSWERS | {"priority": "5"}),
        ("GM0363", "a3", ANSWERS | {"insight_presence": "1", "priority": "4"}),
    ):
        assert (
            _client(_analyst(code, username)).post("/monitor/self-assessment", answers).status_code
            == 302
        )
    rapporteur = make_actor(
        Role.NATIONAL_MONITOR, OrganisationFactory(code="nrm-f"), username="r-f"
    )
    figures = self_assessment_figures(actor=rapporteur, context=TEST_CONTEXT)
    assert figures is not None
    assert figures.answered == 3 and figures.municipalities == 342
    presence = next(q for q in figures.questions if q.name == "insight_presence")
    assert (presence.yes, presence.no, presence.percent_no) == (1, 2, 67)
    assert figures.priority == [0, 1, 0, 1, 1] and figures.percent_high_priority == 67
    # Westerwolde's twelve are published (or hidden as "x", ten or more); Groningen's two
    # are "<10" and must not be given away by the indicator.
    assert figures.blind_spots == [("GM1950", "Westerwolde")]
    html = _client(rapporteur).get("/monitor/NL").content.decode()
    assert "Zelfevaluatie van gemeenten" in html and "3 van 342 gemeenten" in html
    assert 'href="/monitor/GM1950">Westerwolde</a></li>' in html
    # The municipality sees its own status, and the blind spot, on its dashboard.
    page = _client(_analyst("GM1950", "a4")).get("/monitor/GM1950").content.decode()
    assert "geen zicht" in page and "ten minste tien signalen" in page
    page = _client(_analyst("GM0014", "a5")).get("/monitor/GM0014").content.decode()
    assert "ten minste tien signalen" not in page
