from __future__ import annotations

import datetime as dt

from django.core.management import call_command
from django.utils import timezone

import pytest

from ketenzicht.accounts.models import Location, Membership, Organisation, OrganisationType
from ketenzicht.audit.verify import audit_chain_verify
from ketenzicht.demo.loader import DemoGenerator
from ketenzicht.demo.world import DEMO_USERS
from ketenzicht.persons.models import PersonRecord
from ketenzicht.signals.models import Signal

pytestmark = pytest.mark.django_db

REQUIRED = {
    "coa.terapel": ("coa", "frontline"),
    "coa.coordinator": ("coa", "coordinator"),
    "ind.medewerker": ("ind", "frontline"),
    "avim.noord": ("avim-noord-nederland", "investigator"),
    "avim.amsterdam": ("avim-amsterdam", "investigator"),
    "kmar.schiphol": ("kmar", "frontline"),
    "nidos.voogd": ("nidos", "frontline"),
    "emm.analist": ("emm", "investigator"),
    "gemeente.westerwolde": ("gemeente-westerwolde", "municipal_analyst"),
    "gemeente.amsterdam": ("gemeente-amsterdam", "municipal_analyst"),
    "rapporteur": ("rapporteur", "national_monitor"),
    "auditor": ("rapporteur", "auditor"),
    "beheerder": ("rapporteur", "administrator"),
}


def test_demo_world_is_complete_and_idempotent() -> None:
    call_command("demo", signals=120, quiet=True)
    counts = (Signal.objects.count(), PersonRecord.objects.count(), Membership.objects.count())
    call_command("demo", signals=120, quiet=True)
    assert (
        Signal.objects.count(),
        PersonRecord.objects.count(),
        Membership.objects.count(),
    ) == counts
    assert counts[0] == 120
    assert set(Organisation.objects.values_list("type", flat=True)) == set(OrganisationType)
    assert (
        Location.objects.filter(
            kind__in=["reception_centre", "application_centre", "protected_reception"]
        ).count()
        >= 12
    )
    for username, (organisation, role) in REQUIRED.items():
        assert Membership.objects.filter(
            user__username=username, organisation__code=organisation, role=role
        ).exists()
    terapel = Membership.objects.get(user__username="coa.terapel")
    assert terapel.location is not None and terapel.location.municipality_id == "GM1950"
    assert Location.objects.get(code="kmar-schiphol").municipality_id == "GM0394"
    call_command("demo", signals=150, quiet=True)
    assert Signal.objects.count() == 150
    assert audit_chain_verify().intact


def test_demo_spread_and_repeated_people() -> None:
    call_command("demo", signals=400, quiet=True)
    kinds = dict.fromkeys(("hard", "soft"), 0)
    for kind in Signal.objects.values_list("kind", flat=True):
        kinds[kind] += 1
    assert 0.15 < kinds["hard"] / 400 < 0.45
    assert Signal.objects.values("organisation").distinct().count() >= 10
    assert Signal.objects.values("municipality").distinct().count() >= 15
    years = {d.year for d in Signal.objects.values_list("observed_on", flat=True)}
    assert len(years) >= 4  # three years and the current quarter
    # The same synthetic person is registered by several organisations.
    # V-numbers are sealed bound to their row: compare their blind index.
    by_v_number: dict[str, set[int]] = {}
    for digest, organisation in PersonRecord.objects.exclude(v_number_digest="").values_list(
        "v_number_digest", "organisation_id"
    ):
        by_v_number.setdefault(digest, set()).add(organisation)
    assert any(len(orgs) > 1 for orgs in by_v_number.values())


def test_generator_is_deterministic() -> None:
    call_command("demo", signals=0, quiet=True)
    today = timezone.localdate()
    assert DemoGenerator(1000, today).signal(42) == DemoGenerator(1000, today).signal(42)
    assert DemoGenerator(1000, today).signal(42) != DemoGenerator(1000, today).signal(43)


def test_demo_users_cover_every_required_account() -> None:
    assert set(REQUIRED) <= {u.username for u in DEMO_USERS}


def test_demo_world_has_follow_up_history_with_real_deadline_figures() -> None:
    from ketenzicht.accounts.models import User
    from ketenzicht.accounts.selectors import actor_for_user
    from ketenzicht.followup.models import Referral, ReferralEvent
    from ketenzicht.followup.selectors import sla_rows
    from ketenzicht.notifications.models import Message
    from ketenzicht.signals.factories import TEST_CONTEXT

    call_command("demo", signals=200, quiet=True)
    referrals = Referral.objects.all()
    statuses = set(referrals.values_list("status", flat=True))
    assert {"sent", "acknowledged", "closed"} <= statuses
    assert {"routed", "joint_analysis"} <= set(referrals.values_list("kind", flat=True))
    # History: sent when the signal came in, every step after the one before.
    for referral in referrals.prefetch_related("signals"):
        first_in = min(s.received_at for s in referral.signals.all())
        assert referral.sent_at >= first_in
        times = list(ReferralEvent.objects.filter(referral=referral).values_list("at", flat=True))
        assert times == sorted(times) and times[0] == referral.sent_at
        if referral.status == "closed":
            assert referral.feedback and referral.outcome
    assert not Message.objects.filter(read_at__isnull=True).exists()
    count = referrals.count()
    call_command("demo", signals=200, quiet=True)
    assert Referral.objects.count() == count
    monitor = actor_for_user(User.objects.get(username="rapporteur"))
    rows = sla_rows(actor=monitor, context=TEST_CONTEXT, since=dt.date(2000, 1, 1))
    assert rows and sum(r.received for r in rows) == count
    assert any(r.median_days_to_outcome for r in rows)
    assert audit_chain_verify().intact


def test_a_large_load_links_every_record_in_one_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    """Above the size linked batch by batch on intake (benchmarks) the loader links the
    whole register in one streamed re-link; every record is in a person cluster, hit
    notices follow the clusters and the monitor counts clusters as persons. The threshold
    is lowered so that a small load takes that path."""
    from ketenzicht.audit.models import AuditEvent
    from ketenzicht.demo import loader
    from ketenzicht.persons.hit_services import withheld_everywhere
    from ketenzicht.persons.models import HitNotice, IndexEntry
    from ketenzicht.persons.tests.counting import distinct_persons

    monkeypatch.setattr(loader, "LINK_ONLINE_UP_TO", 100)
    call_command("demo", signals=300, quiet=True)
    demo = PersonRecord.objects.filter(subjects__signal__isnull=False).distinct()
    linkable = demo.exclude(pk__in=withheld_everywhere())
    assert linkable.count() > 300
    assert not linkable.filter(cluster__isnull=True).exists()  # every record linked
    assert distinct_persons(demo) < demo.count()  # people registered twice count once
    assert IndexEntry.objects.filter(record__in=demo).count() >= demo.count()
    # Notices come from the clusters: on both sides, only between two organisations' records
    # in one cluster.
    notices = list(
        HitNotice.objects.filter(record__in=demo).values_list(
            "record__cluster_id",
            "other_record__cluster_id",
            "organisation_id",
            "other_organisation_id",
        )
    )
    assert notices
    assert all(mine == theirs and org != other for mine, theirs, org, other in notices)
    assert AuditEvent.objects.filter(object_type="person", detail__relink=True).exists()
    # Loading more, online, keeps the clusters of the people already there.
    before = dict(linkable.values_list("pk", "cluster_id"))
    call_command("demo", signals=330, quiet=True)
    after = dict(PersonRecord.objects.filter(pk__in=before).values_list("pk", "cluster_id"))
    assert sum(before[pk] == after[pk] for pk in before) > 0.95 * len(before)
