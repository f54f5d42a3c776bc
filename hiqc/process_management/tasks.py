"""Process-management jobs (declared in the manifest, apps.py): thin wrappers around services."""

from __future__ import annotations


def snapshots_job() -> dict:
    """Runs at night, after the day's events: the process pages' default figures."""
    from .services import snapshots_refresh

    return snapshots_refresh()


def mining_tables_job() -> dict:
    """Every ten minutes: the mining tables follow the event log (``eventlog.refresh``)."""
    from .eventlog import refresh

    return refresh()
