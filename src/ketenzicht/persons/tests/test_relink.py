"""Re-linking the person records the chain holds into person clusters with the shipped
model: the same person across organisations in one cluster, namesakes apart, identifiers
stable across re-links."""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command

import pytest

from ketenzicht.accounts.factories import OrganisationFactory
from ketenzicht.audit.models import AuditEvent
from ketenzicht.persons.models import PersonCluster, PersonIdentifier, PersonRecord
from ketenzicht.persons.relink_services import persons_relink
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
    from ketenzicht.persons.hit_services import records_index
    from ketenzicht.persons.models import HitNotice, MatchReview, ReviewStatus

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


def _generated(organisations: dict[str, object], people: int, seed: int) -> None:
    from ketenzicht.persons.linkage import normalise
    from ketenzicht.persons.linkage.generator import generate

    for r in generate(people, seed=seed):
        org = organisations.get(r.source_org) or OrganisationFactory(code=r.source_org)
        organisations[r.source_org] = org
        record = PersonRecord.objects.create(
            organisation=org,
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


def test_the_streamed_relink_makes_the_clusters_and_queue_of_the_in_memory_link() -> None:
    """The batch re-link streams the register through DuckDB and clusters integer-coded
    pairs; on the same rows, decisions and earlier identifiers it gives exactly what
    ``link.link`` gives with everything in Python: the same clusters with the same
    identifiers, the same uncertain band, and reviewers' decisions honoured."""
    from ketenzicht.persons.intake_linking import MIN_POPULATION, decisions
    from ketenzicht.persons.linkage.batch import link
    from ketenzicht.persons.models import MatchReview, ReviewStatus
    from ketenzicht.persons.relink_services import _rows, current_model

    organisations: dict[str, object] = {}
    _generated(organisations, 160, seed=11)
    first = persons_relink(context=TEST_CONTEXT)
    assert first.records == PersonRecord.objects.count() > 300
    assert first.changed == first.records  # nobody had a cluster yet
    # Newcomers, and reviewers' word on two automatic links and two uncertain pairs.
    _generated(organisations, 40, seed=12)
    model = current_model()
    rows = _rows()
    before = {str(pk): c for pk, c in PersonRecord.objects.values_list("pk", "cluster_id") if c}
    plain = link(rows, model, previous=before, min_population=MIN_POPULATION)
    ordered = [tuple(sorted((p.left, p.right))) for p in plain.automatic[:2]]
    unsure = [tuple(sorted((p.left, p.right))) for p in plain.review[:2]]
    for (left, right), status in [
        *((pair, ReviewStatus.REJECTED) for pair in ordered),
        *((pair, ReviewStatus.CONFIRMED) for pair in unsure),
    ]:
        MatchReview.objects.update_or_create(
            left_id=left, right_id=right, defaults={"status": status, "probability": 0, "weight": 0}
        )
    confirmed, rejected = decisions()
    expected = link(
        rows,
        model,
        previous=before,
        confirmed=confirmed,
        rejected=rejected,
        min_population=MIN_POPULATION,
    )
    result = persons_relink(context=TEST_CONTEXT)
    after = {str(pk): c for pk, c in PersonRecord.objects.values_list("pk", "cluster_id")}
    assert after == expected.clusters
    for left, right in rejected:
        assert after[left] != after[right]
    for left, right in confirmed:
        assert after[left] == after[right]
    # Unchanged people kept their numbers; the cluster table matches the records.
    assert sum(after[pk] == c for pk, c in before.items()) > 0.9 * len(before)
    sizes: dict[int, int] = {}
    for cluster_id in after.values():
        sizes[cluster_id] = sizes.get(cluster_id, 0) + 1
    assert dict(PersonCluster.objects.values_list("pk", "size")) == sizes
    # The queue is the uncertain band; decided pairs stay decided.
    pending = {
        (str(left), str(right)): probability
        for left, right, probability in MatchReview.objects.filter(
            status=ReviewStatus.PENDING
        ).values_list("left_id", "right_id", "probability")
    }
    band = {tuple(sorted((p.left, p.right))): p.probability for p in expected.review}
    assert pending == band and result.review == len(band) > 2
    assert MatchReview.objects.filter(status=ReviewStatus.CONFIRMED).count() == 2
    assert MatchReview.objects.filter(status=ReviewStatus.REJECTED).count() == 2
    steps = MatchReview.objects.filter(status=ReviewStatus.PENDING).first()
    assert steps is not None and {s[0] for s in steps.steps} >= {"name", "date_of_birth"}
    # The audit event says what the run did.
    event = AuditEvent.objects.filter(detail__relink=True).order_by("-pk").first()
    assert event is not None
    assert event.detail["records"] == result.records == len(rows)
    assert (
        event.detail["changed"]
        == result.changed
        == sum(before.get(pk) != c for pk, c in after.items())
    )
    # A waiting pair that a run settled otherwise, or scored by an older model, is
    # brought up to date.
    touched = MatchReview.objects.filter(status=ReviewStatus.PENDING).order_by("pk")[:2]
    MatchReview.objects.filter(pk__in=[r.pk for r in touched]).update(
        status=ReviewStatus.SUPERSEDED, probability=0.123, steps=[]
    )
    # A second run with nothing new changes no cluster.
    again = persons_relink(context=TEST_CONTEXT)
    assert {
        (str(left), str(right)): probability
        for left, right, probability in MatchReview.objects.filter(
            status=ReviewStatus.PENDING
        ).values_list("left_id", "right_id", "probability")
    } == band
    assert all(r.steps for r in MatchReview.objects.filter(status=ReviewStatus.PENDING))
    assert again.changed == 0
    assert {str(pk): c for pk, c in PersonRecord.objects.values_list("pk", "cluster_id")} == after


def test_a_relink_raises_the_notices_its_clusters_bear_out() -> None:
    """Records of two organisations that the re-link puts in one cluster get their notices
    at once, matched on what they share, as the online index would raise them."""
    from ketenzicht.persons.hit_services import records_index
    from ketenzicht.persons.models import HitNotice, IndexEntry

    coa, ind, police = (OrganisationFactory(code=c) for c in ("coa", "ind", "avim"))
    _background([coa, ind, police])
    yusuf = [
        _record(coa, "Yusuf", "Al-Masri", "1990-06-12", v="1234567890"),
        _record(ind, "Masri", "Joesoef", "1990-06-12", v="1234567890"),
        _record(police, "Youssef", "El Masri", "1990-06-12", phone="+31612345678"),
        _record(coa, "Yusuf", "Masri", "1990-06-12", phone="+31612345678"),
    ]
    # The pseudonym index only, as a bulk load builds it: no clusters, no notices.
    records_index(record_ids=[r.pk for r in yusuf], context=TEST_CONTEXT, link=False)
    assert IndexEntry.objects.exists() and not HitNotice.objects.exists()
    result = persons_relink(context=TEST_CONTEXT, index_moved=False)
    notices = {
        (n.record_id, n.other_organisation_id): n.matched_on
        for n in HitNotice.objects.filter(record__in=yusuf)
    }
    # Every record, once per other organisation in its cluster.
    assert set(notices) == {
        (r.pk, org.pk) for r in yusuf for org in (coa, ind, police) if org.pk != r.organisation_id
    }
    assert result.new_notices == HitNotice.objects.count() >= len(notices) == 8
    assert "v_number" in notices[(yusuf[0].pk, ind.pk)]
    assert notices[(yusuf[1].pk, police.pk)] == ["linked"]
    # The same again raises nothing new.
    assert persons_relink(context=TEST_CONTEXT, index_moved=False).new_notices == 0


def test_stored_features_are_used_and_refreshed_on_request() -> None:
    """A re-link reads each record's stored feature row (intake keeps it current) and
    computes only missing ones; ``--refresh-features`` computes every row again."""
    from ketenzicht.persons.models import RecordFeatures

    coa, ind = OrganisationFactory(code="coa"), OrganisationFactory(code="ind")
    _background([coa, ind])
    one = _record(coa, "Yusuf", "Al-Masri", "1990-06-12", v="1234567890")
    two = _record(ind, "Samir", "Haddad", "1971-11-02", v="9999999999")
    persons_relink(context=TEST_CONTEXT, index_moved=False)
    assert RecordFeatures.objects.count() == PersonRecord.objects.count()
    # Changed behind the index's back: the stored row still says Samir Haddad.
    # (Sealed fields are written through their row, ADR 0021: save, with only these fields.)
    two.given_name, two.family_name, two.v_number = "Youssef", "Masri", "1234567890"
    two.date_of_birth = dt.date(1990, 6, 12)
    two.save(update_fields=["given_name", "family_name", "date_of_birth", "v_number"])
    persons_relink(context=TEST_CONTEXT, index_moved=False)
    clusters = dict(PersonRecord.objects.values_list("pk", "cluster_id"))
    assert clusters[one.pk] != clusters[two.pk]
    call_command("relink", "--refresh-features")
    clusters = dict(PersonRecord.objects.values_list("pk", "cluster_id"))
    assert clusters[one.pk] == clusters[two.pk]
    assert RecordFeatures.objects.get(record=two).row["v_number"] == "1234567890"
