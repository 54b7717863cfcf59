"""Link decisions on intake are audited under every record concerned: which records joined
a person cluster, which clusters merged, which records were split apart."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from ketenzicht.accounts.factories import OrganisationFactory, make_actor
from ketenzicht.accounts.models import Role
from ketenzicht.audit.chain import object_ref
from ketenzicht.audit.models import AuditEvent
from ketenzicht.persons.hit_services import records_index
from ketenzicht.persons.models import PersonCluster, PersonIdentifier, PersonRecord
from ketenzicht.privacy.subject_access import subject_access_report
from ketenzicht.signals.factories import TEST_CONTEXT

pytestmark = pytest.mark.django_db

V_NUMBER = "2345678901"
PHONE = "+31612345678"


def _record(org: Any, *, v: str = "", phone: str = "", given: str = "Yonas") -> PersonRecord:
    record = PersonRecord.objects.create(
        organisation=org,
        given_name=given,
        family_name="Tesfay Gebremedhin",
        date_of_birth=dt.date(1996, 7, 14),
        dob_precision="exact",
        nationality="ERI",
        sex="male",
        v_number=v,
    )
    if phone:
        PersonIdentifier.objects.create(record=record, kind="phone", value=phone)
    records_index(record_ids=[record.pk], context=TEST_CONTEXT)
    record.refresh_from_db()
    return record


def _events(record: PersonRecord, action: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            object_type="person", object_ref=object_ref("person", str(record.pk)), action=action
        ).order_by("id")
    )


def ref(record: PersonRecord) -> str:
    return object_ref("person", str(record.pk))


def test_two_records_of_one_person_are_audited_with_both_records_and_their_cluster() -> None:
    coa, police = OrganisationFactory(code="coa"), OrganisationFactory(code="avim")
    first = _record(coa, v=V_NUMBER)
    assert _events(first, "match") == []  # alone: nothing was linked
    second = _record(police, v=V_NUMBER)
    assert first.cluster_id is not None
    assert PersonRecord.objects.get(pk=first.pk).cluster_id == second.cluster_id
    (event,) = _events(second, "match")
    assert event.actor_id is None  # the system, not a user
    assert event.purpose == "victim_protection"
    assert event.detail["cluster"] == second.cluster_id
    assert set(event.detail["records"]) == {ref(first), ref(second)}
    # The record that was joined is audited too: its data subject's export finds it.
    (joined,) = _events(first, "match")
    assert set(joined.detail["records"]) == {ref(first), ref(second)}
    # The data subject's access export lists the link under the record.
    officer = make_actor(Role.PRIVACY_OFFICER, coa)
    report = subject_access_report(
        actor=officer, context=TEST_CONTEXT, person_id=first.pk, fmt="json"
    )
    assert report is not None
    assert any(c["action"] == "match" and c["about"] == "person" for c in report["consultations"])
    # Indexing again changes nothing and audits nothing.
    records_index(record_ids=[first.pk, second.pk], context=TEST_CONTEXT)
    assert len(_events(second, "match")) == 1


def test_a_record_that_merges_two_clusters_names_both_former_clusters() -> None:
    coa, police, kmar = (OrganisationFactory(code=c) for c in ("coa", "avim", "kmar"))
    by_v_number = _record(coa, v=V_NUMBER)
    by_phone = _record(police, phone=PHONE)
    # Kept apart until now (as a batch re-link might have left them).
    PersonCluster.objects.bulk_create([PersonCluster(pk=7001), PersonCluster(pk=7002)])
    PersonRecord.objects.filter(pk=by_v_number.pk).update(cluster_id=7001)
    PersonRecord.objects.filter(pk=by_phone.pk).update(cluster_id=7002)
    PersonCluster.objects.exclude(pk__in=[7001, 7002]).delete()

    both = _record(kmar, v=V_NUMBER, phone=PHONE)

    assert {r.cluster_id for r in PersonRecord.objects.all()} == {both.cluster_id}
    (event,) = _events(both, "match")
    assert {7001, 7002} <= set(event.detail["former_clusters"])
    assert set(event.detail["records"]) == {ref(by_v_number), ref(by_phone), ref(both)}
    for record in (by_v_number, by_phone):
        merged = _events(record, "match")[-1]
        assert set(merged.detail["former_clusters"]) == {7001, 7002}


def test_a_record_changed_so_it_no_longer_links_is_audited_as_split() -> None:
    coa, police = OrganisationFactory(code="coa"), OrganisationFactory(code="avim")
    first = _record(coa, v=V_NUMBER)
    second = _record(police, v=V_NUMBER)
    assert PersonRecord.objects.get(pk=first.pk).cluster_id == second.cluster_id
    second.given_name, second.family_name, second.v_number = "Senait", "Haile", "9876543210"
    second.date_of_birth = dt.date(2001, 5, 4)
    second.save()
    records_index(record_ids=[second.pk], context=TEST_CONTEXT)
    assert PersonRecord.objects.get(pk=first.pk).cluster_id != (
        PersonRecord.objects.get(pk=second.pk).cluster_id
    )
    (split,) = _events(second, "split")
    assert split.detail["separated_from"] == [ref(first)]
    (left,) = _events(first, "split")
    assert left.detail["separated_from"] == [ref(second)]
