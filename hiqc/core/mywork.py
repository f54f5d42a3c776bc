""" "My work" (我的待办, issue 3 §10): every open case of every registered type that is assigned
to me or within my scope, breached first, then least time left."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from .access import Actor, scope, scope_lookup
from .casework import CASE_KINDS, CaseKind
from .models import CaseModel, Deadline

MAX_ROWS = 500


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

    def urgency(self) -> tuple[int, float]:
        if self.breached:
            return (0, 0.0)
        if self.next_due is not None:
            return (1, self.next_due.timestamp())
        return (2, 0.0)


def my_work(
    actor: Actor,
    *,
    case_type: str = "",
    status: str | Iterable[str] = "",
    org_path: str = "",
    clock_state: str = "",
    mine_only: bool = False,
    now: datetime | None = None,
) -> list[WorkItem]:
    now = now or timezone.now()
    items: list[WorkItem] = []
    for kind in CASE_KINDS.values():
        if case_type and kind.label != case_type:
            continue
        qs = kind.model._default_manager.exclude(status__in=kind.workflow.final)
        mine = Q(assignee_id=actor.user_id)
        qs = (
            qs.filter(mine)
            if mine_only
            else (qs.filter(mine) | scope(actor, qs, kind.work_perm or kind.view_perm)).distinct()
        )
        if status:
            qs = qs.filter(status__in=[status] if isinstance(status, str) else list(status))
        if org_path:  # in the database, not per case in Python
            qs = qs.filter(**{f"{scope_lookup(kind.model)}__startswith": org_path})
        cases = list(qs.select_related("assignee")[:MAX_ROWS])
        by_id = {
            str(c.pk): WorkItem(kind, c, url=kind.url_for(str(c.pk)) if kind.url_for else "")
            for c in cases
        }
        for d in Deadline.objects.filter(case_type=kind.label, case_id__in=list(by_id)).exclude(
            state=Deadline.State.CANCELLED
        ):
            by_id[d.case_id].deadlines.append(d)
        items.extend(by_id.values())
    if clock_state:
        items = [
            i for i in items if any(d.state == clock_state and not d.closed_at for d in i.deadlines)
        ]
    return sorted(items, key=WorkItem.urgency)


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
