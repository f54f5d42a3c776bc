"""Every periodic job, in one list (DESIGN rule 7): the kernel's own below, each app's from its
manifest (``hiqc.core.manifest``).

Jobs are referenced by dotted path so the kernel imports no domain; each is registered with the
Huey consumer's scheduler at start-up. All jobs are idempotent and safe to run late, so a failed
run is retried; every run's outcome is recorded (hiqc.core.jobs).
"""

from __future__ import annotations

from typing import Any

from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .jobs import ON_DEMAND, RETRIES, RETRY_DELAY_SECONDS, recorded
from .manifest import BEIJING_UTC_OFFSET_HOURS, Periodic, daily_beijing, periodic_jobs

__all__ = ["BEIJING_UTC_OFFSET_HOURS", "KERNEL_SCHEDULE", "SCHEDULE", "TASKS", "Periodic",
           "daily_beijing", "job_labels"]  # fmt: skip

# The kernel's own jobs; each app's come from its manifest (``Manifest.periodic``).
KERNEL_SCHEDULE: list[Periodic] = [
    Periodic(
        "core.deadlines_sweep",
        "hiqc.core.tasks.deadlines_sweep_job",
        crontab(minute="*"),
        "Raise deadline warnings (50%, 80%, one working day before due) and breaches.",
        _("时限预警与超时扫描"),
    ),
    Periodic(
        "core.indicators_daily",
        "hiqc.core.tasks.indicators_daily_job",
        daily_beijing(1, 0),
        "Compute every declared indicator for yesterday and its month.",
        _("每日指标计算"),
    ),
    Periodic(
        "core.notification_emails_retry",
        "hiqc.core.tasks.notification_emails_retry_job",
        crontab(minute="*/10"),
        "E-mail copies left unsent while the mail relay was unreachable (for a day).",
        _("通知邮件补发"),
    ),
    Periodic(
        "core.daily_digest",
        "hiqc.core.tasks.daily_digest_job",
        daily_beijing(8, 30),
        "Each assignee's daily summary: breached cases and cases due within two days.",
        _("每日待办摘要"),
    ),
    Periodic(
        "core.audit_verify",
        "hiqc.core.tasks.audit_verify_job",
        daily_beijing(2, 30),
        "Recompute the audit hash chain and record the result (PI-8).",
        _("审计链校验"),
    ),
    Periodic(
        "core.sessions_clear",
        "hiqc.core.tasks.sessions_clear_job",
        daily_beijing(3, 15),
        "Delete expired sessions.",
        _("清理过期会话"),
    ),
    Periodic(
        "core.backup_daily",
        "hiqc.core.tasks.backup_daily_job",
        daily_beijing(3, 30),
        "Back up the database into an encrypted file with its manifest, then delete backups "
        "past backup.retention_days (standard 6.2.2(4)).",
        _("每日数据库备份"),
    ),
    Periodic(
        "core.retention_daily",
        "hiqc.core.tasks.retention_daily_job",
        daily_beijing(4, 0),
        "Apply the retention report whose day has come (delete or anonymise what is past its "
        "retention, spare what a legal hold names), then list what the next notice period will "
        "remove (standard 6.1.3(3), issue 21 §2).",
        _("按保存期限删除个人信息"),
    ),
]

# Every periodic job: the kernel's, then each installed app's in INSTALLED_APPS order.
SCHEDULE: list[Periodic] = KERNEL_SCHEDULE + periodic_jobs()
_names = [p.name for p in SCHEDULE]
if len(set(_names)) != len(_names):
    raise ValueError(
        f"periodic job names declared twice: {sorted(n for n in _names if _names.count(n) > 1)}"
    )


def job_labels() -> dict[str, Any]:
    """Every recorded job's display name: the periodic jobs first, then the queued ones
    (``hiqc.core.jobs.register_job``)."""
    return {p.name: p.label or p.name for p in SCHEDULE} | ON_DEMAND


TASKS: dict[str, Any] = {}


def _register() -> None:
    for item in SCHEDULE:
        if item.name in TASKS:
            continue
        func = recorded(item.name)(import_string(item.job))
        TASKS[item.name] = db_periodic_task(
            item.when, name=item.name, retries=RETRIES, retry_delay=RETRY_DELAY_SECONDS
        )(func)


_register()
