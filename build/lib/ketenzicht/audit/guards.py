"""Database triggers that refuse UPDATE, DELETE and TRUNCATE on the audit tables.

A guardrail, not the proof: the table owner can drop triggers. The proof is the hash chain,
which ``ketenzicht audit verify`` recomputes. Used by migration 0002; tests that must empty
the database (browser tests) lift the guards around the flush.
"""

from __future__ import annotations

from typing import Any

TABLES = ("audit_auditevent", "audit_auditchainlink")

POSTGRES = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit trail is append-only (% on %)', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"""
DROP TRIGGER IF EXISTS {t}_no_update ON {t};
DROP TRIGGER IF EXISTS {t}_no_truncate ON {t};
CREATE TRIGGER {t}_no_update BEFORE UPDATE OR DELETE ON {t}
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t}
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
"""
    for t in TABLES
)
POSTGRES_REMOVE = "".join(
    f"DROP TRIGGER IF EXISTS {t}_no_update ON {t}; DROP TRIGGER IF EXISTS {t}_no_truncate ON {t};"
    for t in TABLES
)
SQLITE = [
    stmt
    for t in TABLES
    for stmt in (
        f"DROP TRIGGER IF EXISTS {t}_no_update;",
        f"DROP TRIGGER IF EXISTS {t}_no_delete;",
        f"CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t} "
        f"BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;",
        f"CREATE TRIGGER {t}_no_delete BEFORE DELETE ON {t} "
        f"BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;",
    )
]
SQLITE_REMOVE = [
    f"DROP TRIGGER IF EXISTS {t}_{kind};" for t in TABLES for kind in ("no_update", "no_delete")
]


def install_guards(connection: Any) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES)
        elif connection.vendor == "sqlite":
            for statement in SQLITE:
                cursor.execute(statement)


def remove_guards(connection: Any) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(POSTGRES_REMOVE)
        elif connection.vendor == "sqlite":
            for statement in SQLITE_REMOVE:
                cursor.execute(statement)
