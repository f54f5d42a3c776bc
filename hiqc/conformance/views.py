"""Conformance pages (issue 22; ADRs 0034, 0035): the clause tree per chapter with each clause's
status for a chosen unit and period (default: the last complete quarter); one clause's page — its
text, HIQC's capability, each evidence rule's status, counts and drill-down link; the
self-assessment rounds (list and create form) and a round's page — every clause by chapter with
its automatic status, judgement, reason and note, the counts per status, the case actions, the
clock and the history. Thin: every read is a selector, every write a service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from hiqc.core.access import require
from hiqc.core.case_pages import history, post_case_action, post_form
from hiqc.core.casework import RefusedAction, case_action_forms, case_deadlines
from hiqc.core.errors import Conflict, Forbidden, ValidationFailed
from hiqc.core.evidence import KINDS, EvidenceStatus
from hiqc.core.http import HiqcRequest
from hiqc.core.mywork import countdown

from . import coverage, report, selectors
from .enums import ASSESS, VIEW, RoundStatus
from .periods import Period, last_complete_quarter, parse_period, recent_quarters
from .services import KIND, clause_judge, round_act, round_create
from .workflow import ACTION_LABELS, ROUND

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


# --- self-assessment rounds (issue 22 §3; ADR 0035) ------------------------------------------------

ACTION_INPUTS = {
    "submit": [("summary", "textarea", gettext_noop("自评估结论"))],
    "return": [("reason", "textarea", gettext_noop("退回理由"))],
    "cancel": [("reason", "textarea", gettext_noop("撤销理由"))],
}


def _status(value: str) -> dict[str, Any]:
    return {"status": value, "label": EvidenceStatus(value).label}


@login_required
def rounds_page(request: HiqcRequest) -> HttpResponse:
    """The rounds in the reader's scope and, for an assessor, the form that opens one."""
    actor = request.actor
    require(actor, VIEW)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        done, errors, values, status = post_form(
            request, lambda d: round_create(actor=actor, data=d), _("已开始自评估。")
        )
        if done is not None:
            return redirect("conformance:round", done.pk)
    can_assess = actor.can(ASSESS)
    return render(request, T + "rounds.html", {
        "rounds": selectors.round_list(actor)[:200], "can_assess": can_assess,
        "units": selectors.round_units(actor) if can_assess else [],
        "periods": recent_quarters(), "errors": errors, "values": values,
    }, status=status)  # fmt: skip


def _round_context(request: HiqcRequest, case: Any, refused: RefusedAction | None = None,
                   judge_errors: dict[str, Any] | None = None) -> dict[str, Any]:  # fmt: skip
    actor = request.actor
    now = timezone.now()
    forms = case_action_forms(KIND, case, actor, ACTION_INPUTS, refused=refused)
    rows = selectors.round_clauses(case)
    final = selectors.final_statuses(rows)
    can_judge = case.status == RoundStatus.IN_PROGRESS and actor.can(ASSESS, case.org_unit.path)
    judge_errors = judge_errors or {}
    tops = [r for r in rows if r.clause.level == 1]
    chapters = [
        {"r": top, "final": _status(final[top.clause.code]),
         "rows": [{"r": r, "auto": _status(r.auto_status), "judged": _status(r.judgement),
                   "final": _status(final[r.clause.code]),
                   "errors": judge_errors.get("fields", {}) if judge_errors.get("code")
                   == r.clause.code else {},
                   "values": judge_errors.get("values", {}) if judge_errors.get("code")
                   == r.clause.code else {}}
                  for r in rows if r.clause.chapter == top.clause.chapter]}
        for top in tops
    ]  # fmt: skip
    summary = selectors.judgement_summary(rows)
    return {
        **forms, "c": case, "chapters": chapters, "can_judge": can_judge,
        "summary": [(_status(k), n) for k, n in summary.items()],
        "statuses": EvidenceStatus.choices,
        "overrides": sum(1 for r in rows if r.overridden),
        "ncs": [r for r in rows if r.nonconformity_id],
        "clocks": [{"d": d, "left": countdown(d, now)} for d in case_deadlines(KIND, case)],
        "events": history(KIND, case, ACTION_LABELS, dict(RoundStatus.choices)),
        "judge_error": judge_errors.get("message", ""),
    }  # fmt: skip


@login_required
def round_page(request: HiqcRequest, round_id: str) -> HttpResponse:
    case = selectors.access_round(request.actor, round_id)
    return render(request, T + "round.html", _round_context(request, case))


@login_required
@require_POST
def round_judge(request: HiqcRequest, round_id: str) -> HttpResponse:
    """One clause row's judgement posted from the round page."""
    actor = request.actor
    case = selectors.access_round(actor, round_id)
    code = request.POST.get("code", "")[:20]
    values = {k: request.POST.get(k, "") for k in ("judgement", "reason", "note")}
    try:
        clause_judge(actor=actor, round_id=case.pk, code=code, data=values)
    except (ValidationFailed, Conflict, Forbidden) as exc:
        failed = {"code": code, "fields": getattr(exc, "fields", None) or {}, "values": values,
                  "message": exc.message}  # fmt: skip
        return render(request, T + "round.html",
                      _round_context(request, selectors.access_round(actor, case.pk),
                                     judge_errors=failed), status=exc.status)  # fmt: skip
    messages.success(request, _("已评定条款 {c}。").format(c=code))
    return redirect(reverse("conformance:round", args=[case.pk]) + f"#clause-{code}")


@login_required
@require_POST
def round_action(request: HiqcRequest, round_id: str, action: str) -> HttpResponse:
    actor = request.actor
    case = selectors.access_round(actor, round_id)
    return post_case_action(
        request, case_id=str(case.pk), action=action[:60], workflow=ROUND,
        apply=lambda **kw: round_act(actor=actor, round_id=case.pk, action=action[:60],
                                     source="page", **kw),
        reload=lambda: selectors.access_round(actor, case.pk), context=_round_context,
        template=T + "round.html", url_name="conformance:round",
    )  # fmt: skip


# --- reports (issue 22 §5) -------------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _round_report(request: HiqcRequest, round_id: str) -> report.RoundReport:
    return report.build(selectors.access_round(request.actor, round_id))


@login_required
def round_report_pdf(request: HiqcRequest, round_id: str) -> HttpResponse:
    """The round's conformance report, printed: every clause by chapter."""
    built = _round_report(request, round_id)
    return _download(report.round_pdf(built), "application/pdf",
                     f"conformance-{built.case.number}.pdf")  # fmt: skip


@login_required
def round_report_xlsx(request: HiqcRequest, round_id: str) -> HttpResponse:
    built = _round_report(request, round_id)
    return _download(report.round_xlsx(built), XLSX, f"conformance-{built.case.number}.xlsx")


@login_required
def round_review_pdf(request: HiqcRequest, round_id: str) -> HttpResponse:
    """The management-review pack of the round, printed for the board."""
    built = _round_report(request, round_id)
    return _download(report.review_pdf(built), "application/pdf",
                     f"management-review-{built.case.number}.pdf")  # fmt: skip


def _matrix(request: HiqcRequest) -> tuple[Any, Period, Any, list[report.MatrixRow]]:
    actor = request.actor
    require(actor, VIEW)
    unit, period = _choices(request)
    statuses = _statuses(request, unit, period)
    return unit, period, statuses, report.matrix(list(selectors.clause_list(actor)), statuses)


@login_required
def matrix_page(request: HiqcRequest) -> HttpResponse:
    """The clause coverage matrix for auditors: clause × capability × evidence rule × status."""
    unit, period, statuses, rows = _matrix(request)
    return render(request, T + "matrix.html", {
        **_context(request, unit, period), "rows": rows, "as_of": selectors.computed_at(statuses),
        "kinds": KINDS,
    })  # fmt: skip


@login_required
def matrix_xlsx(request: HiqcRequest) -> HttpResponse:
    unit, period, _s, rows = _matrix(request)
    return _download(report.matrix_xlsx(unit, period, rows), XLSX,
                     f"conformance-matrix-{unit.code}-{period.label}.xlsx")  # fmt: skip
