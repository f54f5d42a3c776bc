"""Staff qualifications, read by the domains that need them (standard 8.2.6; issues 18, 19 §7).

The app that keeps certificates (``hiqc.people``, ADR 0020) registers a *source* here from its
``AppConfig.ready``: the qualifications it knows (code, label) and, for some people and
qualifications, the certificate that was issued on or before a day and runs out last. A domain
that needs trained operators (``hiqc.facilities``) asks through this module and imports no app;
the kernel imports neither. Without a registered source nothing is known: every code is
"missing" and the choices are empty.

A domain that *needs* a qualification of certain people registers a *demand* (a function
returning who needs what and why), so the people app can show the training need to its
managers without importing that domain.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

CURRENT = "current"  # holds a certificate valid on the day, not running out within the window
EXPIRING = "expiring"  # valid on the day, runs out within the window
LAPSED = "lapsed"  # held one, it ran out before the day
MISSING = "missing"  # never held one issued on or before the day

Holding = tuple[date, date]  # issued_on, expires_on (inclusive, Beijing days)


@dataclass(frozen=True)
class QualificationSource:
    choices: Callable[[], Sequence[tuple[str, Any]]]  # (code, label; lazily translated)
    # (user ids, codes, day) → {(str(user id), code): (issued_on, expires_on)} of the certificate
    # issued on or before the day that runs out last
    holdings: Callable[[Iterable[Any], Iterable[str], date], dict[tuple[str, str], Holding]]


@dataclass(frozen=True)
class QualificationDemand:
    """One person who needs a qualification, and why (e.g. the equipment they operate)."""

    user_id: str
    qualification: str
    reason: str
    org_unit_path: str


_SOURCES: list[QualificationSource] = []
_DEMANDS: dict[str, Callable[[], list[QualificationDemand]]] = {}


def register_qualification_source(source: QualificationSource) -> None:
    """Called once by the app that keeps certificates (AppConfig.ready)."""
    _SOURCES[:] = [source]


def register_qualification_demand(name: str, demand: Callable[[], list[QualificationDemand]]
                                  ) -> None:  # fmt: skip
    """A domain names who needs which qualification (AppConfig.ready); ``name`` is its label."""
    _DEMANDS[name] = demand


def qualification_choices() -> list[tuple[str, str]]:
    return [(str(c), str(label)) for c, label in _SOURCES[0].choices()] if _SOURCES else []


def qualification_label(code: str) -> str:
    return dict(qualification_choices()).get(code, code)


def qualification_holdings(user_ids: Iterable[Any], codes: Iterable[str], day: date
                           ) -> dict[tuple[str, str], Holding]:  # fmt: skip
    if not _SOURCES:
        return {}
    return _SOURCES[0].holdings([str(u) for u in user_ids], list(codes), day)


def qualification_state(holding: Holding | None, day: date, window_days: int = 0) -> str:
    """current / expiring / lapsed / missing on ``day`` (expiring: runs out within the window)."""
    if holding is None:
        return MISSING
    issued_on, expires_on = holding
    if expires_on < day or issued_on > day:
        return LAPSED
    if expires_on <= day + timedelta(days=window_days):
        return EXPIRING
    return CURRENT


def qualification_demands() -> list[QualificationDemand]:
    return [d for name in sorted(_DEMANDS) for d in _DEMANDS[name]()]
