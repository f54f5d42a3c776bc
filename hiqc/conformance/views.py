"""Conformance pages (issue 22; ADR 0034): the clause tree per chapter with each clause's status
for a chosen unit and period (default: the last complete quarter), and one clause's page — its
text, HIQC's capability, each evidence rule's status, counts and drill-down link. Thin: every read
is a selector."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from hiqc.core.access import require
from hiqc.core.evidence import KINDS, EvidenceStatus
from hiqc.core.http import HiqcRequest

from . import coverage, selectors
from .enums import VIEW
from .periods import Period, last_complete_quarter, parse_period, recent_quarters

T = "conformance/"


def _choices(request: HiqcRequest) -> tuple[Any, Period]:
    """The unit (scoped: 404 when not the reader's) and the period asked for; a malformed period
    is the last complete quarter (the page's form offers only valid ones)."""
    unit = selectors.chosen_unit(request.actor, request.GET.get("unit", "")[:64])
    asked = request.GET.get("period", "")
    try:
        period = parse_period(asked) if asked else last_complete_quarter()
    except Exception:
        period = last_complete_quarter()
    return unit, period


def _context(request: HiqcRequest, unit: Any, period: Period) -> dict[str, Any]:
    return {"unit": unit, "period": period, "units": selectors.unit_choices(request.actor),
            "periods": recent_quarters(), "statuses": EvidenceStatus}  # fmt: skip


def _statuses(request: HiqcRequest, unit: Any, period: Period) -> dict[str, Any]:
    """Every clause's status, from the evidence cache unless ``?fresh=1`` asks to recompute."""
    return selectors.clause_statuses(unit.path, period, fresh=request.GET.get("fresh") == "1")


@login_required
def clauses_page(request: HiqcRequest) -> HttpResponse:
    """Chapters 1–10, every clause indented by level with its status, leaf counts on top."""
    actor = request.actor
    require(actor, VIEW)
    unit, period = _choices(request)
    statuses = _statuses(request, unit, period)
    clauses = list(selectors.clause_list(actor))
    chapters = [
        ({"c": top, "s": statuses[top.code]},
         [{"c": c, "s": statuses[c.code]} for c in clauses
          if c.chapter == top.chapter and c.level > 1])
        for top in clauses if top.level == 1
    ]  # fmt: skip
    return render(request, T + "clauses.html", {
        **_context(request, unit, period), "chapters": chapters,
        "summary": selectors.status_summary(statuses), "pending": len(coverage.pending_leaves()),
        "as_of": selectors.computed_at(statuses),
    })  # fmt: skip


@login_required
def clause_page(request: HiqcRequest, code: str) -> HttpResponse:
    actor = request.actor
    clause = selectors.access_clause(actor, code)
    unit, period = _choices(request)
    statuses = _statuses(request, unit, period)
    found = statuses[clause.code]
    kids = [{"c": c, "s": statuses[c.code]} for c in clause.children.order_by("position")]
    evidence = [{"rule": r, "e": e, "kind": KINDS[r.kind], "label": EvidenceStatus(e.status).label}
                for r, e in found.own]  # fmt: skip
    return render(request, T + "clause.html", {
        **_context(request, unit, period), "clause": clause, "found": found, "kids": kids,
        "evidence": evidence, "pending": coverage.pending_root(clause.code),
        "na_reason": coverage.NOT_APPLICABLE.get(clause.code, ""),
        "as_of": selectors.computed_at(statuses),
    })  # fmt: skip
