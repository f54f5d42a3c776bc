"""Process management pages (standard chapter 2): the process catalogue and, per process, the
discovered flow (2.2.2(1)) beside its design — graph, bottlenecks, variants, rework, deviations
(2.2, 2.3.1) — where every number drills down to the cases behind it. Thin: they parse the
filters, call the selectors and the mining functions, and render."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from statistics import fmean
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from hiqc.core.calendar import WorkingTime
from hiqc.core.casekinds import CaseKind, case_url
from hiqc.core.errors import ValidationFailed
from hiqc.core.http import HiqcRequest
from hiqc.organisations.selectors import units_by_path, units_in_scope

from . import selectors, services
from .conformance import conformance, replay
from .forms import GuidanceForm, MiningFilterForm
from .handbook import handbook
from .mining import END, START, Stats, Trace, directly_follows, discover, waiting_by_branch
from .selectors import VIEW, Period

BRANCHES_SHOWN = 20
CASES_PER_PAGE = 50


def duration_text(seconds: float | None) -> str:
    """A duration as people read it: minutes under an hour, hours under two days, else days."""
    if seconds is None:
        return "—"
    if seconds < 3600:
        return _("{n} 分钟").format(n=round(seconds / 60))
    if seconds < 48 * 3600:
        return _("{n} 小时").format(n=f"{seconds / 3600:.1f}")
    return _("{n} 天").format(n=f"{seconds / 86400:.1f}")


def _stats_text(stats: Stats | None) -> dict[str, str]:
    if stats is None:
        return {"mean": "—", "median": "—", "p90": "—", "total": "—"}
    return {k: duration_text(getattr(stats, k)) for k in ("mean", "median", "p90", "total")}


@login_required
def process_list_page(request: HiqcRequest) -> HttpResponse:
    kinds = selectors.process_list(request.actor)
    rows = [
        {"kind": k, "name": str(k.name) or k.label, "states": len(k.workflow.states),
         "steps": len(k.workflow.transitions), "clocks": len(k.workflow.clocks)}
        for k in kinds
    ]  # fmt: skip
    return render(request, "process_management/list.html", {"rows": rows})


@dataclass
class Mined:
    kind: CaseKind
    form: MiningFilterForm
    period: Period
    path: str
    traces: list[Trace]
    rank: str
    query: str  # the filters as a query string, for the drill-down links


def _mine(request: HiqcRequest, code: str) -> Mined:
    actor = request.actor
    kind = selectors.access_process(actor, code)
    units = list(units_in_scope(actor, VIEW).filter(level__lte=3))
    form = MiningFilterForm(request.GET or None, units=units)
    form.is_valid()  # a bad filter is shown beside its field; the valid ones still apply
    f: dict[str, Any] = getattr(form, "cleaned_data", {})
    today = timezone.localdate()
    try:
        period = selectors.mining_period(f.get("start"), f.get("end"), today)
    except ValidationFailed as exc:
        form.add_error("start", str(exc))
        period = selectors.mining_period(None, None, today)
    path = selectors.subtree_path(actor, f.get("unit") or None)
    query = request.GET.copy()
    for key in ("edge", "step", "variant", "deviation", "rework", "page"):
        query.pop(key, None)
    return Mined(
        kind, form, period, path, list(selectors.traces(actor, kind, period, path)),
        f.get("rank") or "mean", query.urlencode(),
    )  # fmt: skip


def _branch_of(root: str) -> Callable[[str], str | None]:
    """The unit directly below ``root`` that a case's org path falls in (None: ``root`` itself)."""
    width = len(root) + 5  # one path segment: four digits and a slash

    def branch(path: str) -> str | None:
        return path[:width] if len(path) >= width and path.startswith(root) else None

    return branch


def _positions(traces: list[Trace]) -> dict[str, float]:
    """Left-to-right order of the activities: their mean position in the cases."""
    seen: dict[str, list[int]] = {}
    for t in traces:
        for i, e in enumerate(t.events):
            seen.setdefault(e.activity, []).append(i)
    order = {a: fmean(v) for a, v in seen.items()}
    return {START: -1.0, **order, END: max(order.values(), default=0.0) + 1}


GRID_COLUMNS = 5


def _grid(i: int) -> dict[str, int]:
    """The ``i``-th step's place in the drawing: rows of five, read like a snake (left to right,
    then right to left), so a dozen steps fit a page's width and consecutive steps stay close."""
    row, col = divmod(i, GRID_COLUMNS)
    if row % 2:
        col = GRID_COLUMNS - 1 - col
    return {"x": col * 240, "y": row * 140}


@login_required
def mining_page(request: HiqcRequest, code: str) -> HttpResponse:
    m = _mine(request, code)
    worktime = WorkingTime()
    pm = discover(m.traces, worktime=worktime, rank_by=m.rank)
    fit = conformance(m.kind.workflow, m.traces)
    labels = selectors.activity_labels(m.kind)
    top = pm.bottlenecks[0].activity if pm.bottlenecks else None
    branches = []
    if top is not None:
        waits = waiting_by_branch(m.traces, top, _branch_of(m.path), worktime=worktime)
        names = units_by_path(waits)
        slowest = sorted(waits.items(), key=lambda pw: -pw[1].calendar.mean)[:BRANCHES_SHOWN]
        branches = [
            {"name": names[p].localized_name if p in names else p, "n": w.calendar.count,
             "calendar": _stats_text(w.calendar), "working": _stats_text(w.working)}
            for p, w in slowest
        ]  # fmt: skip
    positions = _positions(m.traces)
    ranked = sorted(positions, key=lambda a: positions[a])
    frequency = {x.activity: x.frequency for x in pm.nodes}
    graph = {
        "nodes": [
            {"id": n, "label": labels.get(n, n), **_grid(ranked.index(n)),
             "frequency": frequency.get(n, pm.cases)}
            for n in ranked if n in {e.source for e in pm.edges} | {e.target for e in pm.edges}
        ],
        "edges": [
            {"source": e.source, "target": e.target, "frequency": e.frequency, "cases": e.cases,
             "median": e.calendar.median if e.calendar else None,
             "median_text": duration_text(e.calendar.median if e.calendar else None)}
            for e in pm.edges
        ],
        "names": {"frequency": _("频次"), "performance": _("中位耗时"),
                  "cases": _("案件数")},
    }  # fmt: skip
    context = {
        "kind": m.kind,
        "name": str(m.kind.name) or m.kind.label,
        "form": m.form,
        "period": m.period,
        "query": m.query,
        "pm": pm,
        "fit": fit,
        "labels": labels,
        "edges": [
            {"e": e, "source": labels.get(e.source, e.source), "target": labels.get(e.target, e.target),
             "calendar": _stats_text(e.calendar), "working": _stats_text(e.working)}
            for e in pm.edges
        ],
        "bottlenecks": [
            {"w": w, "label": labels.get(w.activity, w.activity),
             "calendar": _stats_text(w.calendar), "working": _stats_text(w.working)}
            for w in pm.bottlenecks
        ],
        "variants": [
            {"i": i, "v": v, "steps": [labels.get(a, a) for a in v.activities],
             "calendar": _stats_text(v.calendar), "working": _stats_text(v.working)}
            for i, v in enumerate(pm.variants[:20])
        ],
        "rework": [{"r": r, "label": labels.get(r.activity, r.activity)} for r in pm.rework],
        "deviations": [
            {"g": g, "label": labels.get(g.activity, g.activity),
             "state": m.kind.workflow.states.get(g.replay_state, g.replay_state),
             "key": f"{g.activity}|{g.kind}|{g.replay_state}"}
            for g in fit.groups
        ],
        "top": labels.get(top, top) if top else None,
        "branches": branches,
        "graph": graph,
        "fallback_years": sorted(pm.fallback_years),
    }  # fmt: skip
    return render(request, "process_management/mining.html", context)


def _drill(m: Mined, request: HiqcRequest) -> tuple[str, list[Trace]]:
    """The cases behind one number of the mining page, and what it was."""
    g = request.GET
    labels = selectors.activity_labels(m.kind)
    if "edge" in g:
        source, _sep, target = g["edge"].partition(">")
        picked = [t for t in m.traces if (source, target) in directly_follows(t.activities)]
        return _("经过 {a} → {b} 的案件").format(
            a=labels.get(source, source), b=labels.get(target, target)
        ), picked
    if "step" in g:
        step = g["step"]
        picked = [t for t in m.traces if step in t.activities[1:]]
        return _("在 {a} 之前等待的案件").format(a=labels.get(step, step)), picked
    if "rework" in g:
        step = g["rework"]
        picked = [t for t in m.traces if t.activities.count(step) > 1]
        return _("重复 {a} 的案件").format(a=labels.get(step, step)), picked
    if "variant" in g:
        pm = discover(m.traces, worktime=WorkingTime())
        try:
            acts = pm.variants[int(g["variant"])].activities
        except (ValueError, IndexError):
            return _("未找到该变体。"), []
        return _("变体：{steps}").format(steps=" → ".join(labels.get(a, a) for a in acts)), [
            t for t in m.traces if t.activities == acts
        ]
    if "deviation" in g:
        activity, _sep, rest = g["deviation"].partition("|")
        kind, _sep, state = rest.partition("|")
        picked = [
            t for t in m.traces
            if any((d.activity, d.kind, d.replay_state) == (activity, kind, state)
                   for d in replay(m.kind.workflow, t).deviations)
        ]  # fmt: skip
        return _("偏离设计：{a}").format(a=labels.get(activity, activity)), picked
    return _("全部案件"), m.traces


@login_required
def cases_page(request: HiqcRequest, code: str) -> HttpResponse:
    m = _mine(request, code)
    title, picked = _drill(m, request)
    page = Paginator(picked, CASES_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {"t": t, "url": case_url(m.kind.label, t.case_id), "duration":
         duration_text((t.ended_at - t.started_at).total_seconds()), "steps": len(t.events)}
        for t in page
    ]  # fmt: skip
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "process_management/cases.html",
        {"kind": m.kind, "name": str(m.kind.name) or m.kind.label, "title": title, "page": page,
         "rows": rows, "query": query.urlencode(), "filters": m.query, "period": m.period},
    )  # fmt: skip


# --- the handbook (2.1.2(2)(3)) --------------------------------------------------------------------

# Mermaid writes <style> into the SVG it renders: the handbook page allows inline styles (no
# scripts), as the kernel's process page does.
MERMAID_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


@login_required
def handbook_page(request: HiqcRequest, code: str) -> HttpResponse:
    """The handbook; process owners (``process.manage`` at head office) revise a step's
    operating requirements here — a bad revision is shown at its step's form and saves nothing."""
    actor = request.actor
    kind = selectors.access_process(actor, code)
    can_edit = actor.can_globally(services.MANAGE)
    failed: tuple[str, GuidanceForm] | None = None
    status = 200
    if request.method == "POST":
        form = GuidanceForm(request.POST)
        step = request.POST.get("step", "")
        if form.is_valid():
            try:
                row = services.guidance_save(actor=actor, process=kind.label, **form.cleaned_data)
            except ValidationFailed as exc:
                for name, problems in exc.fields.items():
                    for problem in problems:
                        form.add_error(name if name in form.fields else None, problem)
            else:
                messages.success(request, _("已保存第 {n} 次修订。").format(n=row.number))
                return redirect(request.path + (f"#step-{row.step}" if row.step else ""))
        failed, status = (step, form), 422
    book = handbook(kind, timezone.localdate())

    def form_for(step: str) -> GuidanceForm | None:
        if not can_edit:
            return None
        if failed is not None and failed[0] == step:
            return failed[1]
        current = (
            book.general
            if step == ""
            else next((s.guidance for s in book.steps if s.name == step), None)
        )
        return GuidanceForm(initial={
            "step": step,
            "requirements": current.requirements if current else "",
            "documents": current.documents if current else "",
        })  # fmt: skip

    response = render(
        request,
        "process_management/handbook.html",
        {"b": book, "general_form": form_for(""),
         "step_forms": [(st, form_for(st.name)) for st in book.steps]},
        status=status,
    )  # fmt: skip
    response["Content-Security-Policy"] = MERMAID_CSP
    return response


@login_required
def handbook_pdf(request: HiqcRequest, code: str) -> HttpResponse:
    """The handbook printed by the system Chromium (Chinese, A4), flowchart included."""
    from hiqc.core.pdf import asset_uri, html_to_pdf

    kind = selectors.access_process(request.actor, code)
    book = handbook(kind, timezone.localdate())
    html = render_to_string(
        "process_management/handbook_pdf.html",
        {"b": book, "generated": timezone.now(),
         "assets": {"css": asset_uri("process_management/handbook_print.css"),
                    "mermaid": asset_uri("vendor/mermaid.min.js"),
                    "flowchart": asset_uri("hiqc/flowchart.js")}},
    )  # fmt: skip
    response = HttpResponse(html_to_pdf(html), content_type="application/pdf")
    name = f"handbook-{kind.label}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
