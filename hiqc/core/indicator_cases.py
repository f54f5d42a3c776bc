"""The cases behind a figure (issue 7 §2: "every figure links to the cases behind it"): for an
indicator, a unit and a period, the records its numerator and denominator counted, as declared by
the indicator itself (``Indicator.cases``), those counted against the figure first. A record that
is a case of a declared kind shows its case number and links to its page when the reader may see
it; other records (calls, QA scores, audit items) show their own label and page."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from django.utils.translation import gettext

from .access import Actor
from .calendar import BEIJING
from .casekinds import CASE_KINDS
from .indicators import CASES_LIMIT, INDICATORS, Counted, cases_of, next_start
from .selectors import org_units_by_path


@dataclass
class CaseRow:
    record_type: str
    name: str
    label: str
    url: str
    when: datetime | None
    counted: str  # what the figure counted for this record: 按时 / 超时, the score, the days …
    bad: bool
    unit: str = ""  # the org unit the record belongs to


def period_bounds(text: str) -> tuple[datetime, datetime]:
    """[start, end) of "YYYY-MM" (a month), "YYYYQn" (a quarter) or "YYYY-MM-DD" (a day), Beijing
    time."""
    try:
        if len(text) == 6 and text[4] in "Qq" and text[5] in "1234":
            start = datetime(int(text[:4]), 3 * int(text[5]) - 2, 1, tzinfo=BEIJING)
            return start, next_start(start, "quarter")
        parts = [int(p) for p in text.split("-")]
        if len(parts) == 2:
            start = datetime(parts[0], parts[1], 1, tzinfo=BEIJING)
            return start, next_start(start, "month")
        if len(parts) == 3:
            start = datetime(parts[0], parts[1], parts[2], tzinfo=BEIJING)
            return start, next_start(start, "day")
    except ValueError:
        pass
    raise ValueError(
        gettext("期间应为年月（如 2026-03）、季度（如 2026Q1）或日期（如 2026-03-15）。")
    )


def supported(code: str) -> bool:
    indicator = INDICATORS.get(code)
    return indicator is not None and indicator.cases is not None


def _numbers(records: list[Counted]) -> dict[tuple[str, str], str]:
    """Case numbers (``str`` of the case) of the records that are cases, one query per kind."""
    ids: dict[str, list[str]] = {}
    for r in records:
        if r.record_type in CASE_KINDS and not r.label:
            ids.setdefault(r.record_type, []).append(r.record_id)
    out: dict[tuple[str, str], str] = {}
    for case_type, pks in ids.items():
        model = CASE_KINDS[case_type].model
        for obj in model._default_manager.filter(pk__in=pks[:CASES_LIMIT]):
            out[(case_type, str(obj.pk))] = str(obj)
    return out


def cases_behind(actor: Actor, code: str, org_path: str, start: datetime, end: datetime
                 ) -> list[CaseRow] | None:  # fmt: skip
    """The records behind ``code`` for the subtree at ``org_path`` in [start, end), or None when
    the indicator declares none."""
    indicator = INDICATORS.get(code)
    if indicator is None or indicator.cases is None:
        return None
    records = cases_of(code, org_path, start, end)
    records.sort(key=lambda r: not r.bad)  # stable: each domain's own order within the groups
    numbers = _numbers(records)
    units = _unit_names({r.org_path for r in records})
    return [replace(_row(actor, r, numbers), unit=units.get(r.org_path, "")) for r in records]


def _unit_names(paths: set[str]) -> dict[str, str]:
    return {path: u.localized_name for path, u in org_units_by_path(paths).items()}


def _row(actor: Actor, r: Counted, numbers: dict[tuple[str, str], str]) -> CaseRow:
    kind = CASE_KINDS.get(r.record_type)
    if kind is None:  # not a case: the domain named it and gave its page
        return CaseRow(r.record_type, r.name or r.record_type, r.label or r.record_id, r.url, r.when,
                       r.counted, r.bad)  # fmt: skip
    visible = actor.can(kind.view_perm, r.org_path)
    url = kind.url_for(r.record_id) if visible and kind.url_for else ""
    label = (
        (r.label or numbers.get((r.record_type, r.record_id), r.record_id[:8])) if visible else "—"
    )
    return CaseRow(r.record_type, str(kind.name), label, url, r.when, r.counted, r.bad)
