"""Quality jobs (declared in the quality manifest, apps.py): thin wrappers around services."""

from __future__ import annotations


def nonconformities_detect_job() -> dict:
    """Runs after ``core.indicators_daily`` (01:00) has written last month's rows."""
    from .nonconformities.services import nonconformities_detect

    report = nonconformities_detect()
    return {"checked": report.checked, "opened": report.opened}
