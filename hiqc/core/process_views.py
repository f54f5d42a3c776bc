"""Processes (流程): each registered process's versions and flowcharts; publishing a version."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from .access import role_label
from .casework import CASE_KINDS
from .errors import ValidationFailed
from .forms import UNIT_CHOICES
from .http import HiqcRequest
from .processes import flowchart_config
from .selectors import process_versions
from .services import process_version_publish

# Mermaid writes <style> into the SVG it renders: this page alone allows inline styles (no scripts).
MERMAID_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)


@login_required
def process_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    kinds = list(CASE_KINDS.values())
    selected = CASE_KINDS.get(request.GET.get("process", "")) or (kinds[0] if kinds else None)
    errors: dict[str, list[str]] = {}
    posted: dict[str, str] = {}
    if request.method == "POST" and selected is not None:
        posted = {
            k: request.POST.get(k, "") for k in ("org_path", "effective_from", "parameters", "note")
        }
        try:
            parameters = json.loads(posted["parameters"] or "{}")
            if not isinstance(parameters, dict):
                raise ValueError
        except ValueError:
            errors["parameters"] = [_("参数必须是 JSON 对象。")]
        day = parse_date(posted["effective_from"])
        if day is None:
            errors["effective_from"] = [_("请填写生效日期（YYYY-MM-DD）。")]
        if not errors and day is not None:
            try:
                version = process_version_publish(
                    actor=actor,
                    process=selected.label,
                    org_path=posted["org_path"],
                    effective_from=day,
                    parameters=parameters,
                    note=posted["note"],
                )
                messages.success(request, _("已发布第 {n} 版。").format(n=version.number))
                return redirect(f"{request.path}?process={selected.label}")
            except ValidationFailed as exc:
                errors = exc.fields
    versions = process_versions(selected.label) if selected else []
    shown = next(
        (v for v in versions if str(v.pk) == request.GET.get("version")),
        versions[0] if versions else None,
    )
    chart = selected.workflow.flowchart(flowchart_config(shown, role_label)) if selected else ""
    response = render(
        request,
        "core/processes.html",
        {
            "kinds": kinds,
            "selected": selected,
            "versions": versions,
            "shown": shown,
            "chart": chart,
            "can_publish": actor.can("process.manage"),
            "unit_labels": dict(UNIT_CHOICES),
            "errors": errors,
            "posted": posted,
            "example": json.dumps(
                {
                    "steps": {
                        t.name: {
                            "owner_role": "complaint_handler",
                            "target_amount": 10,
                            "target_unit": "working_days",
                        }
                        for t in (selected.workflow.transitions[:1] if selected else [])
                    },
                    "warning_fractions": [0.5, 0.8],
                },
                ensure_ascii=False,
            ),
        },
    )
    response["Content-Security-Policy"] = MERMAID_CSP
    return response
