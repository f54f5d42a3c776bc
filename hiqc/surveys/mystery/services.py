"""Mystery shopping writes (神秘客户, standard 4.3.1; issue 6 §4).

* Scenarios are head-office configuration (``surveys.manage`` over the head office): a draft is
  created and its checklist edited; ``scenario_publish`` freezes it and retires the code's previous
  published version; ``scenario_new_version`` copies the latest version into a draft n+1. Visits
  keep the version they were assigned with.
* ``visit_assign`` — a manager (``surveys.manage`` over the unit) sends a shopper to a unit on a
  date: the scenario must be published, the shopper must hold ``surveys.shop`` over the unit and
  must not work in it (staff would recognise them), the date must not be in the past, and a plan,
  if given, must be a mystery-shopping plan covering the unit.
* ``visit_record`` — the assigned shopper records the result: every checklist item scored (points
  0..weight; a fatal item answered yes or no, and a yes explained), well-formed evidence references,
  the time of the visit. Nothing is written unless everything is valid. The score is
  ``100 × Σ points ÷ Σ weights`` over the non-fatal items (half-up, one decimal); any fatal item →
  0 (致命项一票否决). Below the pass mark (rule ``surveys.mystery_pass_mark``, kept on the visit)
  or with a fatal item, the visit fails and opens findings.
* ``visit_findings_open`` — one ``core.Finding`` per fatal item hit, or one for a score below the
  pass mark, each with a dedupe key: calling it again opens nothing new. The quality issue's
  nonconformities link to these findings instead of duplicating them.
* ``visit_cancel`` — a manager cancels an assigned visit with a reason.

Every write is audited in the same transaction with field names and ids only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiqc.callcentre.enums import CallQueue
from hiqc.core.access import Actor, get_in_scope, require
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING, clock_skew
from hiqc.core.casekinds import CaseKind
from hiqc.core.casework import case_opened, case_transition
from hiqc.core.deadlines import DeadlineError, deadline_build, deadline_start
from hiqc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hiqc.core.findings import finding_record
from hiqc.core.models import CaseEvent, CaseModel, Checklist, ChecklistItem, Deadline, Finding
from hiqc.core.rules import rule_value
from hiqc.organisations.models import OrgUnit, User
from hiqc.organisations.selectors import unit_in_scope
from hiqc.organisations.services import actor_for_user

from ..enums import Method, PlanStatus
from ..models import SurveyPlan
from ..staff_selectors import head_office_path
from ..versions import latest_for_update, retire_held, version_publish
from .models import (
    EvidenceKind,
    MysteryScenario,
    MysteryScore,
    MysteryVisit,
    ScenarioKind,
    ScenarioStatus,
    VisitStatus,
)
from .selectors import CASE_TYPE, MANAGE, SHOP, VIEW, access_scenario, access_visit
from .workflow import RESULT, SCENARIO_WORK_BY_STATE, SCENARIO_WORKFLOW, VISIT_WORKFLOW

FINDING_RULE = "4.3.1"
KIND_FATAL = "surveys.mystery.fatal"
KIND_BELOW_PASS = "surveys.mystery.below_pass"
MAX_WEIGHT = 100
MAX_EVIDENCE = 20
COMMENT_MAX = 500
OVERALL_MAX = 4000
MAX_AHEAD_DAYS = 366
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
# a reference into the evidence archive: a file name or archive number, no spaces, no URL scheme
REF_RE = re.compile(r"^[\w][\w\-./#]{0,199}$")
PHONE_RE = re.compile(r"^\+?[0-9][0-9-]{2,28}$")


# --- the arithmetic (pure, no ORM) ----------------------------------------------------------------


@dataclass(frozen=True)
class ItemSpec:
    id: str
    weight: int  # 0 for a fatal item
    fatal: bool


@dataclass(frozen=True)
class Line:
    item_id: str
    points: int
    fatal_hit: bool
    comment: str = ""


def _yes_no(raw: Any) -> bool | None:
    if isinstance(raw, bool):
        return raw
    value = str(raw if raw is not None else "").strip().lower()
    if value in ("1", "yes", "true", "on"):
        return True
    if value in ("0", "no", "false", "off"):
        return False
    return None


def _int_or_none(raw: Any) -> int | None:
    if isinstance(raw, bool):
        return None
    try:
        return int(str(raw).strip())
    except (TypeError, ValueError):
        return None


def check_lines(
    items: Sequence[ItemSpec], raw: Mapping[str, Mapping[str, Any]]
) -> tuple[list[Line], dict[str, list[str]]]:
    """(the lines, errors keyed ``item_<id>``) for ``raw`` = item id → {points, fatal_hit,
    comment}. Every item must be scored: points for a weighted item, yes/no for a fatal one."""
    errors: dict[str, list[str]] = {}
    lines: list[Line] = []
    ids = {i.id for i in items}
    if set(raw) - ids:
        errors["lines"] = [_("评分中有不属于该场景的检查项。")]
    for item in items:
        key = f"item_{item.id}"
        row = raw.get(item.id) or {}
        comment = str(row.get("comment") or "").strip()
        if len(comment) > COMMENT_MAX:
            errors.setdefault(key, []).append(_("说明不能超过 {n} 个字。").format(n=COMMENT_MAX))
        if item.fatal:
            hit = _yes_no(row.get("fatal_hit"))
            if hit is None:
                errors.setdefault(key, []).append(_("请确认是否出现该致命项。"))
            elif hit and not comment:
                errors.setdefault(key, []).append(
                    _("出现致命项时须写明经过（时间、人员、原话或行为）。")
                )
            lines.append(Line(item.id, 0, bool(hit), comment))
            continue
        raw_points = row.get("points")
        points = _int_or_none(raw_points)
        if raw_points is None or str(raw_points).strip() == "":
            errors.setdefault(key, []).append(_("请为此项评分。"))
        elif points is None or not 0 <= points <= item.weight:
            errors.setdefault(key, []).append(
                _("得分须为 0 至 {max} 之间的整数。").format(max=item.weight)
            )
        lines.append(Line(item.id, max(points or 0, 0), False, comment))
    return lines, errors


def weighted_total(
    items: Sequence[ItemSpec], lines: Sequence[Line]
) -> tuple[Decimal, Decimal, bool]:
    """(score of the weighted items, total, fatal?) on a 0–100 scale for lines already checked:
    the total is the score, or 0 when any fatal item was hit."""
    by_id = {i.id: i for i in items}
    fatal = any(line.fatal_hit and by_id[line.item_id].fatal for line in lines)
    available = sum(i.weight for i in items if not i.fatal)
    awarded = sum(line.points for line in lines if not by_id[line.item_id].fatal)
    raw = (
        (Decimal(100) * awarded / available).quantize(Decimal("0.1"), ROUND_HALF_UP)
        if available
        else Decimal("0.0")
    )
    return raw, (Decimal("0.0") if fatal else raw), fatal


def check_evidence(raw: Iterable[Mapping[str, Any]]) -> tuple[list[dict[str, str]], list[str]]:
    """(the references to keep, errors): each row {kind, ref, note}; a photo or a recording
    needs its archive reference, a note its text. Entirely empty rows are dropped."""
    clean: list[dict[str, str]] = []
    errors: list[str] = []
    rows = [
        {k: str(r.get(k) or "").strip() for k in ("kind", "ref", "note")}
        for r in raw
        if any(str(r.get(k) or "").strip() for k in ("ref", "note"))
    ]
    if len(rows) > MAX_EVIDENCE:
        errors.append(_("证据最多 {n} 条。").format(n=MAX_EVIDENCE))
    for n, row in enumerate(rows[:MAX_EVIDENCE], start=1):
        problems: list[str] = []
        if row["kind"] not in EvidenceKind.values:
            problems.append(_("请选择证据类型"))
        if row["kind"] in (EvidenceKind.PHOTO, EvidenceKind.RECORDING) and not row["ref"]:
            problems.append(_("照片或录音须填写档案中的文件名或编号"))
        if row["ref"] and not REF_RE.match(row["ref"]):
            problems.append(_("编号只能包含字母、数字、汉字及 - _ . / #，不含空格和网址"))
        if row["kind"] == EvidenceKind.NOTE and not row["note"]:
            problems.append(_("现场记录须填写内容"))
        if len(row["note"]) > 200:
            problems.append(_("说明不能超过 200 个字"))
        if problems:
            errors.append(
                _("第 {n} 条证据：{problems}。").format(n=n, problems="；".join(problems))
            )
        else:
            clean.append(row)
    return clean, errors


# --- the case kinds -------------------------------------------------------------------------------


def scenario_problems(scenario: MysteryScenario) -> str | None:
    """Why a draft cannot be published (None when it can): it needs a weighted item."""
    if not scenario.items.filter(critical=False).exists():
        return _("场景至少需要一个计分的检查项。")
    return None


def _scenario_url(case_id: str) -> str:
    from django.urls import reverse

    return reverse("surveys:mystery_scenario", args=[case_id])


def _scenario_blocked(case: CaseModel, action: str, actor: Actor, at: datetime) -> str | None:
    assert isinstance(case, MysteryScenario)
    if action == "publish":
        return scenario_problems(case)
    if action == "retire":
        return retire_held(MysteryScenario, case, ScenarioStatus.PUBLISHED)
    return None


SCENARIO_KIND = CaseKind(
    label="surveys.mysteryscenario",
    workflow=SCENARIO_WORKFLOW,
    access=access_scenario,
    name=gettext_lazy("神秘客户场景版本"),
    view_perm=VIEW,
    work_by_state=SCENARIO_WORK_BY_STATE,  # a draft's author alone; published: nobody's
    url_for=_scenario_url,
    blocked=_scenario_blocked,
)


def _visit_url(case_id: str) -> str:
    from django.urls import reverse

    return reverse("surveys:mystery_visit", args=[case_id])


def _visit_blocked(case: CaseModel, action: str, actor: Actor, at: datetime) -> str | None:
    assert isinstance(case, MysteryVisit)
    if action == "record" and (actor.user_id is None or case.shopper_id != actor.user_id):
        return _("只有被派发的暗访员可以录入该走访的结果。")
    return None


VISIT_KIND = CaseKind(
    label=CASE_TYPE,
    workflow=VISIT_WORKFLOW,
    access=access_visit,
    name=gettext_lazy("神秘客户走访"),
    view_perm=VIEW,  # scored visits are seen with surveys.view; assigned ones only by the door
    # the shopper (the assignee) and nobody else: a planned visit must stay hidden from the
    # visited unit, and other shoppers have nothing to do with it
    work_in_scope=False,
    url_for=_visit_url,
    blocked=_visit_blocked,
)


def result_clock_start(visit: MysteryVisit) -> datetime:
    """When the result clock starts: 00:00 of the planned date, Beijing time (the period's last
    day is the 2nd working day after the planned date)."""
    return datetime.combine(visit.planned_date, time.min, BEIJING)


def result_clock_path(visit: MysteryVisit) -> str:
    """Whose chain a warning or breach of the result clock goes to: the shopper's home unit (or
    the head office), never the visited unit."""
    shopper = visit.shopper
    return shopper.org_unit.path if shopper.org_unit_id else head_office_path()  # type: ignore[union-attr]


def _result_clock_started(visit: MysteryVisit) -> Deadline:
    return deadline_start(case_type=VISIT_KIND.label, case_id=str(visit.pk),
                          org_path=result_clock_path(visit), clock=RESULT,
                          at=result_clock_start(visit))  # fmt: skip


def visit_opened(visit: MysteryVisit, actor: Actor, *, at: datetime | None = None) -> None:
    """A visit's first event, and its result clock if the planned date has come. The clock is
    anchored on the planned date, so it is started here or by ``result_clocks_start`` on the
    day (the daily survey job) rather than by the workflow's ``on_create``: a clock never starts
    in the future."""
    at = at or timezone.now()
    case_opened(kind=VISIT_KIND, case=visit, actor=actor, at=at,
                data={"scenario": str(visit.scenario_id), "planned_date": visit.planned_date.isoformat()})  # fmt: skip
    if result_clock_start(visit) <= at:
        _result_clock_started(visit)


def result_clocks_start(*, now: datetime | None = None) -> int:
    """Start the result clock of every assigned visit whose planned date has come and that has
    none yet (a visit planned for a later day, or assigned before the clock existed). Idempotent
    and catch-up safe: the clock counts from 00:00 of the planned date whenever this runs, and the
    deadline sweep raises whatever warning or breach already fell due. Returns how many started."""
    today = today_in_beijing(now)
    due = list(
        MysteryVisit.objects.filter(status=VisitStatus.ASSIGNED, planned_date__lte=today)
        .select_related("shopper__org_unit")
        .order_by("planned_date")
    )
    have = set(
        Deadline.objects.filter(
            case_type=VISIT_KIND.label, clock=RESULT.code, case_id__in=[str(v.pk) for v in due]
        ).values_list("case_id", flat=True)
    )
    started = 0
    for visit in due:
        if str(visit.pk) in have:
            continue
        try:
            with transaction.atomic():
                # recorded or cancelled since it was read: no clock for a visit that is over
                locked = MysteryVisit.objects.select_for_update().filter(
                    pk=visit.pk, status=VisitStatus.ASSIGNED
                )
                if not locked.exists():
                    continue
                _result_clock_started(visit)
        except DeadlineError:  # started meanwhile by a parallel run
            continue
        started += 1
    return started


def result_deadline_built(visit: MysteryVisit, *, closed_at: datetime | None) -> Deadline:
    """The result clock of a visit as the engine would have left it, unsaved (demo loaders)."""
    return deadline_build(case_type=VISIT_KIND.label, case_id=str(visit.pk),
                          org_path=result_clock_path(visit), clock=RESULT,
                          at=result_clock_start(visit), closed_at=closed_at)  # fmt: skip


# --- scenarios ------------------------------------------------------------------------------------


def _require_head_office(actor: Actor) -> None:
    if not actor.can_globally(MANAGE):
        raise Forbidden(_("神秘客户场景由总公司质量管理部维护。"))


CHECKLIST_PURPOSE = "surveys.mystery"


def _checklist_code(code: str) -> str:
    """The kernel checklist code of a scenario code (checklist codes are shared by purposes)."""
    return f"mystery-{code}"


def _checklist_new(*, code: str, number: int, name: str) -> Checklist:
    """The checklist that holds a scenario version's items (ADR 0023): a draft until the
    scenario version is published (``_checklists_sync``)."""
    return Checklist.objects.create(
        code=_checklist_code(code), version=number, name=name[:120], purpose=CHECKLIST_PURPOSE,
        active=False,
    )  # fmt: skip


def _checklists_sync(scenario: MysteryScenario, *, at: datetime, by: str) -> None:
    """After a publication: the scenario's checklist is published and active, the other
    versions of the code are not active (retired scenario versions)."""
    Checklist.objects.filter(pk=scenario.checklist_id).update(
        published_at=at, published_by=by, active=True, updated_at=at
    )
    Checklist.objects.filter(code=_checklist_code(scenario.code), active=True).exclude(
        pk=scenario.checklist_id
    ).update(active=False, updated_at=at)


def _clean_items(items: Iterable[Mapping[str, Any]]) -> tuple[list[ChecklistItem], list[str]]:
    rows: list[ChecklistItem] = []
    errors: list[str] = []
    for n, item in enumerate(items, start=1):
        text = str(item.get("text") or "").strip()
        category = str(item.get("category") or "").strip() or _("其他")
        fatal = bool(item.get("fatal"))
        weight = _int_or_none(item.get("weight") or 0)
        if not text:
            errors.append(_("第 {n} 项缺少检查内容。").format(n=n))
        elif len(text) > 200 or len(category) > 40:
            errors.append(_("第 {n} 项：检查项最长 200 字，类别最长 40 字。").format(n=n))
        elif fatal and weight:
            errors.append(_("第 {n} 项为致命项，不计分，分值应为 0。").format(n=n))
        elif not fatal and (weight is None or not 1 <= weight <= MAX_WEIGHT):
            errors.append(_("第 {n} 项分值须在 1 至 {max} 之间。").format(n=n, max=MAX_WEIGHT))
        rows.append(ChecklistItem(position=n, category=category[:40], text=text[:200],
                                  points=max(weight or 0, 0), critical=fatal))  # fmt: skip
    return rows, errors


def _scenario_errors(
    *, name: str, kind: str, queue: str, instructions: str
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not name.strip() or len(name) > 120:
        errors["name"] = [_("请填写名称（不超过 120 字）。")]
    if kind not in ScenarioKind.values:
        errors["kind"] = [_("请选择场景类型。")]
    if kind == ScenarioKind.QUEUE_CALL and queue not in CallQueue.values:
        errors["queue"] = [_("电话暗访须选择拨打的服务队列。")]
    if len(instructions) > OVERALL_MAX:
        errors["instructions"] = [_("暗访说明不能超过 {n} 字。").format(n=OVERALL_MAX)]
    return errors


@transaction.atomic
def scenario_create(
    actor: Actor,
    *,
    code: str,
    name: str,
    kind: str,
    instructions: str = "",
    queue: str = "",
    outlet_type: str = "",
    items: Iterable[Mapping[str, Any]] = (),
) -> MysteryScenario:
    """A new scenario code as draft version 1 (an existing code gets new versions instead)."""
    _require_head_office(actor)
    code = code.strip()
    errors = _scenario_errors(name=name, kind=kind, queue=queue, instructions=instructions)
    if not CODE_RE.match(code):
        errors["code"] = [_("编码只能包含小写字母、数字和连字符，最长 40 个字符。")]
    elif MysteryScenario.objects.filter(code=code).exists():
        errors["code"] = [_("编码已存在；修改已有场景请新建版本。")]
    rows, item_errors = _clean_items(items)
    if item_errors:
        errors["items"] = item_errors
    if errors:
        raise ValidationFailed(_("场景信息有误，请按提示修改。"), fields=errors)
    checklist = _checklist_new(code=code, number=1, name=name.strip())
    scenario = MysteryScenario.objects.create(
        code=code, name=name.strip(), kind=kind, instructions=instructions.strip(),
        queue=queue if kind == ScenarioKind.QUEUE_CALL else "", outlet_type=outlet_type.strip()[:60],
        org_path=head_office_path(), assignee_id=actor.user_id, checklist=checklist,
    )  # fmt: skip
    for row in rows:
        row.checklist = checklist
    ChecklistItem.objects.bulk_create(rows)
    case_opened(kind=SCENARIO_KIND, case=scenario, actor=actor, data={"code": code, "number": 1})
    audit_record(actor=actor, action="surveys.mystery.scenario_create", subject=scenario,
                 data={"code": code, "version": 1, "items": len(rows)})  # fmt: skip
    return scenario


def _draft_for_update(scenario_id: Any) -> MysteryScenario:
    scenario = MysteryScenario.objects.select_for_update().filter(pk=scenario_id).first()
    if scenario is None:
        raise NotFound()
    if scenario.frozen:
        raise Conflict(_("已发布的场景不可修改，请新建版本。"), code="scenario_frozen",
                       state=scenario.status)  # fmt: skip
    return scenario


@transaction.atomic
def scenario_update(
    actor: Actor,
    scenario_id: Any,
    *,
    name: str,
    instructions: str = "",
    queue: str = "",
    outlet_type: str = "",
    items: Iterable[Mapping[str, Any]],
) -> MysteryScenario:
    """Replace a draft's description and checklist (a published version refuses with 409)."""
    _require_head_office(actor)
    scenario = _draft_for_update(scenario_id)
    errors = _scenario_errors(name=name, kind=scenario.kind, queue=queue,
                              instructions=instructions)  # fmt: skip
    rows, item_errors = _clean_items(items)
    if item_errors:
        errors["items"] = item_errors
    if errors:
        raise ValidationFailed(_("场景信息有误，请按提示修改。"), fields=errors)
    scenario.name, scenario.instructions = name.strip(), instructions.strip()
    scenario.queue = queue if scenario.kind == ScenarioKind.QUEUE_CALL else ""
    scenario.outlet_type = outlet_type.strip()[:60]
    scenario.save(update_fields=["name", "instructions", "queue", "outlet_type", "updated_at"])
    scenario.items.all().delete()
    Checklist.objects.filter(pk=scenario.checklist_id).update(
        name=scenario.name[:120], updated_at=timezone.now()
    )
    for row in rows:
        row.checklist_id = scenario.checklist_id
    ChecklistItem.objects.bulk_create(rows)
    audit_record(actor=actor, action="surveys.mystery.scenario_update", subject=scenario,
                 fields=["name", "instructions", "queue", "outlet_type", "items"])  # fmt: skip
    return scenario


@transaction.atomic
def scenario_publish(
    actor: Actor,
    scenario_id: Any,
    *,
    version: int | None = None,
    at: datetime | None = None,
    source: str = CaseEvent.Source.PAGE,
) -> MysteryScenario:
    """Freeze a draft; the code's previously published version is retired (its visits keep it).
    Both through the engine, in one transaction."""
    _require_head_office(actor)
    scenario = _draft_for_update(scenario_id)
    problem = scenario_problems(scenario)
    if problem:
        raise ValidationFailed(problem, fields={"items": [_("请添加计分的检查项。")]})
    published = version_publish(kind=SCENARIO_KIND, actor=actor, draft=scenario,
                                published=ScenarioStatus.PUBLISHED, version=version,
                                at=at or timezone.now(), source=source)  # fmt: skip
    assert isinstance(published, MysteryScenario)
    _checklists_sync(published, at=published.published_at or timezone.now(), by=actor.username)
    return published


@transaction.atomic
def scenario_new_version(actor: Actor, code: str) -> MysteryScenario:
    """A draft n+1 copied from the latest version of ``code`` (the open draft if there is one)."""
    _require_head_office(actor)
    latest = latest_for_update(MysteryScenario, code)
    if latest is None:
        raise NotFound()
    if latest.status == ScenarioStatus.DRAFT:
        return latest
    checklist = _checklist_new(code=code, number=latest.number + 1, name=latest.name)
    draft = MysteryScenario.objects.create(
        code=code, number=latest.number + 1, name=latest.name, kind=latest.kind,
        instructions=latest.instructions, queue=latest.queue, outlet_type=latest.outlet_type,
        org_path=latest.org_path or head_office_path(), assignee_id=actor.user_id,
        checklist=checklist,
    )  # fmt: skip
    ChecklistItem.objects.bulk_create(
        ChecklistItem(checklist=checklist, position=i.position, category=i.category,
                      text=i.text, points=i.points, critical=i.critical)
        for i in latest.items.all()
    )  # fmt: skip
    case_opened(kind=SCENARIO_KIND, case=draft, actor=actor,
                data={"code": code, "number": draft.number})  # fmt: skip
    audit_record(actor=actor, action="surveys.mystery.scenario_new_version", subject=draft,
                 data={"code": code, "version": draft.number})  # fmt: skip
    return draft


# --- visits ---------------------------------------------------------------------------------------


def today_in_beijing(now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(BEIJING).date()


def shopper_may_visit(shopper: User, unit: OrgUnit) -> str | None:
    """Why ``shopper`` may not shop ``unit``, or None: they need ``surveys.shop`` over it and must
    not work in it (the staff would recognise them)."""
    if not shopper.is_active or not actor_for_user(shopper).can(SHOP, unit.path):
        return _("该人员没有对该机构进行神秘客户走访的权限。")
    home = shopper.org_unit.path if shopper.org_unit_id else ""  # type: ignore[union-attr]
    if home and home.startswith(unit.path):
        return _("暗访员不能走访本人所在的机构（会被认出）。")
    return None


@transaction.atomic
def visit_assign(
    actor: Actor,
    *,
    scenario_id: Any,
    org_unit_id: Any,
    shopper_id: Any,
    planned_date: date | None,
    plan_id: Any = None,
    phone_number: str = "",
    now: datetime | None = None,
) -> MysteryVisit:
    require(actor, MANAGE)
    errors: dict[str, list[str]] = {}
    unit = None  # a unit out of scope is a 404, like every door
    if org_unit_id:
        unit = unit_in_scope(actor, org_unit_id, MANAGE, active=True)
    else:
        errors["org_unit"] = [_("请选择被访机构。")]
    scenario = MysteryScenario.objects.filter(
        pk=scenario_id, status=ScenarioStatus.PUBLISHED
    ).first() if scenario_id else None  # fmt: skip
    if scenario is None:
        errors["scenario"] = [_("请选择已发布的场景。")]
    shopper = (
        User.objects.filter(pk=shopper_id).select_related("org_unit").first()
        if shopper_id
        else None
    )
    if shopper is None:
        errors["shopper"] = [_("请选择暗访员。")]
    elif unit is not None:
        why = shopper_may_visit(shopper, unit)
        if why:
            errors["shopper"] = [why]
    today = today_in_beijing(now)
    if planned_date is None:
        errors["planned_date"] = [_("请填写计划日期。")]
    elif planned_date < today:
        errors["planned_date"] = [_("计划日期不能早于今天。")]
    elif planned_date > today + timedelta(days=MAX_AHEAD_DAYS):
        errors["planned_date"] = [_("计划日期不能晚于一年以后。")]
    plan = None
    if plan_id:
        try:
            plan = get_in_scope(
                actor, SurveyPlan.objects.select_related("org_unit"), plan_id, MANAGE
            )
        except NotFound:
            errors["plan"] = [_("调查方案不存在或不在您的权限范围内。")]
        else:
            if plan.method != Method.MYSTERY:
                errors["plan"] = [_("请选择调查方式为“神秘客户”的方案。")]
            elif plan.status == PlanStatus.CLOSED:
                errors["plan"] = [_("该方案已结束。")]
            elif unit is not None and not unit.path.startswith(plan.org_unit.path):
                errors["plan"] = [_("被访机构不在该方案的调查范围内。")]
    phone_number = phone_number.strip()
    if phone_number and not PHONE_RE.match(phone_number):
        errors["phone_number"] = [_("请填写拨打的号码，例如 95500 或 010-12345678。")]
    if errors:
        raise ValidationFailed(_("派发信息有误，请按提示修改。"), fields=errors)
    assert scenario and shopper and unit and planned_date  # for the type checker
    visit = MysteryVisit.objects.create(
        plan=plan, scenario=scenario, org_unit=unit, shopper=shopper, planned_date=planned_date,
        phone_number=phone_number if scenario.kind == ScenarioKind.QUEUE_CALL else "",
        assigned_by=actor.username, assignee=shopper,
    )  # fmt: skip
    visit_opened(visit, actor, at=now)
    audit_record(actor=actor, action="surveys.mystery.assign", subject=visit,
                 fields=["scenario", "org_unit", "shopper", "planned_date", "plan"])  # fmt: skip
    return visit


def _shopper_visit_for_update(actor: Actor, visit_id: Any) -> MysteryVisit:
    """The shopper's door to their own visit: another shopper's visit is missing (404); a shopper
    who no longer holds ``surveys.shop`` over the unit is refused (403)."""
    try:
        visit = (
            MysteryVisit.objects.select_for_update(of=("self",))
            .select_related("scenario", "org_unit")
            .filter(pk=visit_id, shopper_id=actor.user_id)
            .first()
        )
    except (ValueError, TypeError, DjangoValidationError) as exc:  # a malformed id
        raise NotFound() from exc
    if visit is None or actor.user_id is None:
        raise NotFound()
    require(actor, SHOP, visit)
    return visit


@transaction.atomic
def visit_record(
    actor: Actor,
    visit_id: Any,
    *,
    visited_at: datetime | None,
    lines: Mapping[str, Mapping[str, Any]],
    evidence: Iterable[Mapping[str, Any]] = (),
    comment: str = "",
    phone_number: str = "",
    now: datetime | None = None,
    version: int | None = None,
    source: str = CaseEvent.Source.PAGE,
) -> MysteryVisit:
    """Score an assigned visit (the assigned shopper only); all or nothing. The status goes
    through the engine (``record``), the scores are written in the same transaction."""
    visit = _shopper_visit_for_update(actor, visit_id)
    if visit.status != VisitStatus.ASSIGNED:
        raise Conflict(_("该走访已评分或已取消。"), code="visit_closed", state=visit.status)
    now = now or timezone.now()
    items = list(visit.scenario.items.order_by("position"))
    specs = [ItemSpec(str(i.pk), i.points, i.critical) for i in items]
    clean_lines, errors = check_lines(specs, lines)
    refs, evidence_errors = check_evidence(evidence)
    if evidence_errors:
        errors["evidence"] = evidence_errors
    earliest = datetime.combine(_assigned_at(visit).astimezone(BEIJING).date(), time.min, BEIJING)
    if visited_at is None:
        errors["visited_at"] = [_("请填写走访或来电的时间。")]
    elif visited_at > now + clock_skew():  # a clock a little ahead is not "the future"
        errors["visited_at"] = [_("走访时间不能晚于现在。")]
    elif visited_at < earliest:
        errors["visited_at"] = [_("走访时间不能早于派发日期。")]
    phone_number = phone_number.strip() or visit.phone_number
    if visit.scenario.kind == ScenarioKind.QUEUE_CALL:
        if not phone_number:
            errors["phone_number"] = [_("请填写拨打的号码。")]
        elif not PHONE_RE.match(phone_number):
            errors["phone_number"] = [_("请填写拨打的号码，例如 95500 或 010-12345678。")]
    comment = comment.strip()
    if len(comment) > OVERALL_MAX:
        errors["comment"] = [_("意见不能超过 {n} 字。").format(n=OVERALL_MAX)]
    if errors:
        raise ValidationFailed(_("评分有误，请按提示修改；已填写的内容已保留。"), fields=errors)
    raw_total, total, fatal = weighted_total(specs, clean_lines)
    pass_mark = min(100, int(rule_value("surveys.mystery_pass_mark")))
    passed = not fatal and total >= pass_mark
    result = {"total": str(total), "fatal": fatal, "passed": passed}
    scored = {"visited_at": visited_at, "scored_at": now, "raw_total": raw_total, "total": total,
              "fatal": fatal, "pass_mark": pass_mark, "passed": passed, "evidence": refs,
              "comment": comment}  # fmt: skip
    if visit.scenario.kind == ScenarioKind.QUEUE_CALL:
        scored["phone_number"] = phone_number
    # the scores and the result are written and audited with the step: one audit record
    done = case_transition(kind=VISIT_KIND, actor=actor, case_id=visit.pk, action="record",
                           version=version, at=now, source=source, data=result,
                           updates=scored, audit={**result, "lines": len(clean_lines)})  # fmt: skip
    assert isinstance(done, MysteryVisit)
    visit = done  # the row as the engine left it
    MysteryScore.objects.bulk_create(
        MysteryScore(visit=visit, item_id=line.item_id, points=line.points,
                     fatal_hit=line.fatal_hit, comment=line.comment)
        for line in clean_lines
    )  # fmt: skip
    visit_findings_open(visit)
    return visit


def _assigned_at(visit: MysteryVisit) -> datetime:
    """When the visit was assigned: its ``create`` event's time (the assignment's ``now``, which
    is the row's creation time unless the assignment was dated, as history loaded is)."""
    at = (
        CaseEvent.objects.filter(case_type=VISIT_KIND.label, case_id=str(visit.pk),
                                 activity="create")
        .values_list("at", flat=True)
        .first()
    )  # fmt: skip
    return at or visit.created_at


def visit_findings_open(visit: MysteryVisit) -> list[Finding]:
    """Open the findings of a failed visit: one per fatal item hit, else one for a score below
    the pass mark, found when the visit was scored. Idempotent (dedupe keys): returns only the
    findings created by this call."""
    if visit.status != VisitStatus.DONE or visit.passed:
        return []
    unit = visit.org_unit
    scenario = visit.scenario
    base = {"visit": str(visit.pk), "scenario": scenario.code, "version": scenario.number,
            "total": str(visit.total), "pass_mark": visit.pass_mark,
            "visited_at": visit.visited_at.isoformat() if visit.visited_at else ""}  # fmt: skip
    created: list[Finding] = []
    if visit.fatal:
        hits = (
            MysteryScore.objects.filter(visit=visit, fatal_hit=True)
            .select_related("item")
            .order_by("item__position")
        )
        for line in hits:
            found = finding_record(
                rule=FINDING_RULE,
                kind=KIND_FATAL,
                title=_("神秘客户（{kind}）：{unit} 出现致命项「{item}」").format(
                    kind=scenario.get_kind_display(), unit=unit.name, item=line.item.text
                ),
                org_path=unit.path,
                case_type=CASE_TYPE,
                case_id=str(visit.pk),
                dedupe_key=f"mystery:{visit.pk}:fatal:{line.item_id}",
                data={**base, "item": str(line.item_id), "category": line.item.category},
                at=visit.scored_at,
            )
            if found is not None:
                created.append(found)
    else:
        found = finding_record(
            rule=FINDING_RULE,
            kind=KIND_BELOW_PASS,
            title=_("神秘客户（{kind}）：{unit} 得分 {total}，低于合格线 {mark}").format(
                kind=scenario.get_kind_display(),
                unit=unit.name,
                total=visit.total,
                mark=visit.pass_mark,
            ),
            org_path=unit.path,
            case_type=CASE_TYPE,
            case_id=str(visit.pk),
            dedupe_key=f"mystery:{visit.pk}:score",
            data=base,
            at=visit.scored_at,
        )
        if found is not None:
            created.append(found)
    return created


@transaction.atomic
def visit_cancel(
    actor: Actor,
    visit_id: Any,
    *,
    reason: str,
    version: int | None = None,
    at: datetime | None = None,
    source: str = CaseEvent.Source.PAGE,
) -> MysteryVisit:
    """A manager over the unit cancels an assigned visit with a reason (the engine's ``cancel``:
    its result clock is cancelled too). The reason is kept on the visit, not in the event log."""
    get_in_scope(actor, MysteryVisit.objects.all(), visit_id, MANAGE)  # a manager's door: 404
    reason = reason.strip()
    at = at or timezone.now()
    visit = case_transition(kind=VISIT_KIND, actor=actor, case_id=visit_id, action="cancel",
                            version=version, at=at, source=source, data={"reason": reason},
                            record={"reason_length": len(reason)},
                            updates={"cancelled_at": at, "cancel_reason": reason[:200]})  # fmt: skip
    assert isinstance(visit, MysteryVisit)
    return visit
