"""Per-person performance measures computed by the domain that owns the work (standard 7.2.1,
7.2.2, 5.3.3; issue 18 §4; ADR 0021): the registry through which the assessment in
``hiqc.people`` reads a person's own work without importing the reviewing apps (the kernel names
no app).

A domain registers a measure in its ``AppConfig.ready``::

    register_person_measure(PersonMeasure(code, label, kind, roles, compute, link))

``compute(user_ids, start, end)`` answers ``{user id (str): Measured(numerator, denominator,
evidence)}`` for the work in ``[start, end)`` of every user in ``user_ids`` that has any — from
one grouped query (or two), never one per person. ``evidence`` are the ids of the records behind
the figure (at most ``EVIDENCE_MAX`` are kept); ``link(id)`` is the page of one of them.

``kind`` says how the value is read from the pair: ``rate`` = 100 × numerator ÷ denominator (a
per cent, e.g. on-time rate), ``mean`` = numerator ÷ denominator (e.g. the mean QA score),
``count`` = the numerator (e.g. cases handled). Every measure is "higher is better".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

EVIDENCE_MAX = 200  # ids kept per person and measure; the figure counts them all

MeasureKind = Literal["rate", "mean", "count"]


@dataclass(frozen=True)
class Measured:
    numerator: float
    denominator: float
    evidence: list[str] = field(default_factory=list)

    def value(self, kind: str) -> float | None:
        if kind == "count":
            return float(self.numerator)
        if not self.denominator:
            return None
        ratio = self.numerator / self.denominator
        return 100.0 * ratio if kind == "rate" else ratio


PersonCompute = Callable[[list[str], datetime, datetime], dict[str, Measured]]


@dataclass(frozen=True)
class PersonMeasure:
    code: str
    label: Any  # lazy text
    kind: MeasureKind
    roles: tuple[str, ...]  # the roles the measure applies to (Role values)
    compute: PersonCompute
    link: Callable[[str], str] | None = None  # the page of one evidence record
    unit: Any = ""  # display unit (lazy text): 件, %, 分


PERSON_MEASURES: dict[str, PersonMeasure] = {}


def register_person_measure(measure: PersonMeasure) -> None:
    """Declare a per-person measure (idempotent for the same compute; a second domain claiming a
    code already taken is a programming error)."""
    known = PERSON_MEASURES.get(measure.code)
    if known is not None and known.compute is not measure.compute:
        raise ValueError(f"person measure {measure.code!r} is registered twice")
    PERSON_MEASURES[measure.code] = measure


def person_measures(role: str | None = None) -> list[PersonMeasure]:
    """The registered measures (applying to ``role`` when given), by code."""
    found = sorted(PERSON_MEASURES.values(), key=lambda m: m.code)
    return [m for m in found if role is None or role in m.roles]


def person_measure(
    code: str, user_ids: Iterable[Any], start: datetime, end: datetime
) -> dict[str, Measured]:
    """{user id: Measured} of a registered measure; {} when nobody registered ``code`` (no data,
    never 0)."""
    measure = PERSON_MEASURES.get(code)
    ids = [str(u) for u in user_ids]
    if measure is None or not ids:
        return {}
    found = measure.compute(ids, start, end)
    return {
        k: Measured(v.numerator, v.denominator, [str(e) for e in v.evidence[:EVIDENCE_MAX]])
        for k, v in found.items()
    }


def tally(rows: Iterable[tuple[Any, Any, float]]) -> dict[str, Measured]:
    """``(record id, user id, contribution)`` rows → per user: numerator = Σ contribution,
    denominator = the number of rows, evidence = the record ids (the first ``EVIDENCE_MAX``).
    A domain's ``compute`` reads its rows in one query and hands them here."""
    sums: dict[str, list[Any]] = {}
    for record_id, user_id, contribution in rows:
        entry = sums.setdefault(str(user_id), [0.0, 0, []])
        entry[0] += float(contribution)
        entry[1] += 1
        if len(entry[2]) < EVIDENCE_MAX:
            entry[2].append(str(record_id))
    return {user: Measured(n, d, ev) for user, (n, d, ev) in sums.items()}
