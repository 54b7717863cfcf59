"""The application's own PostgreSQL role: it may read and append to the audit trail, never
change or remove it.

The triggers (``guards``) refuse UPDATE, DELETE and TRUNCATE for everyone, but a table's
owner can disable them. So the owner role runs migrations only, and the running product
connects as a role that owns nothing: it cannot disable a trigger, and even without the
triggers it has no right to change audit events or their links. Only the chain head (one
row, moved forward by the linker) may be updated.
"""

from __future__ import annotations

from typing import Any

from psycopg import sql

APPEND_ONLY = ("audit_auditevent", "audit_auditchainlink")


def grant_application_role(connection: Any, role: str) -> list[str]:
    """Grant ``role`` what the product needs on every table of the current schema, and the
    same on tables that later migrations create; returns the statements run. PostgreSQL
    only: SQLite has no roles (the embedded database is one file guarded by the OS)."""
    if connection.vendor != "postgresql":
        raise ValueError("database roles exist on PostgreSQL only")

    name = sql.Identifier(role)
    statements = [
        sql.SQL("GRANT USAGE ON SCHEMA public TO {}").format(name),
        sql.SQL("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {}").format(
            name
        ),
        sql.SQL("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {}").format(name),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public "
            "GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {}"
        ).format(name),
        sql.SQL(
            "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO {}"
        ).format(name),
        *(
            sql.SQL("REVOKE UPDATE, DELETE, TRUNCATE ON {} FROM {}").format(
                sql.Identifier(table), name
            )
            for table in APPEND_ONLY
        ),
    ]
    done = []
    with connection.cursor() as cursor:
        for statement in statements:
            text = statement.as_string(cursor.connection)
            cursor.execute(text)
            done.append(text)
    return done
