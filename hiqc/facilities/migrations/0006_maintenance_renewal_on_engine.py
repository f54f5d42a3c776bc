"""Maintenance tasks and renewal plans move onto the case engine (ADR 0032; issue 19 §4, §8).

``state`` becomes the case ``status`` (the values stay), both gain the engine's ``assignee`` and
a renewal plan its ``version``; the partial unique index "one open task per plan and item" is
re-declared on ``status``. The data step gives every existing task its clock — a ``Deadline``
computed as the engine computes it (started at ``warn_on``, due at the end of ``due_on``):
running while open, met or breached as the task was done on time or late, cancelled — and every
task and plan its ``create`` event (and a task its ``complete`` / ``cancel`` event), so its page,
"my work" and the process views tell one history.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TASK, PLAN = "facilities.maintenancetask", "facilities.renewalplan"


def onto_the_engine(apps, schema_editor):
    from datetime import datetime, time

    from hiqc.core.calendar import BEIJING
    from hiqc.core.deadlines import deadline_build
    from hiqc.facilities.maintenance.workflow import PM_CLOCK

    Task = apps.get_model("facilities", "MaintenanceTask")
    Plan = apps.get_model("facilities", "RenewalPlan")
    Deadline = apps.get_model("core", "Deadline")
    CaseEvent = apps.get_model("core", "CaseEvent")
    fields = [f.attname for f in Deadline._meta.concrete_fields if f.attname != "id"]
    have = set(Deadline.objects.filter(case_type=TASK).values_list("case_id", flat=True))
    clocks, events = [], []

    def event(case_type, case_id, path, activity, before, after, at, who, data):
        return CaseEvent(case_type=case_type, case_id=case_id, org_path=path, activity=activity,
                         from_state=before, to_state=after, at=at, actor_name=who or "system",
                         source="system", data=data)  # fmt: skip

    tasks = Task.objects.select_related("equipment__org_unit").order_by("created_at")
    for t in tasks.iterator(chunk_size=1000):
        key, path = str(t.pk), t.equipment.org_unit.path
        start = datetime.combine(t.warn_on, time.min, tzinfo=BEIJING)
        closed = None
        if t.status == "done":
            # the completion's day decides, as ``on_time`` did (and the engine's step does)
            day = t.completed_on or t.due_on
            closed = datetime.combine(day, time(12), BEIJING)
        if key not in have:
            built = deadline_build(case_type=TASK, case_id=key, org_path=path, clock=PM_CLOCK,
                                   at=start, due=t.due_on, closed_at=closed)  # fmt: skip
            if t.status == "cancelled":
                built.state, built.closed_at, built.next_warning_at = (
                    "cancelled",
                    t.updated_at,
                    None,
                )
            clocks.append(Deadline(**{f: getattr(built, f) for f in fields if hasattr(built, f)}))
        events.append(event(TASK, key, path, "create", "", "pending", t.created_at, "", {}))
        if t.status == "done":
            events.append(event(TASK, key, path, "complete", "pending", "done", closed,
                                t.completed_by, {"on_time": t.on_time}))  # fmt: skip
        elif t.status == "cancelled":
            events.append(event(TASK, key, path, "cancel", "pending", "cancelled", t.updated_at,
                                "", {}))  # fmt: skip
        if len(events) >= 2000:
            Deadline.objects.bulk_create(clocks, batch_size=1000)
            CaseEvent.objects.bulk_create(events, batch_size=1000)
            clocks, events = [], []
    for p in Plan.objects.select_related("org_unit"):
        events.append(event(PLAN, str(p.pk), p.org_unit.path, "create", "", "planned",
                            p.created_at, p.planned_by, {}))  # fmt: skip
        if p.status in ("approved", "done"):
            events.append(event(PLAN, str(p.pk), p.org_unit.path, "approve", "planned",
                                "approved", p.approved_at or p.updated_at, p.approved_by, {}))  # fmt: skip
        if p.status in ("done", "dropped"):
            before = "approved" if p.status == "done" or p.approved_by else "planned"
            action = "complete" if p.status == "done" else (
                "withdraw" if before == "approved" else "drop")  # fmt: skip
            events.append(event(PLAN, str(p.pk), p.org_unit.path, action, before, p.status,
                                p.updated_at, "", {}))  # fmt: skip
    Deadline.objects.bulk_create(clocks, batch_size=1000)
    CaseEvent.objects.bulk_create(events, batch_size=1000)


def off_the_engine(apps, schema_editor):
    apps.get_model("core", "Deadline").objects.filter(case_type=TASK).delete()
    apps.get_model("core", "CaseEvent").objects.filter(case_type__in=(TASK, PLAN)).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("facilities", "0005_operators_renewal"),
        # the clocks are built with the live kernel (process versions, rules): its tables first
        ("core", "0024_legal_hold_retention_report"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="maintenancetask", name="facilities_task_one_open"),
        migrations.RenameField(model_name="maintenancetask", old_name="state", new_name="status"),
        migrations.RenameField(model_name="renewalplan", old_name="state", new_name="status"),
        migrations.AlterField(
            model_name="maintenancetask",
            name="status",
            field=models.CharField(
                choices=[("pending", "待保养"), ("done", "已完成"), ("cancelled", "已取消")],
                default="pending",
                max_length=20,
                verbose_name="状态",
            ),
        ),  # fmt: skip
        migrations.AlterField(
            model_name="renewalplan",
            name="status",
            field=models.CharField(
                choices=[
                    ("planned", "计划中"),
                    ("approved", "已批准"),
                    ("done", "已完成"),
                    ("dropped", "已取消"),
                ],
                default="planned",
                max_length=20,
                verbose_name="状态",
            ),
        ),  # fmt: skip
        migrations.AddField(
            model_name="maintenancetask",
            name="assignee",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="经办人",
            ),
        ),  # fmt: skip
        migrations.AddField(
            model_name="renewalplan",
            name="assignee",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="经办人",
            ),
        ),  # fmt: skip
        migrations.AddField(
            model_name="renewalplan",
            name="version",
            field=models.PositiveIntegerField(default=1, verbose_name="版本"),
        ),
        migrations.AddConstraint(
            model_name="maintenancetask",
            constraint=models.UniqueConstraint(
                condition=models.Q(("status", "pending")),
                fields=("plan", "equipment"),
                name="facilities_task_one_open",
            ),
        ),  # fmt: skip
        migrations.RunPython(onto_the_engine, off_the_engine),
    ]
