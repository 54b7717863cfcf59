"""Refuse UPDATE, DELETE and TRUNCATE on the audit tables, on PostgreSQL and SQLite.

A guardrail, not the proof: the table owner can disable triggers. The proof is the hash
chain, which ``ketenzicht audit verify`` recomputes.
"""

from django.db import migrations

TABLES = ("audit_auditevent", "audit_auditchainlink")

POSTGRES = """
CREATE OR REPLACE FUNCTION audit_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'audit trail is append-only (% on %)', TG_OP, TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
""" + "".join(
    f"""
CREATE TRIGGER {t}_no_update BEFORE UPDATE OR DELETE ON {t}
  FOR EACH ROW EXECUTE FUNCTION audit_refuse_change();
CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t}
  FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change();
"""
    for t in TABLES
)
POSTGRES_REVERSE = "".join(
    f"DROP TRIGGER IF EXISTS {t}_no_update ON {t}; DROP TRIGGER IF EXISTS {t}_no_truncate ON {t};"
    for t in TABLES
) + "DROP FUNCTION IF EXISTS audit_refuse_change();"

SQLITE = [
    stmt
    for t in TABLES
    for stmt in (
        f"CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t} "
        f"BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;",
        f"CREATE TRIGGER {t}_no_delete BEFORE DELETE ON {t} "
        f"BEGIN SELECT RAISE(ABORT, 'audit trail is append-only'); END;",
    )
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {t}_{kind};" for t in TABLES for kind in ("no_update", "no_delete")
]


def forwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_REVERSE, params=None)
    elif vendor == "sqlite":
        for statement in SQLITE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
