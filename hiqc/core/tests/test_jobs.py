"""Background jobs say how they went (issue 14 §3): a failure is recorded and retried, /healthz
answers "degraded" until the job succeeds again, and the operations page lists it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client

from hiqc.core.jobs import RETRIES, failing_jobs, recorded
from hiqc.core.models import JobRun, JobState
from hiqc.core.schedule import SCHEDULE, TASKS

pytestmark = pytest.mark.django_db


def _flaky(outcomes: list[bool]) -> Callable[[], dict]:
    @recorded("core.indicators_daily")
    def job() -> dict:
        if not outcomes.pop(0):
            raise RuntimeError("duplicate key (0001/, 2026-11-30) already exists")
        return {"rows": 3}

    return job


def test_a_failed_run_is_recorded_by_error_class_only_and_raised_again():
    job = _flaky([False])
    with pytest.raises(RuntimeError):
        job()
    state = JobState.objects.get(job="core.indicators_daily")
    assert state.failures_in_row == 1 and state.last_error == "RuntimeError"
    run = JobRun.objects.get(job="core.indicators_daily")
    assert not run.ok and run.summary == {"error": "RuntimeError", "failures_in_row": 1}
    assert "0001/" not in str(run.summary)  # the message may quote data: never kept


def test_health_is_degraded_while_a_jobs_last_run_failed_and_ok_after_it_succeeds(client):
    job = _flaky([False, False, True])
    for _ in range(2):
        with pytest.raises(RuntimeError):
            job()
    body = client.get("/healthz")
    assert body.status_code == 200  # still serving
    assert body.json()["status"] == "degraded" and body.json()["ok"] is False
    assert body.json()["jobs"] == {"ok": False, "failing": ["core.indicators_daily"]}
    assert JobState.objects.get().failures_in_row == 2

    job()

    assert failing_jobs() == []
    assert client.get("/healthz").json()["status"] == "ok"
    state = JobState.objects.get()
    assert state.failures_in_row == 0 and state.last_summary == {"rows": 3}


def test_every_periodic_job_is_retried_and_recorded():
    for item in SCHEDULE:
        task = TASKS[item.name]
        assert task.retries == RETRIES, item.name
        assert getattr(task.call_local, "job_name", None) == item.name  # recorded() wraps it
        assert item.label, f"{item.name} has no display name"


def test_the_operations_page_lists_every_job_and_its_failures(personas):
    job = _flaky([False])
    with pytest.raises(RuntimeError):
        job()
    client = Client()
    client.force_login(personas["admin"])
    page = client.get("/operations/jobs/").content.decode()
    assert "每日指标计算" in page and "时限预警与超时扫描" in page
    assert "RuntimeError" in page and "话务指标重算" in page
    assert "badge grey" in page and "尚未运行" in page  # a job that never ran, visibly so
    client.force_login(personas["agent"])
    assert client.get("/operations/jobs/").status_code == 403
