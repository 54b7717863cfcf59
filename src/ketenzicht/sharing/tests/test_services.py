"""Sharing decisions: defaults, legal basis, groups, referral grants, administration."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

import pytest

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.factories import OrganisationFactory, make_actor
from ketenzicht.accounts.models import Role, User
from ketenzicht.audit.chain import object_ref
from ketenzicht.audit.models import AuditEvent
from ketenzicht.sharing.models import Disclosure, Distribution, SharingGroup
from ketenzicht.sharing.selectors import sharing_health
from ketenzicht.sharing.services import (
    SharingRequest,
    access_grant,
    access_revoke,
    organisation_settings_save,
    sharing_group_save,
    signal_share,
)
from ketenzicht.signals.factories import TEST_CONTEXT, register, signal_input
from ketenzicht.signals.selectors import signal_get
from ketenzicht.signals.services import signal_register, signal_update

pytestmark = pytest.mark.django_db


def _client(actor: Actor) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=actor.user_id))
    client.cookies["django_language"] = "nl"
    return client


def test_defaults_soft_goes_to_the_chain_hard_stays_home() -> None:
    reporter = make_actor(Role.FRONTLINE)
    soft = register(reporter, distribution="", kind="soft")
    hard = register(reporter, distribution="", kind="hard")
    assert soft.distribution == Distribution.CHAIN
    assert soft.legal_basis is not None and soft.legal_basis.code == "avg-6-1-e"
    assert hard.distribution == Distribution.ORGANISATION and hard.legal_basis is None
    assert Disclosure.objects.filter(signal=soft).count() == 1
    assert not Disclosure.objects.filter(signal=hard).exists()


def test_sharing_without_legal_basis_is_blocked_and_nothing_saved() -> None:
    organisation = OrganisationFactory(default_legal_basis="")
    reporter = make_actor(Role.FRONTLINE, organisation)
    with pytest.raises(ValidationError) as error:
        signal_register(
            actor=reporter, context=TEST_CONTEXT, data=signal_input(distribution="chain")
        )
    assert "legal_basis" in error.value.message_dict
    assert "legal basis" in error.value.message_dict["legal_basis"][0]
    assert not organisation.signals.exists()
    # Keeping it in the organisation needs no basis.
    register(reporter, distribution="organisation")


def test_consent_needs_its_scope_and_groups_need_membership() -> None:
    reporter = make_actor(Role.FRONTLINE)
    with pytest.raises(ValidationError) as error:
        register(reporter, distribution="chain", legal_basis="consent")
    assert "legal_basis_note" in error.value.message_dict
    SharingGroup.objects.create(code="elders", name="Elders")
    with pytest.raises(ValidationError) as error:
        register(reporter, distribution="group", sharing_group="elders")
    assert "sharing_group" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        register(reporter, distribution="chain", legal_basis="nonsense")
    assert "legal_basis" in error.value.message_dict


def test_restricting_takes_effect_on_the_next_read_and_is_recorded() -> None:
    reporter = make_actor(Role.FRONTLINE)
    partner = make_actor(Role.INVESTIGATOR)
    signal = register(reporter, distribution="chain", legal_basis="avg-6-1-e")
    assert signal_get(actor=partner, context=TEST_CONTEXT, signal_id=signal.pk) is not None
    signal_share(
        actor=reporter,
        context=TEST_CONTEXT,
        signal_id=signal.pk,
        request=SharingRequest(distribution="organisation", handling_codes=("not_in_court",)),
        expected_version=signal.version,
    )
    assert signal_get(actor=partner, context=TEST_CONTEXT, signal_id=signal.pk) is None
    signal.refresh_from_db()
    assert signal.version == 2 and signal.handling_codes == ["not_in_court"]
    assert signal.revisions.get().changes["distribution"] == ["chain", "organisation"]
    assert list(signal.disclosures.values_list("distribution", flat=True)) == [
        "organisation",
        "chain",
    ]
    assert AuditEvent.objects.filter(action="share").count() == 1
    with pytest.raises(ValidationError):  # stale version
        signal_share(
            actor=reporter,
            context=TEST_CONTEXT,
            signal_id=signal.pk,
            request=SharingRequest(distribution="chain"),
            expected_version=1,
        )


def test_only_the_reporting_organisation_decides() -> None:
    reporter = make_actor(Role.FRONTLINE)
    colleague_elsewhere = make_actor(Role.COORDINATOR)
    signal = register(reporter, distribution="chain", legal_basis="avg-6-1-e")
    for attempt in (
        lambda: signal_share(
            actor=colleague_elsewhere,
            context=TEST_CONTEXT,
            signal_id=signal.pk,
            request=SharingRequest(distribution="organisation"),
        ),
        lambda: access_grant(
            actor=colleague_elsewhere,
            context=TEST_CONTEXT,
            signal_id=signal.pk,
            organisation_id=colleague_elsewhere.organisation_id or 0,
            legal_basis="avg-6-1-e",
        ),
        lambda: access_revoke(
            actor=colleague_elsewhere,
            context=TEST_CONTEXT,
            signal_id=signal.pk,
            organisation_id=colleague_elsewhere.organisation_id or 0,
        ),
        lambda: signal_update(
            actor=colleague_elsewhere,
            context=TEST_CONTEXT,
            signal_id=signal.pk,
            expected_version=signal.version,
            data=signal_input(narrative="Overschreven."),
        ),
    ):
        with pytest.raises(type(signal).DoesNotExist):
            attempt()
    # Each refusal is on record, although the service raised.
    denied = AuditEvent.objects.filter(
        actor=colleague_elsewhere.username,
        result="denied",
        object_ref=object_ref("signal", signal.pk),
    )
    assert sorted(denied.values_list("action", flat=True)) == ["grant", "revoke", "share", "update"]
    signal.refresh_from_db()
    assert signal.version == 1 and signal.distribution == "chain"
    # The coordinator reads the chain signal in full, but its edit and share pages answer as
    # if it did not exist, and the trail says "denied", not "viewed".
    client = _client(colleague_elsewhere)
    unknown = client.get("/signalen/00000000-0000-4000-8000-000000000000/bewerken")
    for page in ("bewerken", "delen"):
        response = client.get(f"/signalen/{signal.pk}/{page}")
        assert response.status_code == unknown.status_code == 404
    views = AuditEvent.objects.filter(
        actor=colleague_elsewhere.username,
        action="view",
        object_ref=object_ref("signal", signal.pk),
    )
    assert set(views.values_list("result", flat=True)) == {"denied"}


def test_referral_grant_and_revocation() -> None:
    reporter = make_actor(Role.FRONTLINE)
    police = make_actor(Role.INVESTIGATOR)
    signal = register(reporter, kind="hard", distribution="")
    assert signal_get(actor=police, context=TEST_CONTEXT, signal_id=signal.pk) is None
    with pytest.raises(ValidationError):
        access_grant(
            actor=reporter,
            context=TEST_CONTEXT,
            signal_id=signal.pk,
            organisation_id=police.organisation_id or 0,
            legal_basis="",
        )
    access_grant(
        actor=reporter,
        context=TEST_CONTEXT,
        signal_id=signal.pk,
        organisation_id=police.organisation_id or 0,
        legal_basis="avg-10",
    )
    seen = signal_get(actor=police, context=TEST_CONTEXT, signal_id=signal.pk)
    assert seen is not None and seen.narrative
    assert Disclosure.objects.get(signal=signal).organisation_id == police.organisation_id
    access_revoke(
        actor=reporter,
        context=TEST_CONTEXT,
        signal_id=signal.pk,
        organisation_id=police.organisation_id or 0,
    )
    assert signal_get(actor=police, context=TEST_CONTEXT, signal_id=signal.pk) is None


def test_group_membership_changes_act_immediately() -> None:
    admin = make_actor(Role.ADMINISTRATOR)
    reporter = make_actor(Role.FRONTLINE)
    member = make_actor(Role.FRONTLINE)
    with pytest.raises(ValidationError):
        sharing_group_save(
            actor=admin,
            context=TEST_CONTEXT,
            code="noord",
            name="Noord",
            organisation_ids=[reporter.organisation_id or 0],
        )
    group = sharing_group_save(
        actor=admin,
        context=TEST_CONTEXT,
        code="noord",
        name="Noord",
        organisation_ids=[reporter.organisation_id or 0, member.organisation_id or 0],
    )
    signal = register(reporter, distribution="group", sharing_group="noord")
    assert signal_get(actor=member, context=TEST_CONTEXT, signal_id=signal.pk) is not None
    sharing_group_save(
        actor=admin,
        context=TEST_CONTEXT,
        code="noord",
        name="Noord",
        organisation_ids=[reporter.organisation_id or 0, make_actor().organisation_id or 0],
        group_id=group.pk,
    )
    assert signal_get(actor=member, context=TEST_CONTEXT, signal_id=signal.pk) is None
    with pytest.raises(PermissionDenied):
        sharing_group_save(
            actor=reporter, context=TEST_CONTEXT, code="x", name="x", organisation_ids=[]
        )


def test_organisation_default_basis_is_used_and_changeable() -> None:
    admin = make_actor(Role.ADMINISTRATOR)
    organisation = OrganisationFactory(default_legal_basis="")
    reporter = make_actor(Role.FRONTLINE, organisation)
    with pytest.raises(ValidationError):
        register(reporter, distribution="chain")
    organisation_settings_save(
        actor=admin,
        context=TEST_CONTEXT,
        organisation_id=organisation.pk,
        legal_basis="wpg-20",
        contact_name="Team mensenhandel",
        contact_email="mh@example.org",
    )
    signal = register(reporter, distribution="chain")
    assert signal.legal_basis is not None and signal.legal_basis.code == "wpg-20"
    with pytest.raises(ValidationError):
        organisation_settings_save(
            actor=admin,
            context=TEST_CONTEXT,
            organisation_id=organisation.pk,
            legal_basis="consent",
        )


def test_sharing_health_counts_soft_signals_shared_beyond_the_reporter() -> None:
    reporter = make_actor(Role.FRONTLINE)
    register(reporter, distribution="chain", legal_basis="avg-6-1-e")
    register(reporter, distribution="organisation")
    register(reporter, distribution="organisation", kind="hard")
    monitor = make_actor(Role.NATIONAL_MONITOR)
    health = sharing_health(actor=monitor, context=TEST_CONTEXT)
    assert health is not None
    [row] = health.rows
    assert (row.total.soft, row.total.shared, row.total.percent) == (2, 1, 50)
    assert sharing_health(actor=make_actor(Role.MUNICIPAL_ANALYST), context=TEST_CONTEXT) is None
    assert sharing_health(actor=reporter, context=TEST_CONTEXT) is None
    # The monitor may not read signals: on the page the 1 of 2 is "<10" (ADR 0025).
    page = _client(monitor).get("/delen/gezondheid")
    assert page.status_code == 200 and "50%" not in page.content.decode()
    assert _client(reporter).get("/delen/gezondheid").status_code == 404


def test_share_page_and_api_patch() -> None:
    reporter = make_actor(Role.FRONTLINE)
    signal = register(reporter, distribution="organisation")
    client = _client(reporter)
    assert client.get(f"/signalen/{signal.pk}/delen").status_code == 200
    response = client.post(
        f"/signalen/{signal.pk}/delen",
        {"distribution": "chain", "legal_basis": "consent", "version": signal.version},
    )
    assert response.status_code == 400
    assert "Deze grondslag vraagt een toelichting" in response.content.decode()
    response = client.post(
        f"/signalen/{signal.pk}/delen",
        {
            "distribution": "chain",
            "legal_basis": "consent",
            "legal_basis_note": "Toestemming 3-3-2026, alleen voor hulpverlening",
            "handling_codes": ["no_onward_sharing"],
            "version": signal.version,
        },
    )
    assert response.status_code == 302
    detail = client.get(f"/signalen/{signal.pk}").content.decode()
    assert "Niet verder delen zonder toestemming" in detail
    api = client.patch(
        f"/api/v1/signals/{signal.pk}",
        {"distribution": "chain", "legalBasis": "nonsense"},
        content_type="application/json",
    )
    assert api.status_code == 400 and api["Content-Type"] == "application/problem+json"
    assert api.json()["invalidParams"][0]["name"] == "legalBasis"
    api = client.patch(
        f"/api/v1/signals/{signal.pk}",
        {"distribution": "organisation", "version": 1},
        content_type="application/json",
    )
    assert api.status_code == 409
    api = client.patch(
        f"/api/v1/signals/{signal.pk}",
        {"distribution": "organisation"},
        content_type="application/json",
    )
    assert api.status_code == 200 and api.json()["distribution"] == "organisation"
    outsider = _client(make_actor(Role.INVESTIGATOR))
    denied = outsider.patch(
        f"/api/v1/signals/{signal.pk}",
        {"distribution": "chain"},
        content_type="application/json",
    )
    assert denied.status_code == 404


def test_administration_pages() -> None:
    admin = _client(make_actor(Role.ADMINISTRATOR))
    first, second = OrganisationFactory(), OrganisationFactory()
    assert admin.get("/delen/groepen").status_code == 200
    response = admin.post(
        "/delen/groepen/nieuw",
        {"name": "Regio Oost", "code": "oost", "organisations": [first.pk]},
    )
    assert response.status_code == 400
    response = admin.post(
        "/delen/groepen/nieuw",
        {"name": "Regio Oost", "code": "oost", "organisations": [first.pk, second.pk]},
    )
    assert response.status_code == 302
    assert set(SharingGroup.objects.get(code="oost").organisations.all()) == {first, second}
    assert admin.get(f"/delen/organisaties/{first.pk}").status_code == 200
    response = admin.post(
        f"/delen/organisaties/{first.pk}",
        {"legal_basis": "wgs", "contact_name": "Loket", "contact_email": "loket@example.org"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.contact_name == "Loket" and first.sharing_defaults.legal_basis.code == "wgs"
    frontline = _client(make_actor(Role.FRONTLINE))
    assert frontline.get("/delen/groepen").status_code == 404
