"""The automatic control CTL-PI4-COVERAGE (PI-4 yearly personal-information training, tested on
the training records at the year's end); the shipped seed, idempotent (adds what is missing)."""

from django.db import migrations


def seed(apps, schema_editor):
    from hiqc.compliance.seed import register_seed

    register_seed(
        Law=apps.get_model("compliance", "Law"),
        Obligation=apps.get_model("compliance", "Obligation"),
        Control=apps.get_model("compliance", "Control"),
    )


class Migration(migrations.Migration):
    dependencies = [("compliance", "0005_standard_obligations")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
