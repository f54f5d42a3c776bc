"""A default target for the mystery-shopping pass rate (4.3.1), declared with the quality issue:
an internal target, changeable on the targets page like the others."""

from datetime import date

from django.db import migrations

CODE = "surveys.mystery_pass_rate"


def seed(apps, schema_editor):
    IndicatorTarget = apps.get_model("core", "IndicatorTarget")
    IndicatorTarget.objects.get_or_create(
        code=CODE, org_path="", valid_from=date(2020, 1, 1),
        defaults={"target": 0.90, "warning": 0.80, "source_kind": "internal",
                  "source": "内部目标：神秘客户暗访合格率 ≥ 90%（4.3.1）", "set_by": "HIQC defaults"},
    )  # fmt: skip


def unseed(apps, schema_editor):
    apps.get_model("core", "IndicatorTarget").objects.filter(
        code=CODE, set_by="HIQC defaults"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0017_more_on_time_targets")]
    operations = [migrations.RunPython(seed, unseed)]
