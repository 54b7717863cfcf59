"""Refuse UPDATE, DELETE and TRUNCATE on the audit tables, on PostgreSQL and SQLite."""

from django.db import migrations


def forwards(apps, schema_editor):
    from ketenzicht.audit.guards import install_guards

    install_guards(schema_editor.connection)


def backwards(apps, schema_editor):
    from ketenzicht.audit.guards import remove_guards

    remove_guards(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
