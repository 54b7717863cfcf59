from __future__ import annotations

from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from ketenzicht.accounts.actor import SYSTEM
from ketenzicht.audit.guards import remove_guards
from ketenzicht.audit.models import AuditChainLink, AuditEvent
from ketenzicht.audit.services import audit_chain_link_pending, audit_record
from ketenzicht.audit.verify import audit_chain_verify
from ketenzicht.common.context import CLI

pytestmark = pytest.mark.django_db


def _events(count: int) -> None:
    for index in range(count):
        audit_record(
            actor=SYSTEM,
            action="view",
            purpose="audit",
            context=CLI,
            object_type="signal",
            object_id=f"id-{index}",
        )


def _drop_guards() -> None:
    """Simulate an attacker with owner rights: remove the append-only triggers."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Fire the deferred foreign-key checks first: PostgreSQL refuses to change a
            # table's triggers while events are pending in the transaction.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    remove_guards(connection)


def test_linking_and_verifying_an_intact_chain() -> None:
    _events(7)
    assert audit_chain_link_pending() == 7
    assert audit_chain_link_pending() == 0
    _events(3)
    assert audit_chain_link_pending() == 3
    report = audit_chain_verify()
    assert report.intact and report.checked == 10 and report.unlinked == 0
    assert list(AuditChainLink.objects.values_list("seq", flat=True).order_by("seq")) == list(
        range(1, 11)
    )


def test_update_and_delete_are_refused_by_the_database() -> None:
    _events(1)
    audit_chain_link_pending()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.update(actor="someone else")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEvent.objects.all().delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditChainLink.objects.all().delete()


def test_altered_event_is_detected() -> None:
    _events(5)
    audit_chain_link_pending()
    _drop_guards()
    AuditEvent.objects.filter(object_ref=AuditEvent.objects.order_by("id")[2].object_ref).update(
        purpose="follow_up"
    )
    report = audit_chain_verify()
    assert not report.intact
    assert "seq 3" in report.problems[0]


def test_removed_tail_is_detected() -> None:
    _events(4)
    audit_chain_link_pending()
    _drop_guards()
    last = AuditChainLink.objects.order_by("-seq").first()
    assert last is not None
    AuditChainLink.objects.filter(seq=last.seq).delete()
    AuditEvent.objects.filter(pk=last.event_id).delete()
    assert not audit_chain_verify().intact


def test_verify_command_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    _events(3)
    call_command("audit", "verify")
    assert "intact" in capsys.readouterr().out
    _drop_guards()
    AuditEvent.objects.filter(pk=AuditEvent.objects.order_by("id").first().pk).update(  # type: ignore[union-attr]
        actor="mallory"
    )
    with pytest.raises(SystemExit) as caught:
        call_command("audit", "verify")
    assert caught.value.code == 1


class TamperingTest(TestCase):
    @settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        size=st.integers(min_value=1, max_value=12),
        data=st.data(),
        field=st.sampled_from(["actor", "purpose", "result", "object_ref", "explanation"]),
    )
    def test_any_single_alteration_is_detected(
        self, size: int, data: st.DataObject, field: str
    ) -> None:
        _events(size)
        audit_chain_link_pending()
        assert audit_chain_verify().intact
        victim = data.draw(st.sampled_from(list(AuditEvent.objects.values_list("id", flat=True))))
        _drop_guards()
        AuditEvent.objects.filter(pk=victim).update(**{field: "tampered"})
        assert not audit_chain_verify().intact
