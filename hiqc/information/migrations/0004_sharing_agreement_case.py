"""Sharing agreements move onto the case engine (``information.sharingagreement``; issue 21 §7):
they gain the engine's ``version`` and ``assignee`` and the end of an agreement (``ended_at``,
``ended_by``, ``end_reason``). The data step gives every existing agreement its ``create`` event
and, when in force, its ``activate`` event, so its page and the process views tell one history.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

KIND = "information.sharingagreement"


def onto_the_engine(apps, schema_editor):
    Agreement = apps.get_model("information", "SharingAgreement")
    CaseEvent = apps.get_model("core", "CaseEvent")
    have = set(CaseEvent.objects.filter(case_type=KIND).values_list("case_id", flat=True))
    events = []
    for a in Agreement.objects.select_related("org_unit").order_by("created_at"):
        key, path = str(a.pk), a.org_unit.path
        # a record may carry an activation dated before its row was written (a back-dated
        # registration): the draft came first
        drafted = min(a.created_at, a.activated_at or a.created_at)
        if key in have:
            continue
        events.append(CaseEvent(case_type=KIND, case_id=key, org_path=path, activity="create",
                                from_state="", to_state="draft", at=drafted,
                                actor_name="system", source="system", data={}))  # fmt: skip
        if a.status == "active" and a.activated_at:
            events.append(CaseEvent(case_type=KIND, case_id=key, org_path=path,
                                    activity="activate", from_state="draft", to_state="active",
                                    at=a.activated_at, actor_name=a.activated_by or "system",
                                    source="system", data={}))  # fmt: skip
    CaseEvent.objects.bulk_create(events, batch_size=1000)


def off_the_engine(apps, schema_editor):
    apps.get_model("core", "CaseEvent").objects.filter(case_type=KIND).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("information", "0003_sharing"),
        ("core", "0024_legal_hold_retention_report"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="sharingagreement",
            name="assignee",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="经办人",
            ),
        ),
        migrations.AddField(
            model_name="sharingagreement",
            name="end_reason",
            field=models.CharField(blank=True, max_length=2000, verbose_name="终止或撤回理由"),
        ),
        migrations.AddField(
            model_name="sharingagreement",
            name="ended_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="终止时间"),
        ),
        migrations.AddField(
            model_name="sharingagreement",
            name="ended_by",
            field=models.CharField(blank=True, max_length=150, verbose_name="终止登记人"),
        ),
        migrations.AddField(
            model_name="sharingagreement",
            name="version",
            field=models.PositiveIntegerField(default=1, verbose_name="版本"),
        ),
        migrations.RunPython(onto_the_engine, off_the_engine),
    ]
