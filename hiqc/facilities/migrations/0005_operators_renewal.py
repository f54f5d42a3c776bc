"""Operators (8.2.6) and renewal plans (8.3.6; issue 19 §7–§8), with the default operator
requirements."""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def seed(apps, schema_editor):
    """The default operator requirements (8.2.6): see hiqc/facilities/operators.py."""
    from hiqc.facilities.operators import DEFAULT_REQUIREMENTS

    OperatorRequirement = apps.get_model("facilities", "OperatorRequirement")
    for category, qualification, note in DEFAULT_REQUIREMENTS:
        if not OperatorRequirement.objects.filter(category=category, equipment=None).exists():
            OperatorRequirement.objects.create(
                category=category, qualification=qualification, note=note, updated_by="migration"
            )


class Migration(migrations.Migration):
    dependencies = [
        ("facilities", "0004_faults"),
        ("organisations", "0003_alter_membership_role"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="RenewalPlan",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="创建时间"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                ("budget_year", models.PositiveSmallIntegerField(verbose_name="预算年度")),
                (
                    "reason",
                    models.CharField(
                        choices=[
                            ("age", "超过使用年限"),
                            ("faults", "故障频发"),
                            ("obsolete", "技术淘汰"),
                            ("damage", "损坏无法修复"),
                            ("other", "其他"),
                        ],
                        max_length=20,
                        verbose_name="更新原因",
                    ),
                ),
                (
                    "estimated_cost",
                    models.DecimalField(
                        decimal_places=2, max_digits=12, verbose_name="预计金额（元）"
                    ),
                ),
                (
                    "state",
                    models.CharField(
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
                ),
                ("note", models.TextField(blank=True, max_length=2000, verbose_name="说明")),
                ("planned_by", models.CharField(max_length=150, verbose_name="计划人")),
                (
                    "approved_by",
                    models.CharField(blank=True, max_length=150, verbose_name="批准人"),
                ),
                (
                    "approved_at",
                    models.DateTimeField(blank=True, null=True, verbose_name="批准时间"),
                ),
                ("done_on", models.DateField(blank=True, null=True, verbose_name="完成日期")),
                (
                    "items",
                    models.ManyToManyField(
                        related_name="+", to="facilities.equipment", verbose_name="更新设备"
                    ),
                ),
                (
                    "org_unit",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="organisations.orgunit",
                        verbose_name="所属机构",
                    ),
                ),
                (
                    "replacement",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="facilities.equipment",
                        verbose_name="替换设备",
                    ),
                ),
            ],
            options={
                "verbose_name": "设备更新计划",
                "verbose_name_plural": "设备更新计划",
                "ordering": ("-budget_year", "org_unit__path", "-created_at"),
            },
        ),
        migrations.CreateModel(
            name="EquipmentOperator",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="创建时间"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                ("assigned_on", models.DateField(verbose_name="指定日期")),
                ("assigned_by", models.CharField(max_length=150, verbose_name="指定人")),
                (
                    "equipment",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="operators",
                        to="facilities.equipment",
                        verbose_name="设备",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="操作人员",
                    ),
                ),
            ],
            options={
                "verbose_name": "设备操作人员",
                "verbose_name_plural": "设备操作人员",
                "ordering": ("equipment", "assigned_on", "created_at"),
                "constraints": [
                    models.UniqueConstraint(
                        fields=("equipment", "user"), name="facilities_operator_unique"
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="OperatorRequirement",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(auto_now_add=True, db_index=True, verbose_name="创建时间"),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                (
                    "category",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("telephony", "电话与呼叫系统"),
                            ("queue", "排队叫号机"),
                            ("self_service", "自助服务终端"),
                            ("pc", "电脑"),
                            ("printer", "打印机/复印机"),
                            ("water", "饮水设备"),
                            ("accessibility", "无障碍设备"),
                            ("other", "其他设备"),
                        ],
                        max_length=20,
                        verbose_name="设备类别",
                    ),
                ),
                (
                    "qualification",
                    models.CharField(max_length=30, verbose_name="操作人员须持有的资格"),
                ),
                ("note", models.CharField(blank=True, max_length=200, verbose_name="依据")),
                ("updated_by", models.CharField(max_length=150, verbose_name="设定人")),
                (
                    "equipment",
                    models.OneToOneField(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="facilities.equipment",
                        verbose_name="设备",
                    ),
                ),
            ],
            options={
                "verbose_name": "设备操作资格要求",
                "verbose_name_plural": "设备操作资格要求",
                "ordering": ("category", "created_at"),
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("equipment", None)),
                        fields=("category",),
                        name="facilities_operator_requirement_category",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("equipment", None), models.Q(("category", ""), _negated=True)
                            ),
                            models.Q(
                                models.Q(("equipment", None), _negated=True), ("category", "")
                            ),
                            _connector="OR",
                        ),
                        name="facilities_operator_requirement_one_subject",
                    ),
                ],
            },
        ),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
