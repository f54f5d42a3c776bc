"""The emergency app's jobs (DESIGN rule 7: jobs take ids or nothing and call one service)."""

from __future__ import annotations

from .services import drills_schedule


def drill_schedule_job() -> dict[str, int]:
    """Daily: the next drill of every plan that is due (one per plan, catch-up safe) and the count
    of overdue drills (issue 20 §6; emergency.drill_interval_months)."""
    return drills_schedule()
