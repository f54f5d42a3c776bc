"""Default indicator targets for every unit (org_path ""), each with its source (issue 7 §1).
Legal limits are met by every case, so their on-time rates target 100 %; the standard's 95 %
answer rate is the standard's own figure (CC-2); the rest are internal targets an insurer would
start from, visible and changeable on the targets page."""

from datetime import date

from django.db import migrations

DEFAULTS = [
    # code, target, warning, kind, source
    ("claims.decided_on_time_rate", 1.0, 0.98, "regulation", "《保险法》第23条：30 日内核定（CL-2）"),
    ("claims.paid_on_time_rate", 1.0, 0.98, "regulation", "《保险法》第23条：达成协议后 10 日内支付（CL-5）"),
    ("claims.refusal_notice_on_time_rate", 1.0, 0.98, "regulation", "《保险法》第24条：3 日内发出拒赔通知（CL-6）"),
    ("complaints.decided_on_time_rate", 1.0, 0.98, "regulation", "《银行保险机构消费者投诉处理管理办法》：15 日内作出决定（CP-1）"),
    ("core.deadlines_met_rate", 1.0, 0.97, "regulation", "法定与内部时限按时完成（2.3、5.2.2(3)）"),
    ("callcentre.service_level", 0.95, 0.90, "standard", "标准 4.1.3(1)：规定时间内接通率 ≥ 95%（CC-2）"),
    ("callcentre.abandon_rate", 0.05, 0.08, "internal", "内部目标：放弃率 ≤ 5%"),
    ("consultations.fcr_rate", 0.80, 0.70, "internal", "内部目标：首次接触解决率 ≥ 80%"),
    ("complaints.repeat_rate", 0.05, 0.10, "internal", "内部目标：重复投诉率 ≤ 5%"),
    ("complaints.regulator_share", 0.20, 0.30, "internal", "内部目标：监管转办投诉占比 ≤ 20%（CP-9）"),
    ("claims.accuracy_rate", 0.98, 0.95, "internal", "内部目标：理赔准确率 ≥ 98%（5.1.2(3)）"),
    ("claims.median_days_to_payment", 10.0, 15.0, "internal", "内部目标：申请至支付中位数 ≤ 10 天（5.2.1）"),
    ("inspection.fatal_error_rate", 0.02, 0.05, "internal", "内部目标：质检致命错误率 ≤ 2%（7.2）"),
    ("inspection.agent_qa_score", 90.0, 85.0, "internal", "内部目标：坐席质检平均分 ≥ 90（4.1.3(2)）"),
    ("surveys.csat", 0.85, 0.80, "internal", "内部目标：客户满意度 ≥ 85%（4.3.3）"),
    ("claims.satisfaction", 0.85, 0.80, "internal", "内部目标：理赔客户满意度 ≥ 85%（5.3.2(2)）"),
    ("complaints.satisfaction", 0.60, 0.50, "internal", "内部目标：投诉处理满意度 ≥ 60%（4.2.3(3)）"),
    ("surveys.response_rate", 0.30, 0.20, "internal", "内部目标：调查回收率 ≥ 30%（4.3.2）"),
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
    IndicatorTarget.objects.filter(set_by="HIQC defaults").delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0014_indicator_targets")]
    operations = [migrations.RunPython(seed, unseed)]
