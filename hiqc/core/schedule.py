"""Every periodic job, in one list (DESIGN rule 7).

Jobs are referenced by dotted path so the kernel imports no domain; each is registered with the
Huey consumer's scheduler at start-up. All jobs are idempotent and safe to run late, so a failed
run is retried; every run's outcome is recorded (hiqc.core.jobs).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .jobs import RETRIES, RETRY_DELAY_SECONDS, recorded


@dataclass(frozen=True)
class Periodic:
    name: str
    job: str  # dotted path of a function taking no arguments
    when: Callable[..., Any]
    description: str
    label: Any = ""  # what the operations page calls it, e.g. _("时限预警与超时扫描")


BEIJING_UTC_OFFSET_HOURS = 8  # China has one time zone and no daylight saving


def daily_beijing(hour: int, minute: int) -> Callable[..., Any]:
    """A daily crontab at a Beijing wall-clock time (Huey runs its scheduler in UTC)."""
    return crontab(minute=str(minute), hour=str((hour - BEIJING_UTC_OFFSET_HOURS) % 24))


SCHEDULE: list[Periodic] = [
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
        "core.daily_digest",
        "hiqc.core.tasks.daily_digest_job",
        daily_beijing(8, 30),
        "Each assignee's daily summary: breached cases and cases due within two days.",
        _("每日待办摘要"),
    ),
    Periodic(
        "surveys.invitations_daily",
        "hiqc.surveys.tasks.invitations_daily_job",
        daily_beijing(10, 0),
        "Survey invitations for cases whose event is due (delay, sampling rate, contact fatigue, "
        "quotas), then expire and remind (issue 6 §3).",
        _("满意度调查邀请"),
    ),
    Periodic(
        "quality.nonconformities_detect",
        "hiqc.quality.tasks.nonconformities_detect_job",
        daily_beijing(2, 0),
        "Open a nonconformity for each key indicator and unit whose last complete month misses "
        "its target or signals on its control chart (once each; issue 7 §4).",
        _("指标不合格项识别"),
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
]

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
