from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name="Lease",
            fields=[
                ("name", models.CharField(max_length=100, primary_key=True, serialize=False)),
                ("holder", models.CharField(blank=True, default="", max_length=100)),
                ("expires_at", models.DateTimeField(null=True)),
                ("due_at", models.DateTimeField(null=True)),
            ],
        ),
    ]
