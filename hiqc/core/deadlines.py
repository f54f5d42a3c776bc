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

import copy
import logging
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.dispatch import Signal
from django.utils import timezone

from .casekinds import window_codes
from .clockmath import CLOCKS, DeadlineError
from .models import BREACH_LEVEL, Deadline, DeadlineWarning
from .notifications import notifications_quiet
from .processes import warning_fractions_for
from .workflow import Clock, Effect

State = Deadline.State
logger = logging.getLogger(__name__)

# Sent after commit for every warning or breach raised: sender=Deadline, deadline=, level=.
deadline_warned = Signal()
# Sent by every sweep for each window clock (Clock.window) that has ended and is still open:
# sender=Deadline, deadline=. The domain closes the case (and the clock) as it declares.
window_ended = Signal()


# --- clock effects: the computations of hiqc.core.clockmath, saved --------------------------------


def deadline_build(
    *,
    case_type: str,
    case_id: str,
    org_path: str,
    clock: Clock,
    at: datetime,
    extended_to: Sequence[tuple[int, datetime, str, str]] = (),
    closed_at: datetime | None = None,
    due: Any = None,
) -> Deadline:
    """An unsaved clock started at ``at`` (due at ``due`` — a date or a datetime, as a
    ``Start(due_from=…)`` reads its field — else after the clock's period), optionally extended (``(to_amount, at, reason,
    approver)`` each) and closed at ``closed_at`` — met if on time, else breached. For bulk
    loaders (demo data, history brought over from another system) that write rows in batches;
    the same computations as the live effects below."""
    deadline = deadline_new(
        case_type=case_type, case_id=case_id, org_path=org_path, clock=clock, at=at
    )
    if due is not None:
        CLOCKS.due_on(deadline, due)
    for to_amount, when, reason, approver in extended_to:
        if clock.max_amount is None or not deadline.amount < to_amount <= clock.max_amount:
            raise DeadlineError(f"{clock.code}: cannot extend {deadline.amount} → {to_amount}")
        CLOCKS.extend(deadline, to_amount=to_amount, at=when, reason=reason, approver=approver)
    if closed_at is not None:
        deadline.state = State.MET if closed_at <= deadline.due_at else State.BREACHED
        deadline.breached_at = deadline.due_at if deadline.state == State.BREACHED else None
        deadline.closed_at, deadline.next_warning_at = closed_at, None
    return deadline


def deadline_new(
    *, case_type: str, case_id: str, org_path: str, clock: Clock, at: datetime
) -> Deadline:
    """An unsaved clock started at ``at``, with the warning thresholds in force."""
    deadline = Deadline(case_type=case_type, case_id=case_id, org_path=org_path)
    CLOCKS.begin(deadline, clock, at, warning_fractions_for(case_type, org_path, at, clock.code))
    return deadline


def deadline_start(
    *, case_type: str, case_id: str, org_path: str, clock: Clock, at: datetime
) -> Deadline:
    """Start a clock; the warning thresholds in force (process configuration) are copied onto the
    row so a later process version never changes a running clock."""
    deadline = deadline_new(
        case_type=case_type, case_id=case_id, org_path=org_path, clock=clock, at=at
    )
    try:
        with transaction.atomic():
            deadline.save(force_insert=True)
    except IntegrityError as exc:
        raise DeadlineError(f"clock {clock.code} already started for this case") from exc
    return deadline


def case_clocks(case_type: str, case_id: str, codes: Iterable[str]) -> dict[str, Deadline]:
    """The case's clocks of these codes, by code, locked for the caller's transaction."""
    return {
        d.clock: d
        for d in Deadline.objects.select_for_update().filter(
            case_type=case_type, case_id=case_id, clock__in=set(codes)
        )
    }


def clocks_save(changed: dict[str, Deadline], current: dict[str, Deadline]) -> None:
    """Save what ``ClockMath.effects`` returned: the changed clocks, and the started ones new."""
    for code, deadline in changed.items():
        if code in current:
            deadline.save()
            continue
        try:
            with transaction.atomic():
                deadline.save(force_insert=True)
        except IntegrityError as exc:  # started by a concurrent transition of another kind
            raise DeadlineError(f"clock {code} already started for this case") from exc


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
    case: Any = None,
) -> list[Deadline]:
    """Apply clock effects to a case's clocks (in the caller's transaction): read and locked in
    one query, changed by ``ClockMath.effects`` (as every store does) and saved. ``case``: where
    a ``Start(at_field=…)`` reads its time."""
    effects = list(effects)
    current = case_clocks(case_type, case_id, (e.clock for e in effects))
    changed = CLOCKS.effects(
        current, effects, at, declared=clocks, data=data, approver=approver, copy=copy.copy,
        begin=lambda clock, when: deadline_new(case_type=case_type, case_id=case_id, org_path=org_path, clock=clock, at=when),
        field=None if case is None else lambda name: getattr(case, name, None),
    )  # fmt: skip
    clocks_save(changed, current)
    return list(changed.values())


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
                CLOCKS.schedule_warnings(deadline)
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
    _windows_ended()
    return raised


def _windows_ended() -> None:
    """Every window that has ended and that its domain has not closed yet: ``window_ended`` is
    sent for each on every sweep until the domain closes it (it closes the case as it declares,
    e.g. confirms the score), so a failed or missed reaction is caught up on the next run."""
    codes = window_codes()
    if not codes:
        return
    # every one, not a first batch: a window whose reaction keeps failing must not hold back
    # the others (they are few — a domain closes its windows as they end)
    ended = Deadline.objects.filter(clock__in=codes, state=State.BREACHED, closed_at=None)
    for deadline in ended.order_by("due_at", "pk").iterator():
        for receiver, result in window_ended.send_robust(sender=Deadline, deadline=deadline):
            if isinstance(result, Exception):  # tried again on the next sweep
                # the exception's type only: a domain's message may name a customer
                logger.warning(
                    "window_ended receiver %s failed for deadline %s: %s",
                    getattr(receiver, "__qualname__", receiver), deadline.pk,
                    type(result).__name__,
                )  # fmt: skip


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
