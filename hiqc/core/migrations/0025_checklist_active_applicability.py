"""Checklist versions get an active flag and an applicability list (ADR 0023, follow-up): what
quality inspection's scoring sheets need before they move onto the kernel checklist. The active
version of a code is, for existing rows, its newest published version (what ``checklist_current``
answered so far); drafts are not active."""

from django.db import migrations, models


def mark_active(apps, schema_editor):
    Checklist = apps.get_model("core", "Checklist")
    newest: dict[str, object] = {}
    for c in Checklist.objects.filter(published_at__isnull=False).order_by("code", "-version"):
        newest.setdefault(c.code, c.pk)
    Checklist.objects.exclude(pk__in=list(newest.values())).update(active=False)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0024_legal_hold_retention_report"),
    ]

    operations = [
        migrations.AddField(
            model_name="checklist",
            name="active",
            field=models.BooleanField(default=True, verbose_name="启用"),
        ),
        migrations.AddField(
            model_name="checklist",
            name="applies_to",
            field=models.JSONField(blank=True, default=list, verbose_name="适用范围"),
        ),
        migrations.RunPython(mark_active, migrations.RunPython.noop),
    ]
