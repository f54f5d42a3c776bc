"""Process versions linked to improvement plans (issue 16 §7; standard 2.2.2(3), 10.2).

A process version may name the improvement plan it implements by the plan's case identity
(``ProcessVersion.improvement_plan_id``). The kernel imports no domain: a plan is any case of a
kind registered with ``improves_processes=True``, looked up and checked through that kind's own
``access`` door, so a plan the actor may not see is refused exactly like one that does not exist.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext as _

from .access import Actor, scope
from .casekinds import CASE_KINDS, CaseKind
from .errors import Forbidden, NotFound
from .models import ProcessVersion

CHOICES_LIMIT = 200  # the publish form's select: the newest plans in scope


@dataclass(frozen=True)
class PlanRef:
    """What a page shows of a linked plan: its number and title and its page ("" when the
    reader may not open it: then the label is "—")."""

    id: str
    label: str
    url: str


@dataclass(frozen=True)
class ChangeEffect:
    """The measured effect of one process version as a page outside process management shows
    it: the comparison page's address and one line per metric ("" / [] when not measured)."""

    url: str = ""
    lines: list[str] = field(default_factory=list)
    note: str = ""  # why there are no lines (too young, not enough data, not permitted)


@dataclass(frozen=True)
class LinkedChange:
    version: ProcessVersion
    process_name: str
    effect: ChangeEffect | None


# Who measures a process version's effect (actor, version) → ChangeEffect | None (None: the actor
# may not see it); registered by the app that mines the event log, from its AppConfig.ready.
EffectReader = Callable[[Actor, ProcessVersion], "ChangeEffect | None"]
_EFFECT_READERS: list[EffectReader] = []


def register_effect_reader(reader: EffectReader) -> None:
    if reader not in _EFFECT_READERS:
        _EFFECT_READERS.append(reader)


def plan_kinds() -> list[CaseKind]:
    return [k for k in CASE_KINDS.values() if k.improves_processes]


def _title(case: Any) -> str:
    title = getattr(case, "title", "")
    return f"{case} {title}".strip()


def plan_choices(actor: Actor) -> list[tuple[str, str]]:
    """The improvement plans the actor may see (each kind's ``view_perm`` in scope), newest
    first, as (id, "number title") for the publish form."""
    out: list[tuple[str, str]] = []
    for kind in plan_kinds():
        qs = scope(actor, kind.model._default_manager.all(), kind.view_perm)
        out += [(str(c.pk), _title(c)) for c in qs.order_by("-created_at")[:CHOICES_LIMIT]]
    return out


def plans_at_unit(org_path: str) -> list[str]:
    """The ids of the improvement plans owned by the unit at ``org_path`` itself, newest first
    (the demo links its process change to its plan; not a door: no actor)."""
    out: list[str] = []
    for kind in plan_kinds():
        lookup = getattr(kind.model, "scope_path", "")
        if lookup:
            qs = kind.model._default_manager.filter(**{lookup: org_path}).order_by("-created_at")
            out += [str(pk) for pk in qs.values_list("pk", flat=True)]
    return out


def plan_check(actor: Actor, plan_id: Any) -> uuid.UUID:
    """The id of the improvement plan ``plan_id`` as stored, through its kind's door; raises
    ``NotFound`` when it is no plan (another kind of case, a bad id) or not the actor's —
    the same answer either way."""
    for kind in plan_kinds():
        try:
            case = kind.access(actor, str(plan_id).strip())
        except (NotFound, Forbidden, ValueError, TypeError, DjangoValidationError):
            continue
        return uuid.UUID(str(case.pk))
    raise NotFound()


def plan_refs(actor: Actor, ids: set[str]) -> dict[str, PlanRef]:
    """The linked plans behind ``ids`` as the actor may see them: number, title and page, or
    "—" without a link for a plan outside the actor's scope."""
    out: dict[str, PlanRef] = {}
    wanted = {i for i in ids if i}
    for kind in plan_kinds():
        if not wanted:
            break
        base = kind.model._default_manager.filter(pk__in=wanted)
        visible = {str(c.pk): c for c in scope(actor, base, kind.view_perm)}
        for case in base:
            key = str(case.pk)
            if key in visible:
                url = kind.url_for(key) if kind.url_for else ""
                out[key] = PlanRef(key, _title(case), url)
            else:
                out[key] = PlanRef(key, "—", "")
        wanted -= set(out)
    return out


def versions_for_plan(plan_id: Any) -> list[ProcessVersion]:
    """The process versions published under the plan (the caller has opened the plan)."""
    return list(
        ProcessVersion.objects.filter(improvement_plan_id=plan_id).order_by(
            "process", "effective_from", "number"
        )
    )


def linked_changes(actor: Actor, plan_id: Any) -> list[LinkedChange]:
    """The process versions published under the plan (the caller has opened it through its
    door), each with its measured effect as the registered reader gives it to ``actor``."""
    out = []
    for version in versions_for_plan(plan_id):
        kind = CASE_KINDS.get(version.process)
        effect = next((e for r in _EFFECT_READERS if (e := r(actor, version)) is not None), None)
        name = str(kind.name or kind.label) if kind is not None else version.process
        out.append(LinkedChange(version, name, effect))
    return out


def refusal() -> str:
    return _("找不到该改进计划，或您无权查看。")


# --- opening an improvement plan from another domain (issue 20 §6; standard 9.3.2, 10.2) ---------
#
# A drill's after-action review or an incident's lessons learnt become improvement-plan actions.
# The kernel names no domain: the app that keeps improvement plans registers its opener from its
# AppConfig.ready; a domain calls ``improvement_open`` and keeps the returned plan id.


@dataclass(frozen=True)
class ImprovementActionIn:
    """One action of the plan to open: what, who (a user id), by when."""

    title: str
    owner_id: Any
    due_date: Any  # a date


# (actor, org_unit_id, title, need, indicator_code, actions) → the new plan's id
ImprovementOpener = Callable[..., str]
_OPENERS: list[ImprovementOpener] = []


def register_improvement_opener(opener: ImprovementOpener) -> None:
    if opener not in _OPENERS:
        _OPENERS.append(opener)


def improvement_open(
    *, actor: Actor, org_unit_id: Any, title: str, need: str, indicator_code: str,
    actions: list[ImprovementActionIn],
) -> str | None:  # fmt: skip
    """Open an improvement plan at the unit with its actions, through the registered opener
    (its own checks and messages apply: a bad owner or date is a ValidationFailed naming the
    field). None when no installed app keeps improvement plans."""
    if not _OPENERS:
        return None
    return _OPENERS[0](actor=actor, org_unit_id=org_unit_id, title=title, need=need,
                       indicator_code=indicator_code, actions=actions)  # fmt: skip
