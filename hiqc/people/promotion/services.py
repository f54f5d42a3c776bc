"""Promotion with public notice (standard 7.3.2–7.3.3; issue 18 §6): the doors and every write.

* ``access_promotion`` — the handlers' door: in ``promotions.view`` scope, or the candidate's own
  case. ``access_notice`` — the unit's door to a published notice: the actor's home unit is the
  promotion's unit or below it (and they hold ``promotions.notice``). Missing, out of scope and
  outside the unit are one 404 (DESIGN rule 2).
* ``promotion_create`` — 员工自荐 (a person for themself, ``promotions.notice``) or 部门推荐 (a
  person of a unit in the recommender's ``promotions.nominate`` scope).
* ``promotion_act`` — every workflow action through the case engine (``case_transition``); the
  status is never written here. ``publish`` starts the notice clock with the rule in force.
* ``objection_lodge`` — an objection from anyone of the unit, while the notice clock runs (409
  ``notice_closed`` after it); the objector is recorded, shown only to the handlers.
* ``on_window_ended`` — the sweep found a notice run out: the notice ends (公示期满) as of its end.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from contextlib import suppress
from dataclasses import replace
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiqc.core.access import Actor, get_in_scope, object_path, require, scope
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING, compute_due
from hiqc.core.casekinds import CaseKind, Prepared
from hiqc.core.casework import Source, case_opened, case_transition
from hiqc.core.deadlines import apply_effects
from hiqc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hiqc.core.models import Deadline
from hiqc.core.rules import rule_value
from hiqc.core.workflow import Clock, Start
from hiqc.organisations.models import User

from ..assessment.models import AssessmentResult, CycleStatus
from ..models import Attempt, Certificate
from .models import Criterion, Objection, ObjectionStatus, Promotion, PromotionRoute
from .models import PromotionStatus as P
from .workflow import (
    DECIDE,
    NOMINATE,
    NOTICE,
    NOTICE_READ,
    PROCESS,
    PROMOTION,
    TAKE_PART,
    VIEW,
)

Errors = dict[str, list[str]]
TEXT_MAX = 2000
PUBLISHED = (P.NOTICE, P.REVIEW, P.APPOINTED, P.STOPPED)  # a notice was shown to the unit


def _fail(errors: Errors, message: str = "") -> None:
    if errors:
        raise ValidationFailed(message or _("信息有误，请按提示修改。"), fields=errors)


def _text(data: Mapping[str, Any], name: str, errors: Errors, *, required: bool = True,
          limit: int = TEXT_MAX) -> str:  # fmt: skip
    value = str(data.get(name) or "").strip()
    if required and not value:
        errors[name] = [_("此项必填。")]
    elif len(value) > limit:
        errors[name] = [_("不能超过 {n} 个字。").format(n=limit)]
    return value


def _ancestor_paths(path: str) -> list[str]:
    """``0001/0002/0003/`` → ``0001/``, ``0001/0002/``, ``0001/0002/0003/``."""
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


# --- the doors ---------------------------------------------------------------------------------


def promotions_visible(actor: Actor) -> QuerySet[Promotion]:
    """The handlers' list: promotions in ``promotions.view`` scope, and the actor's own."""
    qs = Promotion.objects.select_related("candidate", "org_unit")
    q = Q(pk__in=scope(actor, Promotion.objects.all(), VIEW).values("pk"))
    if actor.user_id is not None:
        q |= Q(candidate_id=actor.user_id)
    return qs.filter(q)


def access_promotion(actor: Actor, promotion_id: Any, *, for_update: bool = False) -> Promotion:
    """The one door to a promotion case: in ``promotions.view`` scope or the candidate's own;
    missing and not yours are the same 404."""
    qs = Promotion.objects.select_related("candidate", "org_unit")
    try:
        return get_in_scope(actor, qs, promotion_id, VIEW, for_update=for_update)
    except NotFound:
        if actor.user_id is None:
            raise
    own = qs.filter(candidate_id=actor.user_id)
    if for_update:
        own = own.select_for_update(of=("self",))
    try:
        return own.get(pk=promotion_id)
    except Exception as exc:  # missing, or a malformed id (ValueError, Django's ValidationError)
        raise NotFound() from exc


def notices_visible(actor: Actor) -> QuerySet[Promotion]:
    """Published notices of the actor's unit and the units above it — every active user of a
    unit and below reads the notices of that unit (7.3.3(4)) — and those the handlers over the
    unit see (``promotions.view`` scope); nobody else."""
    qs = Promotion.objects.filter(status__in=PUBLISHED).select_related("candidate", "org_unit")
    if actor.is_system:
        return qs
    q = Q(pk__in=scope(actor, Promotion.objects.all(), VIEW).values("pk"))
    if actor.home_path and actor.can(NOTICE_READ):
        q |= Q(org_unit__path__in=_ancestor_paths(actor.home_path))
    return qs.filter(q)


def access_notice(actor: Actor, promotion_id: Any) -> Promotion:
    """A notice the actor's unit may read; anything else is the same 404 as a missing one."""
    try:
        return notices_visible(actor).get(pk=promotion_id)
    except Exception as exc:
        raise NotFound() from exc


def _url(case_id: str) -> str:
    return reverse("people:promotion", args=[case_id])


# --- the notice clock ----------------------------------------------------------------------------


def notice_clock() -> Clock:
    """The notice in force: rule ``people.promotion_notice_days`` working days (HIQC design
    default (P) 5), counted with 调休 by the kernel calendar."""
    return replace(NOTICE, amount=int(rule_value("people.promotion_notice_days")))


def notice_deadline(promotion: Promotion) -> Deadline | None:
    return Deadline.objects.filter(
        case_type=PROCESS, case_id=str(promotion.pk), clock=NOTICE.code
    ).first()


def notice_open(promotion: Promotion, at: datetime) -> bool:
    """Whether the notice of ``promotion`` still runs at ``at`` (objections are accepted)."""
    if promotion.status != P.NOTICE:
        return False
    clock = notice_deadline(promotion)
    return clock is not None and clock.state == Deadline.State.RUNNING and at < clock.due_at


# --- the domain guard and the action hook --------------------------------------------------------


def _blocked(case: Any, action: str, actor: Actor, at: datetime) -> str | None:
    if actor.user_id is not None and actor.user_id == case.candidate_id:
        return _("不能处理本人的晋升。")
    if action == "end_notice" and notice_open(case, at):
        clock = notice_deadline(case)
        until = clock.last_day if clock is not None else None
        return _("公示期尚未届满（至 {day}）。").format(day=until or "—")
    pending = case.objections.filter(outcome=ObjectionStatus.PENDING).exists()
    if action == "appoint" and pending:
        return _("尚有异议未答复，答复全部异议后方可任命。")
    if action in ("dismiss_objection", "uphold_objection") and not pending:
        return _("没有待答复的异议。")
    return None


def _score(data: Mapping[str, Any], name: str, errors: Errors) -> int | None:
    raw = str(data.get(name) if data.get(name) is not None else "").strip()
    if not raw:
        return None  # the engine names the missing input
    try:
        value = int(raw)
    except ValueError:
        value = -1
    if not 0 <= value <= 100:
        errors[name] = [_("评分为 0 至 100 的整数。")]
        return None
    return value


ASSESSMENTS_SHOWN = 4  # the candidate's latest assessment results kept with the evaluation


def assessment_evidence(user_id: Any) -> list[dict[str, Any]]:
    """The candidate's latest computed or final assessment results (7.3.2(1): performance from
    the assessments, issue 18 §4), newest period first: cycle, period, total, grade, final or
    still in its appeal period."""
    rows = (AssessmentResult.objects.filter(user_id=user_id, total__isnull=False,
                                            cycle__status__in=(CycleStatus.COMPUTED, CycleStatus.FINAL))
            .select_related("cycle").order_by("-cycle__period_end")[:ASSESSMENTS_SHOWN])  # fmt: skip
    return [{"kind": "assessment", "id": str(r.pk), "name": r.cycle.title,
             "period": f"{r.cycle.period_start:%Y-%m-%d}—{r.cycle.period_end:%Y-%m-%d}",
             "total": str(r.total), "grade": r.grade, "final": r.cycle.status == CycleStatus.FINAL}
            for r in rows]  # fmt: skip


def assessment_summary(evidence: list[dict[str, Any]]) -> str:
    """The newest assessment result as one line (the evaluation's ``assessment_ref`` when the
    evaluator gives none)."""
    first = next((e for e in evidence if e.get("kind") == "assessment"), None)
    if first is None:
        return ""
    return _("{name}：{total} 分，{grade} 级").format(
        name=first["name"], total=first["total"], grade=first["grade"] or "—"
    )


def ability_evidence(user_id: Any, on: date) -> list[dict[str, Any]]:
    """What HIQC knows of the person's ability (7.3.2(2)): current certificates and passed exams;
    then their latest assessment results (``assessment_evidence``)."""
    out: list[dict[str, Any]] = [
        {"kind": "certificate", "name": str(c.get_qualification_display()),
         "until": c.expires_on.isoformat()}
        for c in Certificate.objects.filter(user_id=user_id, expires_on__gte=on,
                                            issued_on__lte=on).order_by("qualification")
    ]  # fmt: skip
    for a in Attempt.objects.filter(user_id=user_id, passed=True).select_related("exam")[:10]:
        out.append({"kind": "exam", "name": a.exam.title, "score": a.score,
                    "max": a.max_score})  # fmt: skip
    return out + assessment_evidence(user_id)


def _pending_objection(case: Promotion, raw: Any, errors: Errors) -> Objection | None:
    found = None
    with suppress(Exception):
        found = case.objections.filter(pk=str(raw or ""), outcome=ObjectionStatus.PENDING).first()
    if found is None and raw not in (None, ""):
        errors["objection"] = [_("请选择本晋升的一条待答复异议。")]
    return found


def _prepare(store: Any, case: Promotion, actor: Actor, action: str, data: Mapping[str, Any],
             at: datetime, source: str) -> Prepared:  # fmt: skip
    errors: Errors = {}
    updates: dict[str, Any] = {}
    record: dict[str, Any] | None = None
    after = None
    if action == "evaluate":
        scores: dict[str, Any] = {}
        for c in Criterion.values:
            score = _score(data, c, errors)
            note = _text(data, f"{c}_note", errors, required=False, limit=500)
            if score is not None:
                scores[c] = {"score": score, "note": note}
        ref = _text(data, "assessment_ref", errors, required=False, limit=200)
        _fail(errors)
        if len(scores) == len(Criterion.values):
            mean = Decimal(sum(s["score"] for s in scores.values())) / len(scores)
            evidence = ability_evidence(case.candidate_id, at.astimezone(BEIJING).date())
            updates = {
                "scores": scores, "assessment_ref": ref or assessment_summary(evidence)[:200],
                "overall": mean.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
                "ability_evidence": evidence,
                "evaluator": actor.username, "evaluated_at": at,
            }  # fmt: skip
            record = {c: s["score"] for c, s in scores.items()}
    elif action == "publish":
        text = _text(data, "notice_text", errors, required=False)
        _fail(errors)
        clock = notice_clock()
        due = compute_due(at, clock.amount, clock.unit)
        updates = {"notice_days": clock.amount, "notice_from": at, "notice_until": due.due_at,
                   "notice_text": text}  # fmt: skip
        record = {"notice_days": clock.amount}

        def after(case: Any) -> None:
            apply_effects(case_type=PROCESS, case_id=str(case.pk), org_path=object_path(case),
                          clocks={NOTICE.code: clock}, effects=[Start(NOTICE)], at=at)  # fmt: skip

    elif action in ("dismiss_objection", "uphold_objection"):
        objection = _pending_objection(case, data.get("objection"), errors)
        reasons = _text(data, "reasons", errors, required=False)
        _fail(errors)
        if objection is not None and reasons:
            record = {"objection": str(objection.pk), "reasons": reasons}
            verdict = (
                ObjectionStatus.UPHELD
                if action == "uphold_objection"
                else ObjectionStatus.DISMISSED
            )
            if action == "uphold_objection":
                updates = {"decided_by": actor.username, "decided_at": at,
                           "decision_note": reasons}  # fmt: skip

            def after(case: Any) -> None:
                objection.outcome, objection.answer = verdict, reasons
                objection.answered_by, objection.answered_at = actor.username, at
                objection.save(update_fields=["outcome", "answer", "answered_by", "answered_at",
                                              "updated_at"])  # fmt: skip

    elif action == "appoint":
        raw = data.get("effective_on")
        day = raw if isinstance(raw, date) else None
        if day is None and raw not in (None, ""):
            with suppress(ValueError):
                day = parse_date(str(raw).strip())
            if day is None:
                errors["effective_on"] = [_("请填写日期（年-月-日）。")]
        note = _text(data, "note", errors, required=False)
        _fail(errors)
        if day is not None:
            updates = {"effective_on": day, "decided_by": actor.username, "decided_at": at,
                       "decision_note": note}  # fmt: skip
            record = {"effective_on": day.isoformat()}
    elif action == "reject":
        reasons = _text(data, "reasons", errors, required=False)
        _fail(errors)
        updates = {"decided_by": actor.username, "decided_at": at, "decision_note": reasons}
    return Prepared(at=at, updates=updates, record=record, after=after)


KIND = CaseKind(
    label=PROCESS, workflow=PROMOTION, access=access_promotion, name=gettext_lazy("晋升"),
    view_perm=VIEW, url_for=_url, blocked=_blocked, prepare=_prepare,
    # nobody must act while the notice runs: the system ends it, then the deciders answer
    work_by_state={P.NOTICE: ()},
    # the candidate is never one to act on their own promotion
    not_for=lambda actor: Q(candidate_id=actor.user_id) if actor.user_id else Q(pk__in=[]),
)  # fmt: skip


# --- writes --------------------------------------------------------------------------------------


def promotion_create(*, actor: Actor, data: Mapping[str, Any], at: datetime | None = None,
                     source: str = Source.PAGE) -> Promotion:  # fmt: skip
    """员工自荐 (``route`` self: the actor for themself) or 部门推荐 (``route`` department: a person,
    ``candidate`` username or id, of a unit in the actor's ``promotions.nominate`` scope)."""
    at = at or timezone.now()
    if not (actor.can(TAKE_PART) or actor.can(NOMINATE)):
        raise Forbidden(_("您没有执行此操作的权限。"))
    errors: Errors = {}
    route = str(data.get("route") or "")
    if route not in PromotionRoute.values:
        errors["route"] = [_("请选择提名方式：员工自荐或部门推荐。")]
    candidate: User | None = None
    if route == PromotionRoute.SELF:
        require(actor, TAKE_PART)
        candidate = (User.objects.select_related("org_unit").filter(pk=actor.user_id,
                     is_active=True).first() if actor.user_id else None)  # fmt: skip
        if candidate is None or candidate.org_unit is None:
            errors["route"] = [_("只有所属机构明确的在职人员可以自荐。")]
            candidate = None
    elif route == PromotionRoute.DEPARTMENT:
        require(actor, NOMINATE)
        raw = str(data.get("candidate") or "").strip()
        qs = User.objects.select_related("org_unit").filter(is_active=True)
        with suppress(Exception):
            candidate = qs.filter(Q(username=raw) | Q(pk=raw) if _looks_like_uuid(raw)
                                  else Q(username=raw)).first()  # fmt: skip
        if (candidate is None or candidate.org_unit is None
                or not actor.can(NOMINATE, candidate.org_unit.path)):  # fmt: skip
            errors["candidate"] = [_("未找到该人员，或不在您的管辖范围内。")]
            candidate = None
        elif candidate.pk == actor.user_id:
            errors["candidate"] = [_("推荐本人请选择“员工自荐”。")]
            candidate = None
    position = _text(data, "position", errors, limit=120)
    grade = _text(data, "grade", errors, required=False, limit=60)
    current = _text(data, "current_position", errors, required=False, limit=120)
    reason = _text(data, "reason", errors)
    if candidate is not None and position and Promotion.objects.filter(
            candidate=candidate, position=position,
            status__in=(P.NOMINATED, P.EVALUATED, P.NOTICE, P.REVIEW)).exists():  # fmt: skip
        errors["position"] = [_("该人员已有拟任此岗位的晋升在办理中。")]
    _fail(errors)
    assert candidate is not None and candidate.org_unit is not None
    with transaction.atomic():
        promotion = Promotion.objects.create(
            status=PROMOTION.initial, candidate=candidate, org_unit=candidate.org_unit,
            route=route, current_position=current, position=position, grade=grade,
            reason=reason, nominated_by=actor.username, nominated_at=at,
        )  # fmt: skip
        case_opened(kind=KIND, case=promotion, actor=actor, at=at, source=source,
                    data={"route": route, "position": position})  # fmt: skip
    return promotion


def _looks_like_uuid(raw: str) -> bool:
    try:
        uuid.UUID(raw)
    except ValueError:
        return False
    return True


def promotion_act(*, actor: Actor, promotion_id: Any, action: str,
                  data: Mapping[str, Any] | None = None, version: int | None = None,
                  at: datetime | None = None, source: str = Source.PAGE) -> Promotion:  # fmt: skip
    """One workflow action through the case engine (the only writer of the status)."""
    done = case_transition(kind=KIND, actor=actor, case_id=promotion_id, action=action,
                           data=dict(data or {}), version=version, at=at or timezone.now(),
                           source=source)  # fmt: skip
    assert isinstance(done, Promotion)
    return done


def objection_lodge(*, actor: Actor, promotion_id: Any, text: str,
                    at: datetime | None = None) -> Objection:  # fmt: skip
    """An objection to a notice from someone of its unit (or below), while the notice runs; the
    candidate cannot object to their own promotion."""
    at = at or timezone.now()
    with transaction.atomic():
        promotion = access_notice(actor, promotion_id)
        require(actor, TAKE_PART)
        Promotion.objects.select_for_update(of=("self",)).filter(pk=promotion.pk).first()
        if actor.user_id is None:
            raise ValidationFailed(_("异议须由本机构人员本人提出。"))
        if promotion.candidate_id == actor.user_id:
            raise Conflict(_("不能对本人的晋升提出异议。"), code="own_promotion")
        if not notice_open(promotion, at):
            raise Conflict(_("公示期已结束，不再受理异议。"), code="notice_closed")
        errors: Errors = {}
        body = _text({"text": text}, "text", errors)
        _fail(errors)
        objection = Objection.objects.create(promotion=promotion, objector_id=actor.user_id,
                                             text=body, lodged_at=at)  # fmt: skip
        audit_record(actor=actor, action="people.promotion.objection", subject=promotion,
                     fields=["objections"], data={"objection": str(objection.pk)})  # fmt: skip
    return objection


def on_window_ended(sender: Any, deadline: Deadline, **kwargs: Any) -> None:
    """The sweep found a notice run out and still open (sent on every sweep until it is closed):
    the notice ends as of its end."""
    if deadline.case_type != PROCESS:
        return
    with suppress(Conflict, NotFound):  # ended or decided meanwhile
        promotion_act(actor=Actor.system("people"), promotion_id=deadline.case_id,
                      action="end_notice", at=deadline.due_at, source=Source.SYSTEM)  # fmt: skip


def objections_for(actor: Actor, promotion: Promotion) -> list[dict[str, Any]]:
    """The objections as the actor may see them: the objector's name only for a handler (who
    may decide over the unit) — never for the candidate or the rest of the unit."""
    handler = actor.can(DECIDE, object_path(promotion)) and actor.user_id != promotion.candidate_id
    out = []
    for o in promotion.objections.select_related("objector").order_by("lodged_at"):
        out.append({
            "id": o.pk, "text": o.text, "lodged_at": o.lodged_at, "outcome": o.outcome,
            "outcome_label": str(o.get_outcome_display()), "answer": o.answer,
            "answered_at": o.answered_at,
            "objector": (o.objector.display_name or o.objector.username) if handler else None,
            "mine": actor.user_id is not None and o.objector_id == actor.user_id,
        })  # fmt: skip
    return out
