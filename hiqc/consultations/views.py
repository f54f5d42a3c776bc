"""Pages: capture (built for agents), list, detail with the actions allowed now, suggestions and
the topic taxonomy. Thin: they call the same selectors and services as the API."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiqc.core.access import require
from hiqc.core.casework import Source, case_allowed_actions, case_representation
from hiqc.core.errors import Conflict, ValidationFailed
from hiqc.core.forms import list_filters, posted_version
from hiqc.core.http import HiqcRequest
from hiqc.core.models import Deadline
from hiqc.customers.masking import masked
from hiqc.organisations.selectors import units_in_scope

from . import selectors, services
from .forms import (
    CaptureForm,
    ComplaintConversionForm,
    ConsultationFilterForm,
    SuggestionDecideForm,
)
from .workflow import (
    ACTION_LABELS,
    COMPLAINT_INPUTS,
    CONFIGURE_PERM,
    HANDLE,
    SUGGESTION_ACTIONS,
    VIEW,
)


def mask_name(name: str) -> str:
    return (name[:1] + "*" * max(1, len(name) - 1)) if name else ""


def who(c) -> dict:
    """The caller as shown by default: masked (DESIGN rule 6)."""
    if c.customer_id:
        return {
            "name": mask_name(c.customer.name),
            "mobile": masked("mobile", c.customer.mobile),
            "anonymous": False,
        }
    return {
        "name": mask_name(c.contact_name),
        "mobile": masked("mobile", c.contact_mobile),
        "anonymous": True,
    }


def _attach(form, exc: ValidationFailed) -> None:
    for name, msgs in exc.fields.items():
        for m in msgs:
            form.add_error(name if name in form.fields else None, m)


@login_required
def consultation_capture_page(request: HiqcRequest) -> HttpResponse:
    """坐席登记咨询: lookup first (autofocus), then the consultation; Enter submits."""
    actor = request.actor
    require(actor, HANDLE)
    units = list(units_in_scope(actor, HANDLE))
    categories = selectors.topic_categories()
    initial = {"org_unit": next((str(u.pk) for u in units if u.path == actor.home_path), "")}
    form = CaptureForm(request.POST or None, units=units, categories=categories, initial=initial)
    lookup = None
    if request.method == "POST":
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "org_unit"}
            try:
                case = services.consultation_capture(
                    actor=actor,
                    org_unit_id=form.cleaned_data["org_unit"],
                    data=data,
                    source=Source.PAGE,
                )
                messages.success(
                    request,
                    _("咨询 {n} 已登记（{s}）。").format(n=case.number, s=case.status_label),
                )
                if request.POST.get("next") == "new":
                    return redirect("consultations:create")
                return redirect("consultations:detail", consultation_id=case.pk)
            except ValidationFailed as exc:
                _attach(form, exc)
        if request.POST.get("customer_id"):
            lookup = _lookup_context(request, customer_id=request.POST["customer_id"])
    return render(
        request,
        "consultations/capture.html",
        {"form": form, "units": units, "lookup": lookup},
    )


def _lookup_context(request: HiqcRequest, *, q: str = "", customer_id: str = "") -> dict:
    actor = request.actor
    if customer_id:
        from hiqc.core.errors import NotFound
        from hiqc.customers.selectors import access_customer

        try:
            found = [access_customer(actor, customer_id)]
        except NotFound:
            found = []
        kind = "selected"
    else:
        kind = selectors.lookup_kind(q)
        found = selectors.customer_lookup(actor, q) if kind else []
    rows = []
    for i, c in enumerate(found):
        history = selectors.customer_history(actor, c) if i == 0 else None
        rows.append(
            {
                "customer": c,
                "name": c.name,
                "mobile": masked("mobile", c.mobile),
                "id_number": masked("id_number", c.id_number),
                "history": history,
                "checked": i == 0,
            }
        )
    return {"q": q, "kind": kind, "rows": rows}


@login_required
def customer_lookup_fragment(request: HiqcRequest) -> HttpResponse:
    """HTMX: exact match by mobile or ID number (keyed hash), masked, with recent history."""
    require(request.actor, HANDLE)
    ctx = _lookup_context(request, q=request.GET.get("q", "")[:40])
    return render(request, "consultations/_lookup.html", {"lookup": ctx})


@login_required
def topic_options_fragment(request: HiqcRequest) -> HttpResponse:
    """HTMX: the level-2 topics of one category (or all, grouped) for the topic select."""
    require(request.actor, VIEW)
    category_id = request.GET.get("category_id", "")
    categories = selectors.topic_categories()
    if category_id:
        categories = [c for c in categories if str(c.pk) == category_id]
    return render(request, "consultations/_topic_options.html", {"categories": categories})


@login_required
def consultation_list_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    units = list(units_in_scope(actor, VIEW))
    categories = selectors.topic_categories(active_only=False)
    form = ConsultationFilterForm(request.GET or None, units=units, categories=categories)
    filters = list_filters(form)  # a bad filter is shown at its field; the valid ones apply
    qs = selectors.consultation_list(
        actor,
        status=filters.get("status") or "",
        channel=filters.get("channel") or "",
        category_id=filters.get("category") or None,
        topic_id=filters.get("topic") or None,
        org_unit_path=filters.get("org_unit") or "",
        date_from=filters.get("date_from"),
        date_to=filters.get("date_to"),
    )
    page = Paginator(qs, 25).get_page(request.GET.get("page"))
    rows = [{"c": c, "who": who(c)} for c in page]
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "consultations/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": query.urlencode(),
            "can_create": actor.can(HANDLE),
        },
    )


def _detail_context(request: HiqcRequest, case, **extra) -> dict:
    actor = request.actor
    rep = case_representation(services.KIND, case, actor)
    suggestion = getattr(case, "suggestion", None) if hasattr(case, "suggestion") else None
    posted = extra.get("posted") or {}
    conversion = ComplaintConversionForm(
        posted if extra.get("failed") == "convert_complaint" else None,
        category_code=case.topic.category.code,
    )
    if extra.get("failed") == "convert_complaint":
        for name, msgs in (extra.get("errors") or {}).items():
            for m in msgs:
                conversion.add_error(name if name in conversion.fields else None, m)
    states = services.KIND.workflow.states
    clock_states = dict(Deadline.State.choices)
    return {
        "c": case,
        "who": who(case),
        "rep": rep,
        "final": case.status in services.KIND.workflow.final,
        "deadlines": [
            {**d, "state_label": clock_states.get(d["state"], d["state"])} for d in rep["deadlines"]
        ],
        "events": [
            {
                **e,
                "activity_label": ACTION_LABELS.get(e["activity"], e["activity"]),
                "to_label": states.get(e["to_state"], e["to_state"]),
            }
            for e in rep["events"]
        ],
        "actions": [{"name": a, "label": ACTION_LABELS.get(a, a)} for a in rep["allowed_actions"]],
        "suggestion": suggestion,
        "conversion": conversion,
        "can_open_complaint": actor.can("complaints.view", case.org_unit.path),
        "errors": {},
        **extra,
    }


@login_required
def consultation_detail_page(request: HiqcRequest, consultation_id: str) -> HttpResponse:
    case = selectors.access_consultation(request.actor, consultation_id)
    return render(request, "consultations/detail.html", _detail_context(request, case))


@login_required
@require_POST
def consultation_action_page(
    request: HiqcRequest, consultation_id: str, action: str
) -> HttpResponse:
    actor = request.actor
    case = selectors.access_consultation(actor, consultation_id)
    version = posted_version(request.POST)
    data = {
        k: request.POST.get(k, "")
        for k in ("answer", "content", *COMPLAINT_INPUTS)
        if k in request.POST
    }
    try:
        case = services.consultation_act(
            actor=actor,
            consultation_id=case.pk,
            action=action,
            data=data,
            version=version,
            source=Source.PAGE,
        )
    except Conflict as exc:
        messages.error(request, exc.message)
        return redirect("consultations:detail", consultation_id=case.pk)
    except ValidationFailed as exc:
        case = selectors.access_consultation(actor, consultation_id)
        ctx = _detail_context(request, case, errors=exc.fields, posted=data, failed=action)
        return render(request, "consultations/detail.html", ctx, status=422)
    messages.success(request, _("已{a}。").format(a=ACTION_LABELS.get(action, action)))
    return redirect("consultations:detail", consultation_id=case.pk)


@login_required
def suggestion_list_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    status = request.GET.get("status", "")
    page = Paginator(selectors.suggestion_list(actor, status=status), 25).get_page(
        request.GET.get("page")
    )
    return render(request, "consultations/suggestions.html", {"page": page, "status": status})


@login_required
def suggestion_detail_page(request: HiqcRequest, suggestion_id: str) -> HttpResponse:
    actor = request.actor
    suggestion = selectors.access_suggestion(actor, suggestion_id)
    # the decisions offered are exactly the actions the engine will take now (allowed_actions)
    allowed = case_allowed_actions(services.SUGGESTION_KIND, suggestion, actor)
    offered = [status for status, action in SUGGESTION_ACTIONS.items() if action in allowed]
    if request.method == "POST" and not offered:  # decided meanwhile: say so, as the API does
        messages.error(request, _("该建议已处理，当前状态下不能再作决定。"))
        return redirect("consultations:suggestion", suggestion_id=suggestion.pk)
    form = SuggestionDecideForm(request.POST or None, offered=offered)
    status = 200
    if request.method == "POST" and form.is_valid():
        version = posted_version(request.POST)
        try:
            services.suggestion_decide(
                actor=actor,
                suggestion_id=suggestion.pk,
                status=form.cleaned_data["status"],
                response=form.cleaned_data["response"],
                version=version,
                source=Source.PAGE,
            )
            messages.success(request, _("建议已处理。"))
            return redirect("consultations:suggestion", suggestion_id=suggestion.pk)
        except Conflict as exc:  # decided meanwhile, or a stale page
            messages.error(request, exc.message)
            return redirect("consultations:suggestion", suggestion_id=suggestion.pk)
        except ValidationFailed as exc:
            _attach(form, exc)
            status = 422
    elif request.method == "POST":
        status = 422
    return render(
        request,
        "consultations/suggestion.html",
        {"s": suggestion, "form": form, "can_decide": bool(offered)},
        status=status,
    )


@login_required
def topic_admin_page(request: HiqcRequest) -> HttpResponse:
    """咨询主题分类: head office maintains the two-level taxonomy; nothing is deleted."""
    actor = request.actor
    require(actor, CONFIGURE_PERM)
    errors: dict[str, list[str]] = {}
    posted: dict[str, str] = {}
    if request.method == "POST":
        op = request.POST.get("op", "")
        posted = {k: request.POST.get(k, "") for k in ("name", "code", "position", "category_id")}
        try:
            if op == "add_category":
                services.category_create(actor=actor, data=posted)
                messages.success(request, _("类别已添加。"))
            elif op == "add_topic":
                services.topic_create(actor=actor, category_id=posted["category_id"], data=posted)
                messages.success(request, _("主题已添加。"))
            elif op in ("activate", "deactivate"):
                services.taxonomy_set_active(
                    actor=actor,
                    kind=request.POST.get("kind", ""),
                    item_id=request.POST.get("id", ""),
                    active=op == "activate",
                )
                messages.success(request, _("已启用。") if op == "activate" else _("已停用。"))
            return redirect("consultations:topics")
        except ValidationFailed as exc:
            errors = exc.fields
            posted["op"] = op
    return render(
        request,
        "consultations/topics.html",
        {
            "categories": selectors.topic_categories(active_only=False),
            "can_edit": actor.can_globally(CONFIGURE_PERM),
            "errors": errors,
            "posted": posted,
        },
        status=422 if errors else 200,
    )
