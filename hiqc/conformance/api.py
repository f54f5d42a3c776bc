"""Conformance API (issue 22 §3, §6; ADRs 0034, 0035): every clause with its capability and
evidence rules, the status of every clause for a unit and period, and self-assessment rounds.
The status query's shape (``period`` pattern, ``org_unit`` a UUID) is checked by Ninja from the
schema (422 naming the field), then the permission, then the unit (out of scope is the same 404
as missing). A round's door comes first, then the permission, then the body.

No ``from __future__ import annotations`` here: Ninja reads the annotations at import time.
"""

from typing import Any
from uuid import UUID

from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from hiqc.core.access import Actor, require
from hiqc.core.casework import case_representation
from hiqc.core.http import HiqcRequest
from hiqc.core.schemas import ERRORS, CaseActionIn, ErrorOut

from . import coverage, selectors
from .enums import ASSESS, VIEW
from .periods import last_complete_quarter, parse_period
from .schemas import (
    ConformanceClauseOut,
    ConformanceStatusOut,
    ConformanceStatusQuery,
    RoundAssessmentIn,
    RoundAssessmentOut,
    RoundCaseOut,
    RoundClauseJudgeIn,
    RoundClauseOut,
)
from .services import KIND, clause_judge, round_act, round_create
from .standard import parents

router = Router(tags=["conformance"])
CASE_ERRORS: dict[int, Any] = {**ERRORS, 409: ErrorOut}


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


# --- self-assessment rounds (issue 22 §3; ADR 0035) ------------------------------------------------


def _round(r) -> dict:
    return {**{f: getattr(r, f) for f in (
        "id", "number", "org_unit_id", "period", "period_start", "period_end", "status",
        "opened_at", "opened_by", "computed_at", "submitted_at", "submitted_by", "signed_off_at",
        "signed_off_by", "summary")}, "org_unit_name": r.org_unit.name}  # fmt: skip


def _clause_row(row, final: dict[str, str]) -> dict:
    c = row.clause
    return {"code": c.code, "parent": parents().get(c.code), "title": c.title,
            "auto_status": row.auto_status, "records": row.records, "failing": row.failing,
            "evidence": [{"rule": e.get("rule", ""), "kind": e.get("kind", ""),
                          "status": e.get("status", ""), "records": int(e.get("records", 0)),
                          "failing": int(e.get("failing", 0)), "note": e.get("note", ""),
                          "url": e.get("url", "")} for e in row.evidence],
            "judgement": row.judgement, "final_status": final.get(c.code, row.judgement),
            "reason": row.reason, "note": row.note, "judged_by": row.judged_by,
            "judged_at": row.judged_at, "nonconformity_id": row.nonconformity_id}  # fmt: skip


def _round_case(actor: Actor, case) -> dict:
    rows = selectors.round_clauses(case)
    final = selectors.final_statuses(rows)
    return {**case_representation(KIND, case, actor), "round": _round(case),
            "summary": selectors.judgement_summary(rows),
            "clauses": [_clause_row(r, final) for r in rows]}  # fmt: skip


@router.get("/conformance/rounds", response={200: list[RoundAssessmentOut], **ERRORS})
@paginate
def list_rounds(request: HiqcRequest, status: str = "", period: str = ""):
    """Self-assessment rounds in the caller's scope, newest period first."""
    require(request.actor, VIEW)
    return [_round(r) for r in selectors.round_list(request.actor, status=status[:20],
                                                    period=period[:7])]  # fmt: skip


@router.post("/conformance/rounds", response={201: RoundCaseOut, **CASE_ERRORS})
def create_round(request: HiqcRequest, payload: RoundAssessmentIn):
    """A round for ``org_unit`` (head office or a province) and ``period`` (``YYYY-Qn``): every
    clause's automatic status is computed and stored (may take seconds). A second open or done
    round for the unit and period is a 409 ``round_exists``."""
    require(request.actor, ASSESS)
    case = round_create(actor=request.actor, data=payload.dict(), source="api")
    return Status(201, _round_case(request.actor, selectors.access_round(request.actor, case.pk)))


@router.get("/conformance/rounds/{round_id}", response={200: RoundCaseOut, **ERRORS})
def get_round(request: HiqcRequest, round_id: UUID):
    """The round (the case contract) with every clause's automatic status, evidence, judgement
    and final status; leaf clauses per judged status in ``summary``."""
    return _round_case(request.actor, selectors.access_round(request.actor, round_id))


@router.post("/conformance/rounds/{round_id}/clauses/{code}",
             response={200: RoundClauseOut, **CASE_ERRORS})  # fmt: skip
def judge_clause(request: HiqcRequest, round_id: UUID, code: str, payload: RoundClauseJudgeIn):
    """Judge one clause while the round is in progress (conformance.assess): ``judgement`` (an
    evidence status; empty keeps the automatic one), ``reason`` (required when it differs: 422
    naming ``reason``), ``note``. Audited with the old and new status."""
    row = clause_judge(actor=request.actor, round_id=round_id, code=code[:20],
                       data=payload.dict())  # fmt: skip
    case = selectors.access_round(request.actor, round_id)
    final = selectors.final_statuses(selectors.round_clauses(case))
    return _clause_row(row, final)


@router.post("/conformance/rounds/{round_id}/actions/{action}",
             response={200: RoundCaseOut, **CASE_ERRORS})  # fmt: skip
def round_action(request: HiqcRequest, round_id: UUID, action: str, payload: CaseActionIn):
    """refresh; submit (summary); sign_off (not by the submitter: 409 ``own_round``); return
    (reason); cancel (reason) at ``version``: 409 when stale or not allowed now, 422 naming the
    field."""
    round_act(actor=request.actor, round_id=round_id, action=action[:60], data=payload.data,
              version=payload.version)  # fmt: skip
    return _round_case(request.actor, selectors.access_round(request.actor, round_id))
