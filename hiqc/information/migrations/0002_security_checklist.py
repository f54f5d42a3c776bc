"""Seed version 1 of the yearly information-security self-evaluation checklist (standard 6.2.1(4),
6.2.3(1)) into the kernel's ``Checklist`` (ADR 0023), published. Later versions are edited like
every kernel checklist. A database that already holds the code is left as it is."""

from django.db import migrations
from django.utils import timezone


def seed(apps, schema_editor):
    from hiqc.information.checklist import NAME, PASS_PERCENT, SECURITY_ITEMS
    from hiqc.information.enums import CHECKLIST_CODE, CHECKLIST_PURPOSE

    Checklist = apps.get_model("core", "Checklist")
    ChecklistItem = apps.get_model("core", "ChecklistItem")
    if Checklist.objects.filter(code=CHECKLIST_CODE).exists():
        return
    checklist = Checklist.objects.create(
        code=CHECKLIST_CODE,
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
        for n, i in enumerate(SECURITY_ITEMS, start=1)
    )


class Migration(migrations.Migration):
    dependencies = [("information", "0001_initial"), ("core", "0023_checklist")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
