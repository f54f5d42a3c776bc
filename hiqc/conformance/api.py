"""Conformance API (issue 22 §6; ADR 0034): every clause with its capability and evidence rules,
and the status of every clause for a unit and period. The query's shape (``period`` pattern,
``org_unit`` a UUID) is checked by Ninja from the schema (422 naming the field), then the
permission, then the unit (out of scope is the same 404 as missing).

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
"""

from django.utils.translation import gettext as _
from ninja import Query, Router

from hiqc.core.access import require
from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS

from . import coverage, selectors
from .enums import VIEW
from .periods import last_complete_quarter, parse_period
from .schemas import ConformanceClauseOut, ConformanceStatusOut, ConformanceStatusQuery

router = Router(tags=["conformance"])


def _rule(rule) -> dict:
    return {"code": rule.code, "kind": rule.kind, "name": _(rule.name),
            "description": _(rule.description)}  # fmt: skip


@router.get("/conformance/clauses", response={200: list[ConformanceClauseOut], **ERRORS})
def list_clauses(request: HiqcRequest):
    """Every clause of the standard in order (1.1–10.3.5), with HIQC's capability for it, the
    evidence rules declared on it, and whether it is not applicable (why) or pending."""
    require(request.actor, VIEW)
    out = []
    for c in selectors.clause_list(request.actor):
        source, rules = selectors.own_rules(c.code)
        reason = coverage.NOT_APPLICABLE.get(c.code, "")
        out.append({
            "code": c.code, "parent": c.parent.code if c.parent else None, "chapter": c.chapter,
            "level": c.level, "heading": c.heading, "text": c.text, "asks": c.asks,
            "capability": c.capability, "capability_from": c.capability_from,
            "evidence_kinds": c.evidence_kinds, "known_by_heading_only": c.known_by_heading_only,
            "rules": [_rule(r) for r in rules if source == c.code],
            "rules_from": source if rules else "",
            "not_applicable_reason": _(reason) if reason else "",
            "pending": coverage.pending_root(c.code) is not None,
        })  # fmt: skip
    return out


@router.get("/conformance/status", response={200: ConformanceStatusOut, **ERRORS})
def clause_status(request: HiqcRequest, q: Query[ConformanceStatusQuery]):
    """The status of every clause for the subtree of ``org_unit`` (default: the caller's first
    unit) in ``period`` (``YYYY-Qn`` or ``YYYY-MM``; default: the last complete quarter), with
    the counts of evidence records behind each clause's own rules."""
    require(request.actor, VIEW)
    chosen = parse_period(q.period) if q.period else last_complete_quarter()
    unit = selectors.chosen_unit(request.actor, q.org_unit)
    statuses = selectors.clause_statuses(unit.path, chosen)
    clauses = [
        {"code": s.code, "status": s.status, "records": s.records, "failing": s.failing,
         "rules_from": s.rules_from, "reason": s.reason,
         "evidence": [{"rule": r.code, "kind": r.kind, "status": e.status, "records": e.records,
                       "failing": e.failing, "url": e.url, "note": e.note} for r, e in s.own]}
        for s in statuses.values()
    ]  # fmt: skip
    order = {c.code: c.position for c in selectors.clause_list(request.actor)}
    clauses.sort(key=lambda row: order.get(str(row["code"]), 0))
    return {"org_unit_id": unit.pk, "org_unit_name": unit.name, "period": chosen.label,
            "period_start": chosen.start, "period_end": chosen.end,
            "summary": selectors.status_summary(statuses), "clauses": clauses}  # fmt: skip
