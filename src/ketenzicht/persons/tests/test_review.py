"""The linkage review queue and the split of a wrong link: coordinators decide uncertain
pairs seeing their own record and the weight of each comparison, never the other side's
content; decisions are audited and every later run follows them."""

from __future__ import annotations

import datetime as dt

from django.test import Client

import pytest

from ketenzicht.accounts.actor import Actor
from ketenzicht.accounts.factories import OrganisationFactory, make_actor
from ketenzicht.accounts.models import Organisation, Role, User
from ketenzicht.audit.models import AuditEvent, Result
from ketenzicht.audit.services import object_ref
from ketenzicht.persons.hit_services import records_index
from ketenzicht.persons.models import HitNotice, MatchReview, PersonRecord, ReviewStatus
from ketenzicht.persons.relink_services import persons_relink
from ketenzicht.signals.factories import TEST_CONTEXT

pytestmark = pytest.mark.django_db


def _record(org: Organisation, given: str, family: str, born: str, **extra: object) -> PersonRecord:
    record = PersonRecord.objects.create(
        organisation=org,
        given_name=given,
        family_name=family,
        date_of_birth=dt.date.fromisoformat(born),
        dob_precision=str(extra.pop("precision", "exact")),
        nationality=str(extra.pop("nationality", "ERI")),
        sex="male",
        **extra,
    )
    records_index(record_ids=[record.pk], context=TEST_CONTEXT)
    record.refresh_from_db()
    return record


@pytest.fixture
def world() -> dict[str, object]:
    coa = OrganisationFactory(code="coa-review", name="COA")
    ind = OrganisationFactory(code="ind-review", name="IND")
    # Same uncommon name, only the birth year in common: the model is unsure.
    mine = _record(coa, "Tesfamariam", "Gebremedhin", "1996-01-01", precision="placeholder_jan1")
    theirs = _record(ind, "Tesfamariam", "Gebremedhin", "1996-07-23", nationality="")
    return {
        "coa": coa,
        "ind": ind,
        "mine": mine,
        "theirs": theirs,
        "review": MatchReview.objects.get(),
        "coordinator": make_actor(Role.COORDINATOR, coa, username="coa-coord"),
        "frontline": make_actor(Role.FRONTLINE, coa, username="coa-front"),
    }


def _client(actor: Actor) -> Client:
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(pk=actor.user_id))
    client.cookies["django_language"] = "nl"
    return client


def test_queue_and_pair_show_the_own_record_and_the_waterfall_only(world: dict) -> None:
    client = _client(world["coordinator"])
    review = world["review"]
    queue = client.get("/koppelingen")
    assert queue.status_code == 200
    assert f"/koppelingen/{review.pk}" in queue.content.decode()
    page = client.get(f"/koppelingen/{review.pk}")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Record van uw organisatie" in html and "Record van een andere organisatie" in html
    assert "1996" in html  # the own record's date of birth
    assert "23-07-1996" not in html  # the other side's content stays there
    for field in ("Naam", "Geboortedatum", "V-nummer"):
        assert f">{field}<" in html
    assert "<svg" in html and "kz-waterfall__bar" in html
    assert AuditEvent.objects.filter(
        object_type="match_review", action="view", object_ref=object_ref("match_review", review.pk)
    ).exists()


def test_confirming_links_the_pair_raises_notices_and_survives_a_relink(world: dict) -> None:
    client = _client(world["coordinator"])
    review = world["review"]
    response = client.post(
        f"/koppelingen/{review.pk}", {"decision": "same", "note": "zelfde foto in dossier"}
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.status == ReviewStatus.CONFIRMED
    assert review.decided_for_id == world["coa"].pk and review.note == "zelfde foto in dossier"
    mine, theirs = (PersonRecord.objects.get(pk=r.pk) for r in (world["mine"], world["theirs"]))
    assert mine.cluster_id == theirs.cluster_id
    assert HitNotice.objects.filter(record=mine, other_organisation=world["ind"]).exists()
    assert HitNotice.objects.filter(record=theirs, other_organisation=world["coa"]).exists()
    assert AuditEvent.objects.filter(
        action="match_review", result=Result.OK, detail__decision="confirmed"
    ).exists()
    # Both records are audited as joined, each under its own reference, by the coordinator.
    for record in (mine, theirs):
        joined = AuditEvent.objects.get(
            action="match", object_ref=object_ref("person", record.pk), detail__linking="review"
        )
        assert joined.actor == "coa-coord"
        assert sorted(joined.detail["records"]) == sorted(
            object_ref("person", r.pk) for r in (mine, theirs)
        )
    persons_relink(context=TEST_CONTEXT)
    assert len(set(PersonRecord.objects.values_list("cluster_id", flat=True))) == 1
    # A decided pair is not asked again.
    assert client.get(f"/koppelingen/{review.pk}").content.decode().count('name="decision"') == 0


def test_rejecting_keeps_them_apart_in_every_later_run(world: dict) -> None:
    client = _client(world["coordinator"])
    review = world["review"]
    assert client.post(f"/koppelingen/{review.pk}", {"decision": "different"}).status_code == 302
    records_index(record_ids=[world["mine"].pk, world["theirs"].pk], context=TEST_CONTEXT)
    persons_relink(context=TEST_CONTEXT)
    mine, theirs = (PersonRecord.objects.get(pk=r.pk) for r in (world["mine"], world["theirs"]))
    assert mine.cluster_id != theirs.cluster_id
    assert MatchReview.objects.get().status == ReviewStatus.REJECTED
    assert not HitNotice.objects.exists()


def test_bad_input_is_refused_per_field_and_nothing_is_saved(world: dict) -> None:
    client = _client(world["coordinator"])
    review = world["review"]
    response = client.post(f"/koppelingen/{review.pk}", {"decision": ""})
    assert response.status_code == 400
    assert "Kies of deze records over dezelfde persoon gaan." in response.content.decode()
    response = client.post(f"/koppelingen/{review.pk}", {"decision": "same", "note": "x" * 2001})
    assert response.status_code == 400
    review.refresh_from_db()
    assert review.status == ReviewStatus.PENDING
    assert not HitNotice.objects.exists()


def test_others_and_frontline_staff_cannot_review(world: dict) -> None:
    review = world["review"]
    front = _client(world["frontline"])
    assert front.get("/koppelingen").status_code == 404
    assert front.post(f"/koppelingen/{review.pk}", {"decision": "same"}).status_code == 404
    police = OrganisationFactory(code="police-review")
    outsider = _client(make_actor(Role.COORDINATOR, police, username="police-coord"))
    assert outsider.get(f"/koppelingen/{review.pk}").status_code == 404
    assert outsider.post(f"/koppelingen/{review.pk}", {"decision": "same"}).status_code == 404
    review.refresh_from_db()
    assert review.status == ReviewStatus.PENDING
    assert AuditEvent.objects.filter(object_type="match_review", result=Result.DENIED).count() >= 3


def test_splitting_a_wrong_link_withdraws_the_notices_for_good() -> None:
    coa = OrganisationFactory(code="coa-split", name="COA")
    ind = OrganisationFactory(code="ind-split", name="IND")
    mine = _record(coa, "Yusuf", "Al-Masri", "1990-06-12", v_number="1234567890")
    theirs = _record(ind, "Youssef", "Masri", "1990-06-12", v_number="1234567890")
    assert mine.cluster_id == theirs.cluster_id
    assert HitNotice.objects.count() == 2
    client = _client(make_actor(Role.COORDINATOR, coa, username="coa-split-coord"))
    page = client.get(f"/personen/{mine.pk}").content.decode()
    assert "Gekoppelde records" in page and "IND" in page
    refused = client.post(f"/personen/{mine.pk}/ontkoppelen", {"note": ""})
    assert refused.status_code == 400
    assert "Geef aan waarom de koppeling niet klopt." in refused.content.decode()
    assert HitNotice.objects.count() == 2
    done = client.post(f"/personen/{mine.pk}/ontkoppelen", {"note": "V-nummer verwisseld"})
    assert done.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.cluster_id != theirs.cluster_id
    assert not HitNotice.objects.exists()
    decision = MatchReview.objects.get()
    assert decision.status == ReviewStatus.REJECTED and decision.note == "V-nummer verwisseld"
    assert AuditEvent.objects.filter(
        action="split", object_ref=object_ref("person", mine.pk)
    ).exists()
    # Each record whose links the split changed is audited under its own reference, with
    # the coordinator as actor and the records it was separated from.
    for record, other in ((mine, theirs), (theirs, mine)):
        event = AuditEvent.objects.get(
            action="split", object_ref=object_ref("person", record.pk), detail__linking="split"
        )
        assert event.actor == "coa-split-coord"
        assert event.detail["separated_from"] == [object_ref("person", other.pk)]
    # Nothing links them again: not indexing, not a re-link.
    records_index(record_ids=[mine.pk, theirs.pk], context=TEST_CONTEXT)
    persons_relink(context=TEST_CONTEXT)
    clusters = dict(PersonRecord.objects.values_list("pk", "cluster_id"))
    assert clusters[mine.pk] != clusters[theirs.pk]
    # The other organisation cannot split a record that is not theirs.
    ind_client = _client(make_actor(Role.COORDINATOR, ind, username="ind-split-coord"))
    assert ind_client.post(f"/personen/{mine.pk}/ontkoppelen", {"note": "x"}).status_code == 404


def test_confirming_against_an_earlier_rejection_is_refused(world: dict) -> None:
    client = _client(world["coordinator"])
    review = world["review"]
    other = world["theirs"]
    # A third record, linked to the other organisation's one, was rejected against mine.
    # Without a nationality, as the other's record: with ERI it would link to mine outright.
    third = _record(
        world["ind"], "Tesfamariam", "Gebremedhin", "1996-07-23", v_number="5555555555",
        nationality="",
    )  # fmt: skip
    PersonRecord.objects.filter(pk=third.pk).update(cluster_id=other.cluster_id)
    assert third.cluster_id != world["mine"].cluster_id
    left, right = sorted([third.pk, world["mine"].pk])
    MatchReview.objects.update_or_create(
        left_id=left,
        right_id=right,
        defaults={"status": ReviewStatus.REJECTED},
        create_defaults={"probability": 0, "weight": 0, "status": ReviewStatus.REJECTED},
    )
    response = client.post(f"/koppelingen/{review.pk}", {"decision": "same"})
    assert response.status_code == 400
    review.refresh_from_db()
    assert review.status == ReviewStatus.PENDING


def test_one_decision_settles_every_waiting_pair_between_the_two_people(world: dict) -> None:
    review, mine = world["review"], world["mine"]
    # A second record of the same person at COA, already linked to the first.
    twin = PersonRecord.objects.create(
        organisation=world["coa"], given_name="Tesfamariam", family_name="Gebremedhin"
    )
    PersonRecord.objects.filter(pk=twin.pk).update(cluster_id=mine.cluster_id)
    left, right = sorted([twin.pk, world["theirs"].pk])
    MatchReview.objects.create(left_id=left, right_id=right, probability=0.6, weight=0.5)
    client = _client(world["coordinator"])
    queue = client.get("/koppelingen").content.decode()
    assert queue.count('href="/koppelingen/') == 1 and "2 paren tussen deze personen" in queue
    client.post(f"/koppelingen/{review.pk}", {"decision": "different"})
    assert set(MatchReview.objects.values_list("status", flat=True)) == {ReviewStatus.REJECTED}
