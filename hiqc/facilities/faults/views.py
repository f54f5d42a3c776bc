"""Fault ticket pages (standard 8.2.3; issue 19 §5): the list (open tickets with breached clocks
first, then by severity), the report form, the ticket page with its actions, the monitoring
import. Thin: every read is a selector or a door, every write a service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
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
from hiqc.core.errors import ValidationFailed
from hiqc.core.forms import ChoiceFilters, list_filters
from hiqc.core.http import HiqcRequest
from hiqc.core.mywork import countdown

from .. import selectors as facility_selectors
from ..enums import MANAGE, VIEW, EquipmentState
from . import selectors
from .enums import FAULT_REPORT, FaultCause, FaultSeverity, FaultStatus
from .services import KIND, SAMPLE, fault_act, fault_report, faults_import, repairers
from .workflow import ACTION_LABELS, FAULT

T = "facilities/faults/"
ACTION_INPUTS = {
    "assign": [("assignee", "select", gettext_noop("维修人员"))],
    "repair": [("cause", "select", gettext_noop("故障原因")),
               ("resolution", "textarea", gettext_noop("处理结果")),
               ("down_until", "datetime", gettext_noop("服务恢复时间"))],
    "reopen": [("reason", "textarea", gettext_noop("未达要求的情况"))],
    "cancel": [("reason", "textarea", gettext_noop("撤销理由"))],
}  # fmt: skip


def _rows(faults: Any) -> list[dict[str, Any]]:
    now = timezone.now()
    clocks = selectors.open_clocks([f.pk for f in faults])
    return [{"f": f, "clocks": [{"d": d, "left": countdown(d, now)}
                                for d in clocks.get(str(f.pk), [])]} for f in faults]  # fmt: skip


@login_required
def faults_page(request: HiqcRequest) -> HttpResponse:
    """Open tickets (breached first, then by severity) or, filtered, every ticket."""
    actor = request.actor
    require(actor, VIEW)
    form = ChoiceFilters(request.GET, fields={
        "status": (_("状态"), FaultStatus.choices),
        "severity": (_("严重程度"), FaultSeverity.choices),
    })  # fmt: skip
    f = list_filters(form)
    status = f.get("status") or ""
    qs = selectors.fault_list(actor, status=status, severity=f.get("severity") or "",
                              open_only=not status)  # fmt: skip
    if not status:
        qs = selectors.fault_queue(qs)
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, T + "list.html", {
        "page": page, "rows": _rows(list(page)), "form": form, "open_only": not status,
        "can_report": actor.can(FAULT_REPORT), "can_import": actor.can(MANAGE),
    })  # fmt: skip


@login_required
def fault_report_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, FAULT_REPORT)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"severity": FaultSeverity.MAJOR,
                              "equipment": request.GET.get("equipment", "")}  # fmt: skip
    status = 200
    if request.method == "POST":
        case, errors, values, status = post_form(
            request, lambda d: fault_report(actor=actor, data=d), _("已报告故障。")
        )
        if case is not None:
            return redirect("facilities:fault", case.pk)
    equipment = facility_selectors.equipment_list(actor).exclude(state=EquipmentState.DISPOSED)
    return render(request, T + "report.html", {
        "errors": errors, "values": values, "severities": FaultSeverity.choices,
        "equipment": [e for e in equipment[:2000] if actor.can(FAULT_REPORT, e.org_unit.path)],
    }, status=status)  # fmt: skip


def _case_context(request: HiqcRequest, case: Any, refused: RefusedAction | None = None
                  ) -> dict[str, Any]:  # fmt: skip
    now = timezone.now()
    forms = case_action_forms(KIND, case, request.actor, ACTION_INPUTS, refused=refused)
    options: dict[str, list[tuple[str, Any]]] = {"cause": list(FaultCause.choices)}
    if any(a["name"] == "assign" for a in forms["actions"]):
        options["assignee"] = list(selectors.people_named(repairers(case)))
    for a in forms["actions"]:
        for i in a["inputs"]:
            i["options"] = options.get(i["name"], [])
    hours = None
    if case.down_until is not None:
        hours = (case.down_until - case.down_from).total_seconds() / 3600
    return {
        **forms, "f": case, "downtime_hours": hours,
        "clocks": [{"d": d, "left": countdown(d, now)} for d in case_deadlines(KIND, case)],
        "events": history(KIND, case, ACTION_LABELS, dict(FaultStatus.choices)),
    }  # fmt: skip


@login_required
def fault_page(request: HiqcRequest, fault_id: str) -> HttpResponse:
    case = selectors.access_fault(request.actor, fault_id)
    return render(request, T + "fault.html", _case_context(request, case))


@login_required
@require_POST
def fault_action(request: HiqcRequest, fault_id: str, action: str) -> HttpResponse:
    actor = request.actor
    case = selectors.access_fault(actor, fault_id)
    return post_case_action(
        request, case_id=str(case.pk), action=action[:60], workflow=FAULT,
        apply=lambda **kw: fault_act(actor=actor, fault_id=case.pk, action=action[:60], **kw),
        reload=lambda: selectors.access_fault(actor, case.pk), context=_case_context,
        template=T + "fault.html", url_name="facilities:fault",
    )  # fmt: skip


@login_required
def faults_import_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, MANAGE)
    if request.GET.get("sample"):
        response = HttpResponse(SAMPLE.encode("utf-8-sig"), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="alarms-sample.csv"'
        return response
    report = None
    status = 200
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("请选择要导入的 CSV 或 Excel 文件。"))
            status = 422
        else:
            try:
                report = faults_import(actor=actor, source=upload, origin="page")
            except ValidationFailed as exc:
                messages.error(request, exc.message)
                status = 422
    return render(request, T + "import.html", {"report": report}, status=status)
