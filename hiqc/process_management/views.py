"""Process management pages (standard chapter 2): the process catalogue and, per process, the
discovered flow (2.2.2(1)) beside its design — graph, bottlenecks, variants, rework, deviations
(2.2, 2.3.1) — where every number drills down to the cases behind it. Thin: they parse the
filters, call the selectors and the mining functions, and render."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from hiqc.core.casekinds import CaseKind, case_url
from hiqc.core.errors import Forbidden, ValidationFailed
from hiqc.core.http import HiqcRequest
from hiqc.core.plan_links import plan_refs
from hiqc.core.selectors import process_versions
from hiqc.organisations.selectors import units_by_path, units_in_scope

from . import selectors, services
from .conformance import replay
from .effects import MIN_CASES, MIN_DAYS, WINDOW_DAYS, measure
from .forms import GuidanceForm, MiningFilterForm
from .handbook import handbook
from .mining import END, MIN_RATIO, MIN_WAITS, START, Trace, directly_follows
from .mining_sql import mine_sql
from .results import mine, relabel
from .selectors import VIEW, Period
from .templatetags.process_format import duration

CASES_PER_PAGE = 50
VARIANTS_SHOWN = 20


@login_required
def process_list_page(request: HiqcRequest) -> HttpResponse:
    from .catalogue import owner_label, profiles_in_force

    kinds = selectors.process_list(request.actor)
    profiles = profiles_in_force()
    rows = [
        {"kind": k, "name": str(k.name) or k.label, "states": len(k.workflow.states),
         "steps": len(k.workflow.transitions), "clocks": len(k.workflow.clocks),
         "profile": profiles.get(k.label), "owner": owner_label(profiles.get(k.label))}
        for k in kinds
    ]  # fmt: skip
    return render(request, "process_management/list.html", {"rows": rows})


@dataclass
class Filters:
    kind: CaseKind
    form: MiningFilterForm
    period: Period
    path: str
    rank: str
    unit: str  # the unit asked for ("" = the actor's own subtree)
    explicit: bool  # a period was asked for: live figures, never the nightly ones
    query: str  # the filters as a query string, for the drill-down links


def _filters(request: HiqcRequest, code: str) -> Filters:
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
    for key in ("edge", "step", "variant", "deviation", "rework", "hotspot", "refused", "page"):
        query.pop(key, None)
    explicit = bool(f.get("start") or f.get("end"))
    return Filters(
        kind, form, period, path, f.get("rank") or "mean", f.get("unit") or "", explicit,
        query.urlencode(),
    )  # fmt: skip


def _traces(request: HiqcRequest, f: Filters) -> list[Trace]:
    return list(selectors.traces(request.actor, f.kind, f.period, f.path))


GRID_COLUMNS = 5


def _grid(i: int) -> dict[str, int]:
    """The ``i``-th step's place in the drawing: rows of five, read like a snake (left to right,
    then right to left), so a dozen steps fit a page's width and consecutive steps stay close."""
    row, col = divmod(i, GRID_COLUMNS)
    if row % 2:
        col = GRID_COLUMNS - 1 - col
    return {"x": col * 240, "y": row * 140}


def _graph(result: dict[str, Any]) -> dict[str, Any]:
    """The process map's drawing: steps in the order cases meet them (the order of the edges'
    first appearance along the variants, most frequent first), edges with their figures."""
    order: dict[str, int] = {START: 0}
    for variant in result["variants"]:
        for activity in variant["activities"]:
            order.setdefault(activity, len(order))
    for edge in result["edges"]:
        for activity in (edge["source"], edge["target"]):
            if activity != END:
                order.setdefault(activity, len(order))
    order[END] = len(order)
    labels = {n["activity"]: n["label"] for n in result["nodes"]}
    labels.update({e["source"]: e["source_label"] for e in result["edges"]})
    labels.update({e["target"]: e["target_label"] for e in result["edges"]})
    frequency = {n["activity"]: n["frequency"] for n in result["nodes"]}
    return {
        "nodes": [
            {"id": a, "label": labels.get(a, a), **_grid(i),
             "frequency": frequency.get(a, result["cases"])}
            for a, i in order.items()
        ],
        "edges": [
            {"source": e["source"], "target": e["target"], "frequency": e["frequency"],
             "cases": e["cases"], "median_text": duration((e["calendar"] or {}).get("median"))}
            for e in result["edges"]
        ],
        "names": {"frequency": _("频次"), "performance": _("中位耗时"), "cases": _("案件数")},
    }  # fmt: skip


@login_required
def mining_page(request: HiqcRequest, code: str) -> HttpResponse:
    f = _filters(request, code)
    snapshot = None
    if not f.explicit and f.rank == "mean":
        snapshot = selectors.snapshot_for(request.actor, f.kind, f.path, f.period)
    if snapshot is not None:
        result = relabel(f.kind, snapshot.result)
    else:
        result = mine_sql(request.actor, f.kind, f.period, f.path, at=timezone.now(),
                          rank=f.rank) or mine(f.kind, _traces(request, f), path=f.path,
                                               period=f.period, at=timezone.now(), rank=f.rank)  # fmt: skip
    top = result["top_step"]
    located = result["hotspots"]
    names = units_by_path([*(b["org_path"] for b in (top["branches"] if top else ())),
                           *(h["org_path"] for h in located)])  # fmt: skip
    for row in [*(top["branches"] if top else ()), *located]:
        unit = names.get(row["org_path"])
        row["name"] = unit.localized_name if unit else row["org_path"]
    for h in located:
        h["key"] = f"{h['activity']}|{h['org_path']}"
    for d in result["conformance"]["deviations"]:
        d["key"] = f"{d['activity']}|{d['kind']}|{d['replay_state']}"
    # imported moves the design refused: read live (they are few), never from the snapshot
    moves = selectors.refused_moves(
        selectors.refused_imports(request.actor, f.kind, f.period, f.path)
    )
    refused = selectors.refused_dicts(f.kind, moves)
    owners = units_by_path({p for m in moves for p in m.org_paths})
    for row, move in zip(refused, moves, strict=True):
        # a finding from it goes to the unit of its cases when they share one, else the chosen
        only = next(iter(move.org_paths)) if len(move.org_paths) == 1 else ""
        row["org_unit"] = str(owners[only].pk) if only in owners else f.unit
        row["title"] = _("导入数据违背流程设计：{state}时“{a}”").format(
            state=row["from_state_label"], a=row["label"]
        )
    live = f"start={f.period.first.isoformat()}&end={f.period.last.isoformat()}"
    if f.unit:
        live += f"&unit={f.unit}"
    context = {
        "kind": f.kind,
        "name": str(f.kind.name) or f.kind.label,
        "form": f.form,
        "period": f.period,
        "query": f.query,
        "r": result,
        "snapshot": snapshot,
        "live_query": live,
        "computed_at": datetime.fromisoformat(result["computed_at"]),
        "graph": _graph(result),
        "variants": list(enumerate(result["variants"][:VARIANTS_SHOWN])),
        "refused": refused,
        "min_ratio": MIN_RATIO,
        "min_waits": MIN_WAITS,
        # supervision (issue 16 §6): a deviation group opens a prefilled finding form
        "can_supervise": request.actor.can("processes.supervise"),
    }
    return render(request, "process_management/mining.html", context)


def _drill(f: Filters, traces: list[Trace], request: HiqcRequest) -> tuple[str, list[Trace]]:
    """The cases behind one number of the mining page, and what it was."""
    g = request.GET
    labels = selectors.activity_labels(f.kind)
    if "edge" in g:
        source, _sep, target = g["edge"].partition(">")
        picked = [t for t in traces if (source, target) in directly_follows(t.activities)]
        return _("经过 {a} → {b} 的案件").format(
            a=labels.get(source, source), b=labels.get(target, target)
        ), picked
    if "step" in g:
        step = g["step"]
        picked = [t for t in traces if step in t.activities[1:]]
        return _("在 {a} 之前等待的案件").format(a=labels.get(step, step)), picked
    if "hotspot" in g:  # a step's waits at one unit (a located bottleneck)
        step, _sep, unit = g["hotspot"].partition("|")
        picked = [t for t in traces if unit and t.org_path.startswith(unit)
                  and step in t.activities[1:]]  # fmt: skip
        # a unit is named only within the chosen subtree (in the reader's scope)
        names = units_by_path([unit]) if unit.startswith(f.path) else {}
        name = names[unit].localized_name if unit in names else unit
        return _("在 {unit} 于 {a} 之前等待的案件").format(
            unit=name, a=labels.get(step, step)
        ), picked
    if "rework" in g:
        step = g["rework"]
        picked = [t for t in traces if t.activities.count(step) > 1]
        return _("重复 {a} 的案件").format(a=labels.get(step, step)), picked
    if "variant" in g:
        acts = tuple(a for a in g["variant"].split(">") if a)
        return _("变体：{steps}").format(steps=" → ".join(labels.get(a, a) for a in acts)), [
            t for t in traces if t.activities == acts
        ]
    if "deviation" in g:
        activity, _sep, rest = g["deviation"].partition("|")
        kind, _sep, state = rest.partition("|")
        picked = [
            t for t in traces
            if any((d.activity, d.kind, d.replay_state) == (activity, kind, state)
                   for d in replay(f.kind.workflow, t).deviations)
        ]  # fmt: skip
        return _("偏离设计：{a}").format(a=labels.get(activity, activity)), picked
    return _("全部案件"), traces


@login_required
def cases_page(request: HiqcRequest, code: str) -> HttpResponse:
    f = _filters(request, code)
    if "refused" in request.GET:
        return _refused_page(request, f)
    title, picked = _drill(f, _traces(request, f), request)
    page = Paginator(picked, CASES_PER_PAGE).get_page(request.GET.get("page"))
    rows = [
        {"t": t, "url": case_url(f.kind.label, t.case_id),
         "seconds": (t.ended_at - t.started_at).total_seconds(), "steps": len(t.events)}
        for t in page
    ]  # fmt: skip
    return render(
        request,
        "process_management/cases.html",
        {"kind": f.kind, "name": str(f.kind.name) or f.kind.label, "title": title,
         "page": page, "rows": rows, "filters": f.query, "period": f.period},
    )  # fmt: skip


def _refused_page(request: HiqcRequest, f: Filters) -> HttpResponse:
    """The imported events of one refused move (action|from-state): each attempt with its case
    (linked to the case's own page, which checks scope again), time, source and line."""
    key = request.GET["refused"]
    rows = selectors.refused_imports(request.actor, f.kind, f.period, f.path, key=key)
    action, _sep, state = key.partition("|")
    labels, states = selectors.activity_labels(f.kind), f.kind.workflow.states
    title = _("导入数据中违背设计的流转：{state}时“{a}”").format(
        state=_(str(states[state])) if state in states else state, a=labels.get(action, action)
    )
    page = Paginator(rows, CASES_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "process_management/refused.html",
        {"kind": f.kind, "name": str(f.kind.name) or f.kind.label, "title": title,
         "page": page, "filters": f.query, "period": f.period,
         "rows": [{"f": x, "url": case_url(f.kind.label, x.case_id)} for x in page]},
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


# --- process changes and their measured effect (2.2.2(2)(3)) ----------------------------------------


@login_required
def changes_page(request: HiqcRequest, code: str) -> HttpResponse:
    """Each version of the process in the actor's scope, with the cases before and after it took
    effect compared (``effects.compare``)."""
    actor = request.actor
    kind = selectors.access_process(actor, code)
    today = timezone.localdate()
    versions = [
        v for v in process_versions(kind.label)
        # another branch's version: not shown, not even its existence
        if not v.org_path or actor.can(VIEW, v.org_path)
    ]  # fmt: skip
    plans = plan_refs(
        actor, {str(v.improvement_plan_id) for v in versions if v.improvement_plan_id}
    )
    changes = [
        {"version": v, "effect": measure(actor, kind, v, today),
         "plan": plans.get(str(v.improvement_plan_id)) if v.improvement_plan_id else None}
        for v in versions
    ]  # fmt: skip
    return render(
        request,
        "process_management/changes.html",
        {"kind": kind, "name": str(kind.name) or kind.label, "changes": changes,
         "min_days": MIN_DAYS, "window_days": WINDOW_DAYS, "min_cases": MIN_CASES},
    )  # fmt: skip


# --- the catalogue's facts and the needs analysis (2.1.1–2.1.2(1)) ---------------------------------


def _apply_errors(form: Any, exc: ValidationFailed) -> None:
    for name, problems in exc.fields.items():
        for problem in problems:
            form.add_error(name if name in form.fields else None, problem)
    if not exc.fields:
        form.add_error(None, str(exc))


@login_required
def needs_page(request: HiqcRequest, code: str) -> HttpResponse:
    """The process's catalogue facts, versions in force per unit and the needs analysis behind
    each version with its evidence; process owners (``process.manage`` at head office) edit them
    here — a bad entry is shown at its field and saves nothing."""
    from . import catalogue
    from .forms import AnalysisForm, EvidenceForm, ProfileForm

    actor = request.actor
    kind = selectors.access_process(actor, code)
    can_edit = actor.can_globally(services.MANAGE)
    versions = process_versions(kind.label)
    profile = catalogue.profile_in_force(kind.label)
    profile_form = ProfileForm(initial={
        "owner_role": profile.owner_role if profile else "",
        "customers": profile.customers if profile else "",
        "channels": profile.channels if profile else "",
    })  # fmt: skip
    analysis_form = AnalysisForm(versions=versions)
    evidence_form: EvidenceForm | None = None
    evidence_for = ""
    status = 200
    if request.method == "POST" and can_edit:
        what = request.POST.get("form", "")
        try:
            if what == "profile":
                profile_form = ProfileForm(request.POST)
                if profile_form.is_valid():
                    services.profile_save(actor=actor, process=kind.label,
                                          **profile_form.cleaned_data)  # fmt: skip
                    messages.success(request, _("已保存流程目录信息。"))
                    return redirect(request.path)
            elif what == "analysis":
                analysis_form = AnalysisForm(request.POST, versions=versions)
                if analysis_form.is_valid():
                    data = analysis_form.cleaned_data
                    services.analysis_create(
                        actor=actor, process=kind.label, version_id=data["version"],
                        summary=data["summary"], needs=data["needs"],
                        other_evidence=data["other_evidence"],
                    )  # fmt: skip
                    messages.success(request, _("已添加需求分析。"))
                    return redirect(request.path)
            elif what == "evidence":
                evidence_form = EvidenceForm(request.POST)
                evidence_for = request.POST.get("analysis", "")
                analysis = catalogue.analysis_for(kind.label, evidence_for)
                if evidence_form.is_valid():
                    data = evidence_form.cleaned_data
                    services.evidence_add(actor=actor, analysis=analysis,
                                          case_type=data["case_type"], case_id=data["case_id"])  # fmt: skip
                    messages.success(request, _("已添加依据。"))
                    return redirect(f"{request.path}#analysis-{analysis.pk}")
        except ValidationFailed as exc:
            form = {"profile": profile_form, "analysis": analysis_form}.get(what, evidence_form)
            _apply_errors(form, exc)
        status = 422
    elif request.method == "POST":
        raise Forbidden(_("维护流程目录与需求分析需要总公司的“发布流程版本”权限。"))
    rows = []
    for analysis, evidence in catalogue.analyses(actor, kind.label):
        form = None
        if can_edit:
            failed = evidence_form is not None and evidence_for == str(analysis.pk)
            form = (
                evidence_form if failed
                else EvidenceForm(initial={"analysis": analysis.pk}, auto_id=f"ev{analysis.pk}_%s")
            )  # fmt: skip
        rows.append({"a": analysis, "evidence": evidence, "form": form,
                     "hidden": sum(1 for e in evidence if not e.visible)})  # fmt: skip
    return render(
        request,
        "process_management/needs.html",
        {"kind": kind, "name": str(kind.name) or kind.label, "profile": profile,
         "owner": catalogue.owner_label(profile),
         "history": catalogue.profile_history(kind.label),
         "in_force": catalogue.versions_in_force(actor, kind.label, timezone.localdate()),
         "analyses": rows, "can_edit": can_edit, "profile_form": profile_form,
         "analysis_form": analysis_form if versions else None},
        status=status,
    )  # fmt: skip
