"""The keyed references of every object a list, search or export showed (issue 19)."""

from django.db import migrations, models


def guards_again(apps, schema_editor):
    # SQLite adds a NOT NULL column by rebuilding the table, which drops its triggers.
    from ketenzicht.audit.guards import install_guards

    install_guards(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0013_error_action"),
    ]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="object_refs",
            field=models.TextField(blank=True, default="", verbose_name="object references"),
        ),
        migrations.RunPython(guards_again, migrations.RunPython.noop),
    ]
