"""The default root-cause taxonomy (CP-7); head office edits it on /complaints/root-causes/."""

from django.db import migrations

TAXONOMY = [
    ("product", "产品设计", [
        ("product.wording", "条款表述不清"),
        ("product.coverage", "保险责任或免责范围争议"),
    ]),
    ("sales", "销售行为", [
        ("sales.misleading", "销售误导"),
        ("sales.disclosure", "未充分说明或告知"),
        ("sales.agent_misconduct", "代理人违规"),
    ]),
    ("claims", "理赔流程", [
        ("claims.delay", "理赔时效延误"),
        ("claims.documents", "材料要求不当或重复索要"),
        ("claims.standard", "核赔标准不一致"),
        ("claims.explanation", "拒赔或核减解释不足"),
    ]),
    ("service", "服务质量", [
        ("service.attitude", "服务态度"),
        ("service.response", "响应不及时"),
        ("service.access", "服务渠道不畅"),
    ]),
    ("operations", "运营与系统", [
        ("operations.system", "系统故障"),
        ("operations.data", "数据或信息错误"),
        ("operations.billing", "扣费、退费差错"),
    ]),
    ("external", "外部因素", [
        ("external.provider", "医疗机构原因"),
        ("external.partner", "第三方合作机构原因"),
        ("external.misunderstanding", "客户误解（已解释澄清）"),
    ]),
]  # fmt: skip


def load(apps, schema_editor):
    RootCause = apps.get_model("complaints", "RootCause")
    for i, (code, name, children) in enumerate(TAXONOMY):
        parent, _ = RootCause.objects.get_or_create(
            code=code, defaults={"name": name, "position": i * 10}
        )
        for j, (child_code, child_name) in enumerate(children):
            RootCause.objects.get_or_create(
                code=child_code, defaults={"name": child_name, "parent": parent, "position": j}
            )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
