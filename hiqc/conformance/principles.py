"""The principles view (standard 1.3; issue 22 §4): per principle, the indicators tagged as
serving it (``hiqc.core.principles``) with their value against the target for a unit and period,
and the evidence rule of its clause item 1.3(n). A read: no state of its own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hiqc.core.evidence import RULES, Evidence, EvidenceStatus
from hiqc.core.indicators import INDICATORS
from hiqc.core.principles import CLAUSE, Principle, indicators_serving

from .evidence import principle_indicators
from .periods import Period
from .selectors import rule_evidence


@dataclass
class PrincipleView:
    code: str
    label: Any
    clause: str
    text: str
    evidence: Evidence
    judged: list[dict[str, Any]]  # indicators with a target in force: name, evidence
    monitored: int  # serving indicators without a target (monitored only)

    @property
    def status_label(self) -> str:
        return str(EvidenceStatus(self.evidence.status).label)


def principle_views(org_path: str, period: Period, texts: dict[str, str]) -> list[PrincipleView]:
    """Every principle in the standard's order for the subtree at ``org_path`` in ``period``;
    ``texts``: clause code → the clause's text (1.3(n))."""
    out = []
    codes = sorted(INDICATORS)
    for p in Principle:
        rows = principle_indicators(p.value, org_path, period.start, period.end)
        rule = RULES[f"conformance.principle.{p.value}"]
        out.append(PrincipleView(
            code=p.value, label=p.label, clause=CLAUSE[p.value],
            text=texts.get(CLAUSE[p.value], ""),
            evidence=rule_evidence(rule, org_path, period)[0],
            judged=[{"code": c, "name": INDICATORS[c].localized_name, "e": e,
                     "label": EvidenceStatus(e.status).label} for c, e in rows],
            monitored=len(indicators_serving(p.value, codes)) - len(rows),
        ))  # fmt: skip
    return out
