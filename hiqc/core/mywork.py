""" "My work" (我的待办, issue 3 §10; issue 15 §3): every open case of every registered type on
which I must act — in a state whose permissions I hold over the case's unit, or assigned to me in
a state that is its assignee's alone — breached first, then least time left."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import reduce
from operator import or_
from typing import Any, overload

from django.db.models import (
    Case,
    CharField,
    DateTimeField,
    Exists,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from .access import ROOT_PATH, Actor, scope_lookup
from .casekinds import CASE_KINDS, CaseKind
from .models import CaseEvent, CaseModel, Deadline


@dataclass
class WorkItem:
    kind: CaseKind
    case: CaseModel
    deadlines: list[Deadline] = field(default_factory=list)
    url: str = ""

    @property
    def breached(self) -> bool:
        return any(d.state == Deadline.State.BREACHED and not d.closed_at for d in self.deadlines)

    @property
    def next_due(self) -> datetime | None:
        running = [d.due_at for d in self.deadlines if d.state == Deadline.State.RUNNING]
        return min(running) if running else None


class CaseKeyText(Func):
    """A case's primary key as ``Deadline.case_id`` and ``CaseEvent.case_id`` hold it:
    ``str(uuid)``, with dashes. PostgreSQL keeps the key as a uuid (its text form has the dashes);
    SQLite as 32 hex digits, so the dashes are put back. Comparing the text column with this keeps
    the (case_type, case_id, clock) index in use (the other way round would read every clock)."""

    output_field = CharField()
    template = "CAST(%(expressions)s AS text)"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, Any]:
        sql, params = compiler.compile(self.source_expressions[0])
        assert not params, "a column, not a value"
        parts = [
            f"substr({sql}, {a}, {n})" for a, n in ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))
        ]
        return "lower(" + " || '-' || ".join(parts) + ")", []


def _minimal(paths: Iterable[str]) -> tuple[str, ...]:
    """The roots of the subtrees: a path under another one is left out."""
    given = set(paths)
    return tuple(p for p in sorted(given) if not any(p != q and p.startswith(q) for q in given))


def work_paths(actor: Actor, perm: str, view_perm: str = "") -> tuple[str, ...]:
    """The subtrees over which ``actor`` holds ``perm`` and, when given, ``view_perm`` too (the
    permission a kind's door opens its cases with: a case nobody could open is nobody's work).
    Worked out on the grants, so it costs the query nothing."""
    paths = actor.paths_for(perm)
    if not view_perm or view_perm == perm:
        return paths
    views = actor.paths_for(view_perm)
    both = {p for p in paths for v in views if p.startswith(v)}
    return _minimal(both | {v for v in views for p in paths if v.startswith(p)})


def _within(lookup: str, paths: tuple[str, ...]) -> Q:
    if ROOT_PATH in paths:
        return Q()
    return reduce(or_, (Q(**{f"{lookup}__startswith": p}) for p in paths))


def held_over(actor: Actor, model: type[CaseModel], perm: str) -> Q:
    """In SQL, for a kind's ``not_for``: the cases (rows of ``model``) over whose unit ``actor``
    holds ``perm``; a predicate that can be negated (never the empty ``Q()``)."""
    paths = actor.paths_for(perm)
    if not paths:
        return Q(pk__in=[])
    return Q(pk__isnull=False) if ROOT_PATH in paths else _within(scope_lookup(model), paths)


def last_of(case_type: str, activities: Iterable[str]) -> Subquery:
    """In SQL, for a kind's ``not_for``: the latest of ``activities`` on the case (or NULL)."""
    events = CaseEvent.objects.filter(
        case_type=case_type, case_id=CaseKeyText(OuterRef("pk")), activity__in=list(activities)
    ).order_by("-at", "-id")
    return Subquery(events.values("activity")[:1], output_field=CharField())


def work_q(kind: CaseKind, actor: Actor, *, mine_only: bool = False) -> Q | None:
    """The cases of ``kind`` that are ``actor``'s work, as one predicate (None: none are): per
    state group, the state and the subtrees where the actor holds one of its permissions; in a
    state that is the assignee's alone, assigned to the actor. ``mine_only``: assigned to the
    actor as well."""
    lookup = scope_lookup(kind.model)
    assigned = Q(assignee_id=actor.user_id) if actor.user_id is not None else None
    by_paths: dict[tuple[str, ...], list[str]] = {}  # the same subtrees: one predicate
    alone: list[str] = []
    for state, perms in kind.work_map().items():
        if not perms:
            alone.append(state)
            continue
        minimal = _minimal(p for perm in perms for p in work_paths(actor, perm, kind.view_perm))
        if minimal:
            by_paths.setdefault(minimal, []).append(state)
    arms = [Q(status__in=states) & _within(lookup, paths) for paths, states in by_paths.items()]
    if alone and assigned is not None:
        arms.append(Q(status__in=alone) & assigned)
    if not arms or (mine_only and assigned is None):
        return None
    predicate = reduce(or_, arms)
    return predicate & assigned if mine_only and assigned is not None else predicate


def acted_on(case_type: str, activity: str, actor: Actor) -> Exists:
    """In SQL, for a kind's ``not_for``: the case has an ``activity`` event by ``actor`` (e.g.
    the decider of a complaint, who may not review their own decision)."""
    events = CaseEvent.objects.filter(
        case_type=case_type, case_id=CaseKeyText(OuterRef("pk")), activity=activity,
        actor_id=actor.user_id,
    )  # fmt: skip
    return Exists(events)


def _open_clocks(kind: CaseKind, *states: str) -> QuerySet[Deadline]:
    return Deadline.objects.filter(
        case_type=kind.label, case_id=CaseKeyText(OuterRef("pk")), closed_at=None, state__in=states
    )


def _earliest_due(kind: CaseKind, state: str) -> Subquery:
    clocks = _open_clocks(kind, state).order_by("due_at").values("due_at")[:1]
    return Subquery(clocks, output_field=DateTimeField())


class WorkList:
    """Every open case of every registered type that is ``actor``'s work (``work_q``, less the
    kind's ``not_for``), most urgent first: breached (longest overdue first), then running (least time left first), then
    cases without a running clock. The database orders each type, so a page reads only the rows
    it shows (issue 13: one handler had 168 rows and a head office thousands). A Django
    ``Paginator`` takes it as it is: ``count()`` and slices."""

    def __init__(
        self,
        actor: Actor,
        *,
        case_type: str = "",
        status: str | Iterable[str] = "",
        org_path: str = "",
        clock_state: str = "",
        mine_only: bool = False,
    ) -> None:
        # per type: its place in the registry, the kind, its cases, the same most urgent first
        self._lists: list[tuple[int, CaseKind, QuerySet[CaseModel], QuerySet[CaseModel]]] = []
        for index, kind in enumerate(CASE_KINDS.values()):
            if case_type and kind.label != case_type:
                continue
            work = work_q(kind, actor, mine_only=mine_only)
            if work is None:  # nothing of this kind can be the actor's work: no arm in the union
                continue
            # scope follows foreign keys to the owning unit (to-one), so the union has no
            # duplicate rows to remove
            qs = kind.model._default_manager.exclude(status__in=kind.workflow.final).filter(work)
            if kind.not_for is not None and actor.user_id is not None:
                qs = qs.exclude(kind.not_for(actor))  # recusal: the guards that ask who asks
            if status:
                qs = qs.filter(status__in=[status] if isinstance(status, str) else list(status))
            if org_path:  # in the database, not per case in Python
                qs = qs.filter(**{f"{scope_lookup(kind.model)}__startswith": org_path})
            if clock_state:
                qs = qs.filter(Exists(_open_clocks(kind, clock_state)))
            ordered = (
                qs.annotate(
                    work_breached=_earliest_due(kind, Deadline.State.BREACHED),
                    work_running=_earliest_due(kind, Deadline.State.RUNNING),
                )
                .annotate(
                    work_rank=Case(
                        When(work_breached__isnull=False, then=Value(0)),
                        When(work_running__isnull=False, then=Value(1)),
                        default=Value(2),
                        output_field=IntegerField(),
                    ),
                    work_due=Coalesce("work_breached", "work_running"),
                )
                .order_by("work_rank", "work_due", "pk")
            )
            self._lists.append((index, kind, qs, ordered))
        self._count: int | None = None

    def count(self) -> int:
        # one query for every type (a UNION ALL), not one per type: the registry keeps growing
        if self._count is None:
            arms = [qs.order_by().values_list("pk") for _, _, qs, _ in self._lists]
            self._count = arms[0].union(*arms[1:], all=True).count() if arms else 0
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __iter__(self) -> Iterator[WorkItem]:
        return iter(self[0 : self.count()])

    @overload
    def __getitem__(self, window: int) -> WorkItem: ...
    @overload
    def __getitem__(self, window: slice) -> list[WorkItem]: ...
    def __getitem__(self, window: int | slice) -> WorkItem | list[WorkItem]:
        if isinstance(window, int):
            return self[window : window + 1][0]
        start, stop = window.start or 0, window.stop
        if stop is None:
            stop = self.count()
        if stop <= start:
            return []
        if not self._lists:
            return []
        # every type's keys in one query, ordered and cut by the database: rank, due, then the
        # type's place in the registry and the key as the ties
        arms = [
            ordered.annotate(work_kind=Value(index))
            .order_by()
            .values_list("pk", "work_rank", "work_due", "work_kind")
            for index, _kind, _, ordered in self._lists
        ]
        merged = (
            arms[0].union(*arms[1:], all=True).order_by("work_rank", "work_due", "work_kind", "pk")
        )
        kinds = {index: kind for index, kind, _, _ in self._lists}
        keys = [(str(pk), kinds[index]) for pk, _r, _d, index in merged[start:stop]]
        chosen: dict[str, list[str]] = {}
        for pk, kind in keys:
            chosen.setdefault(kind.label, []).append(pk)
        items: dict[str, WorkItem] = {}
        for label, pks in chosen.items():
            kind = CASE_KINDS[label]
            for case in kind.model._default_manager.select_related("assignee").filter(pk__in=pks):
                url = kind.url_for(str(case.pk)) if kind.url_for else ""
                items[str(case.pk)] = WorkItem(kind, case, url=url)
            clocks = Deadline.objects.filter(case_type=label, case_id__in=pks)
            for d in clocks.exclude(state=Deadline.State.CANCELLED):
                items[d.case_id].deadlines.append(d)
        return [items[pk] for pk, _kind in keys if pk in items]


def my_work(
    actor: Actor,
    *,
    case_type: str = "",
    status: str | Iterable[str] = "",
    org_path: str = "",
    clock_state: str = "",
    mine_only: bool = False,
) -> WorkList:
    """``actor``'s work list (see WorkList), filtered by case type, state codes, org subtree, the
    state of an open clock, or to the cases assigned to them."""
    return WorkList(
        actor, case_type=case_type, status=status, org_path=org_path,
        clock_state=clock_state, mine_only=mine_only,
    )  # fmt: skip


def open_states(kind: CaseKind) -> list[tuple[str, str]]:
    """(code, untranslated label) of the states a case of ``kind`` can be open in."""
    return [
        (c, str(label)) for c, label in kind.workflow.states.items() if c not in kind.workflow.final
    ]


def status_codes(kinds: Iterable[CaseKind], given: str) -> list[str]:
    """The state codes meant by what someone typed or picked: a code, or a state's name in either
    language ("调查处理中", "Investigating"); several kinds may share a name. Unknown text is kept
    as it is, so it matches nothing."""
    given = given.strip()
    if not given:
        return []
    codes = {
        code
        for kind in kinds
        for code, label in kind.workflow.states.items()
        if given in (code, str(label)) or given.casefold() == gettext(str(label)).casefold()
    }
    return sorted(codes) or [given]


def countdown(deadline: Deadline, now: datetime) -> dict[str, Any]:
    """Days and hours left (negative when late); None while paused."""
    if deadline.state == Deadline.State.PAUSED:
        return {"paused": True}
    seconds = int((deadline.due_at - now).total_seconds())
    late = seconds < 0
    seconds = abs(seconds)
    days, hours = seconds // 86400, (seconds % 86400) // 3600
    # under an hour the minutes are what matters ("超时 0 天 0 小时" read as not late at all)
    minutes = max(1, (seconds % 3600) // 60) if not days and not hours else None
    return {"late": late, "days": days, "hours": hours, "minutes": minutes}
