"""The hit/no-hit index: keyed pseudonyms, notices on both sides, the attention list."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib

from django.test import Client
from django.test.utils import override_settings

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.factories import LocationFactory, OrganisationFactory, make_actor
from ketenzicht.accounts.models import Location, OrganisationType, Role, User
from ketenzicht.audit.models import AuditEvent
from ketenzicht.persons.hit_selectors import attention_list, hit_list
from ketenzicht.persons.hit_services import hit_acknowledge
from ketenzicht.persons.models import HitNotice, IndexEntry
from ketenzicht.persons.pseudonyms import normalise_name, pseudonym
from ketenzicht.persons.services import resident_register
from ketenzicht.signals.factories import TEST_CONTEXT, register, signal_input

pytestmark = pytest.mark.django_db

V_NUMBER = "1234567890"


@pytest.fixture
def ter_apel(db: None) -> Location:
    coa = OrganisationFactory(code="coa-hits", type=OrganisationType.COA)
    return LocationFactory(organisation=coa, code="ter-apel-test", name="Ter Apel")


@pytest.fixture
def coa_frontline(ter_apel: Location) -> Actor:
    actor = make_actor(Role.FRONTLINE, ter_apel.organisation, username="coa-fl")
    User.objects.get(pk=actor.user_id).memberships.update(location=ter_apel)
    from ketenzicht.accounts.selectors import actor_for_user

    return actor_for_user(User.objects.get(pk=actor.user_id))


@pytest.fixture
def coa_coordinator(ter_apel: Location) -> Actor:
    return make_actor(Role.COORDINATOR, ter_apel.organisation, username="coa-co")


@pytest.fixture
def ind() -> tuple[Actor, Actor]:
    organisation = OrganisationFactory(code="ind-hits", type=OrganisationType.IND)
    return (
        make_actor(Role.FRONTLINE, organisation, username="ind-fl"),
        make_actor(Role.COORDINATOR, organisation, username="ind-co"),
    )


def _resident(actor: Actor, location: Location, **extra: object) -> object:
    values: dict[str, object] = {
        "given_name": "Senait",
        "family_name": "Tesfay",
        "v_number": V_NUMBER,
        "date_of_birth": dt.date(2001, 5, 4),
        "dob_precision": "exact",
    }
    values.update(extra)
    return resident_register(
        actor=actor,
        context=TEST_CONTEXT,
        location_id=location.pk,
        **values,  # type: ignore[arg-type]
    )


def test_index_holds_keyed_pseudonyms_not_identifiers(
    coa_frontline: Actor, ter_apel: Location, django_capture_on_commit_callbacks: object
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        record = _resident(coa_frontline, ter_apel, phones=["+31612345678"])
    tokens = set(IndexEntry.objects.filter(record=record).values_list("token", flat=True))
    assert len(tokens) == 3  # V-number, phone, name + exact date of birth
    plain = hashlib.sha256(V_NUMBER.encode()).hexdigest()
    for token in tokens:
        assert V_NUMBER not in token and "31612345678" not in token
        assert token not in plain  # not a plain hash either
    with override_settings(INDEX_HMAC_KEY="another-deployment"):
        assert pseudonym("v_number", V_NUMBER) not in tokens


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzéëï -'", min_size=1, max_size=30))
def test_name_normalisation_ignores_case_accents_and_order(name: str) -> None:
    words = name.split()
    assert normalise_name(name) == normalise_name(name.upper())
    assert normalise_name(*reversed(words)) == normalise_name(*words)
    assert normalise_name(name.replace("é", "e").replace("ë", "e").replace("ï", "i")) == (
        normalise_name(name)
    )


def test_two_organisations_get_a_notice_and_never_the_other_content(
    coa_frontline: Actor,
    coa_coordinator: Actor,
    ter_apel: Location,
    ind: tuple[Actor, Actor],
    django_capture_on_commit_callbacks: object,
) -> None:
    ind_frontline, ind_coordinator = ind
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        _resident(coa_frontline, ter_apel)
        signal = register(ind_frontline, distribution="organisation")
    coa_hits = hit_list(actor=coa_coordinator, context=TEST_CONTEXT).items
    ind_hits = hit_list(actor=ind_coordinator, context=TEST_CONTEXT).items
    assert [h.notice.other_organisation_id for h in coa_hits] == [ind_frontline.organisation_id]
    assert [h.notice.other_organisation_id for h in ind_hits] == [coa_frontline.organisation_id]
    assert coa_hits[0].other_signals == [signal.reference]
    assert ind_hits[0].own_signals == [signal.reference]
    assert set(coa_hits[0].notice.matched_on) == {"v_number", "name_dob"}
    # Frontline staff do not receive notices; they see them through the attention list.
    assert hit_list(actor=coa_frontline, context=TEST_CONTEXT).items == []
    # The other side's person record stays invisible to COA.
    other_record = signal.subjects.get().record
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=coa_coordinator.user_id))
    response = client.get(f"/personen/{other_record.pk}")
    assert response.status_code == 404
    page = client.get("/treffers").content.decode()
    assert "Contactpersoon ind-hits" in page
    assert signal.narrative not in page
    assert AuditEvent.objects.filter(action="match").exists()


def test_same_organisation_is_no_hit_and_indexing_is_idempotent(
    ind: tuple[Actor, Actor], django_capture_on_commit_callbacks: object
) -> None:
    ind_frontline, _ = ind
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        register(ind_frontline)
        register(ind_frontline)
    assert not HitNotice.objects.exists()
    from ketenzicht.persons.hit_services import records_index

    ids = list(IndexEntry.objects.values_list("record_id", flat=True).distinct())
    before = IndexEntry.objects.count()
    records_index(record_ids=ids)
    assert IndexEntry.objects.count() == before


def test_placeholder_birth_dates_do_not_match_namesakes(
    coa_frontline: Actor,
    ter_apel: Location,
    ind: tuple[Actor, Actor],
    django_capture_on_commit_callbacks: object,
) -> None:
    ind_frontline, _ = ind
    subject = dataclasses.replace(
        signal_input().subjects[0],
        v_number="",
        phones=(),
        date_of_birth=dt.date(2001, 1, 1),
        dob_precision="placeholder_jan1",
    )
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        _resident(coa_frontline, ter_apel, v_number="", date_of_birth=dt.date(2001, 1, 1))
        register(ind_frontline, subjects=(subject,))
    assert not HitNotice.objects.exists()


def test_acknowledging_is_audited_and_only_for_the_own_organisation(
    coa_frontline: Actor,
    coa_coordinator: Actor,
    ter_apel: Location,
    ind: tuple[Actor, Actor],
    django_capture_on_commit_callbacks: object,
) -> None:
    ind_frontline, ind_coordinator = ind
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        _resident(coa_frontline, ter_apel)
        register(ind_frontline)
    notice = HitNotice.objects.get(organisation_id=coa_coordinator.organisation_id)
    assert hit_acknowledge(actor=ind_coordinator, context=TEST_CONTEXT, notice_id=notice.pk) is None
    hit_acknowledge(actor=coa_coordinator, context=TEST_CONTEXT, notice_id=notice.pk)
    notice.refresh_from_db()
    assert notice.acknowledged_by_id == coa_coordinator.user_id
    assert AuditEvent.objects.filter(action="acknowledge", result="ok").count() == 1
    assert AuditEvent.objects.filter(action="acknowledge", result="denied").count() == 1
    open_hits = hit_list(actor=coa_coordinator, context=TEST_CONTEXT, open_only=True)
    assert open_hits.items == []


def test_attention_list_shows_the_resident_without_narrative(
    coa_frontline: Actor,
    ter_apel: Location,
    ind: tuple[Actor, Actor],
    django_capture_on_commit_callbacks: object,
) -> None:
    ind_frontline, _ = ind
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        resident = _resident(coa_frontline, ter_apel)
        _resident(coa_frontline, ter_apel, given_name="Yonas", v_number="2222222222")
        signal = register(ind_frontline, distribution="chain", legal_basis="avg-6-1-e")
    rows = attention_list(actor=coa_frontline, context=TEST_CONTEXT, location_id=ter_apel.pk)
    assert rows is not None
    assert [r.resident for r in rows] == [resident]
    reasons = rows[0].reasons
    assert rows[0].possible_victim
    signal_reason = next(r for r in reasons if r.kind == "signal")
    assert signal_reason.signal_reference == signal.reference
    assert signal_reason.narrative == "" and signal_reason.signal_id is None
    # The hit with IND adds nothing the signal of IND does not already say.
    assert [r.kind for r in reasons] == ["signal"]


def test_attention_list_shows_narrative_when_shared_by_group(
    coa_frontline: Actor,
    ter_apel: Location,
    ind: tuple[Actor, Actor],
    django_capture_on_commit_callbacks: object,
) -> None:
    from ketenzicht.sharing.models import SharingGroup

    ind_frontline, _ = ind
    group = SharingGroup.objects.create(code="noord", name="Noord")
    group.organisations.add(ter_apel.organisation_id, ind_frontline.organisation_id)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        _resident(coa_frontline, ter_apel)
        signal = register(
            ind_frontline,
            distribution="group",
            sharing_group="noord",
            legal_basis="covenant",
            legal_basis_note="Convenant Noord 2025",
        )
    rows = attention_list(actor=coa_frontline, context=TEST_CONTEXT, location_id=ter_apel.pk)
    assert rows is not None
    reason = next(r for r in rows[0].reasons if r.kind == "signal")
    assert reason.narrative == signal.narrative and reason.signal_id == signal.pk


def test_attention_list_of_another_location_is_not_found(
    coa_frontline: Actor, ter_apel: Location, coa_coordinator: Actor
) -> None:
    elsewhere = LocationFactory(organisation=ter_apel.organisation, code="elders")
    assert (
        attention_list(actor=coa_frontline, context=TEST_CONTEXT, location_id=elsewhere.pk) is None
    )
    # Coordinators see every location of their organisation.
    assert (
        attention_list(actor=coa_coordinator, context=TEST_CONTEXT, location_id=elsewhere.pk) == []
    )
    outsider = make_actor(Role.COORDINATOR)
    assert attention_list(actor=outsider, context=TEST_CONTEXT, location_id=ter_apel.pk) is None


def test_api_hits_and_attention(
    coa_frontline: Actor,
    coa_coordinator: Actor,
    ter_apel: Location,
    ind: tuple[Actor, Actor],
    django_capture_on_commit_callbacks: object,
) -> None:
    ind_frontline, _ = ind
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        _resident(coa_frontline, ter_apel)
        register(ind_frontline, distribution="chain", legal_basis="avg-6-1-e")
    coordinator = Client(HTTP_HOST="127.0.0.1")
    coordinator.force_login(User.objects.get(pk=coa_coordinator.user_id))
    hits = coordinator.get("/api/v1/hits").json()["results"]
    assert hits[0]["otherOrganisation"]["organisation"] == "ind-hits"
    assert "narrative" not in hits[0]
    patched = coordinator.patch(
        f"/api/v1/hits/{hits[0]['id']}", {"acknowledged": True}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["acknowledgedAt"]
    frontline = Client(HTTP_HOST="127.0.0.1")
    frontline.force_login(User.objects.get(pk=coa_frontline.user_id))
    assert frontline.get("/api/v1/hits").json()["results"] == []
    attention = frontline.get("/api/v1/attention").json()
    assert attention["location"] == "ter-apel-test"
    assert attention["results"][0]["resident"]["vNumber"] == V_NUMBER
    assert attention["results"][0]["reasons"][0]["narrative"] == ""
    other = frontline.get("/api/v1/attention?location=nowhere")
    assert other.status_code == 404


def test_one_notice_per_other_organisation_with_all_its_signal_numbers(
    coa_frontline: Actor,
    coa_coordinator: Actor,
    ter_apel: Location,
    ind: tuple[Actor, Actor],
    django_capture_on_commit_callbacks: object,
) -> None:
    ind_frontline, _ = ind
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        _resident(coa_frontline, ter_apel)
        first = register(ind_frontline)
        second = register(ind_frontline)
    [row] = hit_list(actor=coa_coordinator, context=TEST_CONTEXT).items
    assert sorted(row.other_signals) == sorted([first.reference, second.reference])
    assert row.notice.since == min(first.received_at, second.received_at)


def test_reindex_command_after_key_rotation(
    ind: tuple[Actor, Actor], django_capture_on_commit_callbacks: object
) -> None:
    from io import StringIO

    from django.core.management import call_command

    ind_frontline, _ = ind
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        record = register(ind_frontline).subjects.get().record
    old = set(IndexEntry.objects.filter(record=record).values_list("token", flat=True))
    out = StringIO()
    with override_settings(INDEX_HMAC_KEY="rotated", INDEX_KEY_ID="k2"):
        call_command("reindex", stdout=out, stderr=StringIO())
    new = set(IndexEntry.objects.filter(record=record).values_list("token", flat=True))
    assert new and not (old & new)
    assert set(IndexEntry.objects.values_list("key_id", flat=True)) == {"k2"}
    assert "re-indexed" in out.getvalue()


def test_a_restricted_person_stays_out_of_the_index_and_the_attention_list(
    coa_frontline: Actor,
    coa_coordinator: Actor,
    ter_apel: Location,
    ind: tuple[Actor, Actor],
    django_capture_on_commit_callbacks: object,
) -> None:
    ind_frontline, ind_coordinator = ind
    restricted = dataclasses.replace(signal_input().subjects[0], restricted=True)
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        _resident(coa_frontline, ter_apel)
        signal = register(
            ind_frontline, distribution="chain", legal_basis="avg-6-1-e", subjects=(restricted,)
        )
    record = signal.subjects.get().record
    assert not IndexEntry.objects.filter(record=record).exists()
    assert HitNotice.objects.count() == 0
    rows = attention_list(actor=coa_frontline, context=TEST_CONTEXT, location_id=ter_apel.pk)
    assert rows == []
    # The chain still sees the signal, not whom it names, and not that it names a victim.
    from ketenzicht.signals.selectors import signal_get

    seen = signal_get(actor=coa_frontline, context=TEST_CONTEXT, signal_id=signal.pk)
    assert seen is not None and not seen.names_victim and seen.narrative == ""
    full = signal_get(actor=coa_coordinator, context=TEST_CONTEXT, signal_id=signal.pk)
    assert full is not None and list(full.subjects.all()) == []
    own = signal_get(actor=ind_coordinator, context=TEST_CONTEXT, signal_id=signal.pk)
    assert own is not None and [s.record_id for s in own.subjects.all()] == [record.pk]


def test_lifting_and_setting_a_restriction_reindexes(
    coa_frontline: Actor,
    coa_coordinator: Actor,
    ter_apel: Location,
    ind: tuple[Actor, Actor],
    django_capture_on_commit_callbacks: object,
) -> None:
    from ketenzicht.signals.services import signal_update

    ind_frontline, _ = ind
    base = signal_input().subjects[0]
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        _resident(coa_frontline, ter_apel)
        signal = register(ind_frontline, subjects=(dataclasses.replace(base, restricted=True),))
    subject = signal.subjects.get()
    assert HitNotice.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        signal_update(
            actor=ind_frontline,
            context=TEST_CONTEXT,
            signal_id=signal.pk,
            expected_version=signal.version,
            data=signal_input(),
            subject_updates=[(subject.pk, base)],
        )
    assert HitNotice.objects.count() == 2  # one on each side
    revision = signal.revisions.get(version=2)
    assert revision.changes[f"subject{subject.pk}.restricted"] == [True, False]
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        signal_update(
            actor=ind_frontline,
            context=TEST_CONTEXT,
            signal_id=signal.pk,
            expected_version=2,
            data=signal_input(),
            subject_updates=[(subject.pk, dataclasses.replace(base, role="presumed_perpetrator"))],
        )
    assert signal.revisions.get(version=3).changes[f"subject{subject.pk}.role"] == [
        "presumed_victim",
        "presumed_perpetrator",
    ]
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        signal_update(
            actor=ind_frontline,
            context=TEST_CONTEXT,
            signal_id=signal.pk,
            expected_version=3,
            data=signal_input(),
            subject_updates=[(subject.pk, dataclasses.replace(base, restricted=True))],
        )
    # Withdrawn from the index: no new matches; notices already given stay on record.
    assert not IndexEntry.objects.filter(record_id=subject.record_id).exists()


def test_acknowledging_never_redirects_off_site(
    coa_frontline: Actor,
    coa_coordinator: Actor,
    ter_apel: Location,
    ind: tuple[Actor, Actor],
    django_capture_on_commit_callbacks: object,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        _resident(coa_frontline, ter_apel)
        register(ind[0])
    notice = HitNotice.objects.get(organisation_id=coa_coordinator.organisation_id)
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=coa_coordinator.user_id))
    url = f"/treffers/{notice.pk}/afgehandeld"
    away = client.post(url, {"next": "https://evil.example/phish"})
    assert away.status_code == 302 and away["Location"] == "/treffers"
    back = client.post(url, {"next": "/treffers?open=1"})
    assert back["Location"] == "/treffers?open=1"


def test_pages_without_the_capability_record_the_denial(
    coa_frontline: Actor, ter_apel: Location, ind: tuple[Actor, Actor]
) -> None:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=coa_frontline.user_id))
    assert client.get("/treffers").status_code == 404
    assert client.get("/aandacht?locatie=987654").status_code == 404
    assert client.get("/aandacht?locatie=%C2%B2").status_code == 404
    denied = AuditEvent.objects.filter(result="denied", actor="coa-fl")
    assert denied.filter(object_type="hit").count() == 1
    assert denied.filter(object_type="person").count() == 2
    assert client.get("/aandacht").status_code == 200
