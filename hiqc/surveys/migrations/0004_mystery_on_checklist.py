"""Mystery-shopping scenario items move onto the kernel checklist (ADR 0023, follow-up; standard
4.3.1).

Each ``MysteryScenario`` version gets a ``core.Checklist`` of purpose ``surveys.mystery`` (code
``mystery-<code>``, version = the scenario's number, published when the scenario was, active when
the scenario is the published version); every ``MysteryItem`` becomes a ``core.ChecklistItem``
with the same id, position, category and text, ``weight`` → ``points`` and ``fatal`` →
``critical``. Because the ids are kept, ``MysteryScore.item`` keeps its values and only changes
the table it points to: a scored visit still reads the items it was scored with. The scenario
itself (the case of the version-approval workflow) stays. Reversible.
"""

import django.db.models.deletion
from django.db import migrations, models

PURPOSE = "surveys.mystery"


def items_to_checklists(apps, schema_editor):
    _immediate(schema_editor)
    Scenario = apps.get_model("surveys", "MysteryScenario")
    Item = apps.get_model("surveys", "MysteryItem")
    Checklist = apps.get_model("core", "Checklist")
    ChecklistItem = apps.get_model("core", "ChecklistItem")
    for s in Scenario.objects.filter(checklist__isnull=True).order_by("code", "number"):
        checklist = Checklist.objects.create(
            code=f"mystery-{s.code}", version=s.number, name=s.name, purpose=PURPOSE,
            published_at=s.published_at, published_by=s.published_by,
            active=s.status == "published",
        )  # fmt: skip
        Checklist.objects.filter(pk=checklist.pk).update(
            created_at=s.created_at, updated_at=s.updated_at
        )
        Scenario.objects.filter(pk=s.pk).update(checklist=checklist)
        items = list(Item.objects.filter(scenario_id=s.pk))
        ChecklistItem.objects.bulk_create(
            ChecklistItem(id=i.pk, checklist_id=checklist.pk, position=i.position,
                          category=i.category, text=i.text, points=i.weight, critical=i.fatal)
            for i in items
        )  # fmt: skip
        for i in items:
            ChecklistItem.objects.filter(pk=i.pk).update(
                created_at=i.created_at, updated_at=i.updated_at
            )


def checklists_to_items(apps, schema_editor):
    _immediate(schema_editor)
    Scenario = apps.get_model("surveys", "MysteryScenario")
    Item = apps.get_model("surveys", "MysteryItem")
    ChecklistItem = apps.get_model("core", "ChecklistItem")
    for s in Scenario.objects.all():
        for i in ChecklistItem.objects.filter(checklist_id=s.checklist_id):
            Item.objects.create(
                id=i.pk, scenario_id=s.pk, position=i.position, category=i.category[:40],
                text=i.text[:200], weight=i.points, fatal=i.critical,
            )  # fmt: skip
            Item.objects.filter(pk=i.pk).update(created_at=i.created_at, updated_at=i.updated_at)


def _immediate(schema_editor):
    """PostgreSQL: check the foreign keys now, so that no deferred trigger event is pending when
    a later operation of this migration alters a table (it would refuse)."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def drop_checklists(apps, schema_editor):
    _immediate(schema_editor)
    Scenario = apps.get_model("surveys", "MysteryScenario")
    Checklist = apps.get_model("core", "Checklist")
    ChecklistItem = apps.get_model("core", "ChecklistItem")
    Scenario.objects.update(checklist=None)
    ChecklistItem.objects.filter(checklist__purpose=PURPOSE).delete()
    Checklist.objects.filter(purpose=PURPOSE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0025_checklist_active_applicability"),
        ("surveys", "0003_case_kinds"),
    ]

    operations = [
        migrations.AddField(
            model_name="mysteryscenario",
            name="checklist",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.checklist",
                verbose_name="检查清单",
            ),
        ),
        migrations.RunPython(items_to_checklists, drop_checklists),
        migrations.AlterField(
            model_name="mysteryscore",
            name="item",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.checklistitem",
                verbose_name="检查项",
            ),
        ),
        migrations.AlterField(
            model_name="mysteryscenario",
            name="checklist",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="core.checklist",
                verbose_name="检查清单",
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, checklists_to_items),
        migrations.DeleteModel(name="MysteryItem"),
    ]
