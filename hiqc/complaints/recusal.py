"""Recusal (CP-6): the complaint is verified by someone with no direct interest in the matter.

Who is involved: the employee complained about, anyone named in the complaint, and whoever other
domains report through a resolver — the claims domain registers one that names the handler and
reviewer of the claim a complaint refers to. Assigning an involved person is refused, not warned.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from hiqc.core.access import role_codes, role_permissions
from hiqc.core.heldcases import is_held
from hiqc.organisations.models import User
from hiqc.organisations.selectors import users_holding_roles_over

from .models import Complaint

Resolver = Callable[[Complaint], Iterable[Any]]
INVOLVEMENT_RESOLVERS: list[Resolver] = []


def register_involvement_resolver(resolver: Resolver) -> None:
    """Another domain declares who is involved in the matter a complaint refers to."""
    if resolver not in INVOLVEMENT_RESOLVERS:
        INVOLVEMENT_RESOLVERS.append(resolver)


def involved_user_ids(complaint: Complaint) -> set[Any]:
    """(A complaint held in memory by a batch names its involved users in its fields.)"""
    if is_held(complaint):
        ids: set[Any] = set(complaint.fields.get("involved_users", ()))  # type: ignore[attr-defined]
    else:
        ids = set(complaint.involved_users.values_list("id", flat=True))
    respondent = getattr(complaint, "respondent_user_id", None)
    if respondent:
        ids.add(respondent)
    for resolver in INVOLVEMENT_RESOLVERS:
        ids |= set(resolver(complaint))
    return ids


def _roles_with(perm: str) -> list[str]:
    return sorted(r for r in role_codes() if perm in role_permissions(r))


def eligible_handlers(complaint: Complaint) -> list[User]:
    """Active users holding complaints.handle over the complaint's unit, minus the involved."""
    ids = set(users_holding_roles_over(complaint.org_unit.path, _roles_with("complaints.handle")))
    ids -= involved_user_ids(complaint)
    return list(User.objects.filter(id__in=ids, is_active=True).order_by("username"))
