from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("signals", "0005_seal_keys"),
    ]

    operations = [
        migrations.AddField(
            model_name="importjob",
            name="attempts",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="importjob",
            name="failure",
            field=models.CharField(
                blank=True, choices=[("interrupted", "interrupted")], max_length=20
            ),
        ),
    ]
