"""The standard's 95 % answered-in-time target (4.1.3(1), 4.2.3(1); CC-2) for each queue's own
service level too, so a queue that falls behind opens a nonconformity even when the site's overall
figure hides it (issue 7 §4, §8)."""

from datetime import date

from django.db import migrations

QUEUES = ("consultation", "complaint", "claims", "other")


def seed(apps, schema_editor):
    IndicatorTarget = apps.get_model("core", "IndicatorTarget")
    for queue in QUEUES:
        IndicatorTarget.objects.get_or_create(
            code=f"callcentre.service_level.{queue}", org_path="", valid_from=date(2020, 1, 1),
            defaults={"target": 0.95, "warning": 0.90, "source_kind": "standard",
                      "source": "标准 4.1.3(1)、4.2.3(1)：规定时间内接通率 ≥ 95%（CC-2），按队列",
                      "set_by": "HIQC defaults"},
        )  # fmt: skip


def unseed(apps, schema_editor):
    IndicatorTarget = apps.get_model("core", "IndicatorTarget")
    IndicatorTarget.objects.filter(
        code__in=[f"callcentre.service_level.{q}" for q in QUEUES], set_by="HIQC defaults"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0015_default_targets")]
    operations = [migrations.RunPython(seed, unseed)]
