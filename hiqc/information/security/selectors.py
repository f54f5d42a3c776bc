"""Reads of security responsibilities, self-evaluations and remediation (standard 6.2.1(1)(4),
6.2.3(1); issue 21 §5). Doors: ``access_holder``, ``access_evaluation``, ``access_remediation`` —
missing and not yours are the same 404; lists use the same scope predicate."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet

from hiqc.core.access import Actor, get_in_scope, scope
from hiqc.organisations.models import User
from hiqc.organisations.selectors import units_in_scope

from ..enums import REQUIRED_ROLES, VIEW, RemediationStatus, SecurityRole
from ..models import EvaluationMark, Remediation, SecurityEvaluation, SecurityRoleHolder

OPEN_REMEDIATION = (RemediationStatus.OPEN, RemediationStatus.DONE)


def _current(today: date) -> Q:
    return Q(starts_on__lte=today) & (Q(ends_on__isnull=True) | Q(ends_on__gte=today))


def holder_list(actor: Actor, *, today: date, current_only: bool = False
                ) -> QuerySet[SecurityRoleHolder]:  # fmt: skip
    qs = scope(actor, SecurityRoleHolder.objects.select_related("org_unit", "user"), VIEW)
    return qs.filter(_current(today)) if current_only else qs


def access_holder(actor: Actor, holder_id: Any, *, for_update: bool = False) -> SecurityRoleHolder:
    qs = SecurityRoleHolder.objects.all() if for_update else SecurityRoleHolder.objects.select_related(
        "org_unit", "user")  # fmt: skip
    return get_in_scope(actor, qs, holder_id, VIEW, for_update=for_update)


def people_in_scope(actor: Actor, perm: str) -> QuerySet[User]:
    """Active people of the units over which the actor holds ``perm`` (the holder choices)."""
    return scope(actor, User.objects.filter(is_active=True).select_related("org_unit"),
                 perm).order_by("org_unit__path", "username")  # fmt: skip


def responsibilities(actor: Actor, *, today: date) -> list[dict[str, Any]]:
    """Per unit in scope at a level that must name security holders (``REQUIRED_ROLES``): each
    required role with its current holders, and the roles left vacant."""
    units = [u for u in units_in_scope(actor, VIEW) if u.level in REQUIRED_ROLES]
    held: dict[tuple[Any, str], list[SecurityRoleHolder]] = {}
    for h in holder_list(actor, today=today, current_only=True).filter(
            org_unit_id__in=[u.pk for u in units]):  # fmt: skip
        held.setdefault((h.org_unit_id, h.role), []).append(h)
    rows = []
    for unit in units:
        roles = [{"role": r, "label": SecurityRole(r).label, "holders": held.get((unit.pk, r), [])}
                 for r in REQUIRED_ROLES[unit.level]]  # fmt: skip
        rows.append({"unit": unit, "roles": roles,
                     "vacant": [r for r in roles if not r["holders"]]})  # fmt: skip
    return rows


def vacancies(actor: Actor, *, today: date) -> list[dict[str, Any]]:
    """(unit, role, label) of every required security role without a current holder."""
    return [{"unit": row["unit"], "role": r["role"], "label": r["label"]}
            for row in responsibilities(actor, today=today) for r in row["vacant"]]  # fmt: skip


def evaluation_list(actor: Actor, *, year: int | None = None, org_unit_id: Any = None
                    ) -> QuerySet[SecurityEvaluation]:  # fmt: skip
    qs = scope(actor, SecurityEvaluation.objects.select_related("org_unit", "checklist"), VIEW)
    if year:
        qs = qs.filter(year=year)
    if org_unit_id:
        qs = qs.filter(org_unit_id=org_unit_id)
    return qs


def access_evaluation(actor: Actor, evaluation_id: Any) -> SecurityEvaluation:
    return get_in_scope(actor, SecurityEvaluation.objects.select_related("org_unit", "checklist"),
                        evaluation_id, VIEW)  # fmt: skip


def evaluation_marks(evaluation: SecurityEvaluation) -> list[EvaluationMark]:
    return list(evaluation.marks.select_related("item").order_by("item__position"))


def remediation_list(actor: Actor, *, status: str = "", open_only: bool = False
                     ) -> QuerySet[Remediation]:  # fmt: skip
    qs = scope(actor, Remediation.objects.select_related("org_unit", "item", "evaluation"), VIEW)
    if status:
        qs = qs.filter(status=status)
    if open_only:
        qs = qs.filter(status__in=OPEN_REMEDIATION)
    return qs


def access_remediation(actor: Actor, case_id: Any, *, for_update: bool = False) -> Remediation:
    qs = Remediation.objects.all() if for_update else Remediation.objects.select_related(
        "org_unit", "item", "evaluation")  # fmt: skip
    return get_in_scope(actor, qs, case_id, VIEW, for_update=for_update)
