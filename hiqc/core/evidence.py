"""Evidence rules: how HIQC shows that it meets a clause of the standard (issue 22 §2; ADR 0034).

A rule is declared in code next to the capability it proves, registered like an indicator::

    @evidence_rule("claims.online_claims", clauses=("5.1.2(1)",), kind=RECORD,
                   name=gettext_noop("线上理赔申请"), description=gettext_noop("…"))
    def online_claims(org_path: str, start: date, end: date) -> Evidence: ...

It answers, for the subtree at ``org_path`` and the period [start, end) (dates, Beijing), an
``Evidence``: a status (conforming / partly / not conforming / not applicable / not yet assessable),
the number of records behind it and how many of them count against it, a drill-down link to the
page that lists them and a note. Four kinds (issue 22 §2): *record* evidence (records kept by a
workflow, e.g. a process version in force for every process), *indicator* evidence (an indicator's
value against its target for the period, ``indicator_evidence``), *control* evidence (the compliance
controls' results) and *check* evidence (an automated check of the system itself, e.g. no personal
field undeclared, ``check_evidence``).

A clause's status is the worst of its rules' statuses (``worst``), in the order
not conforming < partly < not yet assessable < conforming; not applicable is ignored, and a clause
whose every rule is not applicable is not applicable. The kernel names no app: rules are registered
by the apps' ``ready()``, drill-down pages by ``register_drilldown`` (the indicator page is
``hiqc.quality``'s).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from .calendar import BEIJING

RECORD, INDICATOR, CONTROL, CHECK = "record", "indicator", "control", "check"
KINDS: dict[str, str] = {
    RECORD: gettext_noop("记录证据"),
    INDICATOR: gettext_noop("指标证据"),
    CONTROL: gettext_noop("控制证据"),
    CHECK: gettext_noop("系统检查证据"),
}


class EvidenceStatus(models.TextChoices):
    CONFORMING = "conforming", _("符合")
    PARTLY = "partly", _("部分符合")
    NOT_CONFORMING = "not_conforming", _("不符合")
    NOT_APPLICABLE = "not_applicable", _("不适用")
    NOT_YET_ASSESSABLE = "not_yet_assessable", _("尚不能评估")


# worst first; not applicable is left out of the aggregation
ORDER: tuple[str, ...] = (
    EvidenceStatus.NOT_CONFORMING,
    EvidenceStatus.PARTLY,
    EvidenceStatus.NOT_YET_ASSESSABLE,
    EvidenceStatus.CONFORMING,
)


@dataclass(frozen=True)
class Evidence:
    status: str
    records: int = 0  # the records (or checked items) behind the status
    failing: int = 0  # of which counted against it
    url: str = ""  # the page listing them
    note: str = ""  # one line: the value against the target, what failed …

    @property
    def label(self) -> str:
        return str(EvidenceStatus(self.status).label)


@dataclass(frozen=True)
class EvidenceRule:
    code: str
    clauses: tuple[str, ...]
    kind: str
    name: str  # a Chinese msgid (gettext_noop), shown translated
    description: str
    assess: Callable[[str, date, date], Evidence] = field(hash=False, compare=False)


RULES: dict[str, EvidenceRule] = {}
_DRILLDOWNS: dict[str, Callable[..., str]] = {}


def evidence_rule(
    code: str, *, clauses: Iterable[str], kind: str, name: str, description: str
) -> Callable[[Callable[[str, date, date], Evidence]], Callable[[str, date, date], Evidence]]:
    """Register the decorated function as the evidence rule ``code`` for ``clauses``."""
    if kind not in KINDS:
        raise ValueError(f"evidence rule {code!r}: unknown kind {kind!r}")

    def decorate(
        fn: Callable[[str, date, date], Evidence],
    ) -> Callable[[str, date, date], Evidence]:
        register_rule(EvidenceRule(code, tuple(clauses), kind, name, description, fn))
        return fn

    return decorate


def register_rule(rule: EvidenceRule) -> None:
    if not rule.clauses:
        raise ValueError(f"evidence rule {rule.code!r} names no clause")
    RULES[rule.code] = rule


def rules_for(clause: str) -> list[EvidenceRule]:
    """The rules declared for ``clause`` itself (not its parent or children), by code."""
    return sorted((r for r in RULES.values() if clause in r.clauses), key=lambda r: r.code)


def clauses_with_rules() -> set[str]:
    return {c for rule in RULES.values() for c in rule.clauses}


def assess(rule: EvidenceRule, org_path: str, start: date, end: date) -> Evidence:
    """The rule's evidence for the subtree at ``org_path`` in [start, end)."""
    return rule.assess(org_path, start, end)


def worst(statuses: Iterable[str]) -> str:
    """A clause's status from its rules' (and sub-clauses') statuses: the worst one, not applicable
    ignored; nothing but not applicable → not applicable; nothing at all → not yet assessable."""
    seen = list(statuses)
    counted = [s for s in seen if s != EvidenceStatus.NOT_APPLICABLE]
    if not counted:
        return EvidenceStatus.NOT_APPLICABLE if seen else EvidenceStatus.NOT_YET_ASSESSABLE
    return min(counted, key=ORDER.index)


def register_drilldown(name: str, build: Callable[..., str]) -> None:
    """A page the evidence links to (``indicator``: code, org_path, start → the indicator page)."""
    _DRILLDOWNS[name] = build


def drilldown(name: str, **kwargs: Any) -> str:
    build = _DRILLDOWNS.get(name)
    return build(**kwargs) if build is not None else ""


def beijing_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[start, end) as aware datetimes at Beijing midnight."""
    return datetime.combine(start, time(), BEIJING), datetime.combine(end, time(), BEIJING)


# --- helpers for the common kinds -----------------------------------------------------------------


def indicator_evidence(code: str, org_path: str, start: date, end: date) -> Evidence:
    """The indicator's value for the subtree and period (Σnumerator ÷ Σdenominator of its monthly
    rows, DESIGN rule 5) against the target in force at the period's last day: met → conforming,
    only the warning level met → partly, neither → not conforming; no value or no target → not
    yet assessable."""
    from .indicators import INDICATORS, rolled_up
    from .targets import status, target_for

    indicator = INDICATORS.get(code)
    if indicator is None:
        return Evidence(EvidenceStatus.NOT_YET_ASSESSABLE, note=f"{code}: not declared")
    lo, hi = beijing_bounds(start, end)
    rows = rolled_up(code, granularity="month", org_path=org_path, start=lo, end=hi)
    url = drilldown("indicator", code=code, org_path=org_path, start=start)
    if indicator.samples is not None:  # a percentile: the period's own figure, not a sum
        rows = rolled_up(code, granularity="quarter", org_path=org_path, start=lo, end=hi)
        value = rows[-1]["value"] if rows else None
        records = int(sum(r["denominator"] for r in rows))
        against = 0
    else:
        n = sum(r["numerator"] for r in rows)
        d = sum(r["denominator"] for r in rows)
        value = n / d if d else None
        records = (
            int(d) if indicator.unit == "ratio" else int(n if indicator.unit == "count" else d)
        )
        # a ratio's records counted against it: those outside the numerator (higher is better)
        # or in it (lower is better); other units count none
        lower = indicator.direction == "lower_better"
        against = round(n if lower else d - n) if indicator.unit == "ratio" else 0
    target = target_for(code, org_path, end - timedelta(days=1))
    if value is None:
        return Evidence(EvidenceStatus.NOT_YET_ASSESSABLE, records, url=url, note="no value")
    shown = f"{value:.1%}" if indicator.unit == "ratio" else f"{value:.2f}"
    colour = status(code, value, target)
    if colour is None or target is None:
        return Evidence(EvidenceStatus.NOT_YET_ASSESSABLE, records, url=url,
                        note=f"{shown}; no target")  # fmt: skip
    aim = f"{target.target:.1%}" if indicator.unit == "ratio" else f"{target.target:g}"
    mapped = {"green": EvidenceStatus.CONFORMING, "amber": EvidenceStatus.PARTLY,
              "red": EvidenceStatus.NOT_CONFORMING}[colour]  # fmt: skip
    return Evidence(mapped, records, against, url, f"{shown} / {aim}")


def check_evidence(problems: list[str], checked: int, *, url: str = "") -> Evidence:
    """A check of the system itself: no problem → conforming, else not conforming (the first
    problems in the note). The same for every unit: the system is one."""
    if problems:
        return Evidence(EvidenceStatus.NOT_CONFORMING, checked, len(problems), url,
                        "; ".join(problems[:3]))  # fmt: skip
    return Evidence(EvidenceStatus.CONFORMING, checked, 0, url)


def record_evidence(
    population: QuerySet[Any], failing: Q | None = None, *, url: str = "", empty: str = ""
) -> Evidence:
    """Records kept by a workflow: ``population`` are the records the clause asks about (already
    filtered to the unit and period), ``failing`` the predicate of those that fall short. None
    failing → conforming; all → not conforming; some → partly. No record at all → ``empty``
    (not yet assessable unless the rule says otherwise)."""
    total = population.count()
    if total == 0:
        return Evidence(empty or EvidenceStatus.NOT_YET_ASSESSABLE, 0, 0, url, "no records")
    bad = population.filter(failing).count() if failing is not None else 0
    if bad == 0:
        status = EvidenceStatus.CONFORMING
    elif bad == total:
        status = EvidenceStatus.NOT_CONFORMING
    else:
        status = EvidenceStatus.PARTLY
    return Evidence(status, total, bad, url)


def ratio_evidence(total: int, bad: int, *, url: str = "", note: str = "") -> Evidence:
    """``record_evidence`` for counts computed elsewhere."""
    if total == 0:
        return Evidence(EvidenceStatus.NOT_YET_ASSESSABLE, 0, 0, url, note or "no records")
    if bad == 0:
        return Evidence(EvidenceStatus.CONFORMING, total, 0, url, note)
    status = EvidenceStatus.NOT_CONFORMING if bad >= total else EvidenceStatus.PARTLY
    return Evidence(status, total, bad, url, note)


def indicators_evidence(codes: Iterable[str], org_path: str, start: date, end: date, *,
                        url: str = "") -> Evidence:  # fmt: skip
    """Several indicators that together answer one clause (e.g. claims quality = accuracy,
    timeliness, satisfaction), each by ``indicator_evidence``: the records are the indicators
    that could be assessed (a value and a target), the failing ones those that miss their target
    (amber or red); the status is the worst of theirs. None assessable → not yet assessable."""
    from .targets import targets_for

    codes = list(codes)
    aimed = targets_for(codes, org_path, end - timedelta(days=1))  # no target: not assessable
    found = {
        code: indicator_evidence(code, org_path, start, end) for code in codes if code in aimed
    }
    assessed = {c: e for c, e in found.items() if e.status != EvidenceStatus.NOT_YET_ASSESSABLE}
    if not assessed:
        return Evidence(EvidenceStatus.NOT_YET_ASSESSABLE, 0, 0, url, "no value or no target")
    missed = [c for c, e in assessed.items() if e.status != EvidenceStatus.CONFORMING]
    note = "; ".join(f"{c} {assessed[c].note}" for c in missed[:3])
    return Evidence(worst(e.status for e in assessed.values()), len(assessed), len(missed), url,
                    note)  # fmt: skip
