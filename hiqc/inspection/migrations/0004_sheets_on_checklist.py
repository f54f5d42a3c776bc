"""The scoring sheets move onto the kernel checklist (ADR 0023, follow-up; standard 4.1.3(2), 7.2).

Every ``ScoringSheet`` version becomes a ``core.Checklist`` of purpose ``inspection.interaction``
with the same id, code, version, name, note, publisher and creation time (published then),
``kinds`` → ``applies_to`` and ``active`` kept; every ``SheetItem`` becomes a
``core.ChecklistItem`` with the same id, position, category, text and points, ``fatal`` →
``critical``. Because the ids are kept, ``Score.sheet`` and ``ScoreLine.item`` keep their values
and only change the table they point to: an old score still reads the version and the items it
was scored with. Then the two old tables go. Reversible (the rows are copied back).
"""

import django.db.models.deletion
from django.db import migrations, models

PURPOSE = "inspection.interaction"


def sheets_to_checklists(apps, schema_editor):
    Sheet = apps.get_model("inspection", "ScoringSheet")
    Item = apps.get_model("inspection", "SheetItem")
    Checklist = apps.get_model("core", "Checklist")
    ChecklistItem = apps.get_model("core", "ChecklistItem")
    known = set(Checklist.objects.values_list("pk", flat=True))
    for sheet in Sheet.objects.order_by("code", "version"):
        if sheet.pk in known:
            continue
        Checklist.objects.create(
            id=sheet.pk, code=sheet.code, version=sheet.version, name=sheet.name,
            purpose=PURPOSE, pass_percent=80, note=sheet.note, published_at=sheet.created_at,
            published_by=sheet.published_by, active=sheet.active, applies_to=sheet.kinds or [],
        )  # fmt: skip
        # auto_now_add / auto_now wrote "now": keep the sheet's own times (the newest sheet for
        # a kind is picked by creation time)
        Checklist.objects.filter(pk=sheet.pk).update(
            created_at=sheet.created_at, updated_at=sheet.updated_at
        )
        items = list(Item.objects.filter(sheet_id=sheet.pk))
        ChecklistItem.objects.bulk_create(
            ChecklistItem(id=i.pk, checklist_id=sheet.pk, position=i.position,
                          category=i.category, text=i.text, points=i.points, critical=i.fatal)
            for i in items
        )  # fmt: skip
        for i in items:
            ChecklistItem.objects.filter(pk=i.pk).update(
                created_at=i.created_at, updated_at=i.updated_at
            )


def checklists_to_sheets(apps, schema_editor):
    Sheet = apps.get_model("inspection", "ScoringSheet")
    Item = apps.get_model("inspection", "SheetItem")
    Checklist = apps.get_model("core", "Checklist")
    ChecklistItem = apps.get_model("core", "ChecklistItem")
    for c in Checklist.objects.filter(purpose=PURPOSE).order_by("code", "version"):
        Sheet.objects.create(
            id=c.pk, code=c.code[:40], version=c.version, name=c.name[:100],
            kinds=c.applies_to or [], active=c.active, published_by=c.published_by,
            note=c.note,
        )  # fmt: skip
        Sheet.objects.filter(pk=c.pk).update(created_at=c.created_at, updated_at=c.updated_at)
        for i in ChecklistItem.objects.filter(checklist_id=c.pk):
            Item.objects.create(
                id=i.pk, sheet_id=c.pk, position=i.position, category=i.category[:40],
                text=i.text[:200], points=i.points, fatal=i.critical,
            )  # fmt: skip
            Item.objects.filter(pk=i.pk).update(created_at=i.created_at, updated_at=i.updated_at)


def drop_checklists(apps, schema_editor):
    Checklist = apps.get_model("core", "Checklist")
    ChecklistItem = apps.get_model("core", "ChecklistItem")
    ChecklistItem.objects.filter(checklist__purpose=PURPOSE).delete()
    Checklist.objects.filter(purpose=PURPOSE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0025_checklist_active_applicability"),
        ("inspection", "0003_case_kinds"),
    ]

    operations = [
        migrations.RunPython(sheets_to_checklists, drop_checklists),
        migrations.AlterField(
            model_name="score",
            name="sheet",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.checklist",
                verbose_name="评分表版本",
            ),
        ),
        migrations.AlterField(
            model_name="scoreline",
            name="item",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.checklistitem",
                verbose_name="评分项",
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, checklists_to_sheets),
        migrations.DeleteModel(name="SheetItem"),
        migrations.DeleteModel(name="ScoringSheet"),
    ]
