"""Deadlines: one row per (case, clock), computed when a clock starts (DESIGN rule 4).

The functions here change a ``Deadline`` in memory and save it; the domain's transition service
calls them inside its transaction. ``deadlines_sweep(now)`` is the job that raises warnings and
breaches: an idempotent, catch-up-safe query (a scheduler that was down for days raises every
level it missed, once each, in order — the unique constraint on DeadlineWarning guarantees once).

Pausing stores what remains (calendar days, working days or seconds); resuming recomputes the due
time from the resume instant, so the paused span is deducted (e.g. Insurance Law art. 22 with SPC
Interpretation II art. 15: time spent supplying documents does not count).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone

from .calendar import BEIJING, Unit, compute_due, load_year
from .models import Deadline, DeadlineWarning
from .notifications import notifications_quiet
from .processes import DEFAULT_WARNING_FRACTIONS, warning_fractions_for
from .workflow import Clock, Effect

State = Deadline.State
BREACH_LEVEL = 9

# Sent after commit for every warning or breach raised: sender=Deadline, deadline=, level=.
deadline_warned = Signal()


class DeadlineError(ValueError):
    pass


# --- computing ------------------------------------------------------------------------------------


def _apply_due(deadline: Deadline, start: datetime, amount: int) -> None:
    """Set due_at/last_day/roll-over from ``start`` + ``amount`` of the deadline's unit."""
    if amount <= 0:  # paused on (or after) the last day: what remains is the day of resumption
        day = start.astimezone(BEIJING).date()
        deadline.due_at = datetime.combine(day + timedelta(days=1), time.min, tzinfo=BEIJING)
        deadline.last_day, deadline.rolled_over_from = day, None
        return
    due = compute_due(start, amount, deadline.unit)
    deadline.due_at = due.due_at
    deadline.last_day = due.last_day
    deadline.rolled_over_from = due.rolled_over_from
    deadline.calendar_warnings = sorted(set(deadline.calendar_warnings) | set(due.warnings))


def _paused_total(deadline: Deadline) -> timedelta:
    total = timedelta(0)
    for p in deadline.pauses:
        if p.get("to"):
            total += datetime.fromisoformat(p["to"]) - datetime.fromisoformat(p["from"])
    return total


def _one_working_day_before(deadline: Deadline) -> datetime:
    """00:00 of the last working day of the period (hours clocks: 24 h before due)."""
    if deadline.unit == Unit.HOURS or deadline.last_day is None:
        return deadline.due_at - timedelta(hours=24)
    day = deadline.last_day
    for _step in range(30):
        if load_year(day.year).is_working_day(day):
            break
        day -= timedelta(days=1)
    return datetime.combine(day, time.min, tzinfo=BEIJING)


def _schedule_warnings(deadline: Deadline) -> None:
    """(Re)compute warning times; levels already raised in this cycle stay raised."""
    raised = {w["level"] for w in deadline.warning_times if w.get("raised")}
    span = deadline.due_at - deadline.started_at - _paused_total(deadline)
    fractions = deadline.warning_fractions or DEFAULT_WARNING_FRACTIONS
    times = [(i + 1, deadline.due_at - (1 - f) * span) for i, f in enumerate(fractions)]
    times.append((len(fractions) + 1, _one_working_day_before(deadline)))  # one working day left
    deadline.warning_times = [
        {"level": level, "at": at.isoformat(), "raised": level in raised}
        for level, at in sorted(times, key=lambda t: (t[1], t[0]))
    ]
    pending = [datetime.fromisoformat(w["at"]) for w in deadline.warning_times if not w["raised"]]
    deadline.next_warning_at = min(pending) if pending and deadline.state == State.RUNNING else None


# --- clock effects ---------------------------------------------------------------------------------


def deadline_build(
    *,
    case_type: str,
    case_id: str,
    org_path: str,
    clock: Clock,
    at: datetime,
    extended_to: Sequence[tuple[int, datetime, str, str]] = (),
    closed_at: datetime | None = None,
) -> Deadline:
    """An unsaved clock started at ``at``, optionally extended (``(to_amount, at, reason,
    approver)`` each) and closed at ``closed_at`` — met if on time, else breached. For bulk
    loaders (demo data, history brought over from another system) that write rows in batches;
    the same computations as the live effects below."""
    deadline = _new_deadline(case_type, case_id, org_path, clock, at)
    for to_amount, when, reason, approver in extended_to:
        if clock.max_amount is None or not deadline.amount < to_amount <= clock.max_amount:
            raise DeadlineError(f"{clock.code}: cannot extend {deadline.amount} → {to_amount}")
        deadline.extensions = [
            *deadline.extensions,
            {"at": when.isoformat(), "from": deadline.amount, "to": to_amount,
             "reason": reason, "approver": approver},
        ]  # fmt: skip
        deadline.amount = to_amount
        _apply_due(deadline, at, to_amount)
        _schedule_warnings(deadline)
    if closed_at is not None:
        deadline.state = State.MET if closed_at <= deadline.due_at else State.BREACHED
        deadline.breached_at = deadline.due_at if deadline.state == State.BREACHED else None
        deadline.closed_at, deadline.next_warning_at = closed_at, None
    return deadline


def _new_deadline(
    case_type: str, case_id: str, org_path: str, clock: Clock, at: datetime
) -> Deadline:
    deadline = Deadline(
        warning_fractions=list(warning_fractions_for(case_type, org_path, at, clock.code)),
        case_type=case_type,
        case_id=case_id,
        org_path=org_path,
        clock=clock.code,
        label=clock.label,
        source=clock.source,
        unit=str(clock.unit),
        amount=clock.amount,
        max_amount=clock.max_amount,
        started_at=at,
        state=State.RUNNING,
    )
    _apply_due(deadline, at, clock.amount)
    _schedule_warnings(deadline)
    return deadline


def deadline_start(
    *, case_type: str, case_id: str, org_path: str, clock: Clock, at: datetime
) -> Deadline:
    """Start a clock; the warning thresholds in force (process configuration) are copied onto the
    row so a later process version never changes a running clock."""
    deadline = _new_deadline(case_type, case_id, org_path, clock, at)
    try:
        with transaction.atomic():
            deadline.save(force_insert=True)
    except IntegrityError as exc:
        raise DeadlineError(f"clock {clock.code} already started for this case") from exc
    return deadline


def _remaining(deadline: Deadline, at: datetime) -> int:
    if deadline.unit == Unit.HOURS:
        return max(0, int((deadline.due_at - at).total_seconds()))
    assert deadline.last_day is not None
    day = at.astimezone(BEIJING).date()
    if deadline.unit == Unit.CALENDAR_DAYS:
        return max(0, (deadline.last_day - day).days)
    count, cursor = 0, day
    while cursor < deadline.last_day:
        cursor += timedelta(days=1)
        count += load_year(cursor.year).is_working_day(cursor)
    return count


def deadline_pause(deadline: Deadline, at: datetime) -> None:
    if deadline.state != State.RUNNING:
        raise DeadlineError(f"cannot pause a {deadline.state} deadline")
    if at >= deadline.due_at:  # run out, even if the sweep has not marked it yet
        raise DeadlineError("cannot pause a deadline that has already run out")
    deadline.remaining = _remaining(deadline, at)
    deadline.paused_at = at
    deadline.pauses = [*deadline.pauses, {"from": at.isoformat(), "to": None}]
    deadline.state = State.PAUSED
    deadline.next_warning_at = None
    deadline.save()


def deadline_resume(deadline: Deadline, at: datetime) -> None:
    if deadline.state != State.PAUSED:
        raise DeadlineError(f"cannot resume a {deadline.state} deadline")
    remaining = deadline.remaining or 0
    deadline.pauses = [*deadline.pauses[:-1], {**deadline.pauses[-1], "to": at.isoformat()}]
    deadline.state = State.RUNNING
    if deadline.unit == Unit.HOURS:
        deadline.due_at = at + timedelta(seconds=remaining)
    else:
        _apply_due(deadline, at, remaining)
    deadline.paused_at, deadline.remaining = None, None
    _schedule_warnings(deadline)
    deadline.save()


def deadline_extend(
    deadline: Deadline, *, to_amount: int, at: datetime, reason: str, approver: str
) -> None:
    """Extend the allowance to ``to_amount`` in total, never beyond the clock's legal maximum."""
    if deadline.state not in (State.RUNNING, State.PAUSED):
        raise DeadlineError(f"cannot extend a {deadline.state} deadline")
    if deadline.max_amount is None or to_amount > deadline.max_amount:
        raise DeadlineError(
            f"{deadline.clock}: {to_amount} exceeds the legal maximum {deadline.max_amount}"
        )
    if to_amount <= deadline.amount:
        raise DeadlineError(f"{deadline.clock}: an extension must lengthen the allowance")
    added = to_amount - deadline.amount
    deadline.extensions = [
        *deadline.extensions,
        {
            "at": at.isoformat(),
            "from": deadline.amount,
            "to": to_amount,
            "reason": reason,
            "approver": approver,
        },
    ]
    deadline.amount = to_amount
    if deadline.state == State.PAUSED:
        deadline.remaining = (deadline.remaining or 0) + (
            added * 3600 if deadline.unit == Unit.HOURS else added
        )
    elif deadline.unit == Unit.HOURS:
        deadline.due_at += timedelta(hours=added)
    else:
        # The extended period counts from the original start, as the law counts it (e.g. "30 days
        # from receipt"), plus any paused span already deducted.
        _apply_due(deadline, deadline.started_at + _paused_total(deadline), to_amount)
    _schedule_warnings(deadline)
    deadline.save()


def deadline_restart(deadline: Deadline, at: datetime, *, base_amount: int | None = None) -> None:
    """New facts: the period runs again in full from ``at`` (a new warning cycle). The allowance
    goes back to the clock's base (``base_amount``): extensions granted for the old period stay in
    the history but do not carry over. A deadline that has already run out keeps its breach."""
    if deadline.state == State.BREACHED or (deadline.closed_at is None and at >= deadline.due_at):
        raise DeadlineError("cannot restart a deadline that has already run out")
    if deadline.closed_at is not None:
        raise DeadlineError(f"cannot restart a {deadline.state} deadline")
    if base_amount is not None:
        deadline.amount = base_amount
    deadline.restarts += 1
    deadline.started_at, deadline.state = at, State.RUNNING
    deadline.pauses, deadline.paused_at, deadline.remaining = [], None, None
    deadline.breached_at = deadline.closed_at = None
    deadline.warning_times, deadline.warning_level = [], 0
    _apply_due(deadline, at, deadline.amount)
    _schedule_warnings(deadline)
    deadline.save()


def deadline_stop(deadline: Deadline, at: datetime) -> None:
    """The clock's obligation is fulfilled: met if on time; a breached deadline stays breached."""
    if deadline.state in (State.MET, State.CANCELLED) or deadline.closed_at:
        raise DeadlineError(f"cannot stop a {deadline.state} deadline")
    if deadline.state == State.PAUSED:
        deadline.pauses = [*deadline.pauses[:-1], {**deadline.pauses[-1], "to": at.isoformat()}]
    if deadline.state != State.BREACHED:
        deadline.state = State.MET if at <= deadline.due_at else State.BREACHED
        if deadline.state == State.BREACHED:
            deadline.breached_at = deadline.due_at
    deadline.closed_at, deadline.next_warning_at = at, None
    deadline.save()


def deadline_cancel(deadline: Deadline, at: datetime) -> None:
    if deadline.closed_at:
        raise DeadlineError("cannot cancel a closed deadline")
    deadline.state, deadline.closed_at, deadline.next_warning_at = State.CANCELLED, at, None
    deadline.save()


def apply_effects(
    *,
    case_type: str,
    case_id: str,
    org_path: str,
    clocks: dict[str, Clock],
    effects: Iterable[Effect],
    at: datetime,
    data: dict[str, Any] | None = None,
    approver: str = "",
) -> list[Deadline]:
    """Apply a transition's clock effects (called by the transition service, in its transaction)."""
    touched = []
    for effect in effects:
        if effect.optional:
            try:
                with transaction.atomic():
                    touched += apply_effects(
                        case_type=case_type, case_id=case_id, org_path=org_path, clocks=clocks,
                        effects=[replace(effect, optional=False)], at=at, data=data,
                        approver=approver,
                    )  # fmt: skip
            except (DeadlineError, Deadline.DoesNotExist):
                pass  # not applicable to this clock as it stands: skipped, as declared
            continue
        if effect.kind == "start":
            touched.append(
                deadline_start(
                    case_type=case_type,
                    case_id=case_id,
                    org_path=org_path,
                    clock=clocks[effect.clock],
                    at=at,
                )
            )
            continue
        deadline = Deadline.objects.select_for_update().get(
            case_type=case_type, case_id=case_id, clock=effect.clock
        )
        if effect.kind == "pause":
            deadline_pause(deadline, at)
        elif effect.kind == "resume":
            deadline_resume(deadline, at)
        elif effect.kind == "extend":
            assert effect.to_amount is not None
            deadline_extend(
                deadline,
                to_amount=effect.to_amount,
                at=at,
                reason=str((data or {}).get("reason", "")),
                approver=approver,
            )
        elif effect.kind == "restart":
            deadline_restart(deadline, at, base_amount=clocks[effect.clock].amount)
        elif effect.kind == "stop":
            deadline_stop(deadline, at)
        elif effect.kind == "cancel":
            deadline_cancel(deadline, at)
        touched.append(deadline)
    return touched


# --- the sweep job ----------------------------------------------------------------------------------


def deadlines_sweep(now: datetime | None = None, *, batch: int = 500) -> dict[str, int]:
    """Raise every due warning level and every breach, once, in order. Safe to run late or twice."""
    now = now or timezone.now()
    raised = {"warnings": 0, "breaches": 0}
    while True:
        with transaction.atomic():
            due = list(
                Deadline.objects.select_for_update(skip_locked=True)
                .filter(closed_at=None, state=State.RUNNING, next_warning_at__lte=now)
                .order_by("next_warning_at")[:batch]
            )
            for deadline in due:
                for w in deadline.warning_times:
                    at = datetime.fromisoformat(w["at"])
                    if not w["raised"] and at <= now and at < deadline.due_at:
                        raised["warnings"] += _raise(deadline, w["level"], at)
                        w["raised"] = True
                        deadline.warning_level = max(deadline.warning_level, w["level"])
                _schedule_warnings(deadline)
                if deadline.next_warning_at is not None and deadline.next_warning_at <= now:
                    deadline.next_warning_at = (
                        None  # remaining levels fall at/after due: the breach covers them
                    )
                deadline.save(update_fields=["warning_times", "warning_level", "next_warning_at"])
        if len(due) < batch:
            break
    while True:
        with transaction.atomic():
            late = list(
                Deadline.objects.select_for_update(skip_locked=True)
                .filter(closed_at=None, state=State.RUNNING, due_at__lte=now)
                .order_by("due_at")[:batch]
            )
            for deadline in late:
                deadline.state, deadline.breached_at, deadline.next_warning_at = (
                    State.BREACHED,
                    deadline.due_at,
                    None,
                )
                deadline.save(update_fields=["state", "breached_at", "next_warning_at"])
                raised["breaches"] += _raise(deadline, BREACH_LEVEL, deadline.due_at)
        if len(late) < batch:
            break
    return raised


def _raise(deadline: Deadline, level: int, scheduled_at: datetime) -> int:
    try:
        with transaction.atomic():
            DeadlineWarning.objects.create(
                deadline=deadline,
                cycle=deadline.restarts,
                level=level,
                due_at=deadline.due_at,
                scheduled_at=scheduled_at,
            )
    except IntegrityError:
        return 0  # already raised: the constraint makes the job idempotent
    # whether people are told is decided now, where the level is raised (loading history raises
    # old levels quietly), not when the callback happens to run after the commit
    quiet = notifications_quiet()
    transaction.on_commit(
        lambda: deadline_warned.send(sender=Deadline, deadline=deadline, level=level, quiet=quiet)
    )
    return 1
