"""Promotion pages (standard 7.3.2–7.3.3; issue 18 §6): the handlers' list, putting someone
forward (or oneself), the case page with its actions and the objections (the objector named to
the handlers only); the unit's notices and the notice page where anyone of the unit objects."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hiqc.core.case_pages import post_case_action
from hiqc.core.casework import RefusedAction, case_action_forms, case_events
from hiqc.core.errors import Conflict, Forbidden, ValidationFailed
from hiqc.core.http import HiqcRequest

from . import selectors
from .models import Criterion, PromotionRoute, PromotionStatus
from .services import (
    KIND,
    ability_evidence,
    access_notice,
    access_promotion,
    notice_deadline,
    notice_open,
    objection_lodge,
    objections_for,
    promotion_act,
    promotion_create,
)
from .workflow import ACTION_LABELS, NOMINATE, PROMOTION, TAKE_PART

T = "people/promotion/"


@login_required
def promotions_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    status = request.GET.get("status", "")[:20]
    page = Paginator(selectors.promotion_list(actor, status=status), 25).get_page(
        request.GET.get("page")
    )
    return render(request, T + "promotions.html", {
        "page": page, "status": status, "statuses": PromotionStatus.choices,
        "can_nominate": actor.can(NOMINATE), "can_self": actor.can(TAKE_PART),
    })  # fmt: skip


@login_required
def promotion_new_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    if not (actor.can(NOMINATE) or actor.can(TAKE_PART)):
        raise Forbidden(_("您没有执行此操作的权限。"))
    routes = [(v, label) for v, label in PromotionRoute.choices
              if v == PromotionRoute.SELF or actor.can(NOMINATE)]  # fmt: skip
    values: dict[str, Any] = {"route": routes[-1][0]}
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        values = request.POST.dict()
        try:
            p = promotion_create(actor=actor, data=values)
        except (ValidationFailed, Forbidden) as exc:
            errors, status = getattr(exc, "fields", None) or {}, exc.status
            messages.error(request, exc.message)
        else:
            messages.success(request, _("已提交晋升提名。"))
            return redirect("people:promotion", p.pk)
    return render(request, T + "promotion_new.html",
                  {"values": values, "errors": errors, "routes": routes}, status=status)  # fmt: skip


def _context(request: HiqcRequest, p: Any, refused: RefusedAction | None = None) -> dict[str, Any]:
    actor = request.actor
    forms = case_action_forms(KIND, p, actor, {}, refused=refused)
    objections = objections_for(actor, p)
    submitted = dict(refused.data) if refused is not None and refused.action == "evaluate" else {}
    fields = refused.error.fields if refused is not None else {}
    return {
        **forms, "p": p, "objections": objections,
        "pending": [o for o in objections if o["outcome"] == "pending"],
        "criteria": [(c, label, p.scores.get(c, {})) for c, label in Criterion.choices],
        "clock": notice_deadline(p), "submitted": submitted,
        "eval_inputs": [{"c": c, "label": label, "value": submitted.get(c, ""),
                         "note": submitted.get(f"{c}_note", ""), "errors": fields.get(c, [])}
                        for c, label in Criterion.choices],
        "today": timezone.localdate().isoformat(),
        # what the evaluator sees of the candidate's ability before scoring (7.3.2(2))
        "evidence": p.ability_evidence if p.evaluated_at
        else ability_evidence(p.candidate_id, timezone.localdate()),
        "events": [{"e": e, "label": _(ACTION_LABELS.get(e.activity, e.activity))}
                   for e in case_events(KIND, p)],
    }  # fmt: skip


@login_required
def promotion_page(request: HiqcRequest, promotion_id: str) -> HttpResponse:
    p = access_promotion(request.actor, promotion_id)
    return render(request, T + "promotion.html", _context(request, p))


@login_required
@require_POST
def promotion_action(request: HiqcRequest, promotion_id: str, action: str) -> HttpResponse:
    actor = request.actor
    return post_case_action(
        request, case_id=promotion_id, action=action, workflow=PROMOTION,
        apply=lambda **kw: promotion_act(actor=actor, promotion_id=promotion_id, action=action,
                                         **kw),
        reload=lambda: access_promotion(actor, promotion_id), context=_context,
        template=T + "promotion.html", url_name="people:promotion",
    )  # fmt: skip


@login_required
def notices_page(request: HiqcRequest) -> HttpResponse:
    actor = request.actor
    now = timezone.now()
    notices = list(selectors.notice_list(actor)[:100])
    return render(request, T + "notices.html", {
        "current": [p for p in notices if notice_open(p, now)],
        "past": [p for p in notices if not notice_open(p, now)],
        "can_self": actor.can(TAKE_PART),
    })  # fmt: skip


def _notice_context(request: HiqcRequest, p: Any, errors: dict[str, list[str]] | None = None,
                    text: str = "") -> dict[str, Any]:  # fmt: skip
    actor = request.actor
    return {
        "p": p, "open": notice_open(p, timezone.now()), "clock": notice_deadline(p),
        "mine": [o for o in objections_for(actor, p) if o["mine"]],
        "own": actor.user_id == p.candidate_id, "can_object": actor.can(TAKE_PART), "errors": errors or {}, "text": text,
    }  # fmt: skip


@login_required
def notice_page(request: HiqcRequest, promotion_id: str) -> HttpResponse:
    p = access_notice(request.actor, promotion_id)
    return render(request, T + "notice.html", _notice_context(request, p))


@login_required
@require_POST
def objection_post(request: HiqcRequest, promotion_id: str) -> HttpResponse:
    actor = request.actor
    text = request.POST.get("text", "")
    try:
        objection_lodge(actor=actor, promotion_id=promotion_id, text=text)
    except (ValidationFailed, Conflict) as exc:
        p = access_notice(actor, promotion_id)
        fields = getattr(exc, "fields", None) or {}
        errors = {"text": fields.get("text") or [exc.message]}
        return render(request, T + "notice.html", _notice_context(request, p, errors, text),
                      status=exc.status)  # fmt: skip
    messages.success(request, _("已提交异议。您的身份仅对晋升办理人员可见。"))
    return redirect("people:notice", promotion_id)
