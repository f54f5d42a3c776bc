"""The one authorisation mechanism (DESIGN rule 2).

* ``Actor`` — who acts: a user with grants (role over an org subtree), or the system.
* ``scope(actor, queryset, perm)`` — the only row filter: one SQL predicate over the model's
  declared ``scope_path`` (an org unit's materialised path).
* ``get_in_scope(...)`` — what every ``access_<entity>`` door calls: "missing" and "not yours"
  are the same ``NotFound``.
* ``require(actor, perm, obj)`` — for actions.

Permissions and the roles that hold them are declared in each app's manifest
(``hiqc.core.manifest``) and registered here at start-up (``register_manifest_permissions``), so
the kernel imports no domain.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import reduce
from operator import or_
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from .errors import Forbidden, NotFound
from .manifest import manifests

ROOT_PATH = ""  # a grant over ROOT_PATH covers every org unit

_ROLE_PERMISSIONS: dict[str, frozenset[str]] = {}
_ROLE_LABELS: dict[str, Any] = {}
_PERMISSIONS: dict[str, Any] = {}


def register_permissions(permissions: Mapping[str, Any]) -> None:
    """Declare permission codes with a human description."""
    _PERMISSIONS.update(permissions)


def register_roles(matrix: Mapping[str, Iterable[str]], labels: Mapping[str, Any]) -> None:
    """Register role → permissions. Unknown permission codes fail loudly at start-up."""
    _ROLE_LABELS.update(labels)
    for role, perms in matrix.items():
        perms = frozenset(perms)
        unknown = perms - _PERMISSIONS.keys()
        if unknown:
            raise ValueError(f"Role {role!r} names unknown permissions: {sorted(unknown)}")
        _ROLE_PERMISSIONS[role] = perms


def register_manifest_permissions() -> None:
    """Permissions and roles from every installed app's manifest (CoreConfig.ready, before any
    other app's ready: apps may still register more the old way). A permission code declared by
    two apps fails loudly."""
    found = list(manifests())
    owner: dict[str, str] = {}
    for label, manifest in found:
        for code in manifest.permissions:
            if code in owner:
                raise ValueError(f"permission {code!r} of {label!r} is {owner[code]!r}'s")
            owner[code] = label
        register_permissions(manifest.permissions)
    held: dict[str, set[str]] = {}
    for _label, manifest in found:
        for role, codes in manifest.roles.items():
            held.setdefault(str(role), set()).update(codes)
    register_roles(held, {})  # labels: the organisations app (its Role enum)


def role_permissions(role: str) -> frozenset[str]:
    return _ROLE_PERMISSIONS.get(role, frozenset())


def role_codes() -> set[str]:
    return set(_ROLE_PERMISSIONS)


def role_label(role: str) -> Any:
    return _ROLE_LABELS.get(role, role)


@dataclass(frozen=True)
class Grant:
    role: str
    path: str  # materialised path of the org unit the role is held over


@dataclass(frozen=True)
class Actor:
    user_id: uuid.UUID | None
    username: str
    grants: tuple[Grant, ...] = ()
    is_system: bool = False
    home_path: str = ROOT_PATH
    request_id: str = ""
    ip: str = ""
    _cache: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def system(cls, name: str = "system") -> Actor:
        """The actor jobs and commands use: every permission over the whole tree."""
        return cls(user_id=None, username=name, is_system=True)

    @property
    def permissions(self) -> frozenset[str]:
        if self.is_system:
            return frozenset(_PERMISSIONS)
        return frozenset().union(*(role_permissions(g.role) for g in self.grants))

    def paths_for(self, perm: str) -> tuple[str, ...]:
        """The minimal set of subtree roots over which the actor holds ``perm``."""
        if self.is_system:
            return (ROOT_PATH,)
        if perm not in self._cache:
            paths = sorted({g.path for g in self.grants if perm in role_permissions(g.role)})
            minimal: list[str] = []
            for p in paths:  # sorted, so an ancestor comes before its descendants
                if not any(p.startswith(m) for m in minimal):
                    minimal.append(p)
            self._cache[perm] = tuple(minimal)
        return self._cache[perm]

    def can_globally(self, perm: str) -> bool:
        """Holds ``perm`` over a root of the org tree (the head office): needed for settings
        that apply to the whole insurer."""
        return any(p == ROOT_PATH or p.count("/") == 1 for p in self.paths_for(perm))

    def can(self, perm: str, path: str | None = None) -> bool:
        """Holds ``perm`` somewhere (path None) or over the org unit at ``path``."""
        paths = self.paths_for(perm)
        if path is None:
            return bool(paths)
        return any(path.startswith(p) for p in paths)


M = TypeVar("M", bound=models.Model)


def scope_lookup(model: type[models.Model]) -> str:
    lookup = getattr(model, "scope_path", None)
    if not lookup:
        raise TypeError(f"{model.__name__} declares no scope_path; it cannot be scoped.")
    return lookup


def scope(actor: Actor, queryset: QuerySet[M], perm: str) -> QuerySet[M]:
    """Restrict ``queryset`` to the rows the actor may see with ``perm`` — one predicate."""
    lookup = scope_lookup(queryset.model)
    paths = actor.paths_for(perm)
    if not paths:
        return queryset.none()
    if ROOT_PATH in paths:
        return queryset
    predicate = reduce(or_, (Q(**{f"{lookup}__startswith": p}) for p in paths))
    return queryset.filter(predicate)


def get_in_scope(
    actor: Actor, queryset: QuerySet[M], pk: Any, perm: str, *, for_update: bool = False
) -> M:
    """The body of every ``access_<entity>`` door: missing and out of scope look the same."""
    qs = scope(actor, queryset, perm)
    if for_update:  # lock the row itself, never the nullable side of a select_related join
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError, DjangoValidationError) as exc:
        raise NotFound() from exc


def object_path(obj: models.Model) -> str:
    """Follow the model's scope lookup on an instance (e.g. ``org_unit__path``)."""
    value: Any = obj
    for part in scope_lookup(type(obj)).split("__"):
        value = getattr(value, part)
        if value is None:
            return ROOT_PATH
    return str(value)


def require(
    actor: Actor, perm: str, obj: models.Model | None = None, *, path: str | None = None
) -> None:
    """Raise ``Forbidden`` unless the actor holds ``perm`` (over ``obj`` or ``path`` if given)."""
    if obj is not None:
        path = object_path(obj)
    if not actor.can(perm, path):
        raise Forbidden(_("您没有执行此操作的权限。"))
