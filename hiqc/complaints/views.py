"""Complaint pages (issue 4 §9): list, registration, detail with the actions allowed now, letters.

Pages call the same services as the API; the services decide, these views only carry inputs and
errors back and forth.
"""

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
from hiqc.core.case_pages import post_case_action
from hiqc.core.casework import RefusedAction, case_action_forms
from hiqc.core.crypto import encrypted_fields
from hiqc.core.errors import ValidationFailed
from hiqc.core.forms import list_filters
from hiqc.core.http import HiqcRequest
from hiqc.core.mywork import countdown
from hiqc.core.pagecache import cached_page
from hiqc.customers.enums import Channel
from hiqc.customers.masking import masked
from hiqc.customers.selectors import customer_list
from hiqc.organisations.selectors import units_in_scope

from . import selectors, services
from .enums import Outcome, Source, Status
from .forms import ComplaintFilterForm, ComplaintForm
from .models import Complaint
from .recusal import eligible_handlers
from .workflow import WORKFLOW

# What each action asks for on the page: (input name, kind, label).
ACTION_INPUTS: dict[str, list[tuple[str, str, str]]] = {
    "assign": [("assignee", "handler", gettext_noop("承办人"))],
    "reassign": [
        ("assignee", "handler", gettext_noop("新承办人")),
        ("reason", "text", gettext_noop("改派原因")),
    ],
    "extend": [("reason", "textarea", gettext_noop("延期理由（将写入告知书）"))],
    "request_further_extension": [
        ("reason", "textarea", gettext_noop("申请再延期的理由（情况特别复杂之处）"))
    ],
    "extend_further": [("reason", "textarea", gettext_noop("再次延期理由（将写入告知书）"))],
    "start_appraisal": [("reason", "textarea", gettext_noop("鉴定事项"))],
    "end_appraisal": [],
    "new_facts": [("summary", "textarea", gettext_noop("新事实、新理由摘要"))],
    "withdraw": [("reason", "text", gettext_noop("撤回方式与说明"))],
    "merge": [("into", "text", gettext_noop("合并至投诉编号"))],
    "decide": [
        ("outcome", "outcome", gettext_noop("处理结果")),
        ("root_cause", "root_cause", gettext_noop("根因")),
        ("facts_found", "textarea", gettext_noop("查明事实")),
        ("basis", "textarea", gettext_noop("处理依据与理由")),
        ("decision_text", "textarea", gettext_noop("处理决定")),
    ],
    "request_review": [("reason", "textarea", gettext_noop("核查申请理由"))],
    "conclude_review": [("opinion", "textarea", gettext_noop("核查意见"))],
    "archive": [],
}
ACTION_HINTS: dict[str, str] = {
    "extend": gettext_noop("情况复杂的，可延长至自收到投诉之日起30日，并告知投诉人（CP-2）。"),
    "request_further_extension": gettext_noop(
        "情况特别复杂、30日内仍无法办结的，报总公司高级管理人员批准再延长30日（CP-3）；"
        "批准人将收到待办通知。"
    ),
    "extend_further": gettext_noop(
        "情况特别复杂的，经总公司高级管理人员批准可再延长30日，并告知投诉人（CP-3）。"
    ),
    "start_appraisal": gettext_noop(
        "外部鉴定、检测、评估时间不计入处理期限（CP-4），将生成告知书。"
    ),
    "new_facts": gettext_noop(
        "投诉人提出新事实、新理由的，处理期限自收到新材料之日起重新计算（CP-4）。"
    ),
    "withdraw": gettext_noop("投诉人撤回的，处理程序自收到撤回之日起终止（CP-4）。"),
    "merge": gettext_noop("处理期间同一投诉人就同一事项再次投诉的，可合并处理（CP-4）。"),
    "decide": gettext_noop(
        "将生成投诉处理决定书，载明查明事实、依据理由、处理决定及救济途径（CP-8）。"
    ),
    "request_review": gettext_noop(
        "投诉人可自收到处理决定之日起30日内向上级机构申请核查（CP-8）。"
    ),
    "archive": gettext_noop("核查申请期届满后归档，按规定期限保存。"),
}


@login_required
@cached_page
def complaint_list_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, "complaints.view")
    units = list(selectors.units_in_view(actor))
    form = ComplaintFilterForm(request.GET or None, units=units)
    f = list_filters(form)  # a bad filter is shown beside its field; the valid ones still apply
    qs = selectors.complaint_list(
        actor,
        q=f.get("q") or "",
        status=f.get("status") or "",
        dispute_type=f.get("dispute_type") or "",
        source=f.get("source") or "",
        org_path=f.get("org") or "",
        received_from=f.get("received_from"),
        received_to=f.get("received_to"),
    )
    # the list shows none of the encrypted free text: not decrypted 6 × 25 times for nothing
    listed = qs.select_related("assignee").defer(*(f.name for f in encrypted_fields(Complaint)))
    page = Paginator(listed, 25).get_page(request.GET.get("page"))
    clocks = selectors.decide_deadlines([c.pk for c in page])
    now = timezone.now()
    rows = []
    for c in page:
        d = clocks.get(str(c.pk))
        rows.append({"c": c, "clock": {"d": d, "left": countdown(d, now)} if d else None})
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "complaints/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "can_register": actor.can("complaints.register"),
        },
    )


def _customer_rows(actor: Any, q: str) -> list[dict[str, Any]]:
    q = q.strip()
    if len(q) < 2:
        return []
    rows = []
    for customer in customer_list(actor, q=q)[:8]:
        complaints = selectors.complaints_of_customer(actor, customer.pk, limit=5)
        rows.append(
            {
                "customer": customer,
                "mobile": masked("mobile", customer.mobile),
                "id_number": masked("id_number", customer.id_number),
                "complaints": complaints,
                "has_open": any(c.status in services.OPEN_STATES for c in complaints),
            }
        )
    return rows


@login_required
def customer_lookup(request: HiqcRequest) -> HttpResponse:
    """HTMX: complainants matching a mobile or ID number (exact, keyed hash) or a name, with their
    recent complaints — so a repeat is seen before it is registered."""
    require(request.actor, "complaints.register")
    rows = _customer_rows(request.actor, request.GET.get("lookup", "")[:60])
    return render(
        request,
        "complaints/_lookup.html",
        {"rows": rows, "lookup": request.GET.get("lookup", ""), "selected": ""},
    )


@login_required
def complaint_new_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, "complaints.register")
    units = units_in_scope(actor, "complaints.register")
    form = ComplaintForm(
        request.POST or None, units=units, staff=selectors.staff_for_register(actor)
    )
    lookup = request.POST.get("lookup", "") if request.method == "POST" else ""
    selected = request.POST.get("customer_id", "") if request.method == "POST" else ""
    problems: dict[str, list[str]] = {}
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "org_unit_id"}
        data["customer_id"] = selected
        if not selected and request.POST.get("new_name", "").strip():
            data["new_complainant"] = {
                "name": request.POST.get("new_name", ""),
                "mobile": request.POST.get("new_mobile", ""),
            }
        try:
            complaint = services.complaint_register(
                actor=actor, org_unit_id=form.cleaned_data["org_unit_id"], data=data
            )
            messages.success(
                request,
                _("投诉 {ref} 已登记，处理期限自接收之日起计算。").format(ref=complaint.reference),
            )
            return redirect("complaints:detail", complaint_id=complaint.pk)
        except ValidationFailed as exc:
            for name, msgs in exc.fields.items():
                for m in msgs:
                    if name in form.fields:
                        form.add_error(name, m)
                    else:
                        problems.setdefault(name, []).append(m)
            if not exc.fields:
                form.add_error(None, exc.message)
    return render(
        request,
        "complaints/new.html",
        {
            "form": form,
            "lookup": lookup,
            "selected": selected,
            "rows": _customer_rows(actor, lookup) if lookup else [],
            "problems": problems,
            "new_name": request.POST.get("new_name", ""),
            "new_mobile": request.POST.get("new_mobile", ""),
        },
        status=422 if request.method == "POST" else 200,
    )


def _detail_context(
    request: HiqcRequest, complaint: Any, refused: RefusedAction | None = None
) -> dict[str, Any]:
    now = timezone.now()
    forms = case_action_forms(
        services.KIND, complaint, request.actor, ACTION_INPUTS, hints=ACTION_HINTS, refused=refused
    )
    labels = {"create": gettext_noop("登记"), **{t.name: t.label for t in WORKFLOW.transitions}}
    states = dict(Status.choices)
    needs_handlers = any(a["name"] in ("assign", "reassign") for a in forms["actions"])
    causes = selectors.root_cause_names()
    return {
        **forms,
        "c": complaint,
        "mobile": masked("mobile", complaint.complainant.mobile),
        "clocks": [
            {"d": d, "left": countdown(d, now)} for d in selectors.case_deadlines(complaint)
        ],
        "handlers": eligible_handlers(complaint) if needs_handlers else [],
        "root_causes": selectors.root_causes(),
        "outcomes": Outcome.choices,
        "letters": selectors.letter_list(complaint),
        "events": [
            {
                "e": e,
                "label": _(labels[e.activity]) if e.activity in labels else e.activity,
                "from": states.get(e.from_state, e.from_state),
                "to": states.get(e.to_state, e.to_state),
                "data": _event_data(e.data, causes),
            }
            for e in selectors.case_events(complaint)
        ],
        "review_last_day": services.review_last_day(complaint),
        "merged": list(complaint.merged.all()),
        "consultations": selectors.linked_consultations(complaint),
    }


EVENT_KEYS: dict[str, str] = {
    "reason": gettext_noop("理由"),
    "summary": gettext_noop("摘要"),
    "summary_chars": gettext_noop("新材料说明字数"),
    "assignee": gettext_noop("承办人"),
    "outcome": gettext_noop("处理结果"),
    "root_cause": gettext_noop("根因"),
    "into": gettext_noop("合并至"),
    "channel": gettext_noop("渠道"),
    "source": gettext_noop("来源"),
    "retain_until": gettext_noop("保存至"),
}
EVENT_VALUES: dict[str, dict[str, Any]] = {
    "outcome": dict(Outcome.choices),
    "channel": dict(Channel.choices),
    "source": dict(Source.choices),
}


def _event_data(data: Any, causes: dict[str, str]) -> list[tuple[str, str]]:
    """An event's recorded inputs with readable names and values (a root cause by its name)."""
    if not isinstance(data, dict):
        return []
    values = {**EVENT_VALUES, "root_cause": causes}
    return [
        (_(EVENT_KEYS[k]) if k in EVENT_KEYS else k, str(values.get(k, {}).get(v, v)))
        for k, v in data.items()
    ]


@login_required
@cached_page
def complaint_detail_page(request: HiqcRequest, complaint_id: str) -> HttpResponse:
    complaint = selectors.access_complaint(request.actor, complaint_id)
    return render(request, "complaints/detail.html", _detail_context(request, complaint))


@login_required
@require_POST
def complaint_action(request: HiqcRequest, complaint_id: str, action: str) -> HttpResponse:
    """Apply one action; a refused one re-renders the page with the form as the user filled it
    in, its field errors beside the fields, and the service's status (422, 409 or 403)."""
    actor = request.actor
    return post_case_action(
        request, case_id=complaint_id, action=action, workflow=WORKFLOW,
        apply=lambda **kw: services.complaint_act(actor=actor, complaint_id=complaint_id,
                                                  action=action, **kw),
        reload=lambda: selectors.access_complaint(actor, complaint_id), context=_detail_context,
        template="complaints/detail.html", url_name="complaints:detail",
    )  # fmt: skip


@login_required
def letter_page(request: HiqcRequest, letter_id: str) -> HttpResponse:
    """A notice as issued, ready to print; the reading is audited (it names the complainant)."""
    letter = selectors.access_letter(request.actor, letter_id)
    body = services.letter_read(actor=request.actor, letter=letter)
    return render(request, "complaints/letter.html", {"letter": letter, "body": body})


def _stats_params(request: HiqcRequest) -> tuple[int, int, Any]:
    from . import stats

    year, quarter = stats.current_quarter(timezone.localdate())
    try:
        year = int(request.GET.get("year", year))
        quarter = int(request.GET.get("quarter", quarter))
        stats.quarter_bounds(year, quarter)
    except ValueError:
        year, quarter = stats.current_quarter(timezone.localdate())
    roots = stats.report_roots(request.actor)
    code = request.GET.get("org", "")
    root = next((u for u in roots if u.code == code), None)
    return year, quarter, root


@login_required
def statistics_page(request: HiqcRequest) -> HttpResponse:
    """Quarterly complaint statistics (CP-10/CP-11) with the industry medians as reference."""
    from . import stats

    require(request.actor, "complaints.view")
    year, quarter, root = _stats_params(request)
    result = stats.quarter_stats(request.actor, year=year, quarter=quarter, root=root)
    chart = {
        "median_label": _("行业中位数"),
        "units": [r.name for r in result.units],
        "rates": [
            {
                "key": key,
                "label": _(label),
                "values": [r.rates.get(key) for r in result.units],
                "median": result.medians.get(key),
            }
            for key, label, _f, _s in stats.RATES
        ],
        "dispute": [{"name": label, "value": n} for _v, label, n in result.by_dispute],
        "product": [{"name": label, "value": n} for _v, label, n in result.by_product],
    }
    this_year = timezone.localdate().year
    return render(
        request,
        "complaints/statistics.html",
        {
            "s": result,
            "chart": chart,
            "rate_defs": [(k, _(label)) for k, label, _f, _s in stats.RATES],
            "rate_tiles": [
                {"label": _(label), "value": result.rates.get(k), "median": result.medians.get(k)}
                for k, label, _f, _s in stats.RATES
            ],
            "unit_rows": [
                {
                    "name": r.name,
                    "received": r.received,
                    "cells": [
                        {
                            "value": r.rates.get(k),
                            # as displayed (2 decimals): 0.2003 shows as 0.20, not above 0.20
                            "above": round(r.rates.get(k) or 0, 2)
                            > result.medians.get(k, float("inf")),
                        }
                        for k, _l, _f, _s in stats.RATES
                    ],
                }
                for r in result.units
            ],
            "roots": stats.report_roots(request.actor),
            "years": list(range(this_year, this_year - 4, -1)),
            "quarters": [1, 2, 3, 4],
            "can_export": request.actor.can("complaints.report"),
        },
    )


@login_required
def statistics_export(request: HiqcRequest) -> HttpResponse:
    """The regulator-style workbook for the quarter; the export is audited."""
    from . import stats

    require(request.actor, "complaints.report")
    year, quarter, root = _stats_params(request)
    result = stats.quarter_stats(request.actor, year=year, quarter=quarter, root=root)
    body = stats.regulator_workbook(request.actor, result)
    response = HttpResponse(
        body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    name = f"hiqc-complaints-{year}Q{quarter}{'-' + root.code if root else ''}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
