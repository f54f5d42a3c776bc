"""Background jobs that say how they went (issue 14 §3).

Every periodic job (hiqc.core.schedule) and every queued job that recomputes figures runs through
``recorded``: a success resets the job's state, a failure is counted, leaves a JobRun with the
error's class (never its message: a database error quotes the row's values) and is raised again
so that Huey retries it (``RETRIES`` times, ``RETRY_DELAY_SECONDS`` apart). /healthz answers
"degraded" while a job's last run failed; /operations/jobs/ lists every job and its failures.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from django.db.models import F
from django.utils import timezone

from .models import JobRun, JobState

logger = logging.getLogger(__name__)

RETRIES = 2  # HIQC design default: a job that failed on a passing fault runs twice more
RETRY_DELAY_SECONDS = 60

F_ = TypeVar("F_", bound=Callable[..., Any])

# Queued (not periodic) jobs recorded here, with their display names; periodic jobs carry theirs
# in hiqc.core.schedule (``job_labels`` there lists both). Domains register theirs at start-up
# (AppConfig.ready).
ON_DEMAND: dict[str, Any] = {}


def register_job(name: str, label: Any) -> None:
    ON_DEMAND[name] = label


def recorded(name: str) -> Callable[[F_], F_]:
    """Decorate a job function: its outcome is recorded under ``name``."""

    def decorate(func: F_) -> F_:
        @functools.wraps(func)
        def run(*args: Any, **kwargs: Any) -> Any:
            started = timezone.now()
            try:
                result = func(*args, **kwargs)
            except Exception as exc:
                _failed(name, started, type(exc).__name__)
                raise
            _succeeded(name, started, result)
            return result

        run.job_name = name  # type: ignore[attr-defined]
        return run  # type: ignore[return-value]

    return decorate


def _succeeded(name: str, started: Any, result: Any) -> None:
    summary = result if isinstance(result, dict) else {}
    JobState.objects.update_or_create(
        job=name,
        defaults={"last_started_at": started, "last_ok_at": timezone.now(), "failures_in_row": 0,
                  "last_summary": summary},
    )  # fmt: skip


def _failed(name: str, started: Any, error: str) -> None:
    logger.error("job %s failed: %s", name, error)
    try:
        state, _ = JobState.objects.get_or_create(job=name)
        JobState.objects.filter(pk=state.pk).update(
            last_started_at=started,
            last_failed_at=timezone.now(),
            last_error=error[:120],
            failures_in_row=F("failures_in_row") + 1,
        )
        state.refresh_from_db(fields=["failures_in_row"])
        JobRun.objects.create(
            job=name, ok=False, summary={"error": error, "failures_in_row": state.failures_in_row}
        )
    except Exception as exc:  # the database itself may be what failed: the log still says so
        logger.error("job %s: its failure could not be recorded (%s)", name, type(exc).__name__)


def failing_jobs() -> list[str]:
    """The jobs whose last run failed."""
    return list(JobState.objects.filter(failures_in_row__gt=0).values_list("job", flat=True))


def job_states() -> dict[str, JobState]:
    return {s.job: s for s in JobState.objects.all()}


def job_failures() -> Any:
    """Failed runs, newest first (a QuerySet of JobRun)."""
    return JobRun.objects.filter(ok=False).order_by("-created_at")
