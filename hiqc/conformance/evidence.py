"""Evidence rules that sit at the top layer (issue 22 §2; ADR 0034): control evidence — the
compliance controls' monthly results (9.1.2(4)) mapped to clauses through their obligation's
``clauses`` —, the coverage of the standard itself (1.1) and the service principles (1.3(1)–(6):
the indicators each principle's tag names, against their targets)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_noop

from hiqc.compliance.enums import ResultStatus
from hiqc.compliance.seed import OBLIGATIONS
from hiqc.core.evidence import (
    CHECK,
    CONTROL,
    INDICATOR,
    Evidence,
    EvidenceRule,
    EvidenceStatus,
    evidence_rule,
    indicator_evidence,
    ratio_evidence,
    register_rule,
)

from .standard import parents


def obligations_by_clause() -> dict[str, tuple[str, ...]]:
    """Clause id → the codes of the seeded obligations that name it (only ids of the standard)."""
    out: dict[str, list[str]] = {}
    for code, _law, _article, _domain, clauses, _text in OBLIGATIONS:
        for clause in (c.strip() for c in clauses.split(",")):
            if clause in parents():
                out.setdefault(clause, []).append(code)
    return {k: tuple(v) for k, v in sorted(out.items())}


def control_evidence(
    obligations: tuple[str, ...], org_path: str, start: date, end: date
) -> Evidence:
    """The unit's own results (one per control and month) of the controls of ``obligations`` in
    [start, end) — an automatic control's tested result, a manual control's attestation (effective
    or not, one record) —: any ineffective → not conforming, any partly effective → partly, all
    effective → conforming; none yet → not yet assessable. Records: Σ population; failing:
    Σ failures."""
    from hiqc.compliance.models import Attestation, ControlResult

    rows = list(
        ControlResult.objects.filter(
            control__obligation__code__in=obligations, org_path=org_path,
            period_start__gte=start, period_start__lt=end,
        ).values_list("status", "population", "failures")
    )  # fmt: skip
    rows += [
        (ResultStatus.EFFECTIVE, 1, 0) if effective else (ResultStatus.INEFFECTIVE, 1, 1)
        for effective in Attestation.objects.filter(
            control__obligation__code__in=obligations, org_unit__path=org_path,
            period_start__gte=start, period_start__lt=end,
        ).values_list("effective", flat=True)
    ]  # fmt: skip
    url = reverse("compliance:controls")
    if not rows:
        return Evidence(EvidenceStatus.NOT_YET_ASSESSABLE, 0, 0, url, "no control results")
    statuses = {s for s, _p, _f in rows}
    if ResultStatus.INEFFECTIVE in statuses:
        status = EvidenceStatus.NOT_CONFORMING
    elif ResultStatus.PARTLY in statuses:
        status = EvidenceStatus.PARTLY
    else:
        status = EvidenceStatus.CONFORMING
    return Evidence(status, sum(p for _s, p, _f in rows), sum(f for _s, _p, f in rows), url,
                    f"{len(rows)} results")  # fmt: skip


def _register_controls() -> None:
    for clause, obligations in obligations_by_clause().items():

        def assess(
            org_path: str, start: date, end: date, _ob: tuple[str, ...] = obligations
        ) -> Evidence:
            return control_evidence(_ob, org_path, start, end)

        register_rule(EvidenceRule(
            f"compliance.controls.{clause}", (clause,), CONTROL,
            gettext_noop("合规控制检测结果"),
            gettext_noop("本机构本期对应合规义务的控制措施检测结果（有效 / 部分有效 / 无效）。"),
            assess,
        ))  # fmt: skip


_register_controls()


@evidence_rule(
    "conformance.coverage", clauses=("1.1",), kind=CHECK,
    name=gettext_noop("标准条款均有证据规则"),
    description=gettext_noop("标准的每个条款都有证据规则或注明不适用的理由；待补充证据规则的条款计为不足。"),
)  # fmt: skip
def coverage(org_path: str, start: date, end: date) -> Evidence:
    """1.1 raise quality continuously: the self-assessment covers the whole standard. Counted over
    the leaf clauses: those still pending (``coverage.PENDING``) count against it."""
    from .coverage import pending_leaves

    leaves = [c for c, kids in _leaves().items() if not kids]
    return ratio_evidence(len(leaves), len(pending_leaves()), url=reverse("conformance:clauses"))


def _leaves() -> dict[str, tuple[str, ...]]:
    from .standard import children

    return children()


# --- the service principles (1.3; issue 22 §4) ----------------------------------------------------


def principle_indicators(principle: str, org_path: str, start: date, end: date, *,
                         known: dict[str, Evidence] | None = None,
                         ) -> list[tuple[str, Evidence]]:  # fmt: skip
    """The indicators serving ``principle`` that have a target in force at the unit on the
    period's last day, each with its evidence (value against target) for the period.
    ``known``: code → evidence already computed for this unit and period, filled as it goes (the
    principles page shares it between the principles, so an indicator serving two is assessed
    once)."""
    from datetime import timedelta

    from hiqc.core.indicators import INDICATORS
    from hiqc.core.principles import indicators_serving
    from hiqc.core.targets import targets_for

    known = {} if known is None else known
    codes = indicators_serving(principle, sorted(INDICATORS))
    judged = targets_for(codes, org_path, end - timedelta(days=1))
    for code in codes:
        if code in judged and code not in known:
            known[code] = indicator_evidence(code, org_path, start, end)
    return [(code, known[code]) for code in codes if code in judged]


JUDGED = (EvidenceStatus.CONFORMING, EvidenceStatus.PARTLY, EvidenceStatus.NOT_CONFORMING)


def principle_evidence(principle: str, rows: list[tuple[str, Evidence]]) -> Evidence:
    """The evidence of the principle's clause 1.3(n) from its indicator rows
    (``principle_indicators``): the judged ones (a value and a target) are the records, those
    off target (amber or red) count against it. The rule and the principles page both call it,
    so the page judges a principle from the very rows it shows."""
    judged = [e for _c, e in rows if e.status in JUDGED]
    bad = sum(1 for e in judged if e.status != EvidenceStatus.CONFORMING)
    url = reverse("conformance:principles") + f"#{principle}"
    return ratio_evidence(len(judged), bad, url=url,
                          note=f"{len(judged) - bad}/{len(judged)} indicators on target")  # fmt: skip


def _register_principles() -> None:
    from hiqc.core.principles import CLAUSE, Principle

    for principle in Principle:

        def assess(org_path: str, start: date, end: date, _p: str = principle.value) -> Evidence:
            return principle_evidence(_p, principle_indicators(_p, org_path, start, end))

        register_rule(EvidenceRule(
            f"conformance.principle.{principle.value}", (CLAUSE[principle.value],), INDICATOR,
            gettext_noop("服务原则的指标达标情况"),
            gettext_noop("标注服务于该原则且设有目标值的指标，本期达到目标的比例；"
                         "有未达目标（含仅达预警值）的指标为部分符合，全部未达为不符合。"),
            assess,
        ))  # fmt: skip


_register_principles()
