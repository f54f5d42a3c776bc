"""Evidence rules that sit at the top layer (issue 22 §2; ADR 0034): control evidence — the
compliance controls' monthly results (9.1.2(4)) mapped to clauses through their obligation's
``clauses`` — and the coverage of the standard itself (1.1)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext_noop

from hiqc.compliance.enums import ResultStatus
from hiqc.compliance.seed import OBLIGATIONS
from hiqc.core.evidence import (
    CHECK,
    CONTROL,
    Evidence,
    EvidenceRule,
    EvidenceStatus,
    evidence_rule,
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
    [start, end): any ineffective → not conforming, any partly effective → partly, all effective
    → conforming; none yet → not yet assessable. Records: Σ population; failing: Σ failures."""
    from hiqc.compliance.models import ControlResult

    rows = list(
        ControlResult.objects.filter(
            control__obligation__code__in=obligations, org_path=org_path,
            period_start__gte=start, period_start__lt=end,
        ).values_list("status", "population", "failures")
    )  # fmt: skip
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
