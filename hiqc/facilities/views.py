"""Facilities pages (standard chapter 8; issue 19 §1–§3): the outlet register and an outlet's
page, inspections (plan; the phone-sized inspection form with photos), rectification tasks,
equipment files with their history and import, the checklist and its versions. Thin: every read
is a selector or a door, every write a service."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_POST

from hiqc.core.access import require
from hiqc.core.calendar import BEIJING
from hiqc.core.case_pages import history, post_case_action, post_form
from hiqc.core.casework import RefusedAction, case_action_forms, case_deadlines
from hiqc.core.checklists import (
    checklist_draft,
    checklist_items,
    checklist_items_set,
    checklist_publish,
    checklist_versions,
)
from hiqc.core.downtime import downtime_intervals
from hiqc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hiqc.core.forms import ChoiceFilters, list_filters
from hiqc.core.http import HiqcRequest
from hiqc.core.mywork import countdown
from hiqc.organisations.selectors import units_in_scope

from . import selectors
from .enums import (
    CHECKLISTS,
    INSPECT,
    MANAGE,
    OUTLET_CHECKLIST,
    VIEW,
    EquipmentCategory,
    EquipmentState,
    EventKind,
    InspectionKind,
    RectificationStatus,
)
from .equipment.services import (
    SAMPLE,
    equipment_create,
    equipment_event_record,
    equipment_import,
)
from .faults.enums import FAULT_REPORT
from .faults.selectors import fault_list
from .maintenance import views as maintenance_views
from .services import (
    BOOL_FIELDS,
    KIND,
    inspection_perform,
    inspection_plan,
    outlet_checklist,
    outlet_facility_save,
    rectification_act,
)
from .workflow import ACTION_LABELS, RECTIFICATION

T = "facilities/"
ACTION_INPUTS = {
    "rectify": [("correction", "textarea", gettext_noop("整改措施与完成情况"))],
    "verify": [("verification", "textarea", gettext_noop("现场验证结果"))],
    "reject": [("reason", "textarea", gettext_noop("未通过的原因"))],
    "cancel": [("reason", "textarea", gettext_noop("撤销理由"))],
}  # fmt: skip


def _today() -> Any:
    return timezone.now().astimezone(BEIJING).date()


# --- outlets -------------------------------------------------------------------------------------


@login_required
def outlets_page(request: HiqcRequest) -> HttpResponse:
    require(request.actor, VIEW)
    rows = selectors.results_by_outlet(request.actor)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, T + "outlets.html", {
        "page": page, "trend": selectors.inspection_trend(request.actor),
    })  # fmt: skip


@login_required
def outlet_page(request: HiqcRequest, outlet_id: str) -> HttpResponse:
    actor = request.actor
    unit = selectors.access_outlet(actor, outlet_id)
    errors: dict[str, list[str]] = {}
    status = 200
    record = selectors.facility_of(unit)
    values: dict[str, Any] = {}
    if request.method == "POST":
        _r, errors, values, status = post_form(
            request, lambda d: outlet_facility_save(actor=actor, org_unit_id=unit.pk, data=d),
            _("已保存网点设施档案。"),
        )  # fmt: skip
        if not errors and status == 200:
            return redirect("facilities:outlet", unit.pk)
    elif record is not None:
        values = {f: getattr(record, f) for f in (*BOOL_FIELDS, "private_windows",
                  "reception_seats", "address", "opening_hours", "note", "floor_area")}  # fmt: skip
    return render(request, T + "outlet.html", {
        "unit": unit, "record": record, "errors": errors, "values": values,
        "gaps": record.gaps() if record else None,
        "inspections": selectors.inspection_list(actor, org_unit_id=unit.pk)[:24],
        "rectifications": selectors.rectification_list(actor, org_unit_id=unit.pk)[:50],
        "trend": selectors.inspection_trend(actor, org_unit_id=unit.pk),
        "downtime": _outlet_downtime(unit),
        "can_manage": actor.can(MANAGE, unit.path), "can_inspect": actor.can(INSPECT, unit.path),
        "kinds": InspectionKind.choices, "bool_fields": BOOL_FIELDS,
    }, status=status)  # fmt: skip


DOWNTIME_DAYS = 90


def _outlet_downtime(unit: Any) -> list[dict[str, Any]]:
    """The outlet's equipment outages of the last 90 days (issue 19 §6), newest first, with their
    hours (still down: until now), through the kernel's downtime registry."""
    now = timezone.now()
    rows = downtime_intervals(unit.path, now - timedelta(days=DOWNTIME_DAYS), now)
    return [{"d": d, "hours": ((d.end or now) - d.start).total_seconds() / 3600}
            for d in reversed(rows)]  # fmt: skip


# --- inspections ---------------------------------------------------------------------------------


@login_required
def inspections_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"kind": InspectionKind.FACILITY}
    status = 200
    if request.method == "POST":
        inspection, errors, values, status = post_form(
            request, lambda d: inspection_plan(actor=actor, data=d), _("已安排检查。")
        )
        if inspection is not None:
            return redirect("facilities:inspection", inspection.pk)
    form = ChoiceFilters(request.GET, fields={"state": (_("状态"), [
        ("planned", _("待检查")), ("overdue", _("已逾期")), ("done", _("已完成"))])})  # fmt: skip
    f = list_filters(form)
    qs = selectors.inspection_list(actor, state=f.get("state") or "", today=_today())
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    return render(request, T + "inspections.html", {
        "page": page, "form": form, "errors": errors, "values": values, "today": _today(),
        "units": selectors.outlets(actor, perm=INSPECT) if actor.can(INSPECT) else [],
        "kinds": InspectionKind.choices, "can_inspect": actor.can(INSPECT),
    }, status=status)  # fmt: skip


def _inspection_context(request: HiqcRequest, inspection: Any) -> dict[str, Any]:
    actor = request.actor
    performed = inspection.performed_at is not None
    checklist = inspection.checklist if performed else outlet_checklist()
    marks = {m.item_id: m for m in selectors.inspection_marks(inspection)}
    items = [{"item": i, "mark": marks.get(i.pk)} for i in checklist_items(checklist)]
    return {
        "i": inspection, "checklist": checklist, "items": items, "performed": performed,
        "photos": selectors.inspection_photos(inspection),
        "rectifications": list(inspection.rectifications.all()),
        "can_perform": not performed and actor.can(INSPECT, inspection.org_unit.path),
        "today": _today(),
    }  # fmt: skip


@login_required
def inspection_page(request: HiqcRequest, inspection_id: str) -> HttpResponse:
    actor = request.actor
    inspection = selectors.access_inspection(actor, inspection_id)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        post = request.POST
        marks = {k[5:]: v for k, v in post.items() if k.startswith("mark_")}
        notes = {k[5:]: str(v) for k, v in post.items() if k.startswith("note_")}
        photos = [(k[6:] if k.startswith("photo_") else None, f)
                  for k in request.FILES for f in request.FILES.getlist(k)]  # fmt: skip
        try:
            inspection_perform(actor=actor, inspection_id=inspection.pk, marks=marks,
                               notes=notes, summary=post.get("notes", ""), photos=photos)  # fmt: skip
        except (ValidationFailed, Conflict, Forbidden) as exc:
            messages.error(request, exc.message)
            errors, values, status = getattr(exc, "fields", None) or {}, post.dict(), exc.status
        else:
            done = selectors.access_inspection(actor, inspection.pk)
            n = done.rectifications.count()
            messages.success(request, _("已完成检查。") + (
                _("{n} 个不合格项已生成整改任务。").format(n=n) if n else ""))  # fmt: skip
            return redirect("facilities:inspection", inspection.pk)
    context = _inspection_context(request, inspection)
    for row in context["items"]:
        sid = str(row["item"].pk)
        row["value"] = values.get(f"mark_{sid}", "")
        row["note_value"] = values.get(f"note_{sid}", "")
        row["errors"] = errors.get(f"item_{sid}", []) + errors.get(f"photo_{sid}", [])
    return render(request, T + "inspection.html", {
        **context, "errors": errors, "values": values,
    }, status=status)  # fmt: skip


@login_required
def photo_file(request: HiqcRequest, photo_id: str) -> FileResponse:
    photo = selectors.access_photo(request.actor, photo_id)
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


# --- rectifications ------------------------------------------------------------------------------


@login_required
def rectifications_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    form = ChoiceFilters(request.GET, fields={"status": (_("状态"), RectificationStatus.choices)})
    f = list_filters(form)
    qs = selectors.rectification_list(actor, status=f.get("status") or "")
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    now = timezone.now()
    clocks = selectors.open_clocks([r.pk for r in page])
    rows = [{"r": r, "clocks": [{"d": d, "left": countdown(d, now)}
                                for d in clocks.get(str(r.pk), [])]} for r in page]  # fmt: skip
    return render(request, T + "rectifications.html", {"page": page, "rows": rows, "form": form})


def _case_context(request: HiqcRequest, case: Any, refused: RefusedAction | None = None
                  ) -> dict[str, Any]:  # fmt: skip
    now = timezone.now()
    states = dict(RectificationStatus.choices)
    return {
        **case_action_forms(KIND, case, request.actor, ACTION_INPUTS, refused=refused),
        "r": case,
        "clocks": [{"d": d, "left": countdown(d, now)} for d in case_deadlines(KIND, case)],
        "events": history(KIND, case, ACTION_LABELS, states),
    }  # fmt: skip


@login_required
def rectification_page(request: HiqcRequest, case_id: str) -> HttpResponse:
    case = selectors.access_rectification(request.actor, case_id)
    return render(request, T + "rectification.html", _case_context(request, case))


@login_required
@require_POST
def rectification_action(request: HiqcRequest, case_id: str, action: str) -> HttpResponse:
    actor = request.actor
    case = selectors.access_rectification(actor, case_id)
    return post_case_action(
        request, case_id=str(case.pk), action=action[:60], workflow=RECTIFICATION,
        apply=lambda **kw: rectification_act(actor=actor, case_id=case.pk, action=action[:60], **kw),
        reload=lambda: selectors.access_rectification(actor, case.pk), context=_case_context,
        template=T + "rectification.html", url_name="facilities:rectification",
    )  # fmt: skip


# --- equipment -----------------------------------------------------------------------------------


@login_required
def equipment_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        created, errors, values, status = post_form(
            request, lambda d: equipment_create(actor=actor, data=d), _("已登记设备档案。")
        )
        if created is not None:
            return redirect("facilities:equipment_detail", created.pk)
    form = ChoiceFilters(request.GET, fields={"category": (_("类别"), EquipmentCategory.choices),
                                              "state": (_("状态"), EquipmentState.choices)})  # fmt: skip
    f = list_filters(form)
    q = str(request.GET.get("q") or "").strip()[:60]
    qs = selectors.equipment_list(actor, category=f.get("category") or "",
                                  state=f.get("state") or "", q=q)  # fmt: skip
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    can_manage = actor.can(MANAGE)
    return render(request, T + "equipment.html", {
        "page": page, "form": form, "q": q, "errors": errors, "values": values,
        "can_manage": can_manage, "categories": EquipmentCategory.choices,
        "states": [c for c in EquipmentState.choices if c[0] != EquipmentState.DISPOSED],
        "units": units_in_scope(actor, MANAGE) if can_manage else [],
    }, status=status)  # fmt: skip


@login_required
def equipment_detail_page(request: HiqcRequest, equipment_id: str) -> HttpResponse:
    actor = request.actor
    equipment = selectors.access_equipment(actor, equipment_id)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        event, errors, values, status = post_form(
            request, lambda d: equipment_event_record(actor=actor, equipment_id=equipment.pk,
                                                      data=d), _("已登记设备履历。"))  # fmt: skip
        if event is not None:
            return redirect("facilities:equipment_detail", equipment.pk)
    can_manage = actor.can(MANAGE, equipment.org_unit.path)
    return render(request, T + "equipment_detail.html", {
        "e": equipment, "history": selectors.equipment_history(equipment),
        "faults": fault_list(actor, equipment_id=equipment.pk)[:20],
        "can_report_fault": actor.can(FAULT_REPORT, equipment.org_unit.path),
        "errors": errors, "values": values, "can_manage": can_manage, "today": _today(),
        "kinds": [c for c in EventKind.choices if c[0] != EventKind.ACQUIRED],
        "units": units_in_scope(actor, MANAGE) if can_manage else [],
        **maintenance_views.equipment_context(equipment),
    }, status=status)  # fmt: skip


@login_required
def equipment_import_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, MANAGE)
    if request.GET.get("sample"):
        response = HttpResponse(SAMPLE.encode("utf-8-sig"), content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="equipment-sample.csv"'
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
                report = equipment_import(actor=actor, source=upload, origin="page")
            except ValidationFailed as exc:
                messages.error(request, exc.message)
                status = 422
    return render(request, T + "equipment_import.html", {"report": report}, status=status)


# --- the checklist -------------------------------------------------------------------------------


@login_required
def checklist_page(request: HiqcRequest) -> HttpResponse:
    """The outlet checklist's versions and items; head-office holders of facilities.checklists
    edit a draft (the next version) and publish it."""
    actor = request.actor
    require(actor, VIEW)
    versions = list(checklist_versions(OUTLET_CHECKLIST))
    can_edit = actor.can_globally(CHECKLISTS)
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        if not can_edit:
            raise Forbidden(_("只有总公司的授权人员可以维护评分清单。"))
        op = request.POST.get("op")
        try:
            if op == "draft":
                checklist_draft(actor=actor, perm=CHECKLISTS, code=OUTLET_CHECKLIST)
                messages.success(request, _("已创建新版本草稿。"))
            elif op == "save":
                rows = []
                n = 1
                while f"text_{n}" in request.POST:
                    if request.POST.get(f"text_{n}", "").strip():
                        rows.append({k: request.POST.get(f"{k}_{n}", "") for k in
                                     ("category", "text", "points", "critical", "clause")})  # fmt: skip
                    n += 1
                checklist_items_set(actor=actor, perm=CHECKLISTS,
                                    checklist_id=request.POST.get("checklist"), items=rows,
                                    note=request.POST.get("note", ""))  # fmt: skip
                messages.success(request, _("已保存草稿。"))
            elif op == "publish":
                checklist_publish(actor=actor, perm=CHECKLISTS,
                                  checklist_id=request.POST.get("checklist"))  # fmt: skip
                messages.success(request, _("已发布新版本。"))
            else:
                raise NotFound()
        except (ValidationFailed, Conflict) as exc:
            messages.error(request, exc.message)
            errors, status = getattr(exc, "fields", None) or {}, exc.status
        else:
            return redirect("facilities:checklist")
    shown = versions[0] if versions else None
    return render(request, T + "checklist.html", {
        "versions": versions, "shown": shown,
        "items": checklist_items(shown) if shown else [],
        "can_edit": can_edit, "errors": errors,
        "blank_rows": range(len(checklist_items(shown)) + 1, len(checklist_items(shown)) + 4)
        if shown else [],
    }, status=status)  # fmt: skip
