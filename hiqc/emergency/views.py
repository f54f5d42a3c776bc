"""Emergency pages (standard 9.3; issue 20 §6): the overview (overdue drills, open incidents with
their clocks), plans (list, page with versions, edit form), the drill schedule (overdue first)
and the drill record form, incidents (list with the report form, the case page). Thin: every read
is a selector or a door, every write a service."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from hiqc.core.access import require
from hiqc.core.case_pages import history, post_case_action, post_form
from hiqc.core.casework import RefusedAction, case_action_forms, case_deadlines
from hiqc.core.forms import ChoiceFilters, list_filters
from hiqc.core.http import HiqcRequest
from hiqc.core.mywork import countdown
from hiqc.core.plan_links import plan_refs
from hiqc.organisations.enums import Role
from hiqc.organisations.selectors import units_in_scope

from . import selectors
from .enums import DRILL, INCIDENT, MANAGE, VIEW, IncidentStatus, Scenario, Severity
from .incidents import KIND, incident_act, incident_report
from .services import drill_plan, drill_record, plan_create, plan_update, today
from .workflow import ACTION_LABELS, INCIDENT_FLOW

T = "emergency/"
ACTION_INPUTS = {
    "accept": [("note", "textarea", gettext_noop("启动的处置措施"))],
    "log": [("note", "textarea", gettext_noop("事件经过"))],
    "notify": [("notification", "textarea",
                gettext_noop("通知内容（事件、原因、可能的危害、补救措施、联系方式）"))],
    "contain": [("containment", "textarea", gettext_noop("控制措施"))],
    "close": [("root_cause", "textarea", gettext_noop("根本原因")),
              ("lessons", "textarea", gettext_noop("经验教训"))],
    "withdraw": [("reason", "textarea", gettext_noop("撤销理由"))],
}  # fmt: skip
ACTION_INPUTS["notify_after_containment"] = ACTION_INPUTS["notify"]
STEP_ROWS = 8
CONTACT_ROWS = 5


def _clocks(ids: list[Any]) -> dict[str, list[dict[str, Any]]]:
    now = timezone.now()
    return {k: [{"d": d, "left": countdown(d, now)} for d in v]
            for k, v in selectors.open_clocks(ids).items()}  # fmt: skip


@login_required
def overview_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    day = today()
    overdue = list(selectors.overdue_drills(actor, today=day)[:50])
    incidents = list(selectors.incident_list(actor, open_only=True)[:50])
    clocks = _clocks([i.pk for i in incidents])
    return render(request, T + "overview.html", {
        "overdue": overdue, "today": day,
        "incidents": [{"i": i, "clocks": clocks.get(str(i.pk), [])} for i in incidents],
        "planned": selectors.drill_list(actor, state="planned", today=day).count(),
        "plans": selectors.plan_list(actor).count(),
        "unapproved": selectors.plan_list(actor).filter(approved=False).count(),
    })  # fmt: skip


# --- plans ---------------------------------------------------------------------------------------


@login_required
def plans_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    form = ChoiceFilters(request.GET, fields={"scenario": (_("场景"), Scenario.choices)})
    f = list_filters(form)
    page = Paginator(selectors.plan_list(actor, scenario=f.get("scenario") or ""), 50).get_page(
        request.GET.get("page"))  # fmt: skip
    return render(request, T + "plans.html", {"page": page, "form": form,
                                              "can_manage": actor.can(MANAGE)})  # fmt: skip


@login_required
def plan_page(request: HiqcRequest, plan_id: str) -> HttpResponse:
    actor = request.actor
    plan = selectors.access_plan(actor, plan_id)
    roles = dict(Role.choices)
    return render(request, T + "plan.html", {
        "p": plan, "versions": selectors.plan_versions(plan), "roles": roles,
        "steps": [{**s, "owner": roles.get(s.get("owner_role"), "")} for s in plan.steps],
        "contacts": [{**c, "role_label": roles.get(c.get("role"), "")} for c in plan.contacts],
        "duties": [{**r, "role_label": roles.get(r.get("role"), "")} for r in plan.roles],
        "drills": selectors.drill_list(actor, today=today(), plan_family=plan.family)[:20],
        "can_manage": plan.current and actor.can(MANAGE, plan.org_unit.path),
    })  # fmt: skip


def _posted_plan(post: Any) -> dict[str, Any]:
    """The plan form's rows as the service takes them (empty rows left out)."""
    steps = [{"title": post.get(f"step_title_{n}", ""), "owner_role": post.get(f"step_owner_{n}", ""),
              "target_minutes": post.get(f"step_target_{n}", "")}
             for n in range(1, STEP_ROWS + 1) if post.get(f"step_title_{n}", "").strip()]  # fmt: skip
    contacts = [{"level": post.get(f"contact_level_{n}", "1"), "role": post.get(f"contact_role_{n}", ""),
                 "person": post.get(f"contact_person_{n}", "")}
                for n in range(1, CONTACT_ROWS + 1)
                if post.get(f"contact_role_{n}") or post.get(f"contact_person_{n}", "").strip()]  # fmt: skip
    roles = [{"role": r, "duty": ""} for r in post.getlist("roles")]
    return {"org_unit": post.get("org_unit"), "scenario": post.get("scenario", ""),
            "title": post.get("title", ""), "rto_minutes": post.get("rto_minutes", ""),
            "rpo_minutes": post.get("rpo_minutes", ""), "approve": post.get("approve", ""),
            "steps": steps, "contacts": contacts, "roles": roles}  # fmt: skip


@login_required
def plan_edit_page(request: HiqcRequest, plan_id: str | None = None) -> HttpResponse:
    actor = request.actor
    plan = selectors.access_plan(actor, plan_id) if plan_id else None
    require(actor, MANAGE, plan) if plan else require(actor, MANAGE)
    errors: dict[str, list[str]] = {}
    status = 200
    data: dict[str, Any] | None = None
    if request.method == "POST":
        data = _posted_plan(request.POST)
        saved, errors, _v, status = post_form(
            request,
            (lambda d: plan_update(actor=actor, plan_id=plan.pk, data=data)) if plan
            else (lambda d: plan_create(actor=actor, data=data)),
            _("已保存应急预案。"),
        )  # fmt: skip
        if saved is not None:
            return redirect("emergency:plan", saved.pk)
        values = request.POST
    else:
        values = None
    # a refused form comes back with what was typed; else the version being edited
    shown: Any = data if data is not None else plan
    steps = list((shown or {}).get("steps", []) if isinstance(shown, dict) else shown.steps
                 if shown else [])  # fmt: skip
    contacts = list((shown or {}).get("contacts", []) if isinstance(shown, dict)
                    else shown.contacts if shown else [])  # fmt: skip
    chosen = [r.get("role") for r in (data["roles"] if data is not None
                                      else (plan.roles if plan else []))]  # fmt: skip
    rows = [{"n": n, "s": steps[n - 1] if n <= len(steps) else {}} for n in range(1, STEP_ROWS + 1)]
    crow = [{"n": n, "c": contacts[n - 1] if n <= len(contacts) else {}}
            for n in range(1, CONTACT_ROWS + 1)]  # fmt: skip
    return render(request, T + "plan_edit.html", {
        "p": plan, "values": values, "errors": errors, "step_rows": rows, "contact_rows": crow,
        "scenarios": Scenario.choices, "role_choices": Role.choices,
        "plan_roles": set(chosen),
        "units": units_in_scope(actor, MANAGE) if plan is None else [],
    }, status=status)  # fmt: skip


# --- drills --------------------------------------------------------------------------------------


@login_required
def drills_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        drill, errors, values, status = post_form(
            request, lambda d: drill_plan(actor=actor, data=d), _("已安排演练。"))  # fmt: skip
        if drill is not None:
            return redirect("emergency:drill", drill.pk)
    form = ChoiceFilters(request.GET, fields={"state": (_("状态"), [
        ("overdue", _("已逾期")), ("planned", _("待演练")), ("done", _("已演练"))])})  # fmt: skip
    f = list_filters(form)
    day = today()
    page = Paginator(selectors.drill_list(actor, state=f.get("state") or "", today=day),
                     50).get_page(request.GET.get("page"))  # fmt: skip
    can_drill = actor.can(DRILL)
    return render(request, T + "drills.html", {
        "page": page, "form": form, "today": day, "errors": errors, "values": values,
        "can_drill": can_drill, "plans": selectors.plan_list(actor) if can_drill else [],
    }, status=status)  # fmt: skip


def _posted_drill(post: Any) -> dict[str, Any]:
    actions = [{"title": post.get(f"action_title_{n}", ""), "due_date": post.get(f"action_due_{n}", "")}
               for n in range(1, 4) if post.get(f"action_title_{n}", "").strip()]  # fmt: skip
    return {**{k: post.get(k, "") for k in ("performed_on", "participants", "notes",
                                             "recovery_minutes", "review")},
            "timings": {k[7:]: v for k, v in post.items() if k.startswith("timing_")},
            "actions": actions}  # fmt: skip


@login_required
def drill_page(request: HiqcRequest, drill_id: str) -> HttpResponse:
    actor = request.actor
    drill = selectors.access_drill(actor, drill_id)
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        data = _posted_drill(request.POST)
        done, errors, _v, status = post_form(
            request, lambda d: drill_record(actor=actor, drill_id=drill.pk, data=data),
            _("已登记演练。"))  # fmt: skip
        if done is not None:
            return redirect("emergency:drill", drill.pk)
    plan_ref = None
    if drill.improvement_plan_id:
        plan_ref = plan_refs(actor, {str(drill.improvement_plan_id)}).get(
            str(drill.improvement_plan_id))  # fmt: skip
    return render(request, T + "drill.html", {
        "d": drill, "today": today(), "errors": errors, "values": request.POST,
        "steps": drill.timings if drill.performed_on else drill.plan.steps,
        "can_record": drill.performed_on is None and actor.can(DRILL, drill.org_unit.path),
        "improvement": plan_ref,
    }, status=status)  # fmt: skip


# --- incidents -----------------------------------------------------------------------------------


@login_required
def incidents_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        case, errors, values, status = post_form(
            request, lambda d: incident_report(actor=actor, data=d), _("已报告事件。"))  # fmt: skip
        if case is not None:
            return redirect("emergency:incident", case.pk)
    form = ChoiceFilters(request.GET, fields={"status": (_("状态"), IncidentStatus.choices)})
    f = list_filters(form)
    page = Paginator(selectors.incident_list(actor, status=f.get("status") or ""), 25).get_page(
        request.GET.get("page"))  # fmt: skip
    clocks = _clocks([i.pk for i in page])
    can_report = actor.can(INCIDENT)
    return render(request, T + "incidents.html", {
        "page": page, "rows": [{"i": i, "clocks": clocks.get(str(i.pk), [])} for i in page],
        "form": form, "errors": errors, "values": values, "can_report": can_report,
        "scenarios": Scenario.choices, "severities": Severity.choices,
        "units": units_in_scope(actor, INCIDENT) if can_report else [],
    }, status=status)  # fmt: skip


def _case_context(request: HiqcRequest, case: Any, refused: RefusedAction | None = None
                  ) -> dict[str, Any]:  # fmt: skip
    now = timezone.now()
    plan_ref = None
    if case.improvement_plan_id:
        plan_ref = plan_refs(request.actor, {str(case.improvement_plan_id)}).get(
            str(case.improvement_plan_id))  # fmt: skip
    return {
        **case_action_forms(KIND, case, request.actor, ACTION_INPUTS, refused=refused),
        "i": case, "timeline": selectors.incident_entries(case), "improvement": plan_ref,
        "clocks": [{"d": d, "left": countdown(d, now)} for d in case_deadlines(KIND, case)],
        "events": history(KIND, case, ACTION_LABELS, dict(IncidentStatus.choices)),
    }  # fmt: skip


@login_required
def incident_page(request: HiqcRequest, case_id: str) -> HttpResponse:
    case = selectors.access_incident(request.actor, case_id)
    return render(request, T + "incident.html", _case_context(request, case))


@login_required
@require_POST
def incident_action(request: HiqcRequest, case_id: str, action: str) -> HttpResponse:
    actor = request.actor
    case = selectors.access_incident(actor, case_id)
    return post_case_action(
        request, case_id=str(case.pk), action=action[:60], workflow=INCIDENT_FLOW,
        apply=lambda **kw: incident_act(actor=actor, case_id=case.pk, action=action[:60], **kw),
        reload=lambda: selectors.access_incident(actor, case.pk), context=_case_context,
        template=T + "incident.html", url_name="emergency:incident",
    )  # fmt: skip
