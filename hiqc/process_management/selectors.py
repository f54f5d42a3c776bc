"""Reads for process management (chapter 2): the process catalogue and the traces of a process's
cases from the one event log, scoped by ``processes.view`` before anything is said."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Min
from django.utils.translation import gettext as _

from hiqc.core.access import Actor, require, scope
from hiqc.core.calendar import BEIJING, month_first
from hiqc.core.casekinds import CASE_KINDS, CaseKind
from hiqc.core.errors import NotFound, ValidationFailed
from hiqc.core.findings import OUT_OF_DESIGN
from hiqc.core.models import CaseEvent, Finding
from hiqc.core.selectors import org_unit_path_in_scope

from .conformance import CREATE
from .mining import END, START, Event, Trace
from .models import MiningSnapshot, StepGuidance

VIEW = "processes.view"
DEFAULT_MONTHS = 12  # a mining period not given: the last twelve months, this one included
MAX_DAYS = 3 * 366  # a longer period is a typing error (and a very long query)


def process_list(actor: Actor) -> list[CaseKind]:
    """Every process (every registered case kind's workflow), by code."""
    require(actor, VIEW)
    return sorted(CASE_KINDS.values(), key=lambda k: k.label)


def access_process(actor: Actor, code: str) -> CaseKind:
    require(actor, VIEW)
    kind = CASE_KINDS.get(code)
    if kind is None:
        raise NotFound()
    return kind


def activity_labels(kind: CaseKind) -> dict[str, str]:
    """Activity code → its label in the active language: the workflow's transition labels
    (catalogue msgids), creation, start and end."""
    labels = {t.name: _(str(t.label)) for t in kind.workflow.transitions}
    labels.setdefault(CREATE, _("创建"))
    return {**labels, START: _("开始"), END: _("结束")}


@dataclass(frozen=True)
class Period:
    first: date  # Beijing days, both included
    last: date

    @property
    def start(self) -> datetime:
        return datetime.combine(self.first, time.min, tzinfo=BEIJING)

    @property
    def end(self) -> datetime:  # exclusive
        return datetime.combine(self.last + timedelta(days=1), time.min, tzinfo=BEIJING)


def mining_period(first: date | None, last: date | None, today: date) -> Period:
    """The period asked for; ``last`` defaults to today, ``first`` to the start of the month
    eleven months before ``last``'s (twelve calendar months)."""
    last = last or today
    first = first or month_first(last, -(DEFAULT_MONTHS - 1))
    if first > last:
        message = _("开始日期不能晚于结束日期。")
        raise ValidationFailed(message, fields={"from": [message]})
    if (last - first).days > MAX_DAYS:
        message = _("期间不能超过 {days} 天。").format(days=MAX_DAYS)
        raise ValidationFailed(message, fields={"from": [message]})
    return Period(first, last)


def subtree_path(actor: Actor, org_unit: Any | None) -> str:
    """The org subtree asked for (in the actor's scope), else the actor's first one."""
    if org_unit is None:
        return actor.paths_for(VIEW)[0]
    return org_unit_path_in_scope(actor, org_unit, VIEW)


def traces(actor: Actor, kind: CaseKind, period: Period, org_path: str) -> Iterator[Trace]:
    """The traces of the process's cases that *started* in the period within the subtree, each
    with all its events (also those after the period), in time order."""
    events = scope(actor, CaseEvent.objects.filter(case_type=kind.label), VIEW)
    if org_path:
        events = events.filter(org_path__startswith=org_path)
    started = (
        events.values("case_id")
        .annotate(first=Min("at"))
        .filter(first__gte=period.start, first__lt=period.end)
        .values("case_id")
    )
    rows = (
        events.filter(case_id__in=started)
        .order_by("case_id", "at", "id")
        .values_list("case_id", "org_path", "activity", "at", "from_state", "to_state")
    )
    case_id: str | None = None
    path = ""
    batch: list[Event] = []
    for cid, org, activity, at, from_state, to_state in rows.iterator(chunk_size=5000):
        if cid != case_id:
            if batch and case_id is not None:
                yield Trace(case_id, path, tuple(batch))
            case_id, batch = cid, []
        path = org
        batch.append(Event(activity, at, from_state, to_state, org))
    if batch and case_id is not None:
        yield Trace(case_id, path, tuple(batch))


# --- imported moves the design refused (2.2, 2.3.1; issue 16 §4) --------------------------------


def refused_imports(
    actor: Actor, kind: CaseKind, period: Period, org_path: str, *, key: str = ""
) -> list[Finding]:
    """The events another system reported on the process's cases that the design did not allow
    from where the case was (refused by the events door, so never in the event log; recorded as
    ``process.out_of_design`` findings), tried in the period within the subtree, in the actor's
    scope, oldest first; ``key`` ("action|from_state") keeps one kind of move."""
    rows = scope(actor, Finding.objects.filter(kind=OUT_OF_DESIGN, case_type=kind.label), VIEW)
    rows = rows.filter(created_at__gte=period.start, created_at__lt=period.end)
    if org_path:
        rows = rows.filter(org_path__startswith=org_path)
    found = list(rows.order_by("created_at", "id"))
    if key:
        found = [f for f in found if refused_key(f) == key]
    return found


def refused_key(finding: Finding) -> str:
    data = finding.data or {}
    return f"{data.get('action', '')}|{data.get('from_state', '')}"


@dataclass(frozen=True)
class RefusedMove:
    """One kind of refused move (the action tried, from the state the case was in)."""

    action: str
    from_state: str
    to_state: str  # where the design's step would have taken it ("" for no such step)
    count: int
    case_ids: tuple[str, ...]
    org_paths: frozenset[str]

    @property
    def key(self) -> str:
        return f"{self.action}|{self.from_state}"


def refused_moves(findings: list[Finding]) -> list[RefusedMove]:
    """The refused moves grouped by (action, from-state), most frequent first."""
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        groups.setdefault(refused_key(f), []).append(f)
    out = []
    for rows in groups.values():
        data = rows[0].data or {}
        out.append(RefusedMove(
            str(data.get("action", "")), str(data.get("from_state", "")),
            str(data.get("to_state", "")), len(rows),
            tuple(dict.fromkeys(f.case_id for f in rows)), frozenset(f.org_path for f in rows),
        ))  # fmt: skip
    out.sort(key=lambda m: (-m.count, m.action, m.from_state))
    return out


def refused_dicts(kind: CaseKind, moves: list[RefusedMove]) -> list[dict[str, Any]]:
    """The refused moves as the page and the API show them, labels in the active language."""
    labels, states = activity_labels(kind), kind.workflow.states

    def state(code: str) -> str:
        return _(str(states[code])) if code in states else code

    return [
        {"action": m.action, "label": labels.get(m.action, m.action), "from_state": m.from_state,
         "from_state_label": state(m.from_state), "to_state": m.to_state,
         "to_state_label": state(m.to_state), "count": m.count, "cases": len(m.case_ids),
         "key": m.key}
        for m in moves
    ]  # fmt: skip


# --- the handbook (2.1.2(2)(3)) -------------------------------------------------------------------


def guidance_in_force(process: str) -> dict[str, StepGuidance]:
    """The latest operating requirements per step ("" = the process as a whole)."""
    latest: dict[str, StepGuidance] = {}
    for row in StepGuidance.objects.filter(process=process).order_by("step", "-number"):
        latest.setdefault(row.step, row)
    return latest


def guidance_history(process: str) -> list[StepGuidance]:
    return list(StepGuidance.objects.filter(process=process).order_by("-created_at"))


# --- nightly snapshots ----------------------------------------------------------------------------


def within(trace: Trace, path: str, period: Period) -> Trace | None:
    """``trace`` as a query over the subtree at ``path`` would read it: only its events there,
    and only if the first of them falls in the period (None otherwise)."""
    if not path:
        kept = trace.events
    else:
        kept = tuple(e for e in trace.events if e.org_path.startswith(path))
    if not kept or not period.start <= kept[0].at < period.end:
        return None
    return Trace(trace.case_id, kept[-1].org_path, kept)


def snapshot_for(actor: Actor, kind: CaseKind, path: str, period: Period) -> MiningSnapshot | None:
    """The nightly figures of the process over the subtree for exactly this period, if any."""
    rows = MiningSnapshot.objects.filter(
        process=kind.label, org_path=path, period_from=period.first, period_to=period.last
    )
    return scope(actor, rows, VIEW).first()
