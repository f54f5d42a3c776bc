from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hiqc.core"
    label = "core"
    verbose_name = "系统内核"

    def ready(self) -> None:
        from . import checks, indicators, schedule  # noqa: F401  (checks, indicators, periodic jobs)
        from .deadlines import deadline_warned
        from .notifications import on_deadline_warned

        deadline_warned.connect(on_deadline_warned, dispatch_uid="hiqc.deadline_notifications")

        # Backups with verified restore (6.2.2(4), ADR 0014): the retention rule and the page.
        from django.utils.translation import gettext_lazy as _
        from django.utils.translation import gettext_noop

        from .audit_labels import register_audit_labels
        from .backup import RETENTION
        from .navigation import register_link
        from .rules import register_rules

        register_rules(RETENTION)

        # The holiday-calendar upload takes a small CSV: a larger body is refused unread.
        from .bodylimit import body_limit_register
        from .calendar_views import MAX_UPLOAD_BYTES

        body_limit_register(
            "calendar",
            lambda: MAX_UPLOAD_BYTES + 64 * 1024,
            hint=lambda: str(_("节假日文件不超过 256 KB。")),
        )
        register_link("security", "backups", _("备份与恢复测试"), "rules.view")
        register_link("security", "jobs", _("后台作业"), "rules.view")
        register_audit_labels(
            {
                "backup.create": gettext_noop("数据库备份"),
                "backup.restore_test": gettext_noop("备份恢复测试"),
                "backup.prune": gettext_noop("按保留期删除备份文件"),
            }
        )
