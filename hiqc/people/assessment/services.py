"""Staff assessment and incentives: every write and the scoring arithmetic (standard 7.2, 7.3.1,
with 5.3.3; issue 18 §4–§5; ADR 0021).

* ``cycle_create`` — a unit's cycle and its scheme (draft); ``cycle_act`` — ``publish`` (only
  before the period starts: 7.2.1), ``compute`` (only after it ends), ``finalise`` (after the
  appeal window, every appeal decided), through the case engine.
* ``raters_assign`` — who rates whom (superior / peer / subordinate) while the scheme is
  published; ``rating_submit`` — a rater's own scores, seen by nobody else.
* ``appeal_file`` — the person, once, within the window; ``appeal_decide`` — someone other than
  the person and other than whoever computed the results.
* ``incentive_record`` — an honour or reward against a final result (7.3.1).

Scoring (``results_compute``), every part 0–100:
* ability — the mean percentage score of the person's marked exam papers submitted in the
  period (``people`` Attempts), the papers as evidence;
* performance — per measure of the person's role (``hiqc.core.personmeasures``, one query per
  measure for everyone): score = min(100, 100 × value ÷ target); the weighted mean over the
  measures with data;
* teamwork, ethics — per rater group with at least ``people.assessment.min_raters`` submitted
  ratings, the mean; the part is the mean of the shown groups (each shown group counts equally;
  a hidden group is neither shown nor counted — its share goes to the shown ones);
* total — the weighted mean of the parts with a score; a part without one (no exam, no data, no
  group shown) is left out and the others' weights scaled up; the result page says which.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hiqc.core.access import Actor, get_in_scope, require, scope
from hiqc.core.audit import audit_record
from hiqc.core.calendar import BEIJING
from hiqc.core.casekinds import CaseKind
from hiqc.core.casework import Source, case_opened, case_transition
from hiqc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hiqc.core.personmeasures import PERSON_MEASURES, Measured, person_measure
from hiqc.core.rules import rule_value
from hiqc.organisations.models import Membership, OrgUnit, User
from hiqc.organisations.selectors import unit_in_scope

from ..models import Attempt
from .models import (
    Appeal,
    AppealDecision,
    AssessmentCycle,
    AssessmentResult,
    CycleKind,
    CycleStatus,
    Incentive,
    IncentiveKind,
    RaterGroup,
    Rating,
)
from .rules import APPEAL_DAYS, MIN_RATERS, grade_for
from .workflow import APPEAL_DECIDE, CYCLE, CYCLE_PROCESS, INCENTIVES, MANAGE, VIEW

PARTS = ("ability", "performance", "teamwork", "ethics")
MEASURES_MAX = 10
Errors = dict[str, list[str]]


def _fail(errors: Errors) -> None:
    if errors:
        raise ValidationFailed(_("信息有误，请按提示修改。"), fields=errors)


def _is_uuid(value: Any) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def period_bounds(cycle: AssessmentCycle) -> tuple[datetime, datetime]:
    """``[start, end)``: the period's first Beijing day at 00:00 to the day after its last."""
    start = datetime.combine(cycle.period_start, time(0), BEIJING)
    end = datetime.combine(cycle.period_end + timedelta(days=1), time(0), BEIJING)
    return start, end


# --- doors ---------------------------------------------------------------------------------------


def access_cycle(actor: Actor, cycle_id: Any, *, for_update: bool = False) -> AssessmentCycle:
    """A cycle in the scope of ``assessments.view``; missing and out of scope are one 404."""
    qs = AssessmentCycle.objects.select_related("org_unit")
    return get_in_scope(actor, qs, cycle_id, VIEW, for_update=for_update)


def cycles_visible(actor: Actor) -> QuerySet[AssessmentCycle]:
    return scope(actor, AssessmentCycle.objects.select_related("org_unit"), VIEW)


def access_result(actor: Actor, result_id: Any, *, for_update: bool = False) -> AssessmentResult:
    """One's own result (once computed), or one in the scope of ``assessments.view``; anything
    else is the same 404 as a missing id."""
    qs = AssessmentResult.objects.select_related("cycle", "user", "org_unit")
    if for_update:
        qs = qs.select_for_update(of=("self",))
    if actor.user_id is not None and _is_uuid(result_id):
        own = qs.filter(pk=result_id, user_id=actor.user_id).first()
        if own is not None:
            return own
    return get_in_scope(actor, qs, result_id, VIEW)


def results_visible(actor: Actor) -> QuerySet[AssessmentResult]:
    """One's own results plus the results in scope."""
    q = Q(pk__in=scope(actor, AssessmentResult.objects.all(), VIEW).values("pk"))
    if actor.user_id is not None:
        q |= Q(user_id=actor.user_id)
    return AssessmentResult.objects.filter(q).select_related("cycle", "user", "org_unit")


def access_rating(actor: Actor, rating_id: Any, *, for_update: bool = False) -> Rating:
    """A rating is its rater's alone: nobody else reads its scores (anonymity)."""
    if actor.user_id is None or not _is_uuid(rating_id):
        raise NotFound()
    qs = Rating.objects.select_related("cycle", "subject").filter(rater_id=actor.user_id)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    found = qs.filter(pk=rating_id).first()
    if found is None:
        raise NotFound()
    return found


def ratings_of(actor: Actor) -> QuerySet[Rating]:
    if actor.user_id is None:
        return Rating.objects.none()
    return Rating.objects.filter(rater_id=actor.user_id).select_related("cycle", "subject")


def _cycle_url(case_id: str) -> str:
    return reverse("people:cycle", args=[case_id])


def _blocked(case: Any, action: str, at: datetime) -> str | None:
    problems = cycle_problems(case, action, at)
    return " ".join(problems) if problems else None


def not_now(actor: Actor) -> Q:
    """In SQL, for "my work": the cycles nobody can act on now, as ``cycle_problems`` refuses —
    a draft whose period has started (it can no longer be published), a published cycle whose
    period has not ended, computed results still in their appeal window or with an appeal
    undecided."""
    now = timezone.now()
    today = now.astimezone(BEIJING).date()
    undecided = Appeal.objects.filter(decided_at__isnull=True).values("result__cycle_id")
    return (
        Q(status=CycleStatus.DRAFT, period_start__lte=today)
        | Q(status=CycleStatus.PUBLISHED, period_end__gte=today)
        | Q(status=CycleStatus.COMPUTED, appeal_until__gt=now)
        | Q(status=CycleStatus.COMPUTED, pk__in=undecided)
    )


CYCLE_KIND = CaseKind(
    label=CYCLE_PROCESS, workflow=CYCLE, access=access_cycle, name=gettext_lazy("考核周期"),
    view_perm=VIEW, url_for=_cycle_url, not_for=not_now,  # my work: the cycles that can move now
    blocked=lambda case, action, actor, at: _blocked(case, action, at),
)  # fmt: skip


def cycle_problems(cycle: AssessmentCycle, action: str, at: datetime) -> list[str]:
    """Why ``action`` cannot be taken now (the engine refuses with 409 and does not offer it)."""
    start, end = period_bounds(cycle)
    out: list[str] = []
    if action == "publish":
        if at >= start:
            out.append(_("考核期已开始，方案须在考核期开始前公布（标准 7.2.1）；请新建考核周期。"))
        out.extend(scheme_problems(cycle.weights(), cycle.measures))
    elif action == "compute":
        if cycle.published_at is None or cycle.published_at >= start:
            out.append(_("考核方案未在考核期开始前公布，不能计算结果（标准 7.2.1）。"))
        if at < end:
            out.append(_("考核期尚未结束，不能计算结果。"))
    elif action == "finalise":
        if cycle.appeal_until is not None and at < cycle.appeal_until:
            out.append(_("申诉期尚未结束。"))
        if Appeal.objects.filter(result__cycle=cycle, decided_at__isnull=True).exists():
            out.append(_("尚有未处理的申诉。"))
    return out


# --- the scheme ----------------------------------------------------------------------------------


def scheme_problems(weights: Mapping[str, int], measures: Any) -> list[str]:
    out = []
    if sum(weights.values()) != 100:
        out.append(_("能力、业绩、团队协作、职业道德的权重之和须为 100。"))
    if weights.get("performance") and not measures:
        out.append(_("业绩权重大于 0，请至少为一个岗位设置业绩指标。"))
    return out


def _measures(raw: Any, errors: Errors) -> dict[str, list[dict[str, Any]]]:
    """``{role: [{code, weight, target}]}``; each role's weights sum to 100, each measure applies
    to the role and is registered. Errors by ``measures.<role>.<i>.<field>``."""
    from hiqc.organisations.enums import Role

    if not isinstance(raw, Mapping):
        errors["measures"] = [_("请按岗位设置业绩指标。")]
        return {}
    out: dict[str, list[dict[str, Any]]] = {}
    for role, items in raw.items():
        key = f"measures.{role}"
        if role not in Role.values:
            errors[key] = [_("未知的岗位角色。")]
            continue
        if not isinstance(items, Sequence) or isinstance(items, str) or not items or len(
                items) > MEASURES_MAX:  # fmt: skip
            errors[key] = [_("每个岗位设置 1 至 {n} 项指标。").format(n=MEASURES_MAX)]
            continue
        rows: list[dict[str, Any]] = []
        for i, item in enumerate(items):
            where = f"{key}.{i}"
            item = item if isinstance(item, Mapping) else {}
            code = str(item.get("code") or "")
            measure = PERSON_MEASURES.get(code)
            if measure is None or role not in measure.roles:
                errors[f"{where}.code"] = [_("该指标不适用于此岗位。")]
                continue
            try:
                weight = int(str(item.get("weight")))
                target = float(str(item.get("target")))
            except ValueError:
                errors[f"{where}.weight"] = [_("请填写权重（整数）与目标值（数字）。")]
                continue
            if not 1 <= weight <= 100:
                errors[f"{where}.weight"] = [_("权重须为 1 至 100 的整数。")]
            if not 0 < target <= 100000 or (measure.kind == "rate" and target > 100):
                errors[f"{where}.target"] = [_("目标值须大于 0（比率不超过 100）。")]
            rows.append({"code": code, "weight": weight, "target": target})
        if rows and sum(r["weight"] for r in rows) != 100:
            errors[key] = [_("同一岗位各指标权重之和须为 100。")]
        if len({r["code"] for r in rows}) != len(rows):
            errors[key] = [_("同一指标不能重复设置。")]
        out[str(role)] = rows
    return out


def cycle_create(
    *, actor: Actor, data: Mapping[str, Any], at: datetime | None = None
) -> AssessmentCycle:
    """A cycle in draft: unit (in ``assessments.manage`` scope), title, kind, period, weights and
    the measures per role. Nothing is frozen until ``publish``. ``at``: when it was drawn up
    (its first event), for a cycle recorded afterwards (the demo)."""
    errors: Errors = {}
    try:
        unit: OrgUnit | None = unit_in_scope(actor, data.get("org_unit"), MANAGE, active=True)
    except NotFound:
        unit = None
        errors["org_unit"] = [_("请选择您管辖范围内的机构。")]
    title = str(data.get("title") or "").strip()
    if not title or len(title) > 120:
        errors["title"] = [_("请填写名称（不超过 120 字）。")]
    kind = str(data.get("kind") or "")
    if kind not in CycleKind.values:
        errors["kind"] = [_("请选择列出的选项之一。")]
    days: dict[str, date | None] = {}
    for name in ("period_start", "period_end"):
        raw = data.get(name)
        try:
            days[name] = raw if isinstance(raw, date) else parse_date(str(raw or "").strip())
        except ValueError:
            days[name] = None
        if days[name] is None:
            errors[name] = [_("请填写日期（年-月-日）。")]
    start, end = days["period_start"], days["period_end"]
    if start and end and end < start:
        errors["period_end"] = [_("考核期止不能早于起。")]
    weights: dict[str, int] = {}
    for part in PARTS:
        raw = str(data.get(f"w_{part}") if data.get(f"w_{part}") is not None else "").strip()
        if not raw.isdigit() or int(raw) > 100:
            errors[f"w_{part}"] = [_("请填写 0 至 100 的整数。")]
        weights[part] = int(raw) if raw.isdigit() else 0
    measures = _measures(data.get("measures") or {}, errors)
    if not errors:
        problems = scheme_problems(weights, measures)
        if problems:
            errors["w_performance"] = problems
    _fail(errors)
    assert unit is not None and start is not None and end is not None
    if AssessmentCycle.objects.filter(org_unit=unit, title=title).exists():
        raise ValidationFailed(_("信息有误，请按提示修改。"),
                               fields={"title": [_("本机构已有同名考核周期。")]})  # fmt: skip
    with transaction.atomic():
        cycle = AssessmentCycle.objects.create(
            org_unit=unit, title=title, kind=kind, period_start=start, period_end=end,
            w_ability=weights["ability"], w_performance=weights["performance"],
            w_teamwork=weights["teamwork"], w_ethics=weights["ethics"], measures=measures,
            created_by=actor.username, status=CycleStatus.DRAFT,
        )  # fmt: skip
        case_opened(kind=CYCLE_KIND, case=cycle, actor=actor, at=at, source=Source.PAGE,
                    data={"roles": sorted(measures)})  # fmt: skip
    return cycle


def cycle_act(*, actor: Actor, cycle_id: Any, action: str, version: int | None = None,
              at: datetime | None = None, source: str = Source.PAGE) -> AssessmentCycle:  # fmt: skip
    """``publish``, ``compute`` or ``finalise`` through the case engine. ``compute`` writes the
    results in the same transaction and opens the appeal window."""
    at = at or timezone.now()
    updates: dict[str, Any] = {}
    if action == "publish":
        updates = {"published_at": at, "published_by": actor.username}
    elif action == "compute":
        updates = {"computed_at": at, "computed_by": actor.username,
                   "appeal_until": at + timedelta(days=int(rule_value(APPEAL_DAYS.key)))}  # fmt: skip
    elif action == "finalise":
        updates = {"finalised_at": at}
    with transaction.atomic():
        done = case_transition(kind=CYCLE_KIND, actor=actor, case_id=cycle_id, action=action,
                               version=version, at=at, source=source, record={},
                               updates=updates)  # fmt: skip
        assert isinstance(done, AssessmentCycle)
        if action == "compute":
            results_compute(done)
    return done


FINALISER = "people_assessment_finalise"  # the daily job's system actor


def cycles_finalise_due(*, now: datetime | None = None) -> int:
    """Finalise, through the engine, every computed cycle whose appeal window has closed and
    whose appeals are all decided (the daily job; a manager may finalise earlier on the page
    once the same conditions hold). Returns how many it finalised; a rerun finalises none."""
    now = now or timezone.now()
    pending = Appeal.objects.filter(result__cycle=OuterRef("pk"), decided_at__isnull=True)
    due = (AssessmentCycle.objects.filter(status=CycleStatus.COMPUTED, appeal_until__lte=now)
           .exclude(Exists(pending)).order_by("appeal_until").values_list("pk", flat=True))  # fmt: skip
    actor = Actor.system(FINALISER)
    done = 0
    for cycle_id in list(due):
        cycle_act(actor=actor, cycle_id=cycle_id, action="finalise", at=now, source=Source.SYSTEM)
        done += 1
    return done


# --- who is assessed, who rates ------------------------------------------------------------------


def participants(cycle: AssessmentCycle) -> dict[str, tuple[str, Any]]:
    """{user id: (role, org unit id)}: the active members of the cycle's unit subtree holding a
    role the scheme sets measures for (a person with two such roles: the first in the scheme)."""
    roles = list(cycle.measures)
    rows = (
        Membership.objects.filter(org_unit__path__startswith=cycle.org_unit.path, role__in=roles,
                                  user__is_active=True)
        .order_by("created_at").values_list("user_id", "role", "org_unit_id")
    )  # fmt: skip
    out: dict[str, tuple[str, Any]] = {}
    for user_id, role, unit_id in rows:
        known = out.get(str(user_id))
        if known is None or roles.index(role) < roles.index(known[0]):
            out[str(user_id)] = (role, unit_id)
    return out


def raters_assign(*, actor: Actor, cycle_id: Any, rows: Sequence[Mapping[str, Any]]
                  ) -> list[Rating]:  # fmt: skip
    """Name raters (``subject``, ``rater`` user ids, ``group``) while the scheme is published;
    a pair already named is kept as it is (a re-run adds nothing). Errors by ``rows.<i>.<field>``."""
    cycle = access_cycle(actor, cycle_id)
    require(actor, MANAGE, cycle)
    if cycle.status not in (CycleStatus.DRAFT, CycleStatus.PUBLISHED):
        raise Conflict(_("结果已计算，不能再指定评价人。"), code="cycle_computed")
    people = participants(cycle)
    errors: Errors = {}
    wanted: list[tuple[str, str, str]] = []
    for i, row in enumerate(rows):
        subject, rater = str(row.get("subject") or ""), str(row.get("rater") or "")
        group = str(row.get("group") or "")
        if subject not in people:
            errors[f"rows.{i}.subject"] = [_("被评价人不在本考核周期的考核范围内。")]
        if not _is_uuid(rater) or not User.objects.filter(pk=rater, is_active=True).exists():
            errors[f"rows.{i}.rater"] = [_("请选择有效的评价人。")]
        elif rater == subject:
            errors[f"rows.{i}.rater"] = [_("不能评价自己。")]
        if group not in RaterGroup.values:
            errors[f"rows.{i}.group"] = [_("请选择列出的选项之一。")]
        wanted.append((subject, rater, group))
    if not rows:
        errors["rows"] = [_("请至少指定一名评价人。")]
    _fail(errors)
    made = []
    with transaction.atomic():
        for subject, rater, group in wanted:
            rating, created = Rating.objects.get_or_create(
                cycle=cycle, subject_id=subject, rater_id=rater, defaults={"group": group}
            )
            if created:
                made.append(rating)
        audit_record(actor=actor, action="people.assessment.raters", subject=cycle,
                     data={"added": len(made)})  # fmt: skip
    return made


def rating_submit(*, actor: Actor, rating_id: Any, data: Mapping[str, Any]) -> Rating:
    """The rater's own scores (0–100) of teamwork and ethics, before the results are computed;
    a submitted rating may be changed until then."""
    with transaction.atomic():
        rating = access_rating(actor, rating_id, for_update=True)
        if rating.cycle.status != CycleStatus.PUBLISHED:
            raise Conflict(_("本考核周期当前不接受评价。"), code="rating_closed")
        errors: Errors = {}
        scores = {}
        for name in ("teamwork", "ethics"):
            raw = str(data.get(name) if data.get(name) is not None else "").strip()
            if not raw.isdigit() or int(raw) > 100:
                errors[name] = [_("请填写 0 至 100 的整数。")]
            else:
                scores[name] = int(raw)
        _fail(errors)
        rating.teamwork, rating.ethics = scores["teamwork"], scores["ethics"]
        rating.submitted_at = timezone.now()
        rating.save(update_fields=["teamwork", "ethics", "submitted_at", "updated_at"])
        # the audit record names the cycle, never the subject's scores
        audit_record(actor=actor, action="people.assessment.rate", subject=rating.cycle,
                     data={"rating": str(rating.pk)})  # fmt: skip
    return rating


# --- computing -----------------------------------------------------------------------------------


def _weighted(parts: Mapping[str, float | None], weights: Mapping[str, float]) -> float | None:
    """Σ w·s ÷ Σ w over the parts with a score (a part without one is left out)."""
    have = {k: v for k, v in parts.items() if v is not None and weights.get(k, 0) > 0}
    total_w = sum(weights[k] for k in have)
    if not total_w:
        return None
    return sum(weights[k] * v for k, v in have.items()) / total_w


def measure_score(value: float | None, target: float) -> float | None:
    """0–100: the share of the target reached, capped at 100 (every measure: higher is better)."""
    if value is None:
        return None
    return max(0.0, min(100.0, 100.0 * value / target))


def ability_scores(user_ids: list[str], start: datetime, end: datetime
                   ) -> dict[str, tuple[float, list[str]]]:  # fmt: skip
    """{user: (mean percentage score, attempt ids)} over the marked papers submitted in the
    period, one query."""
    rows = (
        Attempt.objects.filter(user_id__in=user_ids, submitted_at__gte=start,
                               submitted_at__lt=end, score__isnull=False, max_score__gt=0)
        .order_by("submitted_at").values_list("pk", "user_id", "score", "max_score")
    )  # fmt: skip
    found: dict[str, list[Any]] = defaultdict(lambda: [0.0, 0, []])
    for pk, user, score, max_score in rows:
        entry = found[str(user)]
        entry[0] += 100.0 * (score or 0) / max_score
        entry[1] += 1
        entry[2].append(str(pk))
    return {u: (s / n, ids) for u, (s, n, ids) in found.items()}


def group_scores(ratings: Sequence[Rating], min_raters: int) -> tuple[dict[str, Any], float | None,
                                                                      float | None]:  # fmt: skip
    """One subject's submitted ratings → ({group: {raters, shown, teamwork, ethics}}, teamwork,
    ethics). A group with fewer than ``min_raters`` submitted raters is hidden: its means are not
    kept and it is not counted; the part is the mean of the shown groups' means."""
    by_group: dict[str, list[Rating]] = defaultdict(list)
    for r in ratings:
        if r.submitted_at is not None:
            by_group[r.group].append(r)
    groups: dict[str, Any] = {}
    for group in RaterGroup.values:
        rs = by_group.get(group, [])
        shown = len(rs) >= min_raters
        groups[group] = {
            "raters": len(rs), "shown": shown,
            "teamwork": round(sum(r.teamwork or 0 for r in rs) / len(rs), 1) if shown else None,
            "ethics": round(sum(r.ethics or 0 for r in rs) / len(rs), 1) if shown else None,
        }  # fmt: skip
    shown_groups = [g for g in groups.values() if g["shown"]]
    if not shown_groups:
        return groups, None, None
    teamwork = sum(g["teamwork"] for g in shown_groups) / len(shown_groups)
    ethics = sum(g["ethics"] for g in shown_groups) / len(shown_groups)
    return groups, teamwork, ethics


def _dec(value: float | None) -> Decimal | None:
    return None if value is None else Decimal(str(round(value, 1)))


def results_compute(cycle: AssessmentCycle) -> list[AssessmentResult]:
    """Every participant's result from their own records: one query per measure (for everyone),
    one for the exams, one for the ratings. Called by ``cycle_act("compute")`` only."""
    start, end = period_bounds(cycle)
    people = participants(cycle)
    ids = list(people)
    by_role: dict[str, list[str]] = defaultdict(list)
    for user, (role, _unit) in people.items():
        by_role[role].append(user)
    measured: dict[tuple[str, str], Measured] = {}
    for role, items in cycle.measures.items():
        for item in items:
            found = person_measure(item["code"], by_role.get(role, []), start, end)
            for user, got in found.items():
                measured[(user, item["code"])] = got
    ability = ability_scores(ids, start, end)
    ratings: dict[str, list[Rating]] = defaultdict(list)
    for r in Rating.objects.filter(cycle=cycle, subject_id__in=ids):
        ratings[str(r.subject_id)].append(r)
    min_raters = int(rule_value(MIN_RATERS.key))
    weights = {k: float(v) for k, v in cycle.weights().items()}
    made = []
    for user, (role, unit_id) in people.items():
        rows: list[dict[str, Any]] = []
        perf_parts: dict[str, float | None] = {}
        perf_weights: dict[str, float] = {}
        for item in cycle.measures.get(role, []):
            measure = PERSON_MEASURES.get(item["code"])
            m: Measured | None = measured.get((user, item["code"]))
            value = m.value(measure.kind) if (m is not None and measure is not None) else None
            score = measure_score(value, float(item["target"]))
            rows.append({
                "code": item["code"], "weight": item["weight"], "target": item["target"],
                "value": None if value is None else round(value, 2),
                "numerator": m.numerator if m else None,
                "denominator": m.denominator if m else None,
                "score": None if score is None else round(score, 1),
                "evidence": m.evidence if m else [],
            })  # fmt: skip
            perf_parts[item["code"]] = score
            perf_weights[item["code"]] = float(item["weight"])
        performance = _weighted(perf_parts, perf_weights)
        groups, teamwork, ethics = group_scores(ratings.get(user, []), min_raters)
        ab = ability.get(user)
        parts = {"ability": ab[0] if ab else None, "performance": performance,
                 "teamwork": teamwork, "ethics": ethics}  # fmt: skip
        total = _weighted(parts, weights)
        total_dec = _dec(total)
        made.append(AssessmentResult(
            cycle=cycle, user_id=user, org_unit_id=unit_id, role=role,
            ability=_dec(parts["ability"]), ability_evidence=ab[1] if ab else [],
            performance=_dec(performance), measures=rows, teamwork=_dec(teamwork),
            ethics=_dec(ethics), groups=groups, computed_total=total_dec, total=total_dec,
            grade=grade_for(None if total_dec is None else float(total_dec)),
        ))  # fmt: skip
    AssessmentResult.objects.bulk_create(made)
    return made


# --- appeals -------------------------------------------------------------------------------------


def appeal_file(*, actor: Actor, result_id: Any, data: Mapping[str, Any]) -> Appeal:
    """The person appeals their own result once, within the appeal window, with a reason."""
    now = timezone.now()
    with transaction.atomic():
        result = access_result(actor, result_id, for_update=True)  # the door before anything
        reason = str(data.get("reason") or "").strip()
        if not reason or len(reason) > 2000:
            raise ValidationFailed(_("信息有误，请按提示修改。"),
                                   fields={"reason": [_("请填写申诉理由（不超过 2000 字）。")]})  # fmt: skip
        if str(result.user_id) != str(actor.user_id):
            raise Forbidden(_("只有被考核人本人可以申诉。"))
        cycle = result.cycle
        if cycle.status != CycleStatus.COMPUTED or (
            cycle.appeal_until and now >= cycle.appeal_until
        ):
            raise Conflict(_("不在申诉期内。"), code="appeal_closed")
        if Appeal.objects.filter(result=result).exists():
            raise Conflict(_("每个考核结果只能申诉一次。"), code="already_appealed")
        try:
            with transaction.atomic():
                appeal = Appeal.objects.create(result=result, reason=reason, filed_at=now)
        except IntegrityError as exc:
            raise Conflict(_("每个考核结果只能申诉一次。"), code="already_appealed") from exc
        audit_record(actor=actor, action="people.assessment.appeal", subject=result,
                     fields=["reason"])  # fmt: skip
    return appeal


def appeal_decide(*, actor: Actor, result_id: Any, data: Mapping[str, Any]) -> Appeal:
    """Decide an appeal: ``decision`` (upheld / dismissed), ``note``, and for an upheld appeal
    the ``revised_total`` (0–100), which replaces the total and the grade. Refused to the person
    and to whoever computed the results (they would judge their own work)."""
    with transaction.atomic():
        result = access_result(actor, result_id, for_update=True)
        require(actor, APPEAL_DECIDE, result)
        appeal = Appeal.objects.select_for_update().filter(result=result).first()
        if appeal is None:
            raise NotFound()
        if str(result.user_id) == str(actor.user_id):
            raise Forbidden(_("不能处理本人的申诉。"))
        if actor.username == result.cycle.computed_by:
            raise Forbidden(_("计算考核结果的人员不能处理对该结果的申诉，请由其他人员处理。"))
        if appeal.decided_at is not None:
            raise Conflict(_("该申诉已处理。"), code="appeal_decided")
        errors: Errors = {}
        decision = str(data.get("decision") or "")
        if decision not in AppealDecision.values:
            errors["decision"] = [_("请选择列出的选项之一。")]
        note = str(data.get("note") or "").strip()
        if not note or len(note) > 2000:
            errors["note"] = [_("请填写处理说明（不超过 2000 字）。")]
        revised: Decimal | None = None
        if decision == AppealDecision.UPHELD:
            try:
                revised = Decimal(str(data.get("revised_total"))).quantize(Decimal("0.1"))
                if not Decimal(0) <= revised <= Decimal(100):
                    raise ValueError
            except (ValueError, ArithmeticError):
                errors["revised_total"] = [_("申诉成立时请填写调整后总分（0–100）。")]
        _fail(errors)
        appeal.decision, appeal.decision_note, appeal.revised_total = decision, note, revised
        appeal.decided_by, appeal.decided_at = actor.username, timezone.now()
        appeal.save(update_fields=["decision", "decision_note", "revised_total", "decided_by",
                                   "decided_at", "updated_at"])  # fmt: skip
        if revised is not None:
            result.total, result.grade = revised, grade_for(float(revised))
            result.save(update_fields=["total", "grade", "updated_at"])
        audit_record(actor=actor, action="people.assessment.appeal_decide", subject=result,
                     data={"decision": decision, "revised": revised is not None})  # fmt: skip
    return appeal


# --- incentives (7.3.1) --------------------------------------------------------------------------


def incentive_record(*, actor: Actor, result_id: Any, data: Mapping[str, Any]) -> Incentive:
    """An honour or a reward against a final result; the same title twice is refused."""
    result = access_result(actor, result_id)
    require(actor, INCENTIVES, result)
    if result.cycle.status != CycleStatus.FINAL:
        raise Conflict(_("考核结果确定后才能登记荣誉与奖励。"), code="result_not_final")
    errors: Errors = {}
    kind = str(data.get("kind") or "")
    if kind not in IncentiveKind.values:
        errors["kind"] = [_("请选择列出的选项之一。")]
    title = str(data.get("title") or "").strip()
    if not title or len(title) > 120:
        errors["title"] = [_("请填写名称（不超过 120 字）。")]
    amount: Decimal | None = None
    raw = data.get("amount")
    if raw not in (None, ""):
        try:
            amount = Decimal(str(raw)).quantize(Decimal("0.01"))
            if not Decimal(0) < amount < Decimal(10) ** 10:
                raise ValueError
        except (ValueError, ArithmeticError):
            errors["amount"] = [_("请填写大于 0 的金额（元）。")]
    note = str(data.get("note") or "").strip()
    if len(note) > 500:
        errors["note"] = [_("不能超过 {n} 个字。").format(n=500)]
    _fail(errors)
    if Incentive.objects.filter(result=result, kind=kind, title=title).exists():
        raise Conflict(_("该荣誉或奖励已登记。"), code="duplicate_incentive")
    with transaction.atomic():
        made = Incentive.objects.create(result=result, kind=kind, title=title, amount=amount,
                                        note=note, recorded_by=actor.username)  # fmt: skip
        audit_record(actor=actor, action="people.assessment.incentive", subject=result,
                     data={"kind": kind})  # fmt: skip
    return made
