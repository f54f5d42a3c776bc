from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from .manifest import HomeCount, Manifest, NavLink


class CoreConfig(AppConfig):
    name = "hiqc.core"
    label = "core"
    verbose_name = "系统内核"
    manifest = Manifest(
        api_routers=("hiqc.core.api.router",),
        home_counts=(HomeCount("core.AuditEvent", "audit.view", "audit", _("审计记录")),),
        nav=(
            NavLink("ch6", "backups", _("备份与恢复测试"), "rules.view"),
            NavLink("ch6", "jobs", _("后台作业"), "rules.view"),
            NavLink("ch6", "audit", _("审计日志"), "audit.view"),
            NavLink("ch6", "privacy_inventory", _("个人信息清单"), "privacy.view"),
            NavLink("ch6", "privacy_retention", _("保存期限与法律保全"), "privacy.view"),
        ),
    )

    def ready(self) -> None:
        from .access import register_manifest_permissions
        from .navigation import register_manifest_navigation

        register_manifest_permissions()  # every app's permissions and roles
        register_manifest_navigation()  # every app's menu sections and entries
        from . import (  # noqa: F401  (checks, indicators, periodic jobs)
            checks,
            evidence_rules,
            indicators,
            schedule,
        )
        from .deadlines import deadline_warned
        from .notifications import on_deadline_warned, set_email_sender
        from .tasks import notification_email_task

        # The deadlines and the jobs sit above the notifications: wired here, not imported there.
        deadline_warned.connect(on_deadline_warned, dispatch_uid="hiqc.deadline_notifications")
        set_email_sender(notification_email_task)

        # every connection's writes raise the data generation the page cache is keyed by
        from django.db.backends.signals import connection_created

        from .pagecache import install as pagecache_install

        connection_created.connect(pagecache_install, dispatch_uid="hiqc.pagecache")

        # Backups with verified restore (6.2.2(4), ADR 0014): the retention rule and the page.
        from django.utils.translation import gettext_noop

        from .audit_labels import register_audit_labels, register_finding_kinds
        from .backup import RETENTION
        from .findings import OUT_OF_DESIGN
        from .rules import register_rules

        register_rules(RETENTION)
        # Retention enforced for every domain (6.1.3(3), issue 21 §2): the notice period.
        from .retention import NOTICE

        register_rules(NOTICE)

        # The holiday-calendar upload takes a small CSV: a larger body is refused unread.
        from .bodylimit import body_limit_register
        from .calendar_views import MAX_UPLOAD_BYTES

        body_limit_register(
            "calendar",
            lambda: MAX_UPLOAD_BYTES + 64 * 1024,
            hint=lambda: str(_("节假日文件不超过 256 KB。")),
        )
        # an imported event the designed workflow refused (issue 16 §4; findings.py)
        register_finding_kinds({OUT_OF_DESIGN: gettext_noop("导入的事件违背流程设计")})
        register_audit_labels(
            {
                "backup.create": gettext_noop("数据库备份"),
                "backup.restore_test": gettext_noop("备份恢复测试"),
                "backup.prune": gettext_noop("按保留期删除备份文件"),
                "privacy.hold.place": gettext_noop("设置法律保全"),
                "privacy.hold.release": gettext_noop("解除法律保全"),
                "privacy.retention.apply": gettext_noop("按保存期限删除或匿名化个人信息"),
            }
        )
