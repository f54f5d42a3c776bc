"""Processes (流程): each registered process's versions and flowcharts; publishing a version.

The publish form is generated from what ``processes.validate_parameters`` declares for the
selected process: per step (transition) a responsible role and an internal time target, the
process's warning thresholds and each clock's own thresholds. It is pre-filled from the version
shown above it (by default the one in force), its inputs are named by the parameter paths the
service reports errors under, so each message lands beside its input."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from .access import Actor, role_codes, role_label, role_permissions
from .calendar import BEIJING, Unit
from .casekinds import CASE_KINDS
from .errors import Forbidden, ValidationFailed
from .forms import UNIT_CHOICES
from .http import HiqcRequest
from .models import ProcessVersion
from .plan_links import plan_choices, plan_refs
from .processes import (
    DEFAULT_WARNING_FRACTIONS,
    MAX_TARGET_AMOUNT,
    flowchart_config,
    process_version_in_force,
    units_for_process_manage,
)
from .selectors import process_versions
from .services import process_version_publish
from .workflow import Workflow

# Mermaid writes <style> into the SVG it renders: this page alone allows inline styles (no scripts).
MERMAID_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
THRESHOLD_SLOTS = 3  # inputs offered per threshold list (more when a version has more)
GENERAL_FIELDS = ("org_path", "effective_from", "note", "improvement_plan")

Values = dict[str, Any]  # input name → str, or list[str] for the threshold lists


# --- parameters ⇄ form values --------------------------------------------------------------------


def _percent(fraction: object) -> str:
    """0.3 → "30", 0.333 → "33.3" (what a threshold input shows)."""
    try:
        return format((Decimal(str(fraction)) * 100).normalize(), "f")
    except (InvalidOperation, ValueError):
        return str(fraction)


def _fraction(text: str) -> float | str:
    """ "30" → 0.3; what is not a number goes to the service as typed, which names the problem."""
    try:
        value = Decimal(text.replace("%", "").strip()) / 100
    except ArithmeticError:
        return text
    return float(value) if value.is_finite() else text


def _amount(text: str) -> int | str:
    try:
        return int(text)
    except ValueError:
        return text


def _fractions_path(clock: str) -> str:
    return f"clocks.{clock}.warning_fractions"


def values_from_parameters(parameters: dict, workflow: Workflow) -> Values:
    steps = parameters.get("steps") or {}
    clocks = parameters.get("clocks") or {}
    values: Values = {}
    for t in workflow.transitions:
        p = steps.get(t.name) or {}
        amount = p.get("target_amount")
        values[f"steps.{t.name}.owner_role"] = str(p.get("owner_role") or "")
        values[f"steps.{t.name}.target_amount"] = "" if amount is None else str(amount)
        values[f"steps.{t.name}.target_unit"] = str(p.get("target_unit") or Unit.WORKING_DAYS)
    values["warning_fractions"] = [_percent(f) for f in parameters.get("warning_fractions") or []]
    for c in workflow.clocks:
        own = (clocks.get(c.code) or {}).get("warning_fractions") or []
        values[_fractions_path(c.code)] = [_percent(f) for f in own]
    return values


def values_from_post(post: QueryDict, workflow: Workflow) -> Values:
    values: Values = {}
    for t in workflow.transitions:
        for part in ("owner_role", "target_amount", "target_unit"):
            values[f"steps.{t.name}.{part}"] = post.get(f"steps.{t.name}.{part}", "").strip()
    for name in ["warning_fractions", *(_fractions_path(c.code) for c in workflow.clocks)]:
        values[name] = [v.strip() for v in post.getlist(name)]
    return values


def parameters_from_values(values: Values, workflow: Workflow) -> dict:
    """The parameters document the service validates and stores: a step, threshold list or clock
    left blank is left out (the default, or the process's thresholds, apply)."""
    steps: dict[str, dict[str, Any]] = {}
    for t in workflow.transitions:
        role = values[f"steps.{t.name}.owner_role"]
        amount = values[f"steps.{t.name}.target_amount"]
        entry: dict[str, Any] = {}
        if role:
            entry["owner_role"] = role
        if amount:
            entry["target_amount"] = _amount(amount)
            entry["target_unit"] = values[f"steps.{t.name}.target_unit"]
        if entry:
            steps[t.name] = entry
    parameters: dict[str, Any] = {}
    if steps:
        parameters["steps"] = steps
    if fractions := [_fraction(v) for v in values["warning_fractions"] if v]:
        parameters["warning_fractions"] = fractions
    clocks = {
        c.code: {"warning_fractions": [_fraction(v) for v in values[_fractions_path(c.code)] if v]}
        for c in workflow.clocks
        if any(values[_fractions_path(c.code)])
    }
    if clocks:
        parameters["clocks"] = clocks
    return parameters


# --- the form as rows for the template -----------------------------------------------------------


def _field(name: str, value: Any, errors: dict[str, list[str]]) -> dict[str, Any]:
    return {
        "name": name,
        "id": "f-" + name.replace(".", "-").replace("_", "-"),
        "value": value,
        "errors": errors.get(name, []),
    }


def _slots(values: list[str]) -> list[str]:
    return values + [""] * (max(THRESHOLD_SLOTS, len(values)) - len(values))


def _role_groups(perm: str, current: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """Roles that hold the step's permission first, then the others; a value that is no role
    (typed into a tampered request, or a role since retired) stays selectable so it is not lost."""
    codes = sorted(str(r) for r in role_codes())
    able = [(c, str(role_label(c))) for c in codes if perm in role_permissions(c)]
    others = [(c, str(role_label(c))) for c in codes if perm not in role_permissions(c)]
    groups = [(_("有此步骤权限的角色"), able), (_("其他角色"), others)]
    if current and current not in codes:
        groups.insert(0, (_("不可用的值"), [(current, current)]))
    return [(label, options) for label, options in groups if options]


def editor_rows(workflow: Workflow, values: Values, errors: dict[str, list[str]]) -> dict:
    states = workflow.states
    steps = []
    for t in workflow.transitions:
        key = f"steps.{t.name}"
        role = _field(f"{key}.owner_role", values[f"{key}.owner_role"], errors)
        steps.append(
            {
                "id": role["id"].removesuffix("-owner-role"),
                "label": _(t.label),
                "route": " / ".join(_(states.get(s, s)) for s in t.sources)
                + " → "
                + _(states.get(t.target, t.target)),
                "errors": errors.get(key, []),
                "role": role,
                "role_groups": _role_groups(t.perm, role["value"]),
                "amount": _field(f"{key}.target_amount", values[f"{key}.target_amount"], errors),
                "unit": _field(f"{key}.target_unit", values[f"{key}.target_unit"], errors),
            }
        )
    clocks = []
    for c in workflow.clocks:
        field = _field(_fractions_path(c.code), _slots(values[_fractions_path(c.code)]), errors)
        clocks.append({"label": _(c.label), "clock": c, "fractions": field})
    known = {
        *GENERAL_FIELDS,
        "warning_fractions",
        *(
            f"steps.{t.name}{part}"
            for t in workflow.transitions
            for part in ("", ".owner_role", ".target_amount", ".target_unit")
        ),
        *(_fractions_path(c.code) for c in workflow.clocks),
    }
    return {
        "steps": steps,
        "fractions": _field("warning_fractions", _slots(values["warning_fractions"]), errors),
        "clocks": clocks,
        # what no input shows (an unknown step or clock in a crafted request): listed on top
        "other_errors": [(k, m) for k, msgs in errors.items() if k not in known for m in msgs],
    }


def _scope_options(actor: Actor, current: str) -> list[tuple[str, str]]:
    options = [
        (u.path, "　" * (u.depth - 1) + u.localized_name) for u in units_for_process_manage(actor)
    ]
    if actor.can_globally("process.manage"):
        options.insert(0, ("", _("全公司（所有机构）")))
    if current not in {path for path, _label in options}:
        options.insert(0, (current, current or _("全公司（所有机构）")))
    return options


def _version_rows(actor: Actor, versions: list[ProcessVersion]) -> list[dict[str, Any]]:
    """Each version with the improvement plan it implements, as the actor may see it (16 §7)."""
    refs = plan_refs(actor, {str(v.improvement_plan_id) for v in versions if v.improvement_plan_id})
    return [
        {"v": v, "plan": refs.get(str(v.improvement_plan_id)) if v.improvement_plan_id else None}
        for v in versions
    ]


def _today() -> Any:
    return timezone.now().astimezone(BEIJING).date()


@login_required
def process_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    kinds = list(CASE_KINDS.values())
    selected = CASE_KINDS.get(request.GET.get("process", "")) or (kinds[0] if kinds else None)
    versions = process_versions(selected.label) if selected else []
    in_force = process_version_in_force(selected.label, "", _today()) if selected else None
    shown: ProcessVersion | None = next(
        (v for v in versions if str(v.pk) == request.GET.get("version")),
        in_force or (versions[0] if versions else None),
    )
    errors: dict[str, list[str]] = {}
    form_error = ""
    posted: dict[str, str] = {}
    if selected is None:
        values: Values = {}
    elif request.method == "POST":
        if not actor.can("process.manage"):
            raise Forbidden(_("发布流程版本需要该机构的“发布流程版本”权限。"))
        posted = {k: request.POST.get(k, "").strip() for k in GENERAL_FIELDS}
        values = values_from_post(request.POST, selected.workflow)
        day = parse_date(posted["effective_from"]) if posted["effective_from"] else None
        if day is None:
            errors["effective_from"] = [_("请填写生效日期（YYYY-MM-DD）。")]
        else:
            try:
                version = process_version_publish(
                    actor=actor,
                    process=selected.label,
                    org_path=posted["org_path"],
                    effective_from=day,
                    parameters=parameters_from_values(values, selected.workflow),
                    note=posted["note"],
                    improvement_plan_id=posted["improvement_plan"] or None,
                )
                messages.success(request, _("已发布第 {n} 版。").format(n=version.number))
                return redirect(f"{request.path}?process={selected.label}&version={version.pk}")
            except ValidationFailed as exc:
                errors, form_error = exc.fields, exc.message
    else:
        values = values_from_parameters(shown.parameters if shown else {}, selected.workflow)
        posted = {"org_path": shown.org_path if shown else "", "effective_from": "", "note": "",
                  "improvement_plan": request.GET.get("plan", "")}  # fmt: skip
    chart = selected.workflow.flowchart(flowchart_config(shown, role_label)) if selected else ""
    can_publish = actor.can("process.manage")
    shown_parameters = shown.parameters if shown else {}
    thresholds = shown_parameters.get("warning_fractions") or DEFAULT_WARNING_FRACTIONS
    own = shown_parameters.get("clocks") or {}
    response = render(
        request,
        "core/processes.html",
        {
            "kinds": kinds,
            "selected": selected,
            "versions": versions,
            "version_rows": _version_rows(actor, versions),
            "shown": shown,
            "in_force": in_force,
            "chart": chart,
            "clock_rows": [
                {
                    "clock": c,
                    "label": _(c.label),
                    "thresholds": [
                        _percent(f)
                        for f in (own.get(c.code) or {}).get("warning_fractions") or thresholds
                    ],
                    "own": bool((own.get(c.code) or {}).get("warning_fractions")),
                }
                for c in (selected.workflow.clocks if selected else ())
            ],
            "thresholds": [_percent(f) for f in thresholds],
            "can_publish": can_publish,
            "unit_labels": dict(UNIT_CHOICES),
            "unit_choices": UNIT_CHOICES,
            "max_target": MAX_TARGET_AMOUNT,
            "errors": errors,
            "form_error": form_error,
            "posted": posted,
            "scope_options": _scope_options(actor, posted.get("org_path", ""))
            if can_publish and selected
            else [],
            "plan_options": plan_choices(actor) if can_publish and selected else [],
            "editor": editor_rows(selected.workflow, values, errors)
            if can_publish and selected
            else None,
        },
    )
    response["Content-Security-Policy"] = MERMAID_CSP
    return response
