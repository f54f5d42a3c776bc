"""Every read of organisations data goes through scope() (DESIGN rule 2)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Q, QuerySet

from hiqc.core.access import Actor, get_in_scope, role_codes, role_permissions, scope
from hiqc.core.errors import NotFound
from hiqc.core.processes import ancestor_paths

from .models import ApiToken, Membership, OrgUnit, User

# --- the one door to the org tree -----------------------------------------------------------------
# Every app reads org units here and nowhere else (issue 15 §4; tests/test_architecture.py fails on
# an ``OrgUnit.objects`` outside hiqc/organisations). An actor's reads go through ``scope`` /
# ``get_in_scope``: a unit that is missing and one that is not yours are the same NotFound. The
# system-level reads below them (importers, the detector, the root) are named for what they return.


def _units(*, active: bool) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.filter(is_active=True) if active else OrgUnit.objects.all()


def units_in_scope(actor: Actor, perm: str, *, active: bool = True) -> QuerySet[OrgUnit]:
    """The org units over which the actor holds ``perm`` (by default the active ones), by path."""
    return scope(actor, _units(active=active), perm).order_by("path")


def unit_in_scope(
    actor: Actor, unit_id: Any, perm: str, *, active: bool = False, for_update: bool = False
) -> OrgUnit:
    """One org unit in the actor's ``perm`` scope (``active``: an active one); missing, not yours
    and (with ``active``) closed are the same NotFound."""
    return get_in_scope(actor, _units(active=active), unit_id, perm, for_update=for_update)


def unit_by_code_in_scope(actor: Actor, code: str, perm: str) -> OrgUnit:
    """The org unit with this code in the actor's ``perm`` scope; missing and not yours: NotFound."""
    unit = scope(actor, OrgUnit.objects.filter(code=code), perm).first()
    if unit is None:
        raise NotFound()
    return unit


def org_unit_list(actor: Actor) -> QuerySet[OrgUnit]:
    return units_in_scope(actor, "org.view", active=False)


def access_org_unit(actor: Actor, org_unit_id: Any, *, for_update: bool = False) -> OrgUnit:
    return unit_in_scope(actor, org_unit_id, "org.view", for_update=for_update)


# System-level reads: no actor (imports, jobs, the detector) or rows already scoped by the caller
# (the units of a drawn sample, the names of the paths of rows the actor may see).


def root_paths() -> list[str]:
    """The paths of the top units (head office), in path order."""
    return list(OrgUnit.objects.filter(parent=None).order_by("path").values_list("path", flat=True))


def root_path() -> str:
    """The first top unit's path ("" in an empty tree): where head-office records belong."""
    return (
        OrgUnit.objects.filter(parent=None).order_by("path").values_list("path", flat=True).first()
        or ""
    )


def unit_codes(*, active: bool = False) -> dict[str, tuple[Any, str]]:
    """Every unit (``active``: every active one) by code: ``{code: (pk, path)}``, for importers
    that map the codes of a file to units."""
    return {
        code: (pk, path)
        for code, pk, path in _units(active=active).values_list("code", "pk", "path")
    }


def active_units(*, max_level: int | None = None) -> QuerySet[OrgUnit]:
    """The active units (down to ``max_level``), by path."""
    qs = OrgUnit.objects.filter(is_active=True)
    if max_level is not None:
        qs = qs.filter(level__lte=max_level)
    return qs.order_by("path")


def active_children(parents: Iterable[OrgUnit]) -> QuerySet[OrgUnit]:
    """The active children of ``parents``, by path."""
    return OrgUnit.objects.filter(parent__in=list(parents), is_active=True).order_by("path")


def units_under(path: str) -> QuerySet[OrgUnit]:
    """The unit at ``path`` and every unit below it (closed ones too)."""
    return OrgUnit.objects.filter(path__startswith=path)


def units_by_path(paths: Iterable[str]) -> dict[str, OrgUnit]:
    """The units at ``paths``, by path (paths without a unit are left out)."""
    return {u.path: u for u in OrgUnit.objects.filter(path__in=list(paths))}


def unit_names(paths: Iterable[str]) -> dict[str, str]:
    """The (stored, Chinese) names of the units at ``paths``, by path."""
    return dict(OrgUnit.objects.filter(path__in=list(paths)).values_list("path", "name"))


def units_with_ids(ids: Iterable[Any]) -> QuerySet[OrgUnit]:
    """The units with these ids."""
    return OrgUnit.objects.filter(pk__in=list(ids))


def units_by_id(ids: Iterable[Any]) -> dict[Any, OrgUnit]:
    """The units with these ids, by id."""
    return OrgUnit.objects.in_bulk(list(ids))


def unit_by_id(unit_id: Any) -> OrgUnit | None:
    """The unit with this id, or None (also for an id that is not a UUID)."""
    try:
        return OrgUnit.objects.filter(pk=str(unit_id)).first()
    except (DjangoValidationError, ValueError):
        return None


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
