"""Online linkage on intake: records join person clusters as they are indexed, the index
and its notices follow the clusters, uncertain pairs wait for a reviewer, and the online
result agrees with a batch re-link."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from ketenzicht.accounts.factories import OrganisationFactory
from ketenzicht.persons.hit_services import records_index
from ketenzicht.persons.intake_linking import prior_weight, scorer
from ketenzicht.persons.linkage import normalise
from ketenzicht.persons.linkage.evaluate import pairwise
from ketenzicht.persons.linkage.generator import ORGANISATIONS, generate
from ketenzicht.persons.models import (
    HitNotice,
    MatchReview,
    PersonIdentifier,
    PersonRecord,
    RecordFeatures,
    ReviewStatus,
)
from ketenzicht.persons.relink_services import persons_relink
from ketenzicht.persons.same_person import matcher
from ketenzicht.persons.tests.counting import distinct_persons
from ketenzicht.signals.factories import TEST_CONTEXT

pytestmark = pytest.mark.django_db


def _record(
    org: object,
    given: str,
    family: str,
    born: str = "",
    *,
    v: str = "",
    phone: str = "",
    nationality: str = "ERI",
    sex: str = "male",
    precision: str = "exact",
) -> PersonRecord:
    record = PersonRecord.objects.create(
        organisation=org,
        given_name=given,
        family_name=family,
        date_of_birth=dt.date.fromisoformat(born) if born else None,
        dob_precision=precision if born else "unknown",
        nationality=nationality,
        sex=sex,
        v_number=v,
    )
    if phone:
        PersonIdentifier.objects.create(record=record, kind="phone", value=phone)
    records_index(record_ids=[record.pk], context=TEST_CONTEXT)
    record.refresh_from_db()
    return record


def test_spellings_of_one_person_link_on_intake_and_raise_a_notice() -> None:
    coa, police = OrganisationFactory(code="coa"), OrganisationFactory(code="avim")
    first = _record(coa, "Mohammed", "Abdelkader Osman", "1994-03-17")
    # No shared V-number, phone or exact name: only the comparison finds this one.
    second = _record(police, "Muhammad", "Abdulkadir Usman", "1994-03-17")
    assert first.cluster_id == second.cluster_id is not None
    notice = HitNotice.objects.get(record=first, other_organisation=police)
    assert notice.matched_on == ["linked"]
    assert matcher().linked_records([first.pk])[first.pk] == {first.pk, second.pk}
    assert RecordFeatures.objects.get(record=second).name_key is not None
    # Figures count people, not records: two records, one person; a third stands alone.
    third = _record(police, "Senait", "Tesfay", "2001-05-04", sex="female")
    everyone = PersonRecord.objects.filter(pk__in=[first.pk, second.pk, third.pk])
    assert distinct_persons(everyone) == 2
    PersonRecord.objects.filter(pk=third.pk).update(cluster=None)  # withheld from linkage
    assert distinct_persons(everyone) == 2


def test_a_household_sharing_a_phone_is_no_hit() -> None:
    coa, ind = OrganisationFactory(code="coa"), OrganisationFactory(code="ind")
    mother = _record(coa, "Senait", "Tesfay", "1980-02-11", phone="+31612345678", sex="female")
    son = _record(ind, "Daniel", "Haile", "2009-09-30", phone="+31612345678")
    assert mother.cluster_id != son.cluster_id
    assert not HitNotice.objects.exists()


def test_namesakes_with_other_v_numbers_stay_apart() -> None:
    coa, ind = OrganisationFactory(code="coa"), OrganisationFactory(code="ind")
    one = _record(
        coa, "Mohammed", "Ali", "1990-01-01", v="1111111111", precision="placeholder_jan1"
    )
    two = _record(
        ind, "Mohammed", "Ali", "1990-01-01", v="2222222222", precision="placeholder_jan1"
    )
    assert one.cluster_id != two.cluster_id


def test_an_uncertain_pair_waits_for_review_with_its_waterfall() -> None:
    coa, ind = OrganisationFactory(code="coa"), OrganisationFactory(code="ind")
    # Same uncommon name, only the birth year in common: the model is unsure.
    one = _record(coa, "Tesfamariam", "Gebremedhin", "1996-01-01", precision="placeholder_jan1")
    two = _record(ind, "Tesfamariam", "Gebremedhin", "1996-07-23", nationality="")
    review = MatchReview.objects.get()
    assert {review.left_id, review.right_id} == {one.pk, two.pk}
    assert review.status == ReviewStatus.PENDING
    assert 0.5 <= review.probability < 0.95
    assert one.cluster_id != two.cluster_id
    assert not HitNotice.objects.exists()
    # The waterfall adds up: prior plus the steps is the pair's weight.
    assert review.prior == pytest.approx(prior_weight(scorer().model))
    assert review.prior + sum(w for _c, _l, w in review.steps) == pytest.approx(review.weight)
    assert {c for c, _l, _w in review.steps} >= {"name", "date_of_birth", "v_number"}
    # Indexing again does not queue the pair twice.
    records_index(record_ids=[one.pk, two.pk], context=TEST_CONTEXT)
    assert MatchReview.objects.count() == 1


def test_a_changed_record_links_anew() -> None:
    coa, ind = OrganisationFactory(code="coa"), OrganisationFactory(code="ind")
    one = _record(coa, "Yusuf", "Al-Masri", "1990-06-12", v="1234567890")
    two = _record(ind, "Samir", "Haddad", "1971-11-02", v="9999999999")
    assert one.cluster_id != two.cluster_id
    # The IND corrects its registration: it was the same man all along.
    two.given_name, two.family_name, two.v_number = "Youssef", "Masri", "1234567890"
    two.date_of_birth = dt.date(1990, 6, 12)
    two.save()  # sealed fields are written through their row (ADR 0021)
    records_index(record_ids=[two.pk], context=TEST_CONTEXT)
    two.refresh_from_db()
    assert two.cluster_id == one.cluster_id
    assert HitNotice.objects.filter(record=one, other_organisation=ind).exists()


def test_online_linking_agrees_with_a_batch_relink() -> None:
    organisations = {code: OrganisationFactory(code=code) for code in ORGANISATIONS}
    generated = generate(70, seed=5)
    person_of: dict[str, int] = {}
    for r in generated:
        record = PersonRecord.objects.create(
            organisation=organisations[r.source_org],
            given_name=r.given_name,
            family_name=r.family_name,
            date_of_birth=dt.date.fromisoformat(r.date_of_birth) if r.date_of_birth else None,
            dob_precision="exact" if r.date_of_birth else "unknown",
            nationality=normalise.nationality(r.nationality) or "",
            sex={"M": "male", "F": "female"}.get(r.sex, "unknown"),
            v_number=normalise.v_number(r.v_number),
        )
        if r.phone:
            PersonIdentifier.objects.create(
                record=record, kind="phone", value=normalise.phone_e164(r.phone) or r.phone
            )
        person_of[str(record.pk)] = r.person_id
    records = list(PersonRecord.objects.order_by("created_at"))
    for record in records:
        records_index(record_ids=[record.pk], context=TEST_CONTEXT)
    online = {str(pk): c for pk, c in PersonRecord.objects.values_list("pk", "cluster_id")}
    persons_relink(context=TEST_CONTEXT)
    batch = {str(pk): c for pk, c in PersonRecord.objects.values_list("pk", "cluster_id")}
    agreement = pairwise(online, batch)
    assert agreement.f1 >= 0.97, dataclasses.asdict(agreement)
    assert pairwise(online, person_of).precision >= 0.95


def test_an_intake_of_many_new_people_makes_their_clusters_in_a_few_statements(
    django_assert_max_num_queries: object,
) -> None:
    """A bulk intake (the demo, an import) of thousands of records used to cost several
    statements per new cluster; new clusters are now made in bulk."""
    from ketenzicht.persons.models import PersonCluster

    coa = OrganisationFactory(code="coa-bulk")
    given = ["Amanuel", "Berhane", "Dawit", "Elias", "Filmon", "Goitom", "Habtom", "Isaias"]
    family = ["Tekle", "Gebre", "Haile", "Kidane", "Mehari", "Negash", "Russom", "Sium"]
    records = [
        PersonRecord.objects.create(
            organisation=coa,
            given_name=g,
            family_name=f,
            date_of_birth=dt.date(1980 + i, 1 + j, 1 + i + j),
            dob_precision="exact",
            nationality="ERI",
            sex="male",
        )
        for i, g in enumerate(given)
        for j, f in enumerate(family)
    ]
    with django_assert_max_num_queries(60):  # type: ignore[operator]
        records_index(record_ids=[r.pk for r in records], context=TEST_CONTEXT)
    clusters = dict(
        PersonRecord.objects.filter(pk__in=[r.pk for r in records]).values_list("pk", "cluster_id")
    )
    assert None not in clusters.values()
    # Different people: one cluster each, of size one, with identifiers of their own.
    assert len(set(clusters.values())) == len(records) == 64
    sizes = PersonCluster.objects.filter(pk__in=clusters.values()).values_list("size", flat=True)
    assert set(sizes) == {1}
