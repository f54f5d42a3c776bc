"""The default consultation topic taxonomy of a health insurer (two levels: category → topic).

Head office adjusts it on the 咨询主题分类 page; topics are deactivated, never deleted once used.
Re-running adds only what is missing (keyed by code)."""

import uuid

from django.db import migrations

TAXONOMY = [
    ("product", "产品咨询", [
        ("product.coverage", "保障范围与责任"),
        ("product.exclusions", "责任免除与等待期"),
        ("product.premium", "保费与费率"),
        ("product.underwriting", "投保条件与健康告知"),
        ("product.comparison", "产品选择与推荐"),
    ]),
    ("policy", "保单服务/保全", [
        ("policy.info_change", "客户信息变更"),
        ("policy.beneficiary", "受益人变更"),
        ("policy.renewal", "续保"),
        ("policy.surrender", "退保与犹豫期"),
        ("policy.reinstatement", "保单复效"),
        ("policy.documents", "保单与发票补发"),
    ]),
    ("claims", "理赔咨询", [
        ("claims.how_to", "理赔申请流程"),
        ("claims.documents", "理赔材料"),
        ("claims.progress", "理赔进度查询"),
        ("claims.decision", "理赔结果解释"),
        ("claims.direct_billing", "医院直付与垫付"),
    ]),
    ("payment", "缴费", [
        ("payment.methods", "缴费方式与账户变更"),
        ("payment.failed", "扣款失败"),
        ("payment.grace", "宽限期与逾期"),
        ("payment.refund", "退费"),
    ]),
    ("health", "健康服务", [
        ("health.appointment", "就医预约与绿色通道"),
        ("health.second_opinion", "专家第二诊疗意见"),
        ("health.checkup", "体检服务"),
        ("health.online_doctor", "在线问诊"),
    ]),
    ("other", "其他", [
        ("other.account", "账号与线上服务"),
        ("other.privacy", "个人信息与隐私"),
        ("other.branch", "网点与服务时间"),
        ("other.general", "其他问题"),
    ]),
]  # fmt: skip


def load(apps, schema_editor):
    Category = apps.get_model("consultations", "TopicCategory")
    Topic = apps.get_model("consultations", "Topic")
    for position, (code, name, topics) in enumerate(TAXONOMY, start=1):
        category = Category.objects.filter(code=code).first()
        if category is None:
            category = Category.objects.create(
                id=uuid.uuid4(), code=code, name=name, position=position * 10
            )
        for t_position, (t_code, t_name) in enumerate(topics, start=1):
            if not Topic.objects.filter(code=t_code).exists():
                Topic.objects.create(
                    id=uuid.uuid4(),
                    category=category,
                    code=t_code,
                    name=t_name,
                    position=t_position * 10,
                )


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
