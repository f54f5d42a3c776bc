"""Automatic controls declared in code (standard 9.1.2(4); issue 20 §2; ADR 0024).

A check is a query over HIQC's data for one period: it yields one ``Outcome`` per record it tests
(the record's org path, a reference that names no person — a case number — and whether the record
passed). The run (``services.control_run``) groups the outcomes by org unit and stores a
``ControlResult`` per control × unit × month. Declare a check with the decorator::

    @automatic_check("claims.decided_in_time", rule="CL-2", clauses="5.1.1, 9.1.2",
                     name=gettext_lazy("…"), formula=gettext_lazy("…"))
    def claims_decided_in_time(start: datetime, end: datetime) -> Iterable[Outcome]: ...

Like the indicator registry, the registry names no domain: the checks live in
``hiqc.compliance.checks`` (this app sits above the domains in the layers and reads their
models), or in any app above it. Effectiveness = 1 − failures ÷ population; the status follows
the thresholds ``compliance.effective_percent`` and ``compliance.partly_percent`` (design defaults,
P). Ratios roll up as Σ, never as an average of ratios (DESIGN rule 5).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from hiqc.core.rules import Rule, register_rules, rule_value

from .enums import ResultStatus


@dataclass(frozen=True)
class Outcome:
    org_path: str
    ref: str  # a case number or id — never personal data
    passed: bool


CheckFn = Callable[[Any, Any], Iterable[Outcome]]


@dataclass(frozen=True)
class AutomaticCheck:
    code: str
    name: Any
    rule: str  # the regulation rule id (regulations.md), e.g. CL-2
    clauses: str  # the standard's clauses
    formula: Any  # what the population and a failure are, for the reader
    run: CheckFn


CHECKS: dict[str, AutomaticCheck] = {}


def automatic_check(code: str, *, name: Any, rule: str, clauses: str, formula: Any
                    ) -> Callable[[CheckFn], CheckFn]:  # fmt: skip
    def register(fn: CheckFn) -> CheckFn:
        if code in CHECKS and CHECKS[code].run is not fn:
            raise ValueError(f"automatic check {code!r} declared twice")
        CHECKS[code] = AutomaticCheck(code, name, rule, clauses, formula, fn)
        return fn

    return register


def check_get(code: str) -> AutomaticCheck | None:
    return CHECKS.get(code)


# --- effectiveness and status --------------------------------------------------------------------

EFFECTIVE = Rule(
    "compliance.effective_percent", 99, "percent", _("控制“有效”的最低有效性"),
    "HIQC 设计默认值（P）：不合规记录不超过样本的 1% 视为有效（9.1.2(4)）", "P",
)  # fmt: skip
PARTLY = Rule(
    "compliance.partly_percent", 90, "percent", _("控制“部分有效”的最低有效性"),
    "HIQC 设计默认值（P）：有效性不低于 90% 为部分有效，低于为无效（9.1.2(4)）", "P",
)  # fmt: skip


def register() -> None:
    register_rules(EFFECTIVE, PARTLY)


def effectiveness(population: int, failures: int) -> float | None:
    """1 − failures ÷ population; None when nothing was tested."""
    if population <= 0:
        return None
    return 1 - failures / population


def status_for(population: int, failures: int, *, effective_percent: int | None = None,
               partly_percent: int | None = None) -> str:  # fmt: skip
    """effective ≥ the effective threshold > partly ≥ the partly threshold > ineffective."""
    value = effectiveness(population, failures)
    if value is None:
        return ResultStatus.NOT_TESTED
    high = rule_value(EFFECTIVE.key) if effective_percent is None else effective_percent
    low = rule_value(PARTLY.key) if partly_percent is None else partly_percent
    # compare in whole numbers of failures × 100 to keep 99 % exact (no float edge)
    if (population - failures) * 100 >= high * population:
        return ResultStatus.EFFECTIVE
    if (population - failures) * 100 >= low * population:
        return ResultStatus.PARTLY
    return ResultStatus.INEFFECTIVE
