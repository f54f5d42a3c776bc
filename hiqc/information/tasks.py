"""The information app's jobs (DESIGN rule 7: jobs take ids or nothing and call one service)."""

from __future__ import annotations

from .services import dormant_disable, recertification_open
from .sharing.services import shares_schedule


def recertification_open_job() -> dict:
    """Daily: open the quarter's recertification round and its missing cases (catch-up safe)."""
    return recertification_open()


def dormant_disable_job() -> dict:
    """Daily: disable the accounts dormant past the rule (6.2.3(4))."""
    return dormant_disable()


def shares_schedule_job() -> dict:
    """Daily: request the regular shares agreements in force call for (6.3)."""
    return shares_schedule()
