"""Read guards (issue 15 §4): beyond its scope, a record may be withheld from an actor for a while
by *another* app — the claims audit keeps a claim's decision from a reviewer who still has to
re-adjudicate it blind (standard 5.1.2(3)). Any domain's doors can ask; any app can guard, by the
guarded model's label ("<app>.<model>"), from its ``AppConfig.ready``. The guarded app imports
nothing from the guarding one.

* a **read guard** ``(actor, record) -> None`` raises ``Withheld`` (403 with where to go instead)
  to refuse one record;
* a **list guard** ``(actor) -> set of ids`` names the records whose decision lists must not show.

System actors (jobs, imports, the online-claims door) are never guarded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.utils.functional import Promise

from .access import Actor
from .errors import Forbidden

ReadGuard = Callable[[Actor, Any], None]
ListGuard = Callable[[Actor], set[str]]
_READ: dict[str, list[ReadGuard]] = {}
_LIST: dict[str, list[ListGuard]] = {}


class Withheld(Forbidden):
    """403: the actor may see this record in general, but not now. ``url`` and ``link_label``
    name where they should go instead (pages show the link; the API keeps {code, message})."""

    code = "withheld"

    def __init__(
        self,
        message: str | Promise,
        *,
        code: str | None = None,
        url: str = "",
        link_label: str | Promise = "",
    ) -> None:
        super().__init__(message, code=code)
        self.url, self.link_label = url, str(link_label)


def register_read_guard(label: str, guard: ReadGuard) -> None:
    guards = _READ.setdefault(label, [])
    if guard not in guards:
        guards.append(guard)


def register_list_guard(label: str, guard: ListGuard) -> None:
    guards = _LIST.setdefault(label, [])
    if guard not in guards:
        guards.append(guard)


def read_guarded(label: str, actor: Actor, record: Any) -> Any:
    """``record`` if no guard of ``label`` withholds it from ``actor`` (else ``Withheld``)."""
    if actor.user_id is not None:
        for guard in _READ.get(label, ()):
            guard(actor, record)
    return record


def withheld_ids(label: str, actor: Actor) -> set[str]:
    """The ids of ``label`` records whose decision lists must not show to ``actor``."""
    if actor.user_id is None:
        return set()
    return set().union(*(guard(actor) for guard in _LIST.get(label, ())))
