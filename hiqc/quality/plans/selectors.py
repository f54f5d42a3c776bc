"""Scoped reads behind the improvement plan pages (DESIGN rule 2)."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from hiqc.core.access import Actor, get_in_scope, scope
from hiqc.organisations.models import User

from ..enums import NCStatus
from ..nonconformities.models import Nonconformity
from ..workflow import HANDLE, VIEW
from .models import ImprovementPlan


def plans(actor: Actor) -> QuerySet[ImprovementPlan]:
    return (
        scope(actor, ImprovementPlan.objects.select_related("org_unit"), VIEW)
        .annotate(n_actions=Count("actions"), n_done=Count("actions", filter=Q(actions__done_at__isnull=False)))
        .order_by("-opened_at")
    )  # fmt: skip


def nonconformity(actor: Actor, nc_id: Any) -> Nonconformity | None:
    from hiqc.core.errors import NotFound

    try:
        return get_in_scope(actor, Nonconformity.objects.select_related("org_unit"), nc_id, VIEW)
    except NotFound:  # a bad or foreign id simply does not prefill the form
        return None


def open_nonconformities(actor: Actor) -> QuerySet[Nonconformity]:
    return scope(actor, Nonconformity.objects.exclude(
        status__in=[NCStatus.CLOSED, NCStatus.CANCELLED]).select_related("org_unit"), HANDLE
    ).order_by("-opened_at")[:200]  # fmt: skip


def owners(plan: ImprovementPlan) -> QuerySet[User]:
    """People who can own an action: active users with a membership in the plan's unit or above."""
    parts = [p for p in plan.org_unit.path.split("/") if p]
    paths = ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]
    below = Q(memberships__org_unit__path__startswith=plan.org_unit.path)
    return User.objects.filter(Q(memberships__org_unit__path__in=paths) | below,
                               is_active=True).distinct().order_by("username")  # fmt: skip
