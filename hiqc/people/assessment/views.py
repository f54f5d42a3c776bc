"""Assessment pages (standard 7.2, 7.3.1; issue 18 §4–§5; ADR 0021): the cycles and a new cycle
with its scheme; a cycle with its actions, raters and everyone's results; one result with its
evidence, the appeal and its decision, the honours and rewards; one's own results and the
ratings one owes. Thin: every read is a selector or a door, every write a service."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiqc.core.access import require
from hiqc.core.case_pages import post_case_action
from hiqc.core.casework import RefusedAction, case_action_forms
from hiqc.core.errors import Conflict, Forbidden, ValidationFailed
from hiqc.core.http import HiqcRequest
from hiqc.organisations.enums import Role
from hiqc.organisations.selectors import units_in_scope

from . import selectors
from .models import AppealDecision, CycleKind, CycleStatus, IncentiveKind, RaterGroup
from .services import (
    CYCLE_KIND,
    PARTS,
    access_cycle,
    access_result,
    appeal_decide,
    appeal_file,
    cycle_act,
    cycle_create,
    participants,
    raters_assign,
    rating_submit,
    ratings_of,
)
from .workflow import APPEAL_DECIDE, CYCLE, INCENTIVES, MANAGE, VIEW

T = "people/assessment/"
ROLE_LABELS = dict(Role.choices)


def _scheme_from_post(post: Any) -> dict[str, Any]:
    """The scheme form: ``weight_<role>__<code>`` and ``target_<role>__<code>``; a blank weight
    leaves the measure out."""
    measures: dict[str, list[dict[str, Any]]] = {}
    for key, weight in post.items():
        if not key.startswith("weight_") or not str(weight).strip():
            continue
        role, _sep, code = key[len("weight_") :].partition("__")
        measures.setdefault(role, []).append(
            {"code": code, "weight": weight, "target": post.get(f"target_{role}__{code}", "")}
        )
    return measures


@login_required
def cycles_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    require(actor, VIEW)
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        require(actor, MANAGE)
        values = request.POST.dict()
        try:
            cycle = cycle_create(
                actor=actor, data={**values, "measures": _scheme_from_post(request.POST)}
            )
        except ValidationFailed as exc:
            errors, status = exc.fields or {}, exc.status
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已创建考核周期，请在考核期开始前公布方案。"))
            return redirect("people:cycle", cycle.pk)
    f_status = request.GET.get("status", "")[:20]
    page = Paginator(selectors.cycle_list(actor, status=f_status), 25).get_page(
        request.GET.get("page")
    )
    options = selectors.measure_options()
    roles = sorted({r for m in options for r in m["roles"]})
    scheme = [{"role": r, "label": ROLE_LABELS.get(r, r),
               "measures": [m for m in options if r in m["roles"]]} for r in roles]  # fmt: skip
    return render(request, T + "cycles.html", {
        "page": page, "status": f_status, "statuses": CycleStatus.choices,
        "kinds": CycleKind.choices, "can_manage": actor.can(MANAGE),
        "units": units_in_scope(actor, MANAGE) if actor.can(MANAGE) else [],
        "scheme": scheme, "values": values, "errors": errors, "parts": PARTS,
    }, status=status)  # fmt: skip


def _cycle_context(request: HiqcRequest, cycle: Any, refused: RefusedAction | None = None,
                   rater_errors: dict[str, list[str]] | None = None) -> dict[str, Any]:  # fmt: skip
    actor = request.actor
    coverage = selectors.rater_coverage(cycle)
    people = participants(cycle) if cycle.status != CycleStatus.FINAL else {}
    results = list(selectors.result_list(actor, cycle_id=cycle.pk))
    scheme = [{"role": ROLE_LABELS.get(role, role),
               "rows": [{**r, "label": selectors.measure_label(r["code"])} for r in items]}
              for role, items in cycle.measures.items()]  # fmt: skip
    names = selectors.users_by_id(people)
    return {
        **case_action_forms(CYCLE_KIND, cycle, actor, {}, refused=refused),
        "c": cycle, "scheme": scheme, "results": results,
        "coverage": [{"user": names.get(uid), "uid": uid, "role": ROLE_LABELS.get(role, role),
                      "groups": [(label, coverage.get(uid, {}).get(g, (0, 0)))
                                 for g, label in RaterGroup.choices]}
                     for uid, (role, _unit) in people.items()],
        "groups": RaterGroup.choices, "rater_errors": rater_errors or {},
        "can_assign": actor.can(MANAGE, cycle.org_unit.path)
        and cycle.status in (CycleStatus.DRAFT, CycleStatus.PUBLISHED),
        "pay_bands": selectors.pay_bands(),
    }  # fmt: skip


@login_required
def cycle_page(request: HiqcRequest, cycle_id: str) -> HttpResponse:
    cycle = access_cycle(request.actor, cycle_id)
    return render(request, T + "cycle.html", _cycle_context(request, cycle))


@login_required
@require_POST
def cycle_action(request: HiqcRequest, cycle_id: str, action: str) -> HttpResponse:
    actor = request.actor
    return post_case_action(
        request, case_id=cycle_id, action=action, workflow=CYCLE, data={},
        apply=lambda data, version: cycle_act(actor=actor, cycle_id=cycle_id, action=action,
                                              version=version),
        reload=lambda: access_cycle(actor, cycle_id), context=_cycle_context,
        template=T + "cycle.html", url_name="people:cycle",
    )  # fmt: skip


@login_required
@require_POST
def cycle_raters(request: HiqcRequest, cycle_id: str) -> HttpResponse:
    """One rater per post: ``subject``, ``rater`` (user ids), ``group``."""
    actor = request.actor
    cycle = access_cycle(actor, cycle_id)
    row = {k: request.POST.get(k, "") for k in ("subject", "rater", "group")}
    try:
        raters_assign(actor=actor, cycle_id=cycle.pk, rows=[row])
    except (ValidationFailed, Conflict, Forbidden) as exc:
        fields = getattr(exc, "fields", None) or {}
        named = {k.rsplit(".", 1)[-1]: v for k, v in fields.items()}
        messages.error(request, exc.message)
        return render(request, T + "cycle.html", _cycle_context(request, cycle, rater_errors=named),
                      status=exc.status)  # fmt: skip
    messages.success(request, _("已指定评价人。"))
    return redirect("people:cycle", cycle.pk)


def _result_context(request: HiqcRequest, result: Any,
                    errors: dict[str, list[str]] | None = None) -> dict[str, Any]:  # fmt: skip
    actor = request.actor
    cycle = result.cycle
    appeal = getattr(result, "appeal", None) if hasattr(result, "appeal") else None
    own = str(result.user_id) == str(actor.user_id)
    path_ = result.org_unit.path
    return {
        "r": result, "c": cycle, "own": own, "appeal": appeal,
        "measures": selectors.evidence_rows(result),
        "groups": [(label, result.groups.get(g, {})) for g, label in RaterGroup.choices],
        "weights": cycle.weights(), "errors": errors or {},
        "can_appeal": own and appeal is None and cycle.status == CycleStatus.COMPUTED,
        "can_decide": appeal is not None and appeal.decided_at is None and not own
        and actor.can(APPEAL_DECIDE, path_) and actor.username != cycle.computed_by,
        "can_reward": actor.can(INCENTIVES, path_) and cycle.status == CycleStatus.FINAL,
        "decisions": AppealDecision.choices, "incentive_kinds": IncentiveKind.choices,
        "incentives": list(result.incentives.all()),
        "pay_band": dict(selectors.pay_bands()).get(result.grade),
        "min_raters": selectors.min_raters(),
    }  # fmt: skip


@login_required
def result_page(request: HiqcRequest, result_id: str) -> HttpResponse:
    result = access_result(request.actor, result_id)
    return render(request, T + "result.html", _result_context(request, result))


@login_required
@require_POST
def result_post(request: HiqcRequest, result_id: str, what: str) -> HttpResponse:
    """``appeal`` (the person), ``decide`` (someone else), ``incentive`` (7.3.1)."""
    from .services import incentive_record

    actor = request.actor
    writes = {"appeal": (appeal_file, _("已提交申诉。")),
              "decide": (appeal_decide, _("已处理申诉。")),
              "incentive": (incentive_record, _("已登记。"))}  # fmt: skip
    if what not in writes:
        from hiqc.core.errors import NotFound

        raise NotFound()
    write, done = writes[what]
    try:
        write(actor=actor, result_id=result_id, data=request.POST.dict())
    except (ValidationFailed, Conflict, Forbidden) as exc:
        messages.error(request, exc.message)
        ctx = _result_context(request, access_result(actor, result_id),
                              getattr(exc, "fields", None) or {})  # fmt: skip
        return render(request, T + "result.html", ctx, status=exc.status)
    messages.success(request, done)
    return redirect("people:result", result_id)


@login_required
def my_assessments_page(request: HiqcRequest) -> HttpResponse:
    """One's own results and the 360° ratings one has been asked to give."""
    actor = request.actor
    return render(request, T + "mine.html", {
        "results": list(selectors.result_list(actor, mine=True)),
        "ratings": list(ratings_of(actor).order_by("-cycle__period_start", "subject__username")),
        "open_status": CycleStatus.PUBLISHED,
    })  # fmt: skip


@login_required
@require_POST
def rating_post(request: HiqcRequest, rating_id: str) -> HttpResponse:
    try:
        rating_submit(actor=request.actor, rating_id=rating_id, data=request.POST.dict())
    except (ValidationFailed, Conflict) as exc:
        fields = getattr(exc, "fields", None) or {}
        messages.error(
            request, exc.message + " " + " ".join(f"{k}: {'；'.join(v)}" for k, v in fields.items())
        )
        return redirect("people:my_assessments")
    messages.success(request, _("已提交评价。"))
    return redirect("people:my_assessments")
