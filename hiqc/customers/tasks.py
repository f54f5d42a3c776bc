"""The customers app's jobs (DESIGN rule 7): take nothing, call one function."""

from __future__ import annotations

from .quality import quality_tally_run


def quality_tally_job() -> dict[str, int]:
    """Tonight's customer-data quality tally per unit (idempotent: a rerun replaces the day's)."""
    return quality_tally_run()
