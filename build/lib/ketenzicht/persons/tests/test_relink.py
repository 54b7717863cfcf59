"""Re-linking the person records the chain holds into person clusters with the shipped
model: the same person across organisations in one cluster, namesakes apart, identifiers
stable across re-links."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command

import pytest

from ketenzicht.accounts.factories import OrganisationFactory
from ketenzicht.audit.models import AuditEvent
from ketenzicht.persons.linkage_services import persons_relink
from ketenzicht.persons.models import PersonCluster, PersonIdentifier, PersonRecord
from ketenzicht.signals.factories import TEST_CONTEXT

pytestmark = pytest.mark.django_db


def _record(
    org: object, given: str, family: str, born: str, v: str = "", phone: str = ""
) -> PersonRecord:
    record = PersonRecord.objects.create(
        organisation=org,
        given_name=given,
        family_name=family,
        date_of_birth=dt.date.fromisoformat(born),
        dob_precision="exact",
        nationality="SYR",
        v_number=v,
    )
    if phone:
        PersonIdentifier.objects.create(record=record, kind="phone", value=phone)
    return record


def _background(organisations: list) -> None:
    """Other people, so that name frequencies are those of a register, not of six records."""
    from ketenzicht.persons.linkage.generator import generate

    PersonRecord.objects.bulk_create(
        PersonRecord(
            organisation=organisations[i % len(organisations)],
            given_name=r.given_name,
            family_name=r.family_name,
            date_of_birth=dt.date.fromisoformat(r.date_of_birth) if r.date_of_birth else None,
            dob_precision="exact" if r.date_of_birth else "unknown",
        )
        for i, r in enumerate(generate(400, seed=21))
    )


def test_relink_clusters_people_across_organisations_and_keeps_identifiers() -> None:
    coa, ind, police = (OrganisationFactory(code=c) for c in ("coa", "ind", "avim"))
    _background([coa, ind, police])
    yusuf = [
        _record(coa, "Yusuf", "Al-Masri", "1990-06-12", v="1234567890"),
        _record(ind, "Masri", "Joesoef", "1990-06-12", v="1234567890"),
        _record(police, "Youssef", "El Masri", "1990-06-12", phone="+31612345678"),
        _record(coa, "Yusuf", "Masri", "1990-06-12", phone="+31612345678"),
    ]
    namesakes = [
        _record(coa, "Mohammed", "Ali", "1985-03-03", v="2222222222"),
        _record(ind, "Mohammed", "Ali", "1985-03-03", v="3333333333"),
    ]
    result = persons_relink(context=TEST_CONTEXT)
    assert result.records == PersonRecord.objects.count() > 6
    clusters = dict(PersonRecord.objects.values_list("pk", "cluster_id"))
    assert len({clusters[r.pk] for r in yusuf}) == 1
    assert clusters[namesakes[0].pk] != clusters[namesakes[1].pk]
    assert PersonCluster.objects.get(pk=clusters[yusuf[0].pk]).size == 4
    # A re-link, also after an unrelated newcomer arrives, renumbers nobody.
    _record(police, "Senait", "Tesfay", "2001-05-04")
    call_command("relink")
    again = dict(PersonRecord.objects.values_list("pk", "cluster_id"))
    assert {pk: again[pk] for pk in clusters} == clusters
    assert AuditEvent.objects.filter(object_type="person", detail__relink=True).count() == 2


def test_a_relink_that_separates_two_records_withdraws_notices_on_both_sides() -> None:
    from ketenzicht.persons.models import HitNotice, MatchReview, ReviewStatus
    from ketenzicht.persons.services import records_index

    coa, ind = OrganisationFactory(code="coa"), OrganisationFactory(code="ind")
    one = _record(coa, "Yusuf", "Al-Masri", "1990-06-12", v="1234567890")
    two = _record(ind, "Youssef", "Masri", "1990-06-12", v="1234567890")
    records_index(record_ids=[one.pk, two.pk], context=TEST_CONTEXT)
    assert HitNotice.objects.count() == 2
    # A decision recorded elsewhere (e.g. by an earlier split) that only a re-link applies.
    left, right = sorted([one.pk, two.pk])
    MatchReview.objects.create(
        left_id=left, right_id=right, probability=0, weight=0, status=ReviewStatus.REJECTED
    )
    persons_relink(context=TEST_CONTEXT)
    clusters = dict(PersonRecord.objects.values_list("pk", "cluster_id"))
    assert clusters[one.pk] != clusters[two.pk]
    assert not HitNotice.objects.exists()
