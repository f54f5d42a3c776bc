"""The shipped register (issue 20 §1): the laws of domain/regulations.md, their obligations by rule
id and the controls HIQC tests; idempotent (adds what is missing by code)."""

from django.db import migrations


def seed(apps, schema_editor):
    from hiqc.compliance.seed import register_seed

    register_seed(
        Law=apps.get_model("compliance", "Law"),
        Obligation=apps.get_model("compliance", "Obligation"),
        Control=apps.get_model("compliance", "Control"),
    )


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
