"""The quality department's survey pages (standard 4.3): plans with their design and results,
questionnaires with their versions. Thin: parse, call one selector or service, render."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from io import BytesIO
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiqc.core.access import require
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING
from hiqc.core.casework import case_actions
from hiqc.core.errors import Conflict, ValidationFailed
from hiqc.core.forms import ChoiceFilters, list_filters, posted_version
from hiqc.core.http import HiqcRequest
from hiqc.customers.enums import Channel

from . import staff_selectors as selectors
from .analysis import DIMENSIONS, Results, plan_results
from .enums import Frame, Frequency, Method, PlanStatus, QuestionKind, Stratify
from .questionnaires import (
    QUESTIONNAIRE_KIND,
    question_add,
    questionnaire_new_version,
    questionnaire_publish,
)
from .services import PLAN_KIND, plan_create, plan_design, plan_set_status

VIEW, MANAGE = "surveys.view", "surveys.manage"
DIMENSION_LABELS = {"org_unit": "按机构", "channel": "按渠道", "product": "按产品",
                    "case_type": "按案件类型", "handler": "按经办人"}  # fmt: skip
PERIODS = {"30": 30, "90": 90, "365": 365, "all": None}


@login_required
def plans_page(request: HiqcRequest) -> HttpResponse:
    require(request.actor, VIEW)
    rows = list(selectors.plans(request.actor))
    return render(request, "surveys/plans.html", {
        "plans": rows, "can_manage": request.actor.can(MANAGE),
    })  # fmt: skip


def _parse_plan(post: Any) -> tuple[dict[str, Any], dict[str, list[str]]]:
    data: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name in ("name", "goal", "frame", "method", "frequency", "place", "stratify_by"):
        data[name] = str(post.get(name, "")).strip()
    if not data["frequency"]:
        del data["frequency"]  # the model's default
    for name in ("start_date", "end_date"):
        raw = str(post.get(name, "")).strip()
        if not raw:
            data[name] = None
            continue
        try:
            data[name] = date.fromisoformat(raw)
        except ValueError:
            errors[name] = [_("请输入日期，例如 2026-12-01。")]
    for name in ("confidence", "expected_response_percent", "fatigue_days", "delay_days",
                 "sampling_percent", "valid_days", "reminder_days", "retention_days"):  # fmt: skip
        raw = str(post.get(name, "")).strip()
        if raw:
            try:
                data[name] = int(raw)
            except ValueError:
                errors[name] = [_("请输入整数。")]
    raw_margin = str(post.get("margin", "")).strip()
    if raw_margin:
        try:
            data["margin"] = float(raw_margin) / 100  # entered in percentage points
        except ValueError:
            errors["margin"] = [_("请输入数字，例如 5 表示 ±5 个百分点。")]
    data["products"] = [p for p in post.getlist("products") if p]
    data["channels"] = [c for c in post.getlist("channels") if c]
    return data, errors


@login_required
def plan_new_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, MANAGE)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {"confidence": 95, "margin": 5, "expected_response_percent": 30,
                              "fatigue_days": 90, "delay_days": 3, "sampling_percent": 30,
                              "valid_days": 14, "reminder_days": 5, "retention_days": 730,
                              "frequency": Frequency.CONTINUOUS, "stratify_by": Stratify.ORG_UNIT,
                              "start_date": datetime.now(BEIJING).date().isoformat()}  # fmt: skip
    status = 200
    if request.method == "POST":
        data, errors = _parse_plan(request.POST)
        values = {**request.POST.dict(), "products": data["products"], "channels": data["channels"]}
        if not errors:
            try:
                plan = plan_create(actor, org_unit_id=request.POST.get("org_unit"),
                                   questionnaire_id=request.POST.get("questionnaire") or None,
                                   data={k: v for k, v in data.items() if v is not None or k == "end_date"})  # fmt: skip
            except ValidationFailed as exc:
                errors = exc.fields or {}
                messages.error(request, exc.message)
            else:
                messages.success(request, _("已创建调查方案。"))
                return redirect("surveys:plan", plan.pk)
        status = 400
    return render(request, "surveys/plan_new.html", {
        "values": values, "errors": errors,
        "units": selectors.units_for(actor, MANAGE),
        "questionnaires": selectors.published_questionnaires(),
        "products": selectors.products(),
        "frames": Frame.choices, "methods": Method.choices, "frequencies": Frequency.choices,
        "stratify": Stratify.choices, "channels": Channel.choices,
    }, status=status)  # fmt: skip


def _period(request: HiqcRequest, key: str | None = None) -> tuple[str, datetime | None]:
    key = key or request.GET.get("period", "all")
    if key not in PERIODS:
        key = "all"
    days = PERIODS[key]
    return key, (datetime.now(BEIJING) - timedelta(days=days)) if days else None


@login_required
def plan_page(request: HiqcRequest, plan_id: Any, status: int = 200) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    plan = selectors.plan(actor, plan_id)
    units = list(selectors.units_below(actor, plan.org_unit))
    filters = ChoiceFilters(request.GET, fields={
        "period": (_("期间"), [(p, p) for p in PERIODS]),
        "unit": (_("机构"), [(str(u.pk), u.localized_name) for u in units]),
    })  # fmt: skip
    f = list_filters(filters)  # a bad filter is shown at its field; the valid ones still apply
    period, start = _period(request, f.get("period") or "all")
    unit = next((u for u in units if str(u.pk) == f.get("unit")), None)
    results = plan_results(plan, start=start, org_path=unit.path if unit else plan.org_unit.path)
    sentiment = request.GET.get("sentiment", "")
    texts = [t for t in results.texts if not sentiment or t.sentiment == sentiment]
    names = selectors.stratum_names(plan)
    return render(request, "surveys/plan.html", {
        "plan": plan, "r": results, "period": period, "periods": list(PERIODS),
        "filters": filters, "units": units, "unit": unit, "sentiment": sentiment, "texts": texts[:50], "text_total": len(texts),
        "dimensions": [(d, _(DIMENSION_LABELS[d]), results.breakdowns[d]) for d in DIMENSIONS],
        "quota_rows": [(names.get(k, k or _("全部")), used, quota)
                       for k, used, quota in selectors.quota_progress(plan)],
        "design": plan_design(plan) if plan.status == PlanStatus.DRAFT else None,
        "can_manage": actor.can(MANAGE, plan.org_unit.path),
        "allowed": [t.name for t in case_actions(PLAN_KIND, plan, actor)[0]],
        "scale_kinds": (QuestionKind.SCALE, QuestionKind.NPS),
        "choice_kinds": (QuestionKind.SINGLE, QuestionKind.MULTIPLE),
    }, status=status)  # fmt: skip


@login_required
@require_POST
def plan_status(request: HiqcRequest, plan_id: Any) -> HttpResponse:
    plan = selectors.plan(request.actor, plan_id, MANAGE)
    try:
        plan_set_status(request.actor, plan, request.POST.get("status", ""),
                        version=posted_version(request.POST))  # fmt: skip
    except Conflict as exc:
        messages.error(request, exc.message)
        return plan_page(request, plan_id, status=exc.status)  # the page as it is now, 409
    messages.success(request, _("方案状态已更新。"))
    return redirect("surveys:plan", plan.pk)


def _workbook(results: Results) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = _("概况")
    ci, ni, ri = results.csat.interval, results.nps.interval, results.response.interval
    ws.append([_("方案"), results.plan.name])
    ws.append([_("邀请数"), results.invited])
    ws.append([_("完成答卷"), results.answered])
    ws.append([_("回收率"), results.response.value, *(ri or ())])
    ws.append([_("满意度（4–5 分占比）"), results.csat.value, *(ci or ()), results.csat.n])
    ws.append([_("净推荐值"), results.nps.value, *(ni or ()), results.nps.n])
    qs = wb.create_sheet(_("题目"))
    qs.append([_("编码"), _("题目"), _("答卷数"), _("平均分"), _("95% 下限"), _("95% 上限")])
    for q in results.questions:
        qs.append([q.question.code, q.question.text, q.n, q.mean, q.low, q.high])
    for dim in DIMENSIONS:
        sheet = wb.create_sheet(_(DIMENSION_LABELS[dim]))
        sheet.append([_("分组"), _("邀请"), _("完成"), _("满意度"), _("净推荐值"), _("说明")])
        for c in results.breakdowns[dim]:
            if c.suppressed:
                sheet.append([c.name, c.invited, c.answered, None, None,
                              _("答卷少于 {n} 份，不显示结果").format(n=results.min_cell)])  # fmt: skip
            else:
                sheet.append([c.name, c.invited, c.answered, c.csat.value, c.nps.value, ""])
    ts = wb.create_sheet(_("文字意见"))
    ts.append([_("案件"), _("题目"), _("意见（已脱敏）"), _("总体满意度")])
    for t in results.texts:
        ts.append([t.case_number, t.question, t.text, t.score])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


@login_required
def plan_report_xlsx(request: HiqcRequest, plan_id: Any) -> HttpResponse:
    require(request.actor, VIEW)
    plan = selectors.plan(request.actor, plan_id)
    _key, start = _period(request)
    results = plan_results(plan, start=start, org_path=plan.org_unit.path)
    audit_record(actor=request.actor, action="surveys.report.export", subject=plan)
    response = HttpResponse(
        _workbook(results),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="survey-{plan.pk}.xlsx"'
    return response


def report_pdf(results: Results, *, start: datetime | None) -> bytes:
    """The plan's report as a printed page with its charts (``hiqc.core.pdf``)."""
    from django.template.loader import render_to_string
    from django.utils import timezone

    from hiqc.core.pdf import asset_uri, html_to_pdf

    units = [c for c in results.breakdowns["org_unit"] if not c.suppressed and c.csat.n]
    overall = next((q for q in results.questions if q.question.overall), None)
    chart = {
        "units": {"names": [c.name for c in units],
                  "values": [round(100 * (c.csat.value or 0), 1) for c in units]},
        "scores": {"labels": [label for _v, label, _n in overall.counts] if overall else [],
                   "values": [n for _v, _l, n in overall.counts] if overall else []},
    }  # fmt: skip
    html = render_to_string("surveys/report_pdf.html", {
        "plan": results.plan, "r": results, "start": start, "generated": timezone.now(),
        "dimensions": [(d, _(DIMENSION_LABELS[d]), results.breakdowns[d]) for d in DIMENSIONS],
        "texts": [t for t in results.texts if t.sentiment == "negative"][:30]
        + [t for t in results.texts if t.sentiment != "negative"][:10],
        "chart": chart,
        "assets": {"css": asset_uri("surveys/report.css"), "js": asset_uri("surveys/report.js"),
                   "echarts": asset_uri("vendor/echarts.min.js")},
    })  # fmt: skip
    return html_to_pdf(html)


@login_required
def plan_report_pdf(request: HiqcRequest, plan_id: Any) -> HttpResponse:
    require(request.actor, VIEW)
    plan = selectors.plan(request.actor, plan_id)
    _key, start = _period(request)
    results = plan_results(plan, start=start, org_path=plan.org_unit.path)
    audit_record(actor=request.actor, action="surveys.report.export", subject=plan,
                 data={"format": "pdf"})  # fmt: skip
    response = HttpResponse(report_pdf(results, start=start), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="survey-{plan.pk}.pdf"'
    return response


@login_required
def questionnaires_page(request: HiqcRequest) -> HttpResponse:
    require(request.actor, VIEW)
    return render(request, "surveys/questionnaires.html", {
        "rows": selectors.questionnaires(),
        "can_manage": request.actor.can(MANAGE, selectors.head_office_path()),
    })  # fmt: skip


@login_required
def questionnaire_page(request: HiqcRequest, questionnaire_id: Any) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    q = selectors.questionnaire(questionnaire_id)
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        require(actor, MANAGE)
        action = request.POST.get("action")
        try:
            if action == "publish":
                questionnaire_publish(actor, q, version=posted_version(request.POST))
                messages.success(request, _("问卷已发布，此版本已冻结。"))
                return redirect("surveys:questionnaire", q.pk)
            if action == "new_version":
                draft = questionnaire_new_version(actor, q.code)
                messages.success(request, _("已创建新版本草稿。"))
                return redirect("surveys:questionnaire", draft.pk)
            if action == "add":
                options = [{"value": str(i + 1), "label": line.strip()}
                           for i, line in enumerate(request.POST.get("options", "").splitlines())
                           if line.strip()]  # fmt: skip
                question_add(actor, q, code=request.POST.get("code", "").strip(),
                             kind=request.POST.get("kind", ""),
                             text=request.POST.get("text", "").strip(), options=options,
                             required=bool(request.POST.get("required")),
                             scale=request.POST.get("scale", "").strip())  # fmt: skip
                messages.success(request, _("已添加题目。"))
                return redirect("surveys:questionnaire", q.pk)
        except ValidationFailed as exc:
            errors, status = exc.fields or {}, 400
            messages.error(request, exc.message)
        except Conflict as exc:
            status = 409
            messages.error(request, exc.message)
            q = selectors.questionnaire(questionnaire_id)
    allowed, held = case_actions(QUESTIONNAIRE_KIND, q, actor)
    labels = {t.name: _(t.label) for t in QUESTIONNAIRE_KIND.workflow.transitions}
    return render(request, "surveys/questionnaire.html", {
        "q": q, "questions": q.questions.order_by("position"), "errors": errors,
        "kinds": QuestionKind.choices, "posted": request.POST,
        "can_manage": actor.can(MANAGE, selectors.head_office_path()),
        "allowed": [t.name for t in allowed],
        "unavailable": [{"name": n, "label": labels[n], "reason": r} for n, r in held.items()],
    }, status=status)  # fmt: skip
