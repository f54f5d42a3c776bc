"""Recusal (CP-6): the complaint is verified by someone with no direct interest in the matter.

Who is involved: the employee complained about, anyone named in the complaint, and whoever other
domains report through a resolver — the claims domain registers one that names the handler and
reviewer of the claim a complaint refers to. Assigning an involved person is refused, not warned.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db.models import Q
from django.db.models.lookups import Exact

from hiqc.core.access import Actor, role_codes, role_permissions
from hiqc.core.heldcases import is_held
from hiqc.core.mywork import acted_on, held_over, last_of
from hiqc.organisations.models import User
from hiqc.organisations.selectors import users_holding_roles_over

from .enums import Status
from .models import Complaint
from .workflow import APPROVE, HANDLE

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


def not_for(actor: Actor) -> Q:
    """The complaints that are not ``actor``'s work whatever their permissions, in SQL
    (``CaseKind.not_for``), as ``_prepare`` and ``_held`` refuse them the actions:

    * those they are involved in — the employee complained about or named in it (CP-6: every
      action is refused them);
    * under review, those whose decision they made (CP-6, CP-8: no one reviews their own decision);
    * in investigation, for an approver who does not handle it: those without a further extension
      waiting for approval, or all of them when they approve below head office (CP-3: approving is
      the only action they have there, and only a head-office approver may).

    Involvement reported by a resolver has no SQL form and is left to the action's refusal (no
    domain registers one today)."""
    label = Complaint._meta.label_lower  # the kind's label, its events' case_type
    involved = Q(involved_users=actor.user_id) | Q(respondent_user_id=actor.user_id)
    own_decision = Q(status=Status.UNDER_REVIEW) & acted_on(label, "decide", actor)
    asked: Exact[str] = Exact(last_of(label, FURTHER_EXTENSION), "request_further_extension")
    approving = Q(asked) if actor.can_globally(APPROVE) else Q(pk__in=[])
    nothing_to_approve = (
        Q(status=Status.INVESTIGATING) & ~held_over(actor, Complaint, HANDLE) & ~approving
    )
    return involved | own_decision | nothing_to_approve


FURTHER_EXTENSION = ("request_further_extension", "extend_further")
