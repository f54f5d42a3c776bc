"""The clock computations, for every store (DESIGN rule 4; issue 15 §1 "one executor over two
stores").

Every method works on a *clock*: any object with a ``Deadline``'s attributes — a ``Deadline`` row
(the database store: ``hiqc.core.deadlines`` saves it afterwards) or a row a batch store holds in
memory and writes in bulk (the claim-event backfill). Both stores call this one implementation,
so they compute the same due dates, warning times, pauses, extensions and outcomes by
construction, not by an equality test. Nothing here reads or writes a database row.

A ``ClockMath`` made with ``memoise=True`` remembers the calendar look-ups of one run (the due
date of a day-counted period depends only on the start's day; the last working day of a period
only on its last day): for a batch run that starts thousands of clocks, never for a long-lived
process (the holiday calendar may be corrected while it runs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol, TypeVar

from .calendar import BEIJING, Due, Unit, compute_due, load_year
from .models import Deadline
from .processes import DEFAULT_WARNING_FRACTIONS
from .workflow import Clock, Effect

State = Deadline.State


class DeadlineError(ValueError):
    """A clock effect that does not apply to the clock as it stands (e.g. pausing a clock that
    has run out); the message says why."""


class ClockRow(Protocol):
    """What the computations read and write: the attributes of ``Deadline``."""

    clock: str
    label: str
    source: str
    unit: str
    amount: int
    max_amount: int | None
    started_at: datetime
    state: str
    due_at: datetime
    last_day: date | None
    rolled_over_from: date | None
    calendar_warnings: list[str]
    warning_fractions: list[float]
    warning_times: list[dict[str, Any]]
    warning_level: int
    next_warning_at: datetime | None
    paused_at: datetime | None
    remaining: int | None
    pauses: list[dict[str, Any]]
    extensions: list[dict[str, Any]]
    restarts: int
    breached_at: datetime | None
    closed_at: datetime | None


R = TypeVar("R", bound=ClockRow)


def field_time(value: Any, at: datetime) -> datetime:
    """When a clock started at a case field begins: the field's time, a date's 00:00 Beijing
    time, or ``at`` when the field is empty."""
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time.min, BEIJING)
    return at


class ClockMath:
    """The computations; ``rollover`` fixes the calendar-day roll-over rule for the run (by
    default the rule in force is read for each period)."""

    def __init__(self, *, rollover: str | None = None, memoise: bool = False) -> None:
        self.rollover = rollover
        self._dues: dict[tuple[date, int, str], Due] | None = {} if memoise else None
        self._workdays: dict[date, datetime] | None = {} if memoise else None

    # -- periods ------------------------------------------------------------------------------

    def due(self, start: datetime, amount: int, unit: str) -> Due:
        """When ``amount`` ``unit`` from ``start`` end (``hiqc.core.calendar.compute_due``)."""
        if self._dues is None or unit == Unit.HOURS:
            return compute_due(start, amount, unit, rollover=self.rollover)
        key = (start.astimezone(BEIJING).date(), amount, unit)  # days count from the day
        hit = self._dues.get(key)
        if hit is None:
            hit = self._dues[key] = compute_due(start, amount, unit, rollover=self.rollover)
        return hit

    def set_due(self, d: ClockRow, start: datetime, amount: int) -> None:
        """Set ``due_at``, ``last_day`` and the roll-over from ``start`` + ``amount``."""
        if amount <= 0:  # paused on (or after) the last day: what remains is the day of resumption
            day = start.astimezone(BEIJING).date()
            d.due_at = datetime.combine(day + timedelta(days=1), time.min, tzinfo=BEIJING)
            d.last_day, d.rolled_over_from = day, None
            return
        due = self.due(start, amount, d.unit)
        d.due_at, d.last_day, d.rolled_over_from = due.due_at, due.last_day, due.rolled_over_from
        d.calendar_warnings = sorted(set(d.calendar_warnings) | set(due.warnings))

    @staticmethod
    def paused_total(d: ClockRow) -> timedelta:
        """The time spent paused in finished pauses (deducted from the period)."""
        total = timedelta(0)
        for p in d.pauses:
            if p.get("to"):
                total += datetime.fromisoformat(p["to"]) - datetime.fromisoformat(p["from"])
        return total

    def last_working_day_start(self, d: ClockRow) -> datetime:
        """00:00 of the period's last working day (hours clocks: 24 h before due)."""
        if d.unit == Unit.HOURS or d.last_day is None:
            return d.due_at - timedelta(hours=24)
        if self._workdays is not None and d.last_day in self._workdays:
            return self._workdays[d.last_day]
        day = d.last_day
        for _step in range(30):
            if load_year(day.year).is_working_day(day):
                break
            day -= timedelta(days=1)
        start = datetime.combine(day, time.min, tzinfo=BEIJING)
        if self._workdays is not None:
            self._workdays[d.last_day] = start
        return start

    def schedule_warnings(self, d: ClockRow) -> None:
        """(Re)compute the warning times; levels already raised in this cycle stay raised."""
        raised = {w["level"] for w in d.warning_times if w.get("raised")}
        span = d.due_at - d.started_at - self.paused_total(d)
        fractions = d.warning_fractions or DEFAULT_WARNING_FRACTIONS
        times = [(i + 1, d.due_at - (1 - f) * span) for i, f in enumerate(fractions)]
        times.append((len(fractions) + 1, self.last_working_day_start(d)))  # one working day left
        times.sort(key=lambda t: (t[1], t[0]))
        d.warning_times = [
            {"level": level, "at": at.isoformat(), "raised": level in raised} for level, at in times
        ]
        pending = [at for level, at in times if level not in raised]
        d.next_warning_at = min(pending) if pending and d.state == State.RUNNING else None

    @staticmethod
    def remaining(d: ClockRow, at: datetime) -> int:
        """What is left at ``at``, in the clock's unit (seconds for hours clocks)."""
        if d.unit == Unit.HOURS:
            return max(0, int((d.due_at - at).total_seconds()))
        assert d.last_day is not None
        day = at.astimezone(BEIJING).date()
        if d.unit == Unit.CALENDAR_DAYS:
            return max(0, (d.last_day - day).days)
        count, cursor = 0, day
        while cursor < d.last_day:
            cursor += timedelta(days=1)
            count += load_year(cursor.year).is_working_day(cursor)
        return count

    # -- effects --------------------------------------------------------------------------------

    def begin(self, d: ClockRow, clock: Clock, at: datetime, fractions: Sequence[float]) -> None:
        """A clock started at ``at`` with the warning thresholds in force (``fractions``)."""
        d.clock, d.label, d.source, d.unit = clock.code, clock.label, clock.source, str(clock.unit)
        d.amount, d.max_amount, d.started_at = clock.amount, clock.max_amount, at
        d.state, d.warning_fractions = State.RUNNING, list(fractions)
        d.paused_at = d.remaining = d.next_warning_at = d.breached_at = d.closed_at = None
        d.pauses, d.extensions, d.warning_times, d.calendar_warnings = [], [], [], []
        d.restarts = d.warning_level = 0
        self.set_due(d, at, clock.amount)
        self.schedule_warnings(d)

    def due_on(self, d: ClockRow, value: Any) -> None:
        """A clock begun at its start that falls due when a case field says (``Start(due_from=…)``):
        a date — the end of that day (00:00 Beijing time the next day), a datetime as it is;
        ``None`` leaves the clock's own period. The allowance becomes the calendar days from the
        start's day to the due day, and the warnings are scheduled over that span."""
        if isinstance(value, datetime):
            d.due_at, d.last_day = value, value.astimezone(BEIJING).date()
        elif isinstance(value, date):
            d.last_day = value
            d.due_at = datetime.combine(value + timedelta(days=1), time.min, tzinfo=BEIJING)
        else:
            return
        d.rolled_over_from, d.calendar_warnings = None, []
        d.amount = max(0, (d.last_day - d.started_at.astimezone(BEIJING).date()).days)
        self.schedule_warnings(d)

    def pause(self, d: ClockRow, at: datetime) -> None:
        if d.state != State.RUNNING:
            raise DeadlineError(f"cannot pause a {d.state} deadline")
        if at >= d.due_at:  # run out, even if the sweep has not marked it yet
            raise DeadlineError("cannot pause a deadline that has already run out")
        d.remaining = self.remaining(d, at)
        d.paused_at, d.state, d.next_warning_at = at, State.PAUSED, None
        d.pauses = [*d.pauses, {"from": at.isoformat(), "to": None}]

    def resume(self, d: ClockRow, at: datetime) -> None:
        if d.state != State.PAUSED:
            raise DeadlineError(f"cannot resume a {d.state} deadline")
        remaining = d.remaining or 0
        d.pauses = [*d.pauses[:-1], {**d.pauses[-1], "to": at.isoformat()}]
        d.state = State.RUNNING
        if d.unit == Unit.HOURS:
            d.due_at = at + timedelta(seconds=remaining)
        else:
            self.set_due(d, at, remaining)
        d.paused_at, d.remaining = None, None
        self.schedule_warnings(d)

    def extend(
        self, d: ClockRow, *, to_amount: int, at: datetime, reason: str, approver: str
    ) -> None:
        """Extend the allowance to ``to_amount`` in total, never beyond the legal maximum."""
        if d.state not in (State.RUNNING, State.PAUSED):
            raise DeadlineError(f"cannot extend a {d.state} deadline")
        if d.max_amount is None or to_amount > d.max_amount:
            raise DeadlineError(f"{d.clock}: {to_amount} exceeds the legal maximum {d.max_amount}")
        if to_amount <= d.amount:
            raise DeadlineError(f"{d.clock}: an extension must lengthen the allowance")
        added = to_amount - d.amount
        d.extensions = [
            *d.extensions,
            {"at": at.isoformat(), "from": d.amount, "to": to_amount, "reason": reason,
             "approver": approver},
        ]  # fmt: skip
        d.amount = to_amount
        if d.state == State.PAUSED:
            d.remaining = (d.remaining or 0) + (added * 3600 if d.unit == Unit.HOURS else added)
        elif d.unit == Unit.HOURS:
            d.due_at += timedelta(hours=added)
        else:
            # The extended period counts from the original start, as the law counts it (e.g. "30
            # days from receipt"), plus any paused span already deducted.
            self.set_due(d, d.started_at + self.paused_total(d), to_amount)
        self.schedule_warnings(d)

    def restart(self, d: ClockRow, at: datetime, *, base_amount: int | None = None) -> None:
        """New facts: the period runs again in full from ``at`` (a new warning cycle), with the
        clock's base allowance; a clock that has already run out keeps its breach."""
        if d.state == State.BREACHED or (d.closed_at is None and at >= d.due_at):
            raise DeadlineError("cannot restart a deadline that has already run out")
        if d.closed_at is not None:
            raise DeadlineError(f"cannot restart a {d.state} deadline")
        if base_amount is not None:
            d.amount = base_amount
        d.restarts += 1
        d.started_at, d.state = at, State.RUNNING
        d.pauses, d.paused_at, d.remaining = [], None, None
        d.breached_at = d.closed_at = None
        d.warning_times, d.warning_level = [], 0
        self.set_due(d, at, d.amount)
        self.schedule_warnings(d)

    @staticmethod
    def stop(d: ClockRow, at: datetime) -> None:
        """The obligation is fulfilled: met if on time; a breached clock stays breached."""
        if d.state in (State.MET, State.CANCELLED) or d.closed_at:
            raise DeadlineError(f"cannot stop a {d.state} deadline")
        if d.state == State.PAUSED:
            d.pauses = [*d.pauses[:-1], {**d.pauses[-1], "to": at.isoformat()}]
        if d.state != State.BREACHED:
            d.state = State.MET if at <= d.due_at else State.BREACHED
            if d.state == State.BREACHED:
                d.breached_at = d.due_at
        d.closed_at, d.next_warning_at = at, None

    @staticmethod
    def cancel(d: ClockRow, at: datetime) -> None:
        if d.closed_at:
            raise DeadlineError("cannot cancel a closed deadline")
        d.state, d.closed_at, d.next_warning_at = State.CANCELLED, at, None

    def effects(
        self,
        current: Mapping[str, R],
        effects: Iterable[Effect],
        at: datetime,
        *,
        declared: Mapping[str, Clock],
        begin: Callable[[Clock, datetime], R],
        copy: Callable[[R], R],
        data: Mapping[str, Any] | None = None,
        approver: str = "",
        field: Callable[[str], Any] | None = None,
    ) -> dict[str, R]:
        """A transition's clock effects, in order: the clocks they start (made by ``begin`` at
        ``at``, or at the case field a ``Start(at_field=…)`` names, read with ``field``; due when
        the field a ``Start(due_from=…)`` names says, else after the clock's period) and
        change (``copy``-ed first), by code; ``current`` (the case's clocks by code) is left
        untouched, so a refused transition changes nothing. An effect that does not apply to the
        clock as it stands raises ``DeadlineError``, unless the workflow declares it optional:
        then it is skipped."""
        out: dict[str, R] = {}
        for effect in effects:
            try:
                clock = out.get(effect.clock) or current.get(effect.clock)
                if effect.kind == "start":
                    if clock is not None:
                        raise DeadlineError(f"clock {effect.clock} already started for this case")
                    when = (
                        field_time(field(effect.at_field), at) if effect.at_field and field else at
                    )
                    out[effect.clock] = begun = begin(declared[effect.clock], when)
                    if effect.due_from and field:
                        self.due_on(begun, field(effect.due_from))
                    continue
                if clock is None:
                    raise DeadlineError(f"no clock {effect.clock}")
                changed = copy(clock)
                self.apply(changed, effect.kind, at, clock=declared[effect.clock], data=data,
                           approver=approver, to_amount=effect.to_amount)  # fmt: skip
                out[effect.clock] = changed
            except DeadlineError:
                if not effect.optional:
                    raise
        return out

    def apply(
        self,
        d: ClockRow,
        kind: str,
        at: datetime,
        *,
        clock: Clock,
        data: Mapping[str, Any] | None = None,
        approver: str = "",
        to_amount: int | None = None,
    ) -> None:
        """One effect other than ``start`` (``hiqc.core.workflow.Effect.kind``) on a clock of
        ``clock``'s declaration."""
        if kind == "pause":
            self.pause(d, at)
        elif kind == "resume":
            self.resume(d, at)
        elif kind == "extend":
            assert to_amount is not None
            reason = str((data or {}).get("reason", ""))
            self.extend(d, to_amount=to_amount, at=at, reason=reason, approver=approver)
        elif kind == "restart":
            self.restart(d, at, base_amount=clock.amount)
        elif kind == "stop":
            self.stop(d, at)
        elif kind == "cancel":
            self.cancel(d, at)
        else:
            raise DeadlineError(f"unknown clock effect {kind}")


# The computations for the database store (nothing memoised: a process lives across calendar
# corrections).
CLOCKS = ClockMath()
