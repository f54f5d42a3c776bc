"""Training coverage by topic, read by the chapters that require it (standard 6.2.1, 9.1.2(3);
issues 20 §3, 21 §5; ADR 0029).

The app that keeps training (``hiqc.people``) registers a *source* here from its
``AppConfig.ready``: the topics it knows and, for a topic and a calendar year, per role and unit
how many people must attend that topic's required hours and how many have. Compliance and
information security read it through this module — the information app may not import people
(they are siblings in the layers) — and the kernel imports neither. Without a source nothing is
known: no topics, no rows. Topics are codes the source defines; a reader names the one it
needs (e.g. ``"security_awareness"``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class CoverageRow:
    """People of one role at one unit who must attend ``hours`` of a topic in the year, and how
    many of them have by ``until`` (a person with several roles counts under each)."""

    role: str
    org_path: str
    hours: float
    required: int
    covered: int


@dataclass(frozen=True)
class TrainingSource:
    topics: Callable[[], Sequence[tuple[str, Any]]]  # (code, label; lazily translated)
    # (topic, year, until) → rows; until caps the year (today for the running year)
    coverage: Callable[[str, int, datetime], list[CoverageRow]]


_SOURCES: list[TrainingSource] = []


def register_training_source(source: TrainingSource) -> None:
    """Called once by the app that keeps training (AppConfig.ready)."""
    _SOURCES[:] = [source]


def training_topics() -> list[tuple[str, Any]]:
    return list(_SOURCES[0].topics()) if _SOURCES else []


def topic_label(code: str) -> Any:
    return dict(training_topics()).get(code, code)


def topic_coverage(topic: str, *, year: int, until: datetime,
                   visible: Callable[[str], bool] | None = None) -> list[CoverageRow]:  # fmt: skip
    """The coverage rows of ``topic`` in ``year``, those at units ``visible`` accepts (the
    caller's scope predicate on the org path)."""
    if not _SOURCES:
        return []
    rows = _SOURCES[0].coverage(topic, year, until)
    return [r for r in rows if visible is None or visible(r.org_path)]


def coverage_by_role(rows: Sequence[CoverageRow]) -> list[dict[str, Any]]:
    """Σrequired, Σcovered and the share per role (ratios as Σ ÷ Σ, DESIGN rule 5)."""
    sums: dict[str, list[float]] = {}
    for r in rows:
        s = sums.setdefault(r.role, [0, 0, r.hours])
        s[0] += r.required
        s[1] += r.covered
    return [{"role": role, "required": int(s[0]), "covered": int(s[1]), "hours": s[2],
             "share": s[1] / s[0] if s[0] else None} for role, s in sorted(sums.items())]  # fmt: skip


def coverage_by_unit(rows: Sequence[CoverageRow], depth: int) -> list[dict[str, Any]]:
    """The same per unit, rolled up to paths of ``depth`` segments (e.g. 2: the branches)."""
    sums: dict[str, list[int]] = {}
    for r in rows:
        parts = [p for p in r.org_path.split("/") if p]
        path = "/".join(parts[:depth]) + "/" if parts else r.org_path
        s = sums.setdefault(path, [0, 0])
        s[0] += r.required
        s[1] += r.covered
    return [{"org_path": p, "required": s[0], "covered": s[1],
             "share": s[1] / s[0] if s[0] else None} for p, s in sorted(sums.items())]  # fmt: skip


def coverage_summary(topic: str, *, now: datetime, visible: Callable[[str], bool],
                     unit_names: Callable[[list[str]], dict[str, str]], depth: int = 2
                     ) -> dict[str, Any]:  # fmt: skip
    """A topic's coverage in ``now``'s Beijing year for a page (``core/_training_coverage.html``):
    per role, per unit rolled up to ``depth`` path segments (2: head office and the branches)
    named by ``unit_names``, and the totals."""
    from .calendar import BEIJING

    rows = topic_coverage(topic, year=now.astimezone(BEIJING).year, until=now, visible=visible)
    units = coverage_by_unit(rows, depth)
    names = unit_names([u["org_path"] for u in units])
    return {
        "topic": topic, "label": topic_label(topic),
        "roles": coverage_by_role(rows),
        "units": [{**u, "name": names.get(u["org_path"], u["org_path"])} for u in units],
        "required": sum(r.required for r in rows), "covered": sum(r.covered for r in rows),
    }  # fmt: skip
