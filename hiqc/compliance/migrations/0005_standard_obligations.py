"""The service standard as a source of obligations (its clauses 2.3.1, 4.3.1, 5.1.2(3)) with the
manual controls their findings reach; the shipped seed, idempotent (adds what is missing by code)."""

from django.db import migrations


def seed(apps, schema_editor):
    from hiqc.compliance.seed import register_seed

    register_seed(
        Law=apps.get_model("compliance", "Law"),
        Obligation=apps.get_model("compliance", "Obligation"),
        Control=apps.get_model("compliance", "Control"),
    )


class Migration(migrations.Migration):
    dependencies = [("compliance", "0004_risk_register")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
