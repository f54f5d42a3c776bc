"""Seed version 1 of the outlet facility and environment checklist (standard 8.1.1–8.1.7, 8.3.4)
into the kernel's ``Checklist`` (ADR 0023), published. Later versions are edited on the
checklist page. A database that already holds the code is left as it is."""

from django.db import migrations
from django.utils import timezone


def seed(apps, schema_editor):
    from hiqc.facilities.checklist import NAME, OUTLET_ITEMS, PASS_PERCENT
    from hiqc.facilities.enums import CHECKLIST_PURPOSE, OUTLET_CHECKLIST

    Checklist = apps.get_model("core", "Checklist")
    ChecklistItem = apps.get_model("core", "ChecklistItem")
    if Checklist.objects.filter(code=OUTLET_CHECKLIST).exists():
        return
    checklist = Checklist.objects.create(
        code=OUTLET_CHECKLIST,
        version=1,
        name=NAME,
        purpose=CHECKLIST_PURPOSE,
        pass_percent=PASS_PERCENT,
        published_at=timezone.now(),
        published_by="migration",
    )
    ChecklistItem.objects.bulk_create(
        ChecklistItem(
            checklist=checklist,
            position=n,
            category=str(i.category),
            text=i.text,
            points=i.points,
            critical=i.critical,
            clause=i.clause,
        )
        for n, i in enumerate(OUTLET_ITEMS, start=1)
    )


class Migration(migrations.Migration):
    dependencies = [("facilities", "0001_initial"), ("core", "0023_checklist")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
