"""Survey jobs (declared in the surveys manifest, apps.py): thin wrappers around services."""

from __future__ import annotations


def invitations_daily_job() -> dict:
    """Invite for every active plan the cases whose event is due, expire and remind, and start the
    result clock of the mystery-shopping visits whose planned date has come. (What is past its
    plan's retention is deleted by the kernel's retention job: ``surveys.retention``.)"""
    from .mystery.services import result_clocks_start
    from .services import invitations_issue, invitations_remind_and_expire

    report = invitations_issue()
    return {"invited": report.invited, "skipped": dict(report.skipped),
            **invitations_remind_and_expire(),
            "mystery_clocks_started": result_clocks_start()}  # fmt: skip
