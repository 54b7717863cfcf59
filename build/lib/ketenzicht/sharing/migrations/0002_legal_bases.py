"""Seed the legal bases for disclosure. Administrators can deactivate them, not delete."""

from django.db import migrations

# (code, Dutch label, English label, needs a note)
BASES = [
    (
        "avg-6-1-e",
        "AVG art. 6 lid 1 sub e: taak van algemeen belang of openbaar gezag",
        "GDPR art. 6(1)(e): task in the public interest or official authority",
        False,
    ),
    (
        "avg-6-1-c",
        "AVG art. 6 lid 1 sub c: wettelijke verplichting",
        "GDPR art. 6(1)(c): legal obligation",
        False,
    ),
    (
        "avg-9-2-g",
        "AVG art. 9 lid 2 sub g: zwaarwegend algemeen belang (bijzondere persoonsgegevens)",
        "GDPR art. 9(2)(g): substantial public interest (special categories of data)",
        False,
    ),
    (
        "avg-10",
        "AVG art. 10 jo. UAVG art. 33: strafrechtelijke persoonsgegevens",
        "GDPR art. 10 with UAVG art. 33: criminal-offence data",
        False,
    ),
    (
        "wpg-8",
        "Wpg art. 8: politiegegevens voor de dagelijkse politietaak",
        "Police Data Act (Wpg) art. 8: data for daily police tasks",
        False,
    ),
    (
        "wpg-19",
        "Wpg art. 19: verstrekking aan derden voor een zwaarwegend algemeen belang",
        "Police Data Act (Wpg) art. 19: disclosure to third parties for a substantial public "
        "interest",
        False,
    ),
    (
        "wpg-20",
        "Wpg art. 20: structurele verstrekking aan een samenwerkingsverband",
        "Police Data Act (Wpg) art. 20: structural disclosure to a partnership",
        False,
    ),
    (
        "bpg-4-2",
        "Besluit politiegegevens art. 4:2",
        "Police Data Decree (Bpg) art. 4:2",
        False,
    ),
    (
        "wgs",
        "Wet gegevensverwerking door samenwerkingsverbanden (WGS)",
        "Data Processing by Partnerships Act (WGS)",
        False,
    ),
    (
        "covenant",
        "Convenant (kenmerk in de toelichting)",
        "Covenant (reference in the note)",
        True,
    ),
    (
        "consent",
        "Schriftelijke toestemming van betrokkene (reikwijdte in de toelichting)",
        "Written consent of the person concerned (scope in the note)",
        True,
    ),
]


def seed(apps, schema_editor):
    LegalBasis = apps.get_model("sharing", "LegalBasis")
    for position, (code, label_nl, label_en, needs_note) in enumerate(BASES):
        LegalBasis.objects.update_or_create(
            code=code,
            defaults={
                "label_nl": label_nl,
                "label_en": label_en,
                "needs_note": needs_note,
                "position": position,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("sharing", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
