"""Kernel jobs (registered in hiqc.core.schedule): thin wrappers around services."""

from __future__ import annotations

from . import services


def audit_verify_job() -> dict:
    return services.audit_chain_check().summary


def sessions_clear_job() -> dict:
    return services.sessions_clear().summary
