"""Kernel writes used by jobs: audit-chain checks and session clean-up, each recorded as a JobRun."""

from __future__ import annotations

import logging

from django.contrib.sessions.models import Session
from django.utils import timezone

from .audit import verify_chain
from .models import JobRun

log = logging.getLogger(__name__)


def audit_chain_check() -> JobRun:
    """Recompute the audit chain (PI-8); a broken chain is logged as an error and shown on /healthz."""
    report = verify_chain()
    if not report.ok:
        log.error("audit chain broken at seq=%s: %s", report.seq, report.problem)
    return JobRun.objects.create(job="core.audit_verify", ok=report.ok, summary=report.as_dict())


def sessions_clear() -> JobRun:
    deleted, _ = Session.objects.filter(expire_date__lt=timezone.now()).delete()
    return JobRun.objects.create(job="core.sessions_clear", ok=True, summary={"deleted": deleted})
