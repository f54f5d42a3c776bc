"""Seed one default scoring sheet per interaction kind (standard 4.1.3(2), 4.2.3(2)).

Each sheet has 100 points over seven items and two fatal errors (a fatal error sets the total to
0). The quality department publishes new versions from the sheets page; these rows are never
edited in place.
"""

from django.db import migrations

COMMON_FATAL = [
    ("合规", "泄露客户个人信息（致命）"),
    ("合规", "误导性陈述或不实承诺（致命）"),
]

SHEETS = {
    "call-default": (
        "电话服务质检评分表",
        ["call"],
        [
            ("服务规范", "开场问候规范，核实客户身份", 10),
            ("业务准确", "答复信息准确、完整", 25),
            ("合规", "合规告知到位（录音提示、条款与隐私告知）", 15),
            ("服务态度", "耐心倾听，表达同理心", 15),
            ("解决效果", "问题得到解决或明确后续安排", 20),
            ("记录", "工单记录完整准确", 10),
            ("记录", "录音编号已登记可调阅", 5),
        ],
    ),
    "consultation-default": (
        "咨询服务质检评分表",
        ["consultation"],
        [
            ("服务规范", "问候规范，核实客户身份", 10),
            ("业务准确", "咨询答复准确、依据充分", 25),
            ("合规", "必要的合规告知与风险提示", 15),
            ("服务态度", "沟通礼貌，体现同理心", 15),
            ("解决效果", "首次接触解决或明确转办", 20),
            ("记录", "咨询记录完整（主题、内容、答复）", 10),
            ("记录", "录音/录像编号已登记", 5),
        ],
    ),
    "complaint-default": (
        "投诉处理质检评分表",
        ["complaint"],
        [
            ("服务规范", "受理确认及时，核实投诉人身份", 10),
            ("业务准确", "事实调查清楚，处理依据准确", 25),
            ("合规", "告知处理时限与救济途径", 15),
            ("服务态度", "沟通耐心，体现同理心", 15),
            ("解决效果", "处理结果合理，争议得到化解", 20),
            ("记录", "案卷记录完整（事实、依据、决定）", 10),
            ("记录", "录音录像资料留存可调阅", 5),
        ],
    ),
}


def seed(apps, schema_editor):
    Sheet = apps.get_model("inspection", "ScoringSheet")
    Item = apps.get_model("inspection", "SheetItem")
    for code, (name, kinds, items) in SHEETS.items():
        if Sheet.objects.filter(code=code).exists():
            continue
        sheet = Sheet.objects.create(
            code=code, version=1, name=name, kinds=kinds, active=True,
            published_by="system", note="默认评分表",
        )  # fmt: skip
        rows = [(c, t, p, False) for c, t, p in items] + [(c, t, 0, True) for c, t in COMMON_FATAL]
        Item.objects.bulk_create(
            Item(sheet=sheet, position=i, category=c, text=t, points=p, fatal=f)
            for i, (c, t, p, f) in enumerate(rows, start=1)
        )


def unseed(apps, schema_editor):
    Sheet = apps.get_model("inspection", "ScoringSheet")
    Sheet.objects.filter(code__in=SHEETS, version=1, published_by="system").delete()


class Migration(migrations.Migration):
    dependencies = [("inspection", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
