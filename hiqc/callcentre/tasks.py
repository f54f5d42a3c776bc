"""Call-centre jobs: thin wrappers that take plain values and call a service (DESIGN rule 7)."""

from __future__ import annotations

from datetime import datetime, timedelta

from huey.contrib.djhuey import db_task

from hiqc.core.jobs import RETRIES, RETRY_DELAY_SECONDS, recorded

INTERVAL_DAYS = 31  # 15-minute rows for at most the last month of an import's span


@db_task(retries=RETRIES, retry_delay=RETRY_DELAY_SECONDS)
@recorded("callcentre.calls_indicators")
def calls_indicators_job(first_offered: str, last_offered: str) -> dict:
    """Recompute the call-centre indicators for the days an import touched (idempotent): days
    and months over the whole span, 15-minute intervals over its most recent month."""
    from .indicators import calls_indicators_compute

    start = datetime.fromisoformat(first_offered)
    end = datetime.fromisoformat(last_offered) + timedelta(seconds=1)
    rows = calls_indicators_compute(start=start, end=end, granularities=("day", "month"))
    rows += calls_indicators_compute(
        start=max(start, end - timedelta(days=INTERVAL_DAYS)), end=end, granularities=("15min",)
    )
    return {"rows": rows}
