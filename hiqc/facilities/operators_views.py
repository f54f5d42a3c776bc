"""Pages of operators (8.2.6) and renewal plans (8.3.6; issue 19 §7–§8): the operator gaps per
unit with the category requirements, an item's operators, the renewal page (budget per year,
plans, suggestions) and a plan's page. Thin: reads are selectors or doors, writes services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from hiqc.core.access import require
from hiqc.core.calendar import BEIJING
from hiqc.core.errors import Conflict, Forbidden, ValidationFailed
from hiqc.core.forms import ChoiceFilters, list_filters
from hiqc.core.http import HiqcRequest
from hiqc.core.qualifications import qualification_choices, qualification_label
from hiqc.organisations.selectors import units_in_scope

from . import selectors
from .enums import (
    MANAGE,
    VIEW,
    EquipmentCategory,
    RenewalReason,
    RenewalState,
)
from .operators import (
    GAP_LABELS,
    equipment_operators,
    equipment_operators_set,
    operator_candidates,
    operator_gaps,
    operator_requirement_set,
    requirement_list,
)
from .renewal import (
    access_renewal_plan,
    plan_items,
    renewal_budget,
    renewal_moves,
    renewal_plan_create,
    renewal_plan_list,
    renewal_plan_update,
    renewal_suggestions,
)

T = "facilities/renewal/"


def _today() -> Any:
    return timezone.now().astimezone(BEIJING).date()


def _write(request: HiqcRequest, write: Callable[[], Any], done: str
           ) -> tuple[Any, dict[str, list[str]], int]:  # fmt: skip
    try:
        result = write()
    except (ValidationFailed, Conflict, Forbidden) as exc:
        messages.error(request, exc.message)
        return None, getattr(exc, "fields", None) or {}, exc.status
    messages.success(request, done)
    return result, {}, 200


# --- operators -----------------------------------------------------------------------------------


@login_required
def operators_page(request: HiqcRequest) -> HttpResponse:
    """Equipment whose operators lack the required qualification, per unit; the category
    requirements (editable by head office)."""
    actor = request.actor
    require(actor, VIEW)
    errors: dict[str, list[str]] = {}
    status = 200
    can_edit = actor.can_globally(MANAGE)
    if request.method == "POST":
        post = request.POST
        _r, errors, status = _write(request, lambda: operator_requirement_set(actor=actor, data={
            "category": post.get("category", ""), "qualification": post.get("qualification", ""),
            "note": post.get("note", "")}), _("已保存设备操作资格要求。"))  # fmt: skip
        if status == 200:
            return redirect("facilities:operators")
    units = list(units_in_scope(actor, VIEW))
    unit_id = str(request.GET.get("unit") or "")
    unit_id = unit_id if unit_id in {str(u.pk) for u in units} else ""
    try:
        days = max(0, min(int(request.GET.get("days") or -1), 3650))
    except ValueError:
        days = -1
    rows = operator_gaps(actor, org_unit_id=unit_id or None, days=None if days < 0 else days)
    groups: dict[Any, dict[str, Any]] = {}
    for r in rows:
        groups.setdefault(r["org_unit_id"], {"unit": r["org_unit"], "rows": []})["rows"].append(r)
    return render(request, T + "operators.html", {
        "groups": list(groups.values()), "total": len(rows), "units": units, "unit_id": unit_id,
        "days": "" if days < 0 else days, "requirements": [
            {"r": r, "label": qualification_label(r.qualification)} for r in requirement_list()],
        "categories": EquipmentCategory.choices, "qualifications": qualification_choices(),
        "can_edit": can_edit, "errors": errors, "labels": GAP_LABELS,
    }, status=status)  # fmt: skip


@login_required
def equipment_operators_page(request: HiqcRequest, equipment_id: str) -> HttpResponse:
    actor = request.actor
    equipment = selectors.access_equipment(actor, equipment_id)
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        _r, errors, status = _write(request, lambda: equipment_operators_set(
            actor=actor, equipment_id=equipment.pk, user_ids=request.POST.getlist("operators")),
            _("已保存设备操作人员。"))  # fmt: skip
        if status == 200:
            return redirect("facilities:equipment_operators", equipment.pk)
    info = equipment_operators(actor, equipment.pk)
    can_manage = actor.can(MANAGE, equipment.org_unit.path) and equipment.state != "disposed"
    current = {str(o["id"]) for o in info["operators"]}
    return render(request, T + "equipment_operators.html", {
        "e": equipment, "info": info, "errors": errors, "can_manage": can_manage,
        "candidates": operator_candidates(actor, equipment) if can_manage else [],
        "current": current,
    }, status=status)  # fmt: skip


# --- renewal plans -------------------------------------------------------------------------------


@login_required
def renewal_page(request: HiqcRequest) -> HttpResponse:
    """Budget totals per year, the plans, the suggestions (with a form that plans the ticked
    items)."""
    actor = request.actor
    require(actor, VIEW)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"budget_year": _today().year + 1}
    status = 200
    if request.method == "POST":
        post = request.POST
        values = {**post.dict(), "items": post.getlist("items")}
        plan, errors, status = _write(request, lambda: renewal_plan_create(actor=actor, data={
            **post.dict(), "items": post.getlist("items")}), _("已制定设备更新计划。"))  # fmt: skip
        if plan is not None:
            return redirect("facilities:renewal_plan", plan.pk)
    units = list(units_in_scope(actor, VIEW))
    form = ChoiceFilters(request.GET, fields={
        "unit": (_("机构"), [(str(u.pk), u.localized_name) for u in units]),
        "state": (_("状态"), RenewalState.choices)})  # fmt: skip
    f = list_filters(form)
    unit_id = f.get("unit") or None  # per unit: its plans, budget and suggestions (and below)
    plans = renewal_plan_list(actor, state=f.get("state") or "", org_unit_id=unit_id)
    page = Paginator(plans, 25).get_page(request.GET.get("page"))
    suggestions = renewal_suggestions(actor, org_unit_id=unit_id)
    can_manage = actor.can(MANAGE)
    return render(request, T + "renewal.html", {
        "page": page, "form": form, "budget": renewal_budget(actor, org_unit_id=unit_id),
        "suggestions": suggestions[:200], "suggestions_total": len(suggestions),
        "errors": errors, "values": values, "can_manage": can_manage,
        "checked": {str(i) for i in values.get("items", [])},
        "reasons": RenewalReason.choices,
        "units": units_in_scope(actor, MANAGE) if can_manage else [],
    }, status=status)  # fmt: skip


@login_required
def renewal_plan_page(request: HiqcRequest, plan_id: str) -> HttpResponse:
    actor = request.actor
    plan = access_renewal_plan(actor, plan_id)
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        post = request.POST
        data: dict[str, Any] = {"state": post.get("state", "")}
        if data["state"] == RenewalState.DONE:
            data.update({"done_on": post.get("done_on") or None,
                         "replacement": post.get("replacement") or None,
                         "dispose_old": post.get("dispose_old") == "on"})  # fmt: skip
        _r, errors, status = _write(request, lambda: renewal_plan_update(
            actor=actor, plan_id=plan.pk, data=data), _("已更新设备更新计划。"))  # fmt: skip
        if status == 200:
            return redirect("facilities:renewal_plan", plan.pk)
        plan = access_renewal_plan(actor, plan.pk)
    path = plan.org_unit.path
    moves = [(s, RenewalState(s).label) for s in renewal_moves(actor, plan)]
    return render(request, T + "plan.html", {
        "p": plan, "items": plan_items(plan), "moves": moves, "errors": errors,
        "today": _today(), "done_state": RenewalState.DONE,
        "replacements": selectors.equipment_list(actor, state="in_use")
        .filter(org_unit__path__startswith=path)[:300] if RenewalState.DONE in dict(moves) else [],
    }, status=status)  # fmt: skip
