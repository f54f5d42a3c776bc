"""The transition service pattern every case type reuses (DESIGN §4 rule 3; issue 3 §5).

A domain declares a ``CaseKind`` (its model's label, workflow and ``access_<entity>`` door;
``hiqc.core.casekinds``, where the kernel's other readers look kinds up) and its services call ``case_opened`` after creating a case and ``case_transition`` for every action.
``case_transition`` locks the row, checks the client's version, checks the action is allowed now,
checks permission, validates required inputs, writes the new state, applies the clocks, appends
the event and the audit record — all in one transaction — and schedules side effects on commit.
Nothing else writes a case's status.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple, TypeVar

from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import Actor, object_path, require
from .audit import audit_record
from .calendar import BEIJING
from .casekinds import CaseKind, Refusal, assignment_refusal
from .clockmath import CLOCKS, ClockMath
from .deadlines import DeadlineError, apply_effects, case_clocks, clocks_save, deadline_new
from .errors import Conflict, Forbidden, HiqcError, ValidationFailed
from .models import CaseEvent, CaseModel, Deadline
from .workflow import Clock, Effect, NotAllowed

C = TypeVar("C", bound=CaseModel)

Source = CaseEvent.Source


@dataclass(frozen=True)
class External:
    """Where an event came from, for events that other systems report."""

    source_system: str
    external_id: str


def _event(
    *,
    kind: CaseKind,
    case: CaseModel,
    actor: Actor,
    activity: str,
    from_state: str,
    at: datetime,
    source: str,
    data: Mapping[str, Any],
    external: External | None,
    save: bool = True,
) -> CaseEvent:
    """The case's event row, saved (or, ``save=False``, built for a bulk write)."""
    return (CaseEvent.objects.create if save else CaseEvent)(
        case_type=kind.label,
        case_id=str(case.pk),
        org_path=object_path(case),
        activity=activity,
        from_state=from_state,
        to_state=case.status,
        at=at,
        actor_id=actor.user_id,
        actor_name=actor.username,
        source=source,
        source_system=external.source_system if external else "",
        external_id=external.external_id if external else "",
        data=dict(data),
    )


def case_opened(
    *,
    kind: CaseKind,
    case: CaseModel,
    actor: Actor,
    at: datetime | None = None,
    source: str = Source.PAGE,
    data: Mapping[str, Any] | None = None,
    external: External | None = None,
) -> CaseEvent:
    """Record a new case: its first event and the clocks its workflow starts on creation (at
    ``at``, or at the case field a ``Start(at_field=…)`` names)."""
    at = at or timezone.now()
    assignment_check(kind, getattr(case, "assignee_id", None), at)
    wf = kind.workflow
    apply_effects(
        case_type=kind.label,
        case_id=str(case.pk),
        org_path=object_path(case),
        clocks=dict(wf.clock_map),
        effects=wf.on_create,
        at=at,
        case=case,
    )
    return _event(
        kind=kind,
        case=case,
        actor=actor,
        activity="create",
        from_state="",
        at=at,
        source=source,
        data=data or {},
        external=external,
    )


def cases_opened(
    *,
    kind: CaseKind,
    cases: Sequence[C],
    actor: Actor,
    at: datetime | None = None,
    source: str = Source.PAGE,
    data: Callable[[C], Mapping[str, Any]] | None = None,
) -> None:
    """``case_opened`` for many new cases at once (a sample of hundreds drawn in one step): their
    creation clocks as ``case_opened`` starts them, and their ``create`` events in one bulk write.
    ``data(case)`` gives each event's data."""
    at = at or timezone.now()
    # the gate once per distinct assignee (a sample of hundreds names a few dozen people)
    for assignee in dict.fromkeys(getattr(c, "assignee_id", None) for c in cases):
        assignment_check(kind, assignee, at)
    if kind.workflow.on_create:
        for case in cases:
            apply_effects(case_type=kind.label, case_id=str(case.pk), org_path=object_path(case),
                          clocks=dict(kind.workflow.clock_map), effects=kind.workflow.on_create,
                          at=at, case=case)  # fmt: skip
    CaseEvent.objects.bulk_create(
        [
            _event(kind=kind, case=case, actor=actor, activity="create", from_state="", at=at,
                   source=source, data=data(case) if data else {}, external=None, save=False)
            for case in cases
        ],
        batch_size=1000,
    )  # fmt: skip


def case_actions(
    kind: CaseKind, case: CaseModel, actor: Actor, *, now: datetime | None = None
) -> tuple[list[Any], dict[str, str]]:
    """The transitions ``actor`` may take on ``case`` now (state, permission and the domain guard
    all pass), and the reason for each one only the domain guard holds back (name → reason)."""
    now = now or timezone.now()
    path = object_path(case)
    allowed: list[Any] = []
    held: dict[str, str] = {}
    for t in kind.workflow.transitions:
        if case.status not in t.sources or not actor.can(t.perm, path):
            continue
        reason = kind.blocked_reason(case, t.name, actor, now)
        if reason is None:
            allowed.append(t)
        else:
            held[t.name] = reason
    return allowed, held


def case_allowed_actions(
    kind: CaseKind, case: CaseModel, actor: Actor, *, now: datetime | None = None
) -> list[str]:
    """What ``allowed_actions`` lists, in a case's representation and in every 409 about it: the
    actions ``actor`` may take on ``case`` now, never merely those of its state."""
    return [t.name for t in case_actions(kind, case, actor, now=now)[0]]


# --- the executor, over a store -----------------------------------------------------------------------


class HeldEvent(NamedTuple):
    """An event a batch store holds until its domain writes it in bulk (a ``CaseEvent`` row)."""

    case_id: Any
    org_path: str
    activity: str
    from_state: str
    to_state: str
    at: datetime
    source_system: str
    external_id: str
    data: Any
    actor: Actor | None = None  # who took the step (None: the batch's own actor)
    source: str = ""  # the event's ``CaseEvent.Source`` ("": the writer's default)


class CaseStore:
    """Where the executor reads and writes cases (issue 15 §1 "one executor over two stores").

    This class is the database store: the case row is locked by the caller's transaction, its
    clocks are ``Deadline`` rows read and locked in one query, and the step writes the row, the
    clocks, one ``CaseEvent`` and one audit record, then schedules the kind's side effects on
    commit. ``BatchStore`` holds cases in memory for a domain to write in bulk. Both run the same
    ``case_execute``: the same checks in the same order, the same messages, the same clock
    computations."""

    math: ClockMath = CLOCKS

    def path(self, case: Any) -> str:
        return object_path(case)

    def may(self, actor: Actor, perm: str, case: Any) -> bool:
        return actor.can(perm, self.path(case))

    def require(self, actor: Actor, perm: str, case: Any) -> None:
        require(actor, perm, case)

    def blocked(
        self, kind: CaseKind, case: Any, action: str, actor: Actor, at: datetime
    ) -> Refusal | None:
        return kind.refusal(case, action, actor, at)

    def allowed(self, kind: CaseKind, case: Any, actor: Actor, at: datetime) -> list[str]:
        """``allowed_actions``: the state's transitions the actor holds the permission for and
        the domain guard lets through now."""
        return [
            t.name
            for t in kind.workflow.transitions
            if case.status in t.sources
            and self.may(actor, t.perm, case)
            and self.blocked(kind, case, t.name, actor, at) is None
        ]

    def clocks(self, kind: CaseKind, case: Any, codes: Iterable[str]) -> Mapping[str, Any]:
        return case_clocks(kind.label, str(case.pk), codes)

    def begin(self, kind: CaseKind, case: Any, clock: Clock, at: datetime) -> Any:
        return deadline_new(
            case_type=kind.label, case_id=str(case.pk), org_path=self.path(case), clock=clock, at=at
        )

    def copy(self, clock: Any) -> Any:
        return copy.copy(clock)

    def field(self, case: Any, name: str) -> Any:
        """A field of the case, as a ``Start(at_field=…)`` reads it: the row's attribute, or for
        a case a batch holds in memory, its ``fields`` (name → value)."""
        if isinstance(case, models.Model):
            return getattr(case, name, None)
        return case.fields.get(name)

    def write(self, step: Step) -> None:
        case, kind = step.case, step.kind
        for name, value in step.updates.items():
            setattr(case, name, value)
        case.save(update_fields=["status", "version", "updated_at", *step.updates])
        clocks_save(step.clocks, step.current)  # type: ignore[arg-type]
        _event(kind=kind, case=case, actor=step.actor, activity=step.action,
               from_state=step.from_state, at=step.at, source=step.source, data=step.record,
               external=step.external)  # fmt: skip
        audit_record(  # the step's one audit record: the domain adds to it, never a second
            actor=step.actor,
            action=f"{kind.label}.{step.action}",
            subject=case,
            fields=["status", *step.updates],
            data={**step.audit, "from": step.from_state, "to": case.status},
        )
        if kind.on_commit is not None:
            callback, action = kind.on_commit, step.action
            transaction.on_commit(lambda: callback(case, action))


class BatchStore(CaseStore):
    """Cases held in memory, for a domain's bulk path (backfills) to write in batches: a case has
    ``status``, ``version``, ``org_path``, ``clocks`` (code → clock row), ``fields`` (name →
    value, the step's updates) and ``events`` (``HeldEvent``). Permissions are looked up once per
    (permission, org unit) for the run; the clock computations memoise their calendar look-ups."""

    def __init__(self, actor: Actor, *, math: ClockMath, begin: Callable[[Any, Clock, datetime], Any],
                 copy: Callable[[Any], Any]) -> None:  # fmt: skip
        self.actor, self.math, self._begin, self._copy = actor, math, begin, copy
        self._may: dict[tuple[Actor, str, str], bool] = {}
        # (kind, assignee, Beijing day) the assignment checks let through in this run
        self._cleared: set[tuple[str, str, Any]] = set()

    def assignee_check(self, kind: CaseKind, user_id: Any, at: datetime) -> None:
        """``assignment_check`` once per (kind, assignee, Beijing day) for the run: a batch of
        thousands names a few dozen people (issue 18 §3). A refusal raises for the case at hand
        (422 ``not_qualified`` on ``assignee``), so a loader that reports rows keeps the others."""
        if user_id is None:
            return
        key = (kind.label, str(user_id), at.astimezone(BEIJING).date())
        if key not in self._cleared:
            assignment_check(kind, user_id, at)
            self._cleared.add(key)

    def path(self, case: Any) -> str:
        return case.org_path

    def may(self, actor: Actor, perm: str, case: Any) -> bool:
        return self.may_for(actor, perm, case.org_path)

    def may_for(self, actor: Actor, perm: str, path: str) -> bool:
        """Whether ``actor`` holds ``perm`` over the org unit at ``path``, looked up once per
        (actor, permission, org unit) for the run: a batch may replay the steps of several
        people (a handler decides, an approver approves)."""
        key = (actor, perm, path)
        hit = self._may.get(key)
        if hit is None:
            hit = self._may[key] = actor.can(perm, path)
        return hit

    def may_at(self, perm: str, path: str) -> bool:
        """``may_for`` the batch's own actor."""
        return self.may_for(self.actor, perm, path)

    def offered_in(self, kind: CaseKind, state: str, path: str) -> list[str]:
        """The actions from ``state`` whose permission the actor holds over the org unit at
        ``path``: ``allowed_actions`` of a case the batch no longer holds (written by this run;
        its own conditions are checked when an action is tried)."""
        return [t.name for t in kind.workflow.transitions
                if state in t.sources and self.may_at(t.perm, path)]  # fmt: skip

    def require(self, actor: Actor, perm: str, case: Any) -> None:
        if not self.may(actor, perm, case):
            require(actor, perm)  # the answer ``require`` gives without the permission at all
            raise Forbidden(_("您没有执行此操作的权限。"))

    def clocks(self, kind: CaseKind, case: Any, codes: Iterable[str]) -> Mapping[str, Any]:
        return case.clocks

    def begin(self, kind: CaseKind, case: Any, clock: Clock, at: datetime) -> Any:
        return self._begin(case, clock, at)

    def copy(self, clock: Any) -> Any:
        return self._copy(clock)

    def open(
        self,
        kind: CaseKind,
        case: Any,
        actor: Actor,
        at: datetime,
        *,
        data: Mapping[str, Any] | None = None,
        source: str = "",
        external: External | None = None,
        declared: Mapping[str, Clock] | None = None,
        effects: Iterable[Effect] | None = None,
    ) -> Any:
        """The held counterpart of ``case_opened``: ``case`` (with ``status``, ``version``,
        ``org_path``, ``clocks`` and ``events``) enters the workflow's initial state at ``at``,
        the clocks the workflow starts on creation begun then, and its ``create`` event held.
        ``declared`` overrides clock declarations (a clock configured per org unit, or a history
        a loader wants told with another period); ``effects`` replace the workflow's
        ``on_create`` (a kind whose service starts a configured clock on creation)."""
        wf = kind.workflow
        fields = getattr(case, "fields", None) or {}
        self.assignee_check(kind, _assignee_in(fields), at)  # as ``case_opened`` does
        case.status, case.version = wf.initial, 1
        clocks = dict(wf.clock_map) if not declared else {**wf.clock_map, **declared}
        case.clocks = self.math.effects(
            {}, wf.on_create if effects is None else effects, at, declared=clocks, copy=self.copy,
            begin=lambda clock, when: self.begin(kind, case, clock, when),
            field=lambda name: self.field(case, name),
        )  # fmt: skip
        case.events.append(
            HeldEvent(case.id, case.org_path, "create", "", case.status, at,
                      external.source_system if external else "",
                      external.external_id if external else "", dict(data or {}), actor, source)
        )  # fmt: skip
        return case

    def write(self, step: Step) -> None:
        case = step.case
        case.clocks.update(step.clocks)
        case.fields.update(step.updates)
        external = step.external
        case.events.append(
            HeldEvent(case.id, case.org_path, step.action, step.from_state, case.status, step.at,
                      external.source_system if external else "",
                      external.external_id if external else "", step.record, step.actor,
                      step.source)
        )  # fmt: skip


@dataclass
class Step:
    """One accepted action, as the executor hands it to the store to write."""

    kind: CaseKind
    case: Any
    actor: Actor
    action: str
    from_state: str
    at: datetime
    source: str
    external: External | None
    record: Mapping[str, Any]
    updates: dict[str, Any]
    clocks: dict[str, Any]
    current: Mapping[str, Any]
    audit: Mapping[str, Any] = field(default_factory=dict)


def _assignee_in(written: Mapping[str, Any]) -> Any:
    """The id of the person a step assigns the case to (None: the step assigns nobody)."""
    value = written.get("assignee", written.get("assignee_id"))
    return getattr(value, "pk", value)


def assignment_check(kind: CaseKind, user_id: Any, at: datetime) -> None:
    """The one place the engine refuses an assignment (issue 18 §3; 4.1.2, 4.2.2, 8.2.6): a case
    of ``kind`` goes to ``user_id`` only if every check registered for the kind lets them (e.g.
    a current certificate of the qualification the kind's rule names); refused as 422 on the
    ``assignee`` field, naming what is missing."""
    if user_id is None:
        return
    problem = assignment_refusal(kind.label, user_id, at)
    if problem:
        raise ValidationFailed(problem, code="not_qualified", fields={"assignee": [problem]})


def case_execute(
    *,
    kind: CaseKind,
    store: CaseStore,
    actor: Actor,
    case: Any,
    action: str,
    data: Mapping[str, Any],
    at: datetime,
    version: int | None = None,
    source: str = Source.API,
    external: External | None = None,
    record: Mapping[str, Any] | None = None,
    updates: Mapping[str, Any] | None = None,
    audit: Mapping[str, Any] | None = None,
) -> Any:
    """The executor: one workflow action on a case the store holds (read through the kind's door
    by the caller, so scope has been checked). In order: the client's version, the step from the
    current state, the permission, the domain guard (once; its ``Refusal`` may carry a code of its
    own), the kind's ``prepare`` hook (its checks of the inputs and its changes), the required
    inputs, the clock effects — then the store writes the new state,
    the updates, the clocks and the event, and the hook's ``after`` runs. A refusal changes
    nothing and names the state and the actions the actor may take now.

    ``updates`` are the caller's field changes written with the step (the ``prepare`` hook's
    come after them); ``audit`` what the step's one audit record keeps beside the state change
    (values, never personal data). The audit record names every field the step wrote."""
    wf = kind.workflow

    def refusal(message: str, code: str) -> Conflict:
        return Conflict(message, code=code, state=case.status, version=case.version,
                        allowed_actions=store.allowed(kind, case, actor, at))  # fmt: skip

    if version is not None and version != case.version:
        raise refusal(
            _(
                "该案件已被他人更新（您看到的是第 {seen} 版，当前为第 {now} 版），请刷新后重试。"
            ).format(seen=version, now=case.version),
            "stale_version",
        )
    try:
        step = wf.step(action, from_state=case.status)
    except NotAllowed as exc:
        raise refusal(_("当前状态下不能执行该操作。"), "action_not_allowed") from exc
    store.require(actor, step.perm, case)
    # the guard judges the case's own data, once: a prepare hook may rely on it having passed
    held = store.blocked(kind, case, action, actor, at)
    if held is not None:
        raise refusal(held.problem, held.code)
    prepared = kind.prepare(store, case, actor, action, data, at, source) if kind.prepare else None
    if prepared is not None:
        at = prepared.at
    missing = {r: [_("此项必填。")] for r in step.requires if data.get(r) in (None, "", [])}
    if missing:
        raise ValidationFailed(_("缺少必填信息。"), fields=missing)
    current = store.clocks(kind, case, (e.clock for e in step.effects))
    written = {**(updates or {}), **(prepared.updates if prepared is not None else {})}
    assignee = _assignee_in(written)
    if assignee is not None and str(assignee) != str(store.field(case, "assignee_id") or ""):
        if isinstance(store, BatchStore):
            store.assignee_check(kind, assignee, at)
        else:
            assignment_check(kind, assignee, at)
    try:
        changed = store.math.effects(
            current, step.effects, at, declared=wf.clock_map, data=data,
            approver=actor.username, copy=store.copy,
            begin=lambda clock, when: store.begin(kind, case, clock, when),
            field=lambda name: written[name] if name in written else store.field(case, name),
        )  # fmt: skip
    except DeadlineError as exc:  # e.g. pausing a clock that has already run out
        raise refusal(
            _("时限状态不允许该操作：{problem}").format(problem=exc), "clock_rule"
        ) from exc
    if prepared is not None and prepared.record is not None:
        record = prepared.record
    from_state = case.status
    case.status, case.version = step.target, case.version + 1
    store.write(
        Step(kind=kind, case=case, actor=actor, action=action, from_state=from_state, at=at,
             source=source, external=external, record=data if record is None else record,
             updates=written, clocks=changed, current=current, audit=audit or {})
    )  # fmt: skip
    if prepared is not None and prepared.after is not None:
        prepared.after(case)
    return case


DATABASE = CaseStore()


def case_transition(
    *,
    kind: CaseKind,
    actor: Actor,
    case_id: Any,
    action: str,
    data: Mapping[str, Any] | None = None,
    version: int | None = None,
    at: datetime | None = None,
    source: str = Source.API,
    external: External | None = None,
    record: Mapping[str, Any] | None = None,
    updates: Mapping[str, Any] | None = None,
    audit: Mapping[str, Any] | None = None,
) -> CaseModel:
    """Apply one workflow action in the database: the only code path that writes a case's status.

    The case is read through the kind's door and locked; ``case_execute`` does the rest in one
    transaction. ``data`` are the action's inputs (checked against the transition's
    ``requires``); ``record`` is what the event keeps of them when that must differ (e.g. free
    text stored encrypted on the case rather than in the event log); by default the event keeps
    ``data``. ``updates`` (fields written with the step) and ``audit`` (what its audit record
    adds) let a domain keep everything of one step in its one event and one audit record."""
    at = at or timezone.now()
    try:
        with transaction.atomic():
            case = kind.access(actor, case_id, for_update=True)
            status, version_before = case.status, case.version
            try:
                return case_execute(kind=kind, store=DATABASE, actor=actor, case=case,
                                    action=action, data=dict(data or {}), at=at, version=version,
                                    source=source, external=external, record=record,
                                    updates=updates, audit=audit)  # fmt: skip
            except BaseException:
                case.status, case.version = status, version_before  # rolled back anyway
                raise
    except IntegrityError as exc:  # the same external event raced in twice
        raise Conflict(_("该外部事件已处理。"), code="duplicate_event") from exc


def case_deadlines(kind: CaseKind, case: CaseModel) -> list[Deadline]:
    return list(
        Deadline.objects.filter(case_type=kind.label, case_id=str(case.pk)).order_by("due_at")
    )


def case_events(kind: CaseKind, case: CaseModel) -> list[CaseEvent]:
    return list(
        CaseEvent.objects.filter(case_type=kind.label, case_id=str(case.pk)).order_by("at", "id")
    )


# --- representation (the case API contract, docs/architecture.md) ----------------------------------


def case_representation(
    kind: CaseKind, case: CaseModel, actor: Actor, *, now: datetime | None = None
) -> dict:
    """What GET /api/v1/<type>/{id} includes for every case type."""
    now = now or timezone.now()
    allowed = case_allowed_actions(kind, case, actor, now=now)
    return {
        "id": case.pk,
        "status": case.status,
        "status_label": kind.workflow.states.get(case.status, case.status),
        "version": case.version,
        "allowed_actions": allowed,
        "deadlines": [
            {
                "clock": d.clock,
                "label": d.label,
                "due_at": d.due_at,
                "due_date": d.last_day,
                "state": d.state,
                "remaining_seconds": None
                if d.state == Deadline.State.PAUSED or d.closed_at
                else int((d.due_at - now).total_seconds()),
                "source": d.source,
                "warnings": d.calendar_warnings,
            }
            for d in case_deadlines(kind, case)
        ],
        "events": [
            {
                "activity": e.activity,
                "from_state": e.from_state,
                "to_state": e.to_state,
                "at": e.at,
                "actor": e.actor_name,
                "source": e.source,
                "external_id": e.external_id,
            }
            for e in case_events(kind, case)
        ],
    }


# --- action forms on a case page (the page counterpart of allowed_actions) ------------------------


@dataclass(frozen=True)
class RefusedAction:
    """An action the service refused on a page: its name, why, and what the user submitted."""

    action: str
    error: HiqcError
    data: Mapping[str, Any]


def _input_values(value: Any) -> tuple[str, list[str]]:
    if value is None:
        return "", []
    if isinstance(value, list | tuple):
        return "", [str(v) for v in value]
    return str(value), [str(value)]


def case_action_forms(
    kind: CaseKind,
    case: CaseModel,
    actor: Actor,
    inputs: Mapping[str, Sequence[tuple[str, str, str]]],
    *,
    hints: Mapping[str, str] | None = None,
    refused: RefusedAction | None = None,
) -> dict[str, Any]:
    """Template context for a case page's action forms: ``actions``, one per action the actor may
    take now (exactly ``allowed_actions`` in the API), each with its inputs from
    ``inputs[action]`` as ``(name, kind, untranslated label)`` and its ``hints``; ``unavailable``,
    the actions the domain guard holds back now, each with its label and the reason.

    After a ``refused`` action its form comes back open (``open``) with what the user submitted
    in each input (``value``; ``values`` for multiple choices) and the input's own messages
    (``errors``). ``error`` is the general message for the top of the page; ``error_details``
    holds the messages that belong to no input on the form."""
    allowed, held = case_actions(kind, case, actor)
    failed = refused.action if refused is not None else None
    fields = refused.error.fields if refused is not None else {}
    submitted: Mapping[str, Any] = refused.data if refused is not None else {}
    actions: list[dict[str, Any]] = []
    on_form: set[str] = set()
    for t in allowed:
        is_failed = t.name == failed
        form_inputs = []
        for name, input_kind, label in inputs.get(t.name, ()):
            value, values = _input_values(submitted.get(name) if is_failed else None)
            form_inputs.append(
                {
                    "name": name,
                    "kind": input_kind,
                    "label": _(label),
                    "value": value,
                    "values": values,
                    "errors": fields.get(name, []) if is_failed else [],
                }
            )
            if is_failed:
                on_form.add(name)
        actions.append(
            {
                "name": t.name,
                "label": _(t.label),
                "inputs": form_inputs,
                "hint": _(hints[t.name]) if hints and t.name in hints else "",
                "open": is_failed,
            }
        )
    labels = {t.name: t.label for t in kind.workflow.transitions}
    unavailable = [{"name": n, "label": _(labels[n]), "reason": r} for n, r in held.items()]
    context: dict[str, Any] = {"actions": actions, "unavailable": unavailable}
    if refused is not None:
        context.update(
            failed_action=failed,
            error=refused.error.message,
            error_details=[m for k, msgs in fields.items() if k not in on_form for m in msgs],
        )
    return context
