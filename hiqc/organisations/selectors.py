"""Every read of organisations data goes through scope() (DESIGN rule 2)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet

from hiqc.core.access import Actor, get_in_scope, role_codes, role_permissions, scope
from hiqc.core.errors import NotFound
from hiqc.core.processes import ancestor_paths

from .models import ApiToken, Membership, OrgUnit, User


def org_unit_list(actor: Actor) -> QuerySet[OrgUnit]:
    return scope(actor, OrgUnit.objects.all(), "org.view").order_by("path")


def access_org_unit(actor: Actor, org_unit_id: Any, *, for_update: bool = False) -> OrgUnit:
    return get_in_scope(
        actor, OrgUnit.objects.all(), org_unit_id, "org.view", for_update=for_update
    )


def user_list(actor: Actor, *, q: str = "", active: bool | None = None) -> QuerySet[User]:
    qs = scope(actor, User.objects.select_related("org_unit"), "org.view")
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(display_name__icontains=q))
    if active is not None:
        qs = qs.filter(is_active=active)
    return qs.order_by("username")


def user_by_username(username: str) -> User | None:
    """The user with this username (any case), or None. Unscoped: for sign-in and the command
    line, where no actor exists yet; never behind a page or an endpoint."""
    return User.objects.filter(username__iexact=username).first()


def access_user(actor: Actor, user_id: Any, *, for_update: bool = False) -> User:
    qs = User.objects.select_related("org_unit")
    if actor.user_id is not None and str(user_id) == str(actor.user_id):
        return qs.get(pk=actor.user_id)  # everyone may read themselves
    return get_in_scope(actor, qs, user_id, "org.view", for_update=for_update)


def membership_list(actor: Actor, *, user_id: Any = None) -> QuerySet[Membership]:
    qs = scope(actor, Membership.objects.select_related("user", "org_unit"), "org.view")
    if user_id:
        qs = qs.filter(user_id=user_id)
    return qs


def access_membership(actor: Actor, membership_id: Any, *, for_update: bool = False) -> Membership:
    return get_in_scope(
        actor,
        Membership.objects.select_related("user", "org_unit"),
        membership_id,
        "org.view",
        for_update=for_update,
    )


def api_token_list(actor: Actor, *, user_id: Any = None) -> QuerySet[ApiToken]:
    """A user's own tokens, plus tokens of users in scope for administrators."""
    own = Q(user_id=actor.user_id)
    if actor.can("org.manage"):
        qs = ApiToken.objects.filter(own) | scope(actor, ApiToken.objects.all(), "org.manage")
    else:
        qs = ApiToken.objects.filter(own)
    qs = qs.select_related("user")
    if user_id:
        qs = qs.filter(user_id=user_id)
    return qs.order_by("-created_at")


def access_api_token(actor: Actor, token_id: Any, *, for_update: bool = False) -> ApiToken:
    """The actor's own tokens, and those of users an administrator manages; else 404."""
    qs = api_token_list(actor)
    try:
        # lock the token row only: FOR UPDATE on the joined user row as well waits on every
        # token being created for that user (its foreign-key check) — a deadlock (issue 14 §2)
        return (qs.select_for_update(of=("self",)) if for_update else qs).get(pk=token_id)
    except (ApiToken.DoesNotExist, ValueError, DjangoValidationError) as exc:
        raise NotFound() from exc


def users_with_permission_at_head_office(perm: str) -> list[Any]:
    """Ids of active users holding ``perm`` through a membership at a head office (a root unit):
    those who approve for the whole insurer, e.g. a further complaint extension (CP-3)."""
    roles = [r for r in role_codes() if perm in role_permissions(r)]
    return list(
        Membership.objects.filter(
            role__in=roles, org_unit__parent__isnull=True, org_unit__is_active=True,
            user__is_active=True,
        )
        .values_list("user_id", flat=True)
        .distinct()
    )  # fmt: skip


def users_holding_roles_over(path: str, roles: Sequence[str]) -> list[Any]:
    """Ids of active users with one of ``roles`` over the org unit at ``path`` (or an ancestor)."""
    return list(
        Membership.objects.filter(
            role__in=roles, org_unit__path__in=ancestor_paths(path), user__is_active=True
        )
        .values_list("user_id", flat=True)
        .distinct()
    )
