"""Improvement plan pages (PDCA; standard 10.2; issue 7 §5): the list, a new plan (from a
nonconformity or blank), and one plan with its actions, its measured effect and its actions on
the engine."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from hiqc.core.access import require
from hiqc.core.calendar import BEIJING
from hiqc.core.case_pages import history, post_case_action
from hiqc.core.casework import RefusedAction, case_action_forms
from hiqc.core.errors import Conflict, ValidationFailed
from hiqc.core.http import HiqcRequest
from hiqc.core.indicators import INDICATORS
from hiqc.core.pagecache import cached_page
from hiqc.core.plan_links import linked_changes
from hiqc.organisations.selectors import units_in_scope

from ..enums import ActOutcome, PlanStatus
from ..monitoring import display
from ..workflow import HANDLE, IMPROVEMENT, PLAN_ACTION_LABELS, VIEW
from . import selectors
from .services import (
    PLAN_KIND,
    access_plan,
    action_add,
    action_done,
    default_baseline,
    plan_act,
    plan_create,
    plan_effect,
)

ACTION_INPUTS = {
    "check": [("after_start", "date", gettext_noop("效果期开始日期（效果期长度与基线期相同）"))],
    "act": [("act_outcome", "outcome", gettext_noop("处置")),
            ("act_note", "textarea", gettext_noop("处置说明：固化的流程版本、培训或产品调整，或新一轮的原因"))],
    "cancel": [("reason", "textarea", gettext_noop("撤销理由"))],
}  # fmt: skip
VERDICTS = {"improved": gettext_noop("有显著改善"), "worse": gettext_noop("显著变差"),
            "no_change": gettext_noop("无显著变化"), "insufficient": gettext_noop("数据尚不足，暂不能判断"),
            "unsupported": gettext_noop("该指标不能逐件比较，无法检验")}  # fmt: skip
TESTS = {"two_proportion_z": gettext_noop("两比例 z 检验"), "fisher": gettext_noop("Fisher 精确检验"),
         "mann_whitney": gettext_noop("Mann-Whitney 秩和检验")}  # fmt: skip


@login_required
def plans_page(request: HiqcRequest) -> HttpResponse:
    require(request.actor, VIEW)
    return render(request, "quality/plans.html", {
        "plans": selectors.plans(request.actor), "can_create": request.actor.can(HANDLE),
    })  # fmt: skip


@login_required
def plan_new_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, HANDLE)
    start, end = default_baseline(timezone.now().astimezone(BEIJING).date())
    values: dict[str, Any] = {"baseline_start": start.isoformat(), "baseline_end": end.isoformat()}
    nc = selectors.nonconformity(actor, request.GET.get("nc")) if request.GET.get("nc") else None
    if nc is not None:
        values.update(org_unit=str(nc.org_unit_id), indicator_code=nc.indicator_code,
                      title=_("改进：{t}").format(t=nc.title), need=nc.description,
                      nonconformities=[str(nc.pk)])  # fmt: skip
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        values = {**request.POST.dict(), "nonconformities": request.POST.getlist("nonconformities")}
        try:
            plan = plan_create(actor=actor, org_unit_id=request.POST.get("org_unit"),
                               data=request.POST,
                               nonconformity_ids=request.POST.getlist("nonconformities"))  # fmt: skip
        except ValidationFailed as exc:
            errors, status = exc.fields or {}, exc.status
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已制定改进计划 {n}。").format(n=plan.number))
            return redirect("quality:plan", plan.pk)
    return render(request, "quality/plan_new.html", {
        "values": values, "errors": errors, "units": units_in_scope(actor, HANDLE),
        "indicators": [i for i in INDICATORS.values()],
        "open_ncs": selectors.open_nonconformities(actor),
    }, status=status)  # fmt: skip


def _difference(indicator: Any, difference: float | None) -> str:
    """After − before in the indicator's terms: percentage points for shares, else its unit."""
    if difference is None:
        return "—"
    if indicator.unit == "ratio":
        return _("{d} 个百分点").format(d=f"{100 * difference:+.1f}")
    if indicator.unit == "days":
        return _("{d} 天").format(d=f"{difference:+.1f}")
    return f"{difference:+.2f}"


def _context(
    request: HiqcRequest, plan: Any, refused: RefusedAction | None = None
) -> dict[str, Any]:
    indicator = INDICATORS.get(plan.indicator_code)
    effect = plan_effect(plan)
    states = dict(PlanStatus.choices)
    shown = None
    if effect is not None and indicator is not None:
        shown = {
            "verdict": _(VERDICTS[effect.verdict]), "test": _(TESTS[effect.test]) if effect.test else "",
            "before": display(indicator, effect.before), "after": display(indicator, effect.after),
            "difference": _difference(indicator, effect.difference),
            "interval": (f"{100 * effect.low:+.1f} – {100 * effect.high:+.1f}"
                         if effect.low is not None and effect.high is not None else ""),
        }  # fmt: skip
    return {
        **case_action_forms(PLAN_KIND, plan, request.actor, ACTION_INPUTS, refused=refused),
        "p": plan, "indicator": indicator, "effect": effect, "shown": shown,
        "outcomes": ActOutcome.choices, "actions_list": list(plan.actions.select_related("owner")),
        "ncs": list(plan.nonconformities.all()), "owners": selectors.owners(plan),
        "today": timezone.now().astimezone(BEIJING).date(),
        "events": history(PLAN_KIND, plan, PLAN_ACTION_LABELS, states),
        "can_work": request.actor.can(HANDLE, plan.org_unit.path),
        "changes": linked_changes(request.actor, plan.pk),
    }  # fmt: skip


@login_required
@cached_page  # its linked process versions' effects are mined from the event log (issue 16 §7)
def plan_page(request: HiqcRequest, plan_id: str) -> HttpResponse:
    plan = access_plan(request.actor, plan_id)
    return render(request, "quality/plan.html", _context(request, plan))


@login_required
@require_POST
def plan_action(request: HiqcRequest, plan_id: str, action: str) -> HttpResponse:
    actor = request.actor
    return post_case_action(
        request, case_id=plan_id, action=action, workflow=IMPROVEMENT,
        apply=lambda **kw: plan_act(actor=actor, plan_id=plan_id, action=action, **kw),
        reload=lambda: access_plan(actor, plan_id), context=_context,
        template="quality/plan.html", url_name="quality:plan",
    )  # fmt: skip


@login_required
@require_POST
def plan_action_add(request: HiqcRequest, plan_id: str) -> HttpResponse:
    try:
        action_add(actor=request.actor, plan_id=plan_id, data=request.POST)
    except (ValidationFailed, Conflict) as exc:
        details = "；".join(
            m for msgs in (getattr(exc, "fields", None) or {}).values() for m in msgs
        )
        messages.error(request, f"{exc.message} {details}".strip())
    else:
        messages.success(request, _("已添加措施。"))
    return redirect("quality:plan", plan_id)


@login_required
@require_POST
def plan_action_done(request: HiqcRequest, plan_id: str, action_id: int) -> HttpResponse:
    action_done(actor=request.actor, action_id=action_id, note=request.POST.get("note", ""))
    messages.success(request, _("措施已完成。"))
    return redirect("quality:plan", plan_id)
