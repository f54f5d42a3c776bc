from __future__ import annotations

from datetime import datetime
from typing import Any

from django.apps import apps
from django.db.models import QuerySet

from .access import Actor, get_in_scope, scope
from .models import (
    AuditEvent,
    Finding,
    JobRun,
    Notification,
    NotificationPreference,
    ProcessVersion,
    RuleOverride,
)
from .rules import RULES, UNIT_LABELS


def audit_event_list(
    actor: Actor,
    *,
    action: str = "",
    actor_name: str = "",
    subject_type: str = "",
    subject_id: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEvent]:
    qs = scope(actor, AuditEvent.objects.all(), "audit.view")
    if action:
        qs = qs.filter(action__startswith=action)
    if actor_name:
        qs = qs.filter(actor_name__iexact=actor_name)
    if subject_type:
        qs = qs.filter(subject_type=subject_type)
    if subject_id:
        qs = qs.filter(subject_id=subject_id)
    if since:
        qs = qs.filter(at__gte=since)
    if until:
        qs = qs.filter(at__lt=until)
    return qs.order_by("-seq")


def finding_kinds_in_use(actor: Actor) -> list[str]:
    """The kinds of the findings the actor may see (for the filter)."""
    return list(
        scope(actor, Finding.objects.all(), "findings.view")
        .order_by()
        .values_list("kind", flat=True)
        .distinct()
    )


def audit_actions(actor: Actor) -> list[str]:
    return sorted(
        scope(actor, AuditEvent.objects.all(), "audit.view")
        .values_list("action", flat=True)
        .distinct()
    )


def rule_list() -> list[dict]:
    overrides = dict(RuleOverride.objects.values_list("key", "value"))
    return [
        {
            "key": r.key,
            "label": str(r.label),
            "value": r.parse(overrides[r.key]) if r.key in overrides else r.default,
            "value_label": r.display(
                r.parse(overrides[r.key]) if r.key in overrides else r.default
            ),
            "choices": [{"value": c, "label": str(label)} for c, label in r.choices],
            "default": r.default,
            "unit": r.unit,
            "unit_label": str(UNIT_LABELS.get(r.unit, r.unit)),
            "source": r.source,
            "confidence": r.confidence,
            "bound": r.bound,
        }
        for r in RULES.values()
    ]


def last_job_run(job: str) -> JobRun | None:
    return JobRun.objects.filter(job=job).order_by("-created_at").first()


def notification_list(actor: Actor, *, unread_only: bool = False) -> QuerySet[Notification]:
    qs = (
        Notification.objects.filter(user_id=actor.user_id)
        if actor.user_id
        else Notification.objects.none()
    )
    return qs.filter(read_at__isnull=True) if unread_only else qs


def notification_unread_count(actor: Actor) -> int:
    return notification_list(actor, unread_only=True).count()


def notification_email_kinds(actor: Actor) -> set[str]:
    """Kinds for which the actor gets e-mail (default: all)."""
    if actor.user_id is None:
        return set()
    off = set(
        NotificationPreference.objects.filter(user_id=actor.user_id, email=False).values_list(
            "kind", flat=True
        )
    )
    return {k for k in Notification.Kind.values if k not in off}


def process_versions(process: str) -> list[ProcessVersion]:
    return list(ProcessVersion.objects.filter(process=process).order_by("org_path", "-number"))


def finding_list(actor: Actor, *, rule: str = "", kind: str = "", status: str = "") -> QuerySet:
    """Compliance findings in the actor's scope, newest first."""

    qs = scope(actor, Finding.objects.all(), "findings.view")
    if rule:
        qs = qs.filter(rule=rule)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-id")


# --- org units, as the kernel's pages and API read them -------------------------------------------
# The kernel imports no app, so it reaches the org tree by label: here and nowhere else in the
# kernel (the apps read it through hiqc.organisations.selectors, the one org-unit door; issue 15
# §4). Its pages, API and helpers (my work, the indicators API, the layout, home, the process
# editor, an indicator's cases) read it through these functions, never through a manager of their
# own.


def _org_units() -> QuerySet[Any]:
    return apps.get_model("organisations", "OrgUnit")._default_manager.all()


def org_units_in_scope(actor: Actor, perm: str, *, active: bool = False) -> QuerySet[Any]:
    """The org units (``active``: the active ones) over which the actor holds ``perm`` (for unit
    pickers), by path."""
    units = _org_units().filter(is_active=True) if active else _org_units()
    return scope(actor, units, perm).order_by("path")


def org_units_by_path(paths: Any) -> dict[str, Any]:
    """The org units at ``paths``, by path (a system read: the caller chose the paths)."""
    return {u.path: u for u in _org_units().filter(path__in=list(paths))}


def org_unit_path_in_scope(actor: Actor, org_unit_id: Any, perm: str) -> str:
    """The path of one org unit in the actor's ``perm`` scope; missing and not yours: NotFound."""
    return str(getattr(get_in_scope(actor, _org_units(), org_unit_id, perm), "path", ""))


def grant_unit_names(actor: Actor) -> list[str]:
    """The names of the units the actor's grants are over (their own grants: not a scoped read)."""
    paths = {g.path for g in actor.grants}
    if not paths:
        return []
    return sorted({u.localized_name for u in org_units_by_path(paths).values()})
