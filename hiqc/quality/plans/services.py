"""Improvement plans (PDCA; standard 10.2; issue 7 §5). Every write goes through here; the status
changes only through ``plan_act`` → ``case_transition``.

Plan: the need, the indicator and unit to improve, the baseline period, linked nonconformities.
Do: actions with owners and deadlines (``action_add``, ``action_done``); starting needs one action.
Check: the after period is set and the effect measured on the same indicator and unit
(``hiqc.quality.effect``). Act: standardise (name the process version, training or product change)
or start a new cycle, which opens the next plan linked to this one with the same need.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiqc.core.access import Actor, get_in_scope, require
from hiqc.core.casekinds import CaseKind
from hiqc.core.casework import Source, case_opened, case_transition
from hiqc.core.errors import Conflict, ValidationFailed
from hiqc.core.identifiers import create_numbered, is_uuid
from hiqc.core.indicators import INDICATORS
from hiqc.organisations.models import User
from hiqc.organisations.selectors import unit_in_scope

from ..effect import Effect, evaluate
from ..enums import ActOutcome, PlanStatus
from ..nonconformities.models import Nonconformity
from ..workflow import HANDLE, IMPROVEMENT, PLAN_PROCESS, PLAN_WORK_BY_STATE, VIEW
from .models import ImprovementAction, ImprovementPlan

TEXT_MAX = 4000


def access_plan(actor: Actor, plan_id: Any, *, for_update: bool = False) -> ImprovementPlan:
    qs = ImprovementPlan.objects.select_related("org_unit")
    return get_in_scope(actor, qs, plan_id, VIEW, for_update=for_update)


def _url(case_id: str) -> str:
    return reverse("quality:plan", args=[case_id])


PLAN_KIND = CaseKind(label=PLAN_PROCESS, workflow=IMPROVEMENT, access=access_plan,
                     name=gettext_lazy("改进计划"), view_perm=VIEW,
                     work_by_state=PLAN_WORK_BY_STATE, url_for=_url,
                     improves_processes=True)  # fmt: skip


def _date(data: Mapping[str, Any], name: str, errors: dict[str, list[str]]) -> date | None:
    raw = data.get(name)
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw or "").strip())
    except ValueError:
        errors[name] = [_("请输入日期，例如 2026-03-01。")]
        return None


def plan_create(*, actor: Actor, org_unit_id: Any, data: Mapping[str, Any],
                nonconformity_ids: list[Any] | None = None,
                previous: ImprovementPlan | None = None) -> ImprovementPlan:  # fmt: skip
    require(actor, HANDLE)
    unit = unit_in_scope(actor, org_unit_id, HANDLE)
    errors: dict[str, list[str]] = {}
    title = str(data.get("title") or "").strip()
    need = str(data.get("need") or "").strip()
    code = str(data.get("indicator_code") or "")
    if not title:
        errors["title"] = [_("请填写标题。")]
    if not need:
        errors["need"] = [_("请说明改进需求（问题、影响、目标）。")]
    elif len(need) > TEXT_MAX:
        errors["need"] = [_("不能超过 {n} 个字。").format(n=TEXT_MAX)]
    if code not in INDICATORS:
        errors["indicator_code"] = [_("请选择衡量效果的指标。")]
    start, end = _date(data, "baseline_start", errors), _date(data, "baseline_end", errors)
    if start and end and end < start:
        errors["baseline_end"] = [_("基线期结束不能早于开始。")]
    ncs = list(Nonconformity.objects.filter(pk__in=nonconformity_ids or [],
                                            org_unit__path__startswith=unit.path))  # fmt: skip
    if len(ncs) != len(set(nonconformity_ids or [])):
        errors["nonconformities"] = [_("只能关联本机构范围内的不符合项。")]
    if errors:
        raise ValidationFailed(_("改进计划有误，请按提示修改。"), fields=errors)
    at = timezone.now()
    with transaction.atomic():
        plan = create_numbered(
            ImprovementPlan, field="number", letters="GJ", at=at, digits=4, org_unit=unit,
            title=title[:200], need=need, indicator_code=code, baseline_start=start,
            baseline_end=end, status=PlanStatus.PLAN, opened_at=at, opened_by=actor.username,
            previous=previous, assignee_id=actor.user_id,
        )  # fmt: skip
        plan.nonconformities.set(ncs)
        case_opened(kind=PLAN_KIND, case=plan, actor=actor, at=at, source=Source.PAGE,
                    data={"indicator": code})  # fmt: skip
    return plan


def action_add(*, actor: Actor, plan_id: Any, data: Mapping[str, Any]) -> ImprovementAction:
    plan = access_plan(actor, plan_id)
    require(actor, HANDLE)
    if plan.status not in (PlanStatus.PLAN, PlanStatus.DO):
        raise Conflict(_("计划已进入检查或已完成，不能再添加措施。"), code="action_not_allowed",
                       state=plan.status)  # fmt: skip
    errors: dict[str, list[str]] = {}
    title = str(data.get("title") or "").strip()
    if not title:
        errors["title"] = [_("请填写措施。")]
    raw_owner = str(data.get("owner") or "")
    owner = (
        User.objects.filter(pk=raw_owner, is_active=True).first() if is_uuid(raw_owner) else None
    )
    if owner is None:
        errors["owner"] = [_("请选择负责人。")]
    due = _date(data, "due_date", errors)
    if errors or owner is None or due is None:
        raise ValidationFailed(_("措施信息有误。"), fields=errors)
    return ImprovementAction.objects.create(plan=plan, title=title[:200], owner=owner,
                                            due_date=due)  # fmt: skip


def action_done(*, actor: Actor, action_id: Any, note: str = "") -> ImprovementAction:
    action = ImprovementAction.objects.select_related("plan").filter(pk=action_id).first()
    if action is None:
        from hiqc.core.errors import NotFound

        raise NotFound()
    access_plan(actor, action.plan_id)
    require(actor, HANDLE)
    action.done_at, action.note = timezone.now(), note.strip()[:500]
    action.save(update_fields=["done_at", "note"])
    return action


def plan_act(*, actor: Actor, plan_id: Any, action: str, data: Mapping[str, Any],
             version: int | None = None) -> ImprovementPlan:  # fmt: skip
    data = {k: str(v).strip() for k, v in data.items()}
    current = access_plan(actor, plan_id)
    errors: dict[str, list[str]] = {}
    updates: dict[str, Any] = {}
    if action == "start" and not current.actions.exists():
        raise Conflict(_("请先添加至少一项措施（负责人和期限）。"), code="action_not_allowed",
                       state=current.status)  # fmt: skip
    if action == "check":
        after_start = _date(data, "after_start", errors) if data.get("after_start") else None
        if after_start and after_start <= current.baseline_end:
            errors["after_start"] = [_("效果期须在基线期之后。")]
        if after_start:
            updates = {"after_start": after_start,
                       "after_end": after_start + (current.baseline_end - current.baseline_start)}  # fmt: skip
    if action == "act" and data.get("act_outcome") and data["act_outcome"] not in ActOutcome.values:
        errors["act_outcome"] = [_("请选择处置方式。")]
    if errors:
        raise ValidationFailed(_("信息有误，请按提示修改。"), fields=errors)
    with transaction.atomic():
        plan = case_transition(kind=PLAN_KIND, actor=actor, case_id=plan_id, action=action,
                               data=data, version=version, source=Source.PAGE)  # fmt: skip
        assert isinstance(plan, ImprovementPlan)
        if action == "act":
            updates = {"act_outcome": data["act_outcome"], "act_note": data["act_note"][:TEXT_MAX],
                       "closed_at": timezone.now()}  # fmt: skip
        elif action == "cancel":
            updates = {"act_note": data["reason"][:TEXT_MAX], "closed_at": timezone.now()}
        for k, v in updates.items():
            setattr(plan, k, v)
        if updates:
            plan.save(update_fields=[*updates, "updated_at"])
        if action == "act" and plan.act_outcome == ActOutcome.NEW_CYCLE:
            plan_create(actor=actor, org_unit_id=plan.org_unit_id, previous=plan,
                        data={"title": _("{title}（新一轮）").format(title=plan.title),
                              "need": plan.need, "indicator_code": plan.indicator_code,
                              "baseline_start": plan.after_start or plan.baseline_start,
                              "baseline_end": plan.after_end or plan.baseline_end},
                        nonconformity_ids=list(plan.nonconformities.values_list("pk", flat=True)))  # fmt: skip
    return plan


def plan_effect(plan: ImprovementPlan, *, today: date | None = None) -> Effect | None:
    """The effect on the plan's indicator and unit, once the after period is set."""
    if plan.after_start is None or plan.after_end is None:
        return None
    return evaluate(plan.indicator_code, plan.org_unit.path,
                    baseline=(plan.baseline_start, plan.baseline_end),
                    after=(plan.after_start, plan.after_end), today=today)  # fmt: skip


def default_baseline(today: date) -> tuple[date, date]:
    """The last three complete months."""
    first = today.replace(day=1)
    end = first - timedelta(days=1)
    start = (end.replace(day=1) - timedelta(days=62)).replace(day=1)
    return start, end


def plan_open_with_actions(*, actor: Actor, org_unit_id: Any, title: str, need: str,
                           indicator_code: str, actions: list[Any]) -> str:  # fmt: skip
    """The kernel's improvement opener (``hiqc.core.plan_links.improvement_open``): another
    domain's review (a drill's after-action review, an incident's lessons) opens a plan at the
    unit, its baseline the last three complete months, with its actions (title, owner id, due
    date). One transaction: a bad action opens nothing. Returns the plan's id."""
    from hiqc.core.calendar import BEIJING

    start, end = default_baseline(timezone.now().astimezone(BEIJING).date())
    with transaction.atomic():
        plan = plan_create(actor=actor, org_unit_id=org_unit_id, data={
            "title": title, "need": need, "indicator_code": indicator_code,
            "baseline_start": start, "baseline_end": end,
        })  # fmt: skip
        for n, a in enumerate(actions, start=1):
            try:
                action_add(actor=actor, plan_id=plan.pk, data={
                    "title": a.title, "owner": a.owner_id, "due_date": a.due_date})  # fmt: skip
            except ValidationFailed as exc:
                raise ValidationFailed(exc.message, fields={
                    f"actions.{n}.{k}": v for k, v in (exc.fields or {}).items()}) from exc  # fmt: skip
    return str(plan.pk)
