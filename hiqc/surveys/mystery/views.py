"""Mystery-shopping pages (神秘客户, issue 6 §4): scenarios with their versions, visits (the
assignment form for managers, "my visits" for shoppers), the scoring form and the results by org
unit. Thin: parse, call one selector or service, render."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from hiqc.callcentre.enums import CallQueue
from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.casework import case_actions
from hiqc.core.errors import Conflict, Forbidden, ValidationFailed
from hiqc.core.forms import ChoiceFilters, list_filters, posted_version
from hiqc.core.http import HiqcRequest
from hiqc.organisations.selectors import units_in_scope

from . import selectors
from .models import EvidenceKind, MysteryScenario, MysteryVisit, ScenarioKind, VisitStatus
from .selectors import MANAGE, SHOP, VIEW
from .services import (
    SCENARIO_KIND,
    VISIT_KIND,
    scenario_create,
    scenario_new_version,
    scenario_publish,
    scenario_update,
    today_in_beijing,
    visit_assign,
    visit_cancel,
    visit_record,
)

PERIODS = {"90": 90, "180": 180, "365": 365, "all": None}
EVIDENCE_ROWS = 3  # blank evidence rows offered on the scoring form


def _require_any(actor: Actor, *perms: str) -> None:
    if not any(actor.can(p) for p in perms):
        raise Forbidden(_("您没有执行此操作的权限。"))


# --- scenarios ------------------------------------------------------------------------------------


def parse_items(text: str) -> list[dict[str, Any]]:
    """One item a line: ``类别 | 检查项 | 分值``, with ``致命`` as the value of a fatal item."""
    items = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.replace("｜", "|").split("|")]
        if len(parts) == 1:
            parts = ["", *parts]
        category, body, value = [*parts, ""][:3]
        fatal = value in ("致命", "fatal", "F")
        items.append({"category": category, "text": body, "weight": "" if fatal else value,
                      "fatal": fatal})  # fmt: skip
    return items


def items_text(scenario: MysteryScenario) -> str:
    return "\n".join(
        f"{i.category} | {i.text} | {'致命' if i.critical else i.points}"
        for i in scenario.items.order_by("position")
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def scenarios_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    _require_any(actor, VIEW, SHOP, MANAGE)
    can_edit = actor.can_globally(MANAGE)
    errors: dict[str, list[str]] = {}
    posted: dict[str, Any] = {"kind": ScenarioKind.OUTLET_VISIT}
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise Forbidden(_("神秘客户场景由总公司质量管理部维护。"))
        posted = request.POST.dict()
        try:
            scenario = scenario_create(
                actor, code=posted.get("code", ""), name=posted.get("name", ""),
                kind=posted.get("kind", ""), instructions=posted.get("instructions", ""),
                queue=posted.get("queue", ""), outlet_type=posted.get("outlet_type", ""),
                items=parse_items(posted.get("items", "")),
            )  # fmt: skip
        except ValidationFailed as exc:
            errors, status = exc.fields, 400
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已创建场景草稿，请核对检查项后发布。"))
            return redirect("surveys:mystery_scenario", scenario.pk)
    return render(request, "surveys/mystery/scenarios.html", {
        "rows": selectors.scenarios(), "can_edit": can_edit, "errors": errors, "posted": posted,
        "kinds": ScenarioKind.choices, "queues": CallQueue.choices,
    }, status=status)  # fmt: skip


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def scenario_page(request: HiqcRequest, scenario_id: Any) -> HttpResponse:
    actor = request.actor
    _require_any(actor, VIEW, SHOP, MANAGE)
    scenario = selectors.scenario_get(scenario_id)
    can_edit = actor.can_globally(MANAGE)
    errors: dict[str, list[str]] = {}
    posted: dict[str, Any] = {
        "name": scenario.name, "instructions": scenario.instructions, "queue": scenario.queue,
        "outlet_type": scenario.outlet_type, "items": items_text(scenario),
    }  # fmt: skip
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise Forbidden(_("神秘客户场景由总公司质量管理部维护。"))
        action = request.POST.get("action")
        try:
            if action == "publish":
                scenario_publish(actor, scenario.pk, version=posted_version(request.POST))
                messages.success(request, _("场景已发布，此版本已冻结。"))
                return redirect("surveys:mystery_scenario", scenario.pk)
            if action == "new_version":
                draft = scenario_new_version(actor, scenario.code)
                messages.success(request, _("已创建新版本草稿。"))
                return redirect("surveys:mystery_scenario", draft.pk)
            if action == "update":
                posted = request.POST.dict()
                scenario_update(
                    actor, scenario.pk, name=posted.get("name", ""),
                    instructions=posted.get("instructions", ""), queue=posted.get("queue", ""),
                    outlet_type=posted.get("outlet_type", ""),
                    items=parse_items(posted.get("items", "")),
                )  # fmt: skip
                messages.success(request, _("草稿已保存。"))
                return redirect("surveys:mystery_scenario", scenario.pk)
        except ValidationFailed as exc:
            errors, status = exc.fields, 400
            messages.error(request, exc.message)
        except Conflict as exc:
            status = 409
            messages.error(request, exc.message)
            scenario = selectors.scenario_get(scenario_id)
    allowed, held = case_actions(SCENARIO_KIND, scenario, actor)
    labels = {t.name: _(t.label) for t in SCENARIO_KIND.workflow.transitions}
    return render(request, "surveys/mystery/scenario.html", {
        "s": scenario, "items": scenario.items.order_by("position"), "can_edit": can_edit,
        "errors": errors, "posted": posted, "queues": CallQueue.choices,
        "versions": selectors.scenarios().filter(code=scenario.code),
        "allowed": [t.name for t in allowed],
        "unavailable": [{"name": n, "label": labels[n], "reason": r} for n, r in held.items()],
    }, status=status)  # fmt: skip


# --- visits ---------------------------------------------------------------------------------------


def _date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def visits_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    _require_any(actor, VIEW, SHOP, MANAGE)
    can_manage, can_shop = actor.can(MANAGE), actor.can(SHOP)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"planned_date": (today_in_beijing() + timedelta(days=7)).isoformat(),
                              "plan": request.GET.get("plan", "")}  # fmt: skip
    status = 200
    if request.method == "POST":
        if not can_manage:
            raise Forbidden(_("您没有派发神秘客户走访的权限。"))
        values = request.POST.dict()
        try:
            visit = visit_assign(
                actor, scenario_id=values.get("scenario") or None,
                org_unit_id=values.get("org_unit") or None,
                shopper_id=values.get("shopper") or None,
                planned_date=_date(values.get("planned_date", "")),
                plan_id=values.get("plan") or None, phone_number=values.get("phone_number", ""),
            )  # fmt: skip
        except ValidationFailed as exc:
            errors, status = exc.fields, 400
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("已派发：{unit}，计划 {day}。").format(
                    unit=visit.org_unit.name, day=visit.planned_date.isoformat()
                ),
            )
            return redirect("surveys:mystery_visits")
    filters = ChoiceFilters(request.GET, fields={"status": (_("状态"), VisitStatus.choices)})
    state = list_filters(filters).get("status") or ""  # a bad status is shown at its field
    plan = selectors.plan_get(actor, request.GET["plan"]) if request.GET.get("plan") else None
    listed = selectors.visible_visits(actor, status=state, plan_id=plan.pk if plan else None)
    page = Paginator(listed, 25).get_page(request.GET.get("page"))
    ctx: dict[str, Any] = {
        "can_manage": can_manage, "can_shop": can_shop, "page": page, "status": state,
        "plan": plan, "statuses": VisitStatus.choices, "errors": errors, "values": values,
        "filters": filters,
        "mine": list(selectors.my_visits(actor)) if can_shop else [],
        "mine_done": list(selectors.my_visits(actor, open_only=False)[:10]) if can_shop else [],
    }  # fmt: skip
    if can_manage:
        ctx.update({
            "scenarios": selectors.published_scenarios(), "units": units_in_scope(actor, MANAGE),
            "shoppers": selectors.shoppers(), "plans": selectors.mystery_plans(actor),
        })  # fmt: skip
    return render(request, "surveys/mystery/visits.html", ctx, status=status)


def _visited_at(raw: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(raw.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=BEIJING)


def _lines_from_post(items: list[Any], post: QueryDict) -> dict[str, dict[str, Any]]:
    return {
        str(i.pk): {
            "points": post.get(f"points_{i.pk}", ""),
            "fatal_hit": post.get(f"fatal_{i.pk}", ""),
            "comment": post.get(f"comment_{i.pk}", ""),
        }
        for i in items
    }


def _evidence_from_post(post: QueryDict) -> list[dict[str, str]]:
    kinds, refs, notes = (post.getlist("evidence_kind"), post.getlist("evidence_ref"),
                          post.getlist("evidence_note"))  # fmt: skip
    n = max(len(kinds), len(refs), len(notes))
    pad = [*kinds, *[""] * n], [*refs, *[""] * n], [*notes, *[""] * n]
    return [{"kind": pad[0][i], "ref": pad[1][i], "note": pad[2][i]} for i in range(n)]


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def visit_page(request: HiqcRequest, visit_id: Any) -> HttpResponse:
    """A visit: the scoring form for its shopper while assigned, the result once scored."""
    actor = request.actor
    _require_any(actor, VIEW, SHOP, MANAGE)
    visit = selectors.access_visit(actor, visit_id)
    items = selectors.visit_items(visit)
    errors: dict[str, list[str]] = {}
    error, status = "", 200
    lines: dict[str, dict[str, Any]] = {}
    evidence: list[dict[str, str]] = []
    posted: dict[str, Any] = {"phone_number": visit.phone_number}
    if request.method == "POST":
        lines = _lines_from_post(items, request.POST)
        evidence = _evidence_from_post(request.POST)
        posted = request.POST.dict()
        raw_at = request.POST.get("visited_at", "").strip()
        visited_at = _visited_at(raw_at) if raw_at else None
        try:
            visit_record(
                actor, visit.pk, visited_at=visited_at, lines=lines, evidence=evidence,
                comment=request.POST.get("comment", ""),
                phone_number=request.POST.get("phone_number", ""),
                version=posted_version(request.POST),
            )  # fmt: skip
        except ValidationFailed as exc:
            errors, error, status = exc.fields, exc.message, 400
            if raw_at and visited_at is None:
                errors["visited_at"] = [_("请输入有效的日期和时间。")]
        except Conflict as exc:
            error, status = exc.message, exc.status
            visit = selectors.access_visit(actor, visit_id)
        else:
            visit = selectors.access_visit(actor, visit_id)
            if visit.passed:
                messages.success(
                    request, _("评分已保存：{total} 分，合格。").format(total=visit.total)
                )
            else:
                messages.warning(
                    request,
                    _("评分已保存：{total} 分，不合格，已生成合规事项。").format(total=visit.total),
                )
            return redirect("surveys:mystery_visit", visit.pk)
    return _visit_render(request, visit, items=items, lines=lines, evidence=evidence,
                         errors=errors, error=error, posted=posted, status=status)  # fmt: skip


def _visit_render(
    request: HiqcRequest,
    visit: MysteryVisit,
    *,
    items: list[Any],
    lines: dict[str, dict[str, Any]] | None = None,
    evidence: list[dict[str, str]] | None = None,
    errors: dict[str, list[str]] | None = None,
    error: str = "",
    posted: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """The visit page: the scoring form and the cancel form exactly when the engine would accept
    them now (``case_actions``)."""
    actor = request.actor
    lines, evidence, errors = lines or {}, evidence or [], errors or {}
    posted = posted if posted is not None else {"phone_number": visit.phone_number}
    allowed = {t.name for t in case_actions(VISIT_KIND, visit, actor)[0]}
    can_score = "record" in allowed
    rows = [
        {
            "item": i,
            "points": lines.get(str(i.pk), {}).get("points", ""),
            "fatal_hit": lines.get(str(i.pk), {}).get("fatal_hit", ""),
            "comment": lines.get(str(i.pk), {}).get("comment", ""),
            "errors": errors.get(f"item_{i.pk}", []),
        }
        for i in items
    ]
    kept = [e for e in evidence if any(e.values())]
    evidence_rows = kept + [{"kind": "", "ref": "", "note": ""}] * max(1, EVIDENCE_ROWS - len(kept))
    return render(request, "surveys/mystery/visit.html", {
        "v": visit, "rows": rows, "can_score": can_score, "error": error, "errors": errors,
        "posted": posted, "evidence_rows": evidence_rows, "evidence_kinds": EvidenceKind.choices,
        "lines": selectors.visit_lines(visit) if visit.status == VisitStatus.DONE else [],
        "findings": selectors.visit_findings(visit) if visit.status == VisitStatus.DONE else [],
        "can_cancel": "cancel" in allowed,
        "is_queue": visit.scenario.kind == ScenarioKind.QUEUE_CALL,
        "now": timezone.now().astimezone(BEIJING).strftime("%Y-%m-%dT%H:%M"),
    }, status=status)  # fmt: skip


@login_required
@require_POST
def visit_cancel_view(request: HiqcRequest, visit_id: Any) -> HttpResponse:
    try:
        visit_cancel(request.actor, visit_id, reason=request.POST.get("reason", ""),
                     version=posted_version(request.POST))  # fmt: skip
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return redirect("surveys:mystery_visit", visit_id)
    except Conflict as exc:  # e.g. a stale page: the visit as it is now, 409
        messages.error(request, exc.message)
        visit = selectors.access_visit(request.actor, visit_id)
        return _visit_render(request, visit, items=selectors.visit_items(visit),
                             status=exc.status)  # fmt: skip
    messages.success(request, _("已取消该走访。"))
    return redirect("surveys:mystery_visits")


# --- results --------------------------------------------------------------------------------------


@login_required
def results_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    _require_any(actor, VIEW)
    period = request.GET.get("period", "180")
    if period not in PERIODS:
        period = "180"
    days = PERIODS[period]
    since = timezone.now() - timedelta(days=days) if days else None
    kind = request.GET.get("kind", "")
    kind = kind if kind in ScenarioKind.values else ""
    try:
        depth = int(request.GET.get("level", "2"))
    except ValueError:
        depth = 2
    depth = depth if depth in (2, 3, 4) else 2
    units = list(units_in_scope(actor, VIEW))
    unit = next((u for u in units if str(u.pk) == request.GET.get("unit")), None)
    org_path = unit.path if unit else ""
    total, rows = selectors.results_by_unit(actor, since=since, kind=kind, org_path=org_path,
                                            depth=depth)  # fmt: skip
    return render(request, "surveys/mystery/results.html", {
        "total": total, "rows": rows, "period": period, "periods": list(PERIODS), "kind": kind,
        "kinds": ScenarioKind.choices, "level": depth, "levels": selectors.depth_choices(),
        "units": units, "unit": unit,
        "items": selectors.item_results(actor, since=since, kind=kind, org_path=org_path)[:15],
    })  # fmt: skip
