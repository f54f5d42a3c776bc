"""Targets for the on-time rates declared with the quality issue's case lists (issue 7 §1): the
one-time supplement notice (internal 3 working days, CL-1), the advance payment (Insurance Law
art. 25, CL-7), the small-claim fast track (the insurer's 24-hour commitment, CL-11) and the
consultation reply (internal, 1 working day by default)."""

from datetime import date

from django.db import migrations

DEFAULTS = [
    # code, target, warning, kind, source
    ("claims.notice_on_time_rate", 0.98, 0.95, "internal", "内部目标：资料不全时 3 个工作日内一次性告知（《保险法》第22条，CL-1）"),
    ("claims.advance_on_time_rate", 1.0, 0.98, "regulation", "《保险法》第25条：60 日内不能确定金额的先予支付（CL-7）"),
    ("claims.fast_track_on_time_rate", 0.90, 0.85, "internal", "服务承诺：小额理赔受理后 24 小时内结案（CL-11）；时钟不因补充材料暂停，故目标 90%"),
    ("consultations.replied_on_time_rate", 0.95, 0.90, "internal", "内部目标：咨询 1 个工作日内答复（4.1.3(2)）"),
]  # fmt: skip


def seed(apps, schema_editor):
    IndicatorTarget = apps.get_model("core", "IndicatorTarget")
    for code, target, warning, kind, source in DEFAULTS:
        IndicatorTarget.objects.get_or_create(
            code=code, org_path="", valid_from=date(2020, 1, 1),
            defaults={"target": target, "warning": warning, "source_kind": kind,
                      "source": source, "set_by": "HIQC defaults"},
        )  # fmt: skip


def unseed(apps, schema_editor):
    IndicatorTarget = apps.get_model("core", "IndicatorTarget")
    IndicatorTarget.objects.filter(
        code__in=[d[0] for d in DEFAULTS], set_by="HIQC defaults"
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0016_queue_service_level_targets")]
    operations = [migrations.RunPython(seed, unseed)]
