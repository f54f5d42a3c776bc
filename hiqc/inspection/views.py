"""Inspection pages (standard 4.1.3(2), 4.2.3(2), 7.2): queue, sampling, score form, results,
the agent's own scores with the dispute button, dispute decisions and scoring sheets. Thin: they
parse, call one selector or service, and render."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiqc.core.access import require
from hiqc.core.casework import case_allowed_actions
from hiqc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hiqc.core.forms import ChoiceFilters, list_filters, posted_version
from hiqc.core.http import HiqcRequest
from hiqc.core.models import CaseEvent, Checklist
from hiqc.organisations.selectors import units_in_scope

from . import selectors, services
from .enums import Decision, DisputeStatus, Kind, Reason, TaskStatus
from .forms import SampleForm, kinds_label, lines_from_post, parse_sheet_items, sheet_items_text
from .models import Score

REASONS = dict(Reason.choices)
_ACTION: dict[str, str] = {Decision.UPHOLD.value: "uphold", Decision.AMEND.value: "amend"}
PAGE = CaseEvent.Source.PAGE


def _reasons(codes: list[str]) -> list[str]:
    return [str(REASONS.get(c, c)) for c in codes]


def _item_rows(
    sheet: Checklist, *, lines: Any = None, posted: Any = None, errors: Any = None
) -> list[dict[str, Any]]:
    """One row per sheet item for the score / amend form, prefilled from lines or a post."""
    by_item = {str(line.item_id): line for line in (lines or [])}
    errors = errors or {}
    rows = []
    for item in sheet.items.all():
        key = str(item.pk)
        line = by_item.get(key)
        if posted is not None:
            points = posted.get(f"points_{key}", "")
            fatal_hit = bool(posted.get(f"fatal_{key}"))
            comment = posted.get(f"comment_{key}", "")
        else:
            points = "" if line is None else line.points
            fatal_hit = bool(line and line.fatal_hit)
            comment = line.comment if line else ""
        rows.append(
            {
                "item": item,
                "points": points,
                "fatal_hit": fatal_hit,
                "comment": comment,
                "errors": errors.get(f"item_{key}", []),
            }
        )
    return rows


@login_required
def queue_page(request: HiqcRequest) -> HttpResponse:
    """My inspection queue: sampled items waiting for a score in my scope."""
    actor = request.actor
    require(actor, "qa.inspect")
    qs = selectors.inspection_queue(actor)
    form = ChoiceFilters(request.GET, fields={"kind": (_("交互类型"), Kind.choices)})
    kind = list_filters(form).get("kind") or ""  # a bad kind is shown at its field
    if kind:
        qs = qs.filter(kind=kind)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    rows = [{"t": t, "reasons": _reasons(t.reasons)} for t in page]
    return render(
        request,
        "inspection/queue.html",
        {
            "page": page,
            "rows": rows,
            "kinds": Kind.choices,
            "kind": kind,
            "form": form,
            "open_disputes": selectors.open_dispute_count(actor),
        },
    )


@login_required
def sample_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, "qa.inspect")
    units = list(units_in_scope(actor, selectors.INSPECT))
    today = timezone.localdate()
    first = today.replace(day=1)
    initial = {"period_start": (first - timedelta(days=1)).replace(day=1)}
    initial["period_end"] = first - timedelta(days=1)
    form = SampleForm(request.POST or None, units=units, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            sample = services.sample_draw(
                actor=actor,
                org_unit_id=d["org_unit_id"],
                period_start=d["period_start"],
                period_end=d["period_end"],
                per_agent=d["per_agent"],
                seed=d["seed"],
                kinds=d["kinds"],
                source=PAGE,
            )
            messages.success(
                request,
                _("抽样完成：新增 {n} 个质检任务（随机种子 {seed}）。").format(
                    n=sample.counts.get("created", 0), seed=sample.seed
                ),
            )
            return redirect("inspection:sample")
        except ValidationFailed as exc:
            for name, msgs in exc.fields.items():
                for m in msgs:
                    form.add_error(name if name in form.fields else None, m)
            status = 422
    elif request.method == "POST":
        status = 422
    samples = [
        {
            "s": s,
            "kinds": kinds_label(s.kinds),
            "by_reason": [(str(REASONS.get(k, k)), v) for k, v in s.counts.get("by_reason", {}).items()],
        }
        for s in selectors.sample_list(actor)[:20]
    ]  # fmt: skip
    return render(
        request, "inspection/sample.html", {"form": form, "samples": samples}, status=status
    )


@login_required
def task_page(request: HiqcRequest, task_id: str) -> HttpResponse:
    """The score form for a sampled item, with the interaction's essentials (masked)."""
    actor = request.actor
    task = selectors.access_task(actor, task_id, perm="qa.view")
    if task.status == TaskStatus.SCORED:
        return redirect("inspection:score", score_id=task.score.pk)
    can_score = "score" in case_allowed_actions(services.TASK_KIND, task, actor)
    sheet = selectors.sheet_for_kind(task.kind)
    error, errors, posted = "", {}, None
    status = 200
    if request.method == "POST":
        require(actor, "qa.inspect", task)
        posted = request.POST
        try:
            score = services.task_score(
                actor=actor,
                task_id=task.pk,
                lines=lines_from_post(request.POST, sheet) if sheet else [],
                comment=request.POST.get("comment", ""),
                version=posted_version(request.POST),
                source=PAGE,
            )
            messages.success(request, _("评分已保存：{total} 分。").format(total=score.final_total))
            return redirect("inspection:queue")
        except (ValidationFailed, Conflict, Forbidden) as exc:
            error, errors, status = exc.message, exc.fields, exc.status
            task = selectors.access_task(actor, task.pk, perm="qa.view")  # as it stands now
            # scored meanwhile by someone else: the form is not offered again
            can_score = "score" in case_allowed_actions(services.TASK_KIND, task, actor)
    return render(
        request,
        "inspection/task.html",
        {
            "t": task,
            "reasons": _reasons(task.reasons),
            "essentials": selectors.interaction_essentials(task),
            "sheet": sheet,
            "rows": _item_rows(sheet, posted=posted, errors=errors) if sheet else [],
            "can_score": can_score,
            "error": error,
            "comment": posted.get("comment", "") if posted else "",
        },
        status=status,
    )


def _score_for(request: HiqcRequest, score_id: str) -> tuple[Score, bool]:
    """The score through the inspector's door (qa.view scope) or the agent's own door."""
    try:
        return selectors.access_own_score(request.actor, score_id), True
    except NotFound:
        return selectors.access_score(request.actor, score_id), False


def _score_context(request: HiqcRequest, score: Score, own: bool) -> dict[str, Any]:
    lines = list(score.lines.select_related("item"))
    dispute = getattr(score, "dispute", None)  # the reverse one-to-one raises AttributeError
    now = timezone.now()
    allowed = case_allowed_actions(services.SCORE_KIND, score, request.actor, now=now)
    return {
        "s": score,
        "own": own,
        "reasons": _reasons(score.task.reasons),
        "original": [x for x in lines if x.revision == 1],
        "amended": [x for x in lines if x.revision == 2],
        "dispute": dispute,
        "can_dispute": own and "dispute" in allowed,
        "window_open": selectors.dispute_window_open(score, now),
        "window": selectors.dispute_window(score),
        "essentials": selectors.interaction_essentials(score.task),
    }


@login_required
def score_page(request: HiqcRequest, score_id: str) -> HttpResponse:
    score, own = _score_for(request, score_id)
    return render(request, "inspection/score.html", _score_context(request, score, own))


@login_required
@require_POST
def dispute_post(request: HiqcRequest, score_id: str) -> HttpResponse:
    """The agent's dispute button: reason → dispute (own scores, inside the window)."""
    try:
        services.score_dispute(
            actor=request.actor,
            score_id=score_id,
            reason=request.POST.get("reason", ""),
            version=posted_version(request.POST),
            source=PAGE,
        )
    except (ValidationFailed, Conflict, Forbidden) as exc:
        score, own = _score_for(request, score_id)
        context = _score_context(request, score, own)
        context.update(
            error=exc.message, field_errors=exc.fields, reason=request.POST.get("reason", "")
        )
        return render(request, "inspection/score.html", context, status=exc.status)
    messages.success(request, _("申诉已提交，等待主管裁决。"))
    return redirect("inspection:score", score_id=score_id)


@login_required
def my_scores_page(request: HiqcRequest) -> HttpResponse:
    """The agent's own QA scores with the dispute window of each."""
    actor = request.actor
    require(actor, "qa.dispute")
    scores = list(selectors.my_scores(actor)[:200])
    disputes = selectors.disputes_of(scores)
    can_dispute = selectors.open_windows(scores, timezone.now())  # exactly the engine's guard
    rows = [
        {
            "s": s,
            "dispute": disputes.get(s.pk),
            "can_dispute": s.pk in can_dispute and actor.can("qa.dispute", s.org_unit.path),
            "reasons": _reasons(s.task.reasons),
        }
        for s in scores
    ]
    finals = [float(s.final_total) for s in scores]
    return render(
        request,
        "inspection/my_scores.html",
        {
            "rows": rows,
            "average": round(sum(finals) / len(finals), 1) if finals else None,
            "fatal": sum(1 for s in scores if s.final_fatal),
        },
    )


@login_required
def results_page(request: HiqcRequest) -> HttpResponse:
    """Scores in scope: average final score per agent, and the latest scores."""
    actor = request.actor
    require(actor, "qa.view")
    page = Paginator(selectors.score_list(actor, agent=request.GET.get("agent", "")), 25).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "inspection/results.html",
        {"page": page, "agents": selectors.agent_averages(actor)},
    )


@login_required
def disputes_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, "qa.inspect")
    statuses = [*DisputeStatus.choices, ("all", _("全部"))]
    form = ChoiceFilters(request.GET, fields={"status": (_("状态"), statuses)})
    # a bad status is shown at its field (and the open ones listed, as when none is chosen)
    status = list_filters(form).get("status") or DisputeStatus.OPEN
    qs = selectors.dispute_list(actor, status="" if status == "all" else status)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(
        request,
        "inspection/disputes.html",
        {"page": page, "status": status, "statuses": DisputeStatus.choices, "form": form},
    )


@login_required
def dispute_page(request: HiqcRequest, dispute_id: str) -> HttpResponse:
    """Decide a dispute: uphold, or amend by re-scoring the items."""
    actor = request.actor
    dispute = selectors.access_dispute(actor, dispute_id)
    score = dispute.score
    error, errors, posted, status = "", {}, None, 200
    if request.method == "POST":
        posted = request.POST
        decision = request.POST.get("decision", "")
        try:
            services.dispute_decide(
                actor=actor,
                dispute_id=dispute.pk,
                decision=decision,
                note=request.POST.get("note", ""),
                lines=lines_from_post(request.POST, score.sheet)
                if decision == Decision.AMEND
                else None,
                version=posted_version(request.POST),
                source=PAGE,
            )
            messages.success(request, _("申诉已裁决。"))
            return redirect("inspection:disputes")
        except (ValidationFailed, Conflict, Forbidden) as exc:
            error, errors, status = exc.message, exc.fields, exc.status
            dispute = selectors.access_dispute(actor, dispute.pk)  # as it stands now
    original = [x for x in score.lines.select_related("item") if x.revision == 1]
    allowed = case_allowed_actions(services.DISPUTE_KIND, dispute, actor)
    return render(
        request,
        "inspection/dispute.html",
        {
            "d": dispute,
            "s": score,
            "reasons": _reasons(score.task.reasons),
            "essentials": selectors.interaction_essentials(score.task),
            "rows": _item_rows(score.sheet, lines=original, posted=posted, errors=errors),
            "decisions": [(v, label) for v, label in Decision.choices if _ACTION[v] in allowed],
            "error": error,
            "errors": errors,
            "posted": posted or {},
            "can_decide": bool(allowed),
            "held": services.dispute_held(dispute, actor),
            "is_scorer": score.scorer_id == actor.user_id,
        },
        status=status,
    )


@login_required
def sheets_page(request: HiqcRequest) -> HttpResponse:
    """Scoring sheets and their versions; head office publishes new versions here."""
    actor = request.actor
    require(actor, "qa.view")
    can_edit = actor.can_globally("qa.configure")
    sheets = list(selectors.sheet_list())
    base = next((s for s in sheets if str(s.pk) == request.GET.get("base", "")), None)
    posted: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    error, status = "", 200
    if request.method == "POST":
        require(actor, "qa.configure")
        posted = {
            "code": request.POST.get("code", ""),
            "name": request.POST.get("name", ""),
            "kinds": request.POST.getlist("kinds"),
            "note": request.POST.get("note", ""),
            "items_text": request.POST.get("items", ""),
        }
        try:
            sheet = services.sheet_publish(
                actor=actor,
                code=posted["code"],
                name=posted["name"],
                kinds=posted["kinds"],
                items=parse_sheet_items(posted["items_text"]),
                note=posted["note"],
            )
            messages.success(
                request,
                _("已发布 {name} 第 {v} 版。").format(name=sheet.name, v=sheet.version),
            )
            return redirect("inspection:sheets")
        except (ValidationFailed, Forbidden) as exc:
            error, errors, status = exc.message, exc.fields, exc.status
    elif base is not None:
        posted = {
            "code": base.code,
            "name": base.name,
            "kinds": base.applies_to,
            "note": "",
            "items_text": sheet_items_text(base),
        }
    rows = [{"s": s, "kinds": kinds_label(s.applies_to)} for s in sheets]
    return render(
        request,
        "inspection/sheets.html",
        {
            "rows": rows,
            "can_edit": can_edit,
            "posted": posted,
            "errors": errors,
            "error": error,
            "kinds": Kind.choices,
        },
        status=status,
    )


@login_required
@require_POST
def sheet_active(request: HiqcRequest, sheet_id: str) -> HttpResponse:
    try:
        services.sheet_set_active(
            actor=request.actor, sheet_id=sheet_id, active=request.POST.get("active") == "1"
        )
    except Forbidden as exc:
        messages.error(request, exc.message)
    return redirect("inspection:sheets")
