"""The backups page (/operations/backups/): every backup and restore test, newest first
(standard 6.2.2(4), ADR 0014). Read-only; backups are made by manage.py backup and the daily job."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render

from .access import require
from .backup import RETENTION, backup_record_list
from .http import HiqcRequest
from .rules import rule_value

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
