"""The application role may append to the audit trail and read it, never change it, even
where the triggers are gone, and cannot remove the triggers."""

from __future__ import annotations

from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

import pytest

from ketenzicht.audit.models import AuditChainLink, AuditEvent
from ketenzicht.audit.services import audit_chain_link_pending

from .test_chain import _drop_guards, _events

pytestmark = pytest.mark.django_db


def _as(role: str, statement: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {role}")
        cursor.execute(statement)


def test_the_application_role_cannot_change_the_audit_trail() -> None:
    if connection.vendor != "postgresql":
        with pytest.raises(CommandError, match="PostgreSQL only"):
            call_command("grant_app_role", "ketenzicht_app")
        return
    with connection.cursor() as cursor:
        cursor.execute("CREATE ROLE kz_app_test NOLOGIN")  # undone with the test's transaction
    call_command("grant_app_role", "kz_app_test")
    _events(2)
    audit_chain_link_pending()
    for statement in (
        "ALTER TABLE audit_auditevent DISABLE TRIGGER ALL",
        "DROP TRIGGER audit_auditevent_no_update ON audit_auditevent",
    ):
        with pytest.raises(DatabaseError, match="must be owner"):
            _as("kz_app_test", statement)
    _drop_guards()  # an owner could: the role must hold on its own
    event = AuditEvent.objects.order_by("id").first()
    assert event is not None
    # It appends and reads, and works on the other tables as before.
    _as("kz_app_test", "SELECT count(*) FROM audit_auditevent")
    _as(
        "kz_app_test",
        "INSERT INTO audit_auditevent (occurred_at, actor, organisation, action, object_type, "
        "object_ref, object_refs, purpose, explanation, result, channel, origin, detail) "
        "VALUES (now(), 'x', 'x', 'view', '', '', '', 'audit', '', 'ok', 'cli', '', '{}')",
    )
    _as("kz_app_test", "UPDATE signals_signal SET narrative = narrative")
    _as("kz_app_test", "UPDATE audit_auditchainhead SET seq = seq")
    refused = (
        "UPDATE audit_auditevent SET actor = 'mallory'",
        "DELETE FROM audit_auditevent",
        "UPDATE audit_auditchainlink SET hash = prev_hash",
        "DELETE FROM audit_auditchainlink",
        "TRUNCATE audit_auditchainlink, audit_auditevent",
    )
    for statement in refused:
        with pytest.raises(DatabaseError, match="permission denied"):
            _as("kz_app_test", statement)
    assert AuditEvent.objects.get(pk=event.pk).actor == event.actor
    assert AuditChainLink.objects.count() == 2
