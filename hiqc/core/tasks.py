"""Kernel jobs (registered in hiqc.core.schedule): thin wrappers around services."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from huey.contrib.djhuey import db_task

from . import services
from .access import Actor
from .backup import backup_scheduled
from .calendar import BEIJING
from .deadlines import deadlines_sweep
from .indicators import align, indicators_compute, next_start
from .notifications import daily_digest


def audit_verify_job() -> dict:
    return services.audit_chain_check().summary


def sessions_clear_job() -> dict:
    return services.sessions_clear().summary


def deadlines_sweep_job() -> dict:
    """Raise due warnings and breaches (every minute; catch-up safe and idempotent)."""
    return deadlines_sweep()


@db_task()
def notification_email_task(notification_ids: list[int]) -> int:
    """E-mail copies of inbox rows (ids only), honouring each user's preference (the sender
    ``hiqc.core.notifications.notify`` calls after the commit: CoreConfig.ready sets it)."""
    return services.notification_emails_send(notification_ids)


def notification_emails_retry_job() -> dict:
    """E-mail copies the relay could not take when they were queued (every 10 minutes)."""
    return services.notification_emails_retry()


def daily_digest_job() -> dict:
    return {"messages": daily_digest()}


def indicators_daily_job() -> dict:
    """Yesterday by day, and the months it touches, for every declared indicator (idempotent)."""
    today = align(timezone.now().astimezone(BEIJING), "day")
    yesterday = today - timedelta(days=1)
    days = indicators_compute(granularity="day", start=yesterday, end=today)
    month = align(yesterday, "month")
    months = indicators_compute(
        granularity="month", start=month, end=next_start(align(today, "month"), "month")
    )
    return {"day_rows": days, "month_rows": months}


def backup_daily_job() -> dict:
    """Back up the database (encrypted, with its manifest), then apply backup.retention_days."""
    return backup_scheduled(actor=Actor.system("core.backup_daily"))


def retention_daily_job() -> dict:
    """Apply the retention report whose day has come, then make the next dry run."""
    from .retention import retention_daily

    return retention_daily()
