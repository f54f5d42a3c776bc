"""Scoped reads of nonconformities (DESIGN rule 2)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from hiqc.core.access import Actor, scope
from hiqc.core.casework import case_deadlines
from hiqc.core.models import Deadline

from ..workflow import VIEW
from .models import Nonconformity


def nonconformities(actor: Actor, *, status: str = "", source: str = "") -> QuerySet[Nonconformity]:
    qs = scope(actor, Nonconformity.objects.select_related("org_unit", "assignee"), VIEW)
    if status:
        qs = qs.filter(status=status)
    if source:
        qs = qs.filter(source=source)
    return qs.order_by("-opened_at")


def open_clocks(ids: list[Any]) -> dict[str, list[Deadline]]:
    out: dict[str, list[Deadline]] = {}
    for d in Deadline.objects.filter(case_type="quality.nonconformity",
                                     case_id__in=[str(i) for i in ids], closed_at=None):  # fmt: skip
        out.setdefault(d.case_id, []).append(d)
    return out


def deadlines(kind: Any, nc: Nonconformity) -> list[Deadline]:
    return case_deadlines(kind, nc)
