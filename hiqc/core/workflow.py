"""Workflows as data (DESIGN §4 rule 3, §5; issue 3 §1).

A domain declares its process as a ``Workflow``: states (a TextChoices), an initial state, the
clocks it runs (``Clock``: a legal or internal time limit with its source) and transitions (name,
from-states, to-state, permission, required inputs, clock effects). Declarations are pure data —
no ORM, no ``now()`` — and are validated when built: unknown or unreachable states, duplicate
transition names and effects on undeclared clocks fail loudly at start-up.

The one transition service of each domain asks ``workflow.step(action, from_state=…)`` and
applies the returned transition; ``flowchart()`` renders the structure (plus a process
configuration's owners and targets) as Mermaid.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext, gettext_noop

from .calendar import Unit


class WorkflowError(ValueError):
    """A declaration is inconsistent (raised at import time)."""


class NotAllowed(Exception):
    """The action cannot be taken from the current state."""

    def __init__(self, action: str, state: str, allowed: list[str]) -> None:
        super().__init__(f"{action!r} is not allowed in state {state!r}; allowed: {allowed}")
        self.action, self.state, self.allowed = action, state, allowed


@dataclass(frozen=True)
class Clock:
    """A time limit: ``amount`` ``unit`` from the event that starts it, with its legal source.
    ``max_amount`` is the legal ceiling an extension may reach (never beyond).

    ``window``: the period is a right granted to someone (e.g. an agent's time to dispute a
    score), not an obligation: its end is no breach — nobody is told "已超时" — and the domain
    closes the case as it declares (the sweep still marks the end, once, for it to react)."""

    code: str
    label: str
    amount: int
    unit: Unit
    source: str
    max_amount: int | None = None
    window: bool = False

    def __post_init__(self) -> None:
        if self.amount < 1:
            raise WorkflowError(f"clock {self.code}: amount must be positive")
        if self.max_amount is not None and self.max_amount < self.amount:
            raise WorkflowError(f"clock {self.code}: max_amount below amount")


@dataclass(frozen=True)
class Effect:
    kind: str  # start | pause | resume | extend | restart | stop | cancel
    clock: str
    to_amount: int | None = None  # extend: the new total allowance
    # when the clock is absent or not in a state the effect applies to (a breached clock cannot
    # be paused, a clock already stopped cannot stop again), skip instead of refusing the step
    optional: bool = False
    # start: begin the clock at the time held in this field of the case (a date: its 00:00
    # Beijing time) instead of the step's — e.g. a complaint's 15 days run from its receipt
    # (CP-1), not from when it was registered. An empty field: the step's time.
    at_field: str = ""
    # start: the clock falls due at the time held in this field of the case (a date: the end of
    # that day, 00:00 Beijing time the next day) instead of ``amount`` ``unit`` after its start —
    # e.g. a maintenance task due on the day its plan's interval sets. An empty field: the
    # clock's own period. Only for a clock counted in calendar days (its ``amount`` is set to
    # the days from the start's day to the due day, so an extension counts as the law would).
    due_from: str = ""

    KINDS = frozenset({"start", "pause", "resume", "extend", "restart", "stop", "cancel"})


# What an effect does to its clock, as a flowchart reader is told it (translated when drawn).
EFFECT_LABELS = {
    "start": gettext_noop("开始计时"),
    "pause": gettext_noop("暂停计时"),
    "resume": gettext_noop("恢复计时"),
    "extend": gettext_noop("延长时限"),
    "restart": gettext_noop("重新计时"),
    "stop": gettext_noop("停止计时"),
    "cancel": gettext_noop("取消计时"),
}


def Start(
    clock: Clock, *, optional: bool = False, at_field: str = "", due_from: str = ""
) -> Effect:
    return Effect("start", clock.code, optional=optional, at_field=at_field, due_from=due_from)


def Pause(clock: Clock, *, optional: bool = False) -> Effect:
    return Effect("pause", clock.code, optional=optional)


def Resume(clock: Clock, *, optional: bool = False) -> Effect:
    return Effect("resume", clock.code, optional=optional)


def Extend(clock: Clock, *, to_amount: int) -> Effect:
    return Effect("extend", clock.code, to_amount)


def Restart(clock: Clock, *, optional: bool = False) -> Effect:
    return Effect("restart", clock.code, optional=optional)


def Stop(clock: Clock, *, optional: bool = False) -> Effect:
    return Effect("stop", clock.code, optional=optional)


def Cancel(clock: Clock, *, optional: bool = False) -> Effect:
    return Effect("cancel", clock.code, optional=optional)


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    perm: str
    label: str = ""
    requires: tuple[str, ...] = ()
    effects: tuple[Effect, ...] = ()


def T(
    name: str,
    sources: str | Iterable[str],
    target: str,
    *,
    perm: str,
    label: str = "",
    requires: Iterable[str] = (),
    effects: Iterable[Effect] = (),
) -> Transition:
    srcs = (sources,) if isinstance(sources, str) else tuple(sources)
    return Transition(name, srcs, target, perm, label or name, tuple(requires), tuple(effects))


@dataclass(frozen=True)
class Workflow:
    name: str
    states: Mapping[str, str]  # value → label, in display order
    initial: str
    final: frozenset[str]
    clocks: tuple[Clock, ...] = ()
    on_create: tuple[Effect, ...] = ()
    transitions: tuple[Transition, ...] = ()
    _by_name: dict[str, Transition] = field(default_factory=dict, compare=False, repr=False)
    _clocks: dict[str, Clock] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._validate()
        self._by_name.update({t.name: t for t in self.transitions})
        self._clocks.update({c.code: c for c in self.clocks})

    @property
    def clock_map(self) -> Mapping[str, Clock]:
        """The declared clocks by code."""
        return self._clocks

    @classmethod
    def build(
        cls,
        *,
        name: str,
        states: Any,
        initial: str,
        final: Iterable[str],
        clocks: Iterable[Clock] = (),
        on_create: Iterable[Effect] = (),
        transitions: Iterable[Transition] = (),
    ) -> Workflow:
        """``states`` is a TextChoices class or a mapping of value → label."""
        mapping = dict(states.choices) if hasattr(states, "choices") else dict(states)
        return cls(
            name,
            {str(k): str(v) for k, v in mapping.items()},
            str(initial),
            frozenset(str(s) for s in final),
            tuple(clocks),
            tuple(on_create),
            tuple(transitions),
        )

    # -- validation -----------------------------------------------------------------------------

    def _validate(self) -> None:
        problems: list[str] = []
        states = set(self.states)
        if self.initial not in states:
            problems.append(f"initial state {self.initial!r} is not a state")
        problems += [f"final state {s!r} is not a state" for s in self.final - states]
        names = [t.name for t in self.transitions]
        problems += [
            f"duplicate transition {n!r}" for n in sorted({n for n in names if names.count(n) > 1})
        ]
        clock_codes = [c.code for c in self.clocks]
        problems += [
            f"duplicate clock {c!r}"
            for c in sorted({c for c in clock_codes if clock_codes.count(c) > 1})
        ]
        clocks = {c.code: c for c in self.clocks}
        for t in self.transitions:
            for s in (*t.sources, t.target):
                if s not in states:
                    problems.append(f"transition {t.name!r} names unknown state {s!r}")
            problems += [
                f"transition {t.name!r} leaves final state {s!r}"
                for s in t.sources
                if s in self.final
            ]
        for owner, effects in [
            ("on_create", self.on_create),
            *((t.name, t.effects) for t in self.transitions),
        ]:
            for e in effects:
                if e.kind not in Effect.KINDS:
                    problems.append(f"{owner}: unknown effect {e.kind!r}")
                if e.at_field and e.kind != "start":
                    problems.append(f"{owner}: only a start takes at_field ({e.kind} {e.clock!r})")
                if e.due_from and e.kind != "start":
                    problems.append(f"{owner}: only a start takes due_from ({e.kind} {e.clock!r})")
                if e.clock not in clocks:
                    problems.append(f"{owner}: effect on undeclared clock {e.clock!r}")
                elif e.due_from and clocks[e.clock].unit != Unit.CALENDAR_DAYS:
                    problems.append(f"{owner}: due_from needs a calendar-day clock ({e.clock!r})")
                elif e.kind == "extend":
                    limit = clocks[e.clock].max_amount
                    if e.to_amount is None or limit is None or e.to_amount > limit:
                        problems.append(f"{owner}: extends {e.clock!r} beyond its legal maximum")
        reachable = {self.initial}
        frontier = [self.initial]
        while frontier:
            state = frontier.pop()
            for t in self.transitions:
                if state in t.sources and t.target not in reachable:
                    reachable.add(t.target)
                    frontier.append(t.target)
        problems += [
            f"state {s!r} is unreachable from {self.initial!r}"
            for s in self.states
            if s not in reachable
        ]
        if problems:
            raise WorkflowError(f"workflow {self.name!r}: " + "; ".join(problems))

    # -- use --------------------------------------------------------------------------------------

    def clock(self, code: str) -> Clock:
        return next(c for c in self.clocks if c.code == code)

    def allowed_actions(self, state: str) -> list[str]:
        return [t.name for t in self.transitions if state in t.sources]

    def step(self, action: str, *, from_state: str) -> Transition:
        transition = self._by_name.get(action)
        if transition is None or from_state not in transition.sources:
            raise NotAllowed(action, from_state, self.allowed_actions(from_state))
        return transition

    def flowchart(self, config: Mapping[str, Mapping[str, str]] | None = None) -> str:
        """Mermaid ``flowchart LR``. ``config`` maps a transition name to optional ``owner`` and
        ``target`` strings (a process configuration: who does the step and its internal target)."""
        config = config or {}
        ids = {s: f"s{i}" for i, s in enumerate(self.states)}
        lines = ["flowchart LR"]
        for state, msgid in self.states.items():
            label = gettext(str(msgid))
            shape = (
                f'(["{label}"])' if state in self.final or state == self.initial else f'["{label}"]'
            )
            lines.append(f"    {ids[state]}{shape}")
        for t in self.transitions:
            extra = config.get(t.name, {})
            parts = [gettext(t.label)]
            if extra.get("owner"):
                parts.append(extra["owner"])
            if extra.get("target"):
                parts.append(extra["target"])
            clocks = [
                f"{gettext(EFFECT_LABELS[e.kind])}：{gettext(self.clock(e.clock).label)}"
                for e in t.effects
            ]
            parts += clocks
            text = "<br/>".join(p.replace('"', "'") for p in parts)
            for source in t.sources:
                lines.append(f'    {ids[source]} -->|"{text}"| {ids[t.target]}')
        return "\n".join(lines) + "\n"
