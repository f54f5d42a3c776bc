"""The operations pages: backups (/operations/backups/): every backup and restore test, newest
first (standard 6.2.2(4), ADR 0014), made by manage.py backup and the daily job; background jobs
(/operations/jobs/): where every job stands and its recent failures (issue 14 §3). Read-only."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from .access import require
from .backup import RETENTION, backup_record_list
from .http import HiqcRequest
from .jobs import RETRIES, job_failures, job_states
from .rules import rule_value
from .schedule import job_labels

# System-wide configuration and its evidence: the same holders as the rules page (system
# administrators, auditors, quality, compliance and risk).
PERMISSION = "rules.view"


@login_required
def backups_page(request: HiqcRequest) -> HttpResponse:
    require(request.actor, PERMISSION)
    page = Paginator(backup_record_list(), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "core/backups.html",
        {"page": page, "retention_days": rule_value(RETENTION.key)},
    )


@login_required
def jobs_page(request: HiqcRequest) -> HttpResponse:
    require(request.actor, PERMISSION)
    states = job_states()
    jobs = [{"name": name, "label": label, "state": states.get(name)}
            for name, label in job_labels().items()]  # fmt: skip
    failures = job_failures()
    return render(
        request,
        "core/jobs.html",
        {
            "jobs": jobs,
            "labels": job_labels(),
            "page": Paginator(failures, 50).get_page(request.GET.get("page")),
            "retries": RETRIES,
        },
    )
