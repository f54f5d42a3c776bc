"""The principles view (standard 1.3; issue 22 §4): per principle, the indicators tagged as
serving it (``hiqc.core.principles``) with their value against the target for a unit and period,
and the evidence of its clause item 1.3(n) — judged from those same rows by the rule's own
aggregation (``principle_evidence``), so each indicator is assessed once per page and the page's
statuses are the rule's. A read: no state of its own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from hiqc.core.evidence import Evidence, EvidenceStatus
from hiqc.core.indicators import INDICATORS
from hiqc.core.principles import CLAUSE, Principle, indicators_serving

from .evidence import principle_evidence, principle_indicators
from .periods import Period


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
    known: dict[str, Evidence] = {}  # an indicator serving several principles: assessed once
    for p in Principle:
        rows = principle_indicators(p.value, org_path, period.start, period.end, known=known)
        out.append(PrincipleView(
            code=p.value, label=p.label, clause=CLAUSE[p.value],
            text=texts.get(CLAUSE[p.value], ""),
            evidence=principle_evidence(p.value, rows),
            judged=[{"code": c, "name": INDICATORS[c].localized_name, "e": e,
                     "label": EvidenceStatus(e.status).label} for c, e in rows],
            monitored=len(indicators_serving(p.value, codes)) - len(rows),
        ))  # fmt: skip
    return out
