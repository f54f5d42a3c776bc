from django.db import migrations, models

KINDS = [
    ("deadline_warning", "时限预警"),
    ("deadline_breach", "时限超时"),
    ("daily_digest", "每日待办摘要"),
    ("case_assigned", "案件分派给我"),
    ("documents_received", "经办案件收到新材料"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0012_lean_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="notification",
            name="kind",
            field=models.CharField(choices=KINDS, max_length=30, verbose_name="类型"),
        ),
        migrations.AlterField(
            model_name="notificationpreference",
            name="kind",
            field=models.CharField(choices=KINDS, max_length=30),
        ),
    ]
