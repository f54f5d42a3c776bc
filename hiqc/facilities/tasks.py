"""The facilities app's jobs (DESIGN rule 7: jobs take ids or nothing, build a system actor or
none, and call one service)."""

from __future__ import annotations

from .maintenance.services import maintenance_generate_system


def maintenance_generate_job() -> int:
    """Daily: the next preventive-maintenance tasks (issue 19 §4; standard 8.2.2)."""
    return maintenance_generate_system()
