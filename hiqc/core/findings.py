"""Recording compliance findings (CL-8 and others); one row per dedupe key, so a rule breached
once is recorded once however often it is noticed."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import Finding


def finding_record(
    *,
    rule: str,
    kind: str,
    title: str,
    org_path: str,
    dedupe_key: str,
    case_type: str = "",
    case_id: str = "",
    data: Mapping[str, Any] | None = None,
    at: datetime | None = None,
) -> Finding | None:
    """Create the finding unless one with this dedupe key exists; returns the new row or None.
    ``at`` dates it when it was found earlier than now (a step recorded with its own time)."""
    try:
        with transaction.atomic():
            return Finding.objects.create(
                rule=rule,
                kind=kind,
                title=title[:200],
                org_path=org_path,
                case_type=case_type,
                case_id=case_id,
                data=dict(data or {}),
                dedupe_key=dedupe_key[:150],
                created_at=at or timezone.now(),
            )
    except IntegrityError:
        return None
