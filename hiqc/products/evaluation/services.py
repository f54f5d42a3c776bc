"""Adaptability evaluation (standard 3.2; issue 17 §4): every write, and the scoring arithmetic.

* ``round_create`` — a round (``products.evaluate`` over its unit) for one or several products
  of one line, over a data period, with named experts (each must hold
  ``products.evaluation.score``) and weighted criteria (the default set when none are given).
* ``round_act`` — ``open`` (criteria weights must sum to 100) and ``close`` (results frozen),
  through the case engine; the status is never written here.
* ``scores_save`` — an expert's own scores (0–100, with a comment) and, with ``submit``, the end
  of their scoring. Only experts named in the round; another round is the same 404 as a missing
  one.

Blind scoring: an expert sees only their own scores until every expert has submitted or the
round is closed (``scores_visible``); the organiser sees who has submitted, not what.

Scores:
* a computed criterion: the product's figure over the round's period and unit subtree, in the
  display unit (per 10,000 policies, or per cent for a rate), scored linearly by its band —
  ``worst`` scores 0, ``best`` 100, clamped — so the direction is the band's;
* an expert criterion: the mean of the experts' scores; its dispersion is the sample standard
  deviation and the range; a score is an **outlier** when at least three experts scored and it
  lies more than ``max(2 × 1.4826 × MAD, 15 points)`` from the median of the scores (MAD: the
  median absolute deviation from that median, scaled to estimate an SD — a robust rule, so one
  far score cannot hide itself by inflating the spread; the 15-point floor keeps a small
  disagreement among otherwise agreeing experts from being flagged);
* a dimension's score is the weighted mean of its criteria's scores; the overall score the
  weighted mean of all criteria's scores. A criterion without a score (no data, no expert
  score) is left out and the weights of the others are scaled up; the card says which.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop

from hiqc.core.access import Actor, get_in_scope, require, scope
from hiqc.core.audit import audit_record
from hiqc.core.casekinds import CaseKind
from hiqc.core.casework import Source, case_opened, case_transition
from hiqc.core.errors import Conflict, NotFound, ValidationFailed
from hiqc.organisations.models import OrgUnit, User
from hiqc.organisations.selectors import unit_in_scope, units_by_path, user_by_username
from hiqc.organisations.services import actor_for_user
from hiqc.policies.enums import ProductLine
from hiqc.policies.models import Product

from ..monitoring.figures import PER_10K, SPECS, bounds, figures
from .models import (
    CriterionKind,
    Dimension,
    EvaluationCriterion,
    EvaluationExpert,
    EvaluationRound,
    ExpertScore,
    RoundStatus,
)
from .workflow import EVALUATE, ROUND, ROUND_PROCESS, SCORE, VIEW

OUTLIER_SD = 2.0
MAD_TO_SD = 1.4826  # MAD × 1.4826 estimates σ for normally distributed scores
OUTLIER_MIN_POINTS = 15.0
OUTLIER_MIN_EXPERTS = 3
COMMENT_MAX = 500
CRITERIA_MAX = 30

# The default criteria (HIQC design defaults, editable per round through the API): name,
# dimension, weight, kind, figure, worst, best (display units: per 10k policies or per cent).
DEFAULT_CRITERIA: tuple[tuple[str, str, int, str, str, float | None, float | None], ...] = (
    (gettext_noop("退保失效率"), Dimension.MARKET, 10, CriterionKind.COMPUTED, "lapse_rate", 20, 2),
    (gettext_noop("市场需求契合度与竞争力"), Dimension.MARKET, 10, CriterionKind.EXPERT, "",
     None, None),
    (gettext_noop("万单投诉量"), Dimension.CUSTOMER, 15, CriterionKind.COMPUTED,
     "complaints_per_10k", 50, 0),
    (gettext_noop("理赔时效达标率"), Dimension.CUSTOMER, 10, CriterionKind.COMPUTED,
     "on_time_rate", 80, 100),
    (gettext_noop("客户满意度"), Dimension.CUSTOMER, 10, CriterionKind.COMPUTED, "satisfaction",
     60, 95),
    (gettext_noop("条款与销售行为合规性"), Dimension.COMPLIANCE, 15, CriterionKind.EXPERT, "",
     None, None),
    (gettext_noop("拒赔率"), Dimension.COMPLIANCE, 10, CriterionKind.COMPUTED, "refusal_rate",
     20, 2),
    (gettext_noop("赔付率"), Dimension.RISK, 10, CriterionKind.COMPUTED, "payout_ratio", 100, 60),
    (gettext_noop("风险管控措施有效性"), Dimension.RISK, 10, CriterionKind.EXPERT, "", None,
     None),
)  # fmt: skip


# --- the door ------------------------------------------------------------------------------------


def access_round(actor: Actor, round_id: Any, *, for_update: bool = False) -> EvaluationRound:
    """The one door: in ``products.view`` scope, or named as an expert in it. Missing, out of
    scope and not named are the same 404 (DESIGN rule 2)."""
    qs = EvaluationRound.objects.select_related("org_unit")
    try:
        return get_in_scope(actor, qs, round_id, VIEW, for_update=for_update)
    except NotFound:
        if actor.user_id is None:
            raise
    named = qs.filter(experts__user_id=actor.user_id)
    if for_update:
        named = named.select_for_update(of=("self",))
    try:
        return named.get(pk=round_id)
    except (EvaluationRound.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFound() from exc
    except Exception as exc:  # a malformed id (Django's ValidationError)
        raise NotFound() from exc


def rounds_visible(actor: Actor) -> QuerySet[EvaluationRound]:
    """Rounds in scope plus the rounds the actor is named an expert in."""
    in_scope = scope(actor, EvaluationRound.objects.all(), VIEW).values("pk")
    q = Q(pk__in=in_scope)
    if actor.user_id is not None:
        q |= Q(pk__in=EvaluationExpert.objects.filter(user_id=actor.user_id).values("round_id"))
    return EvaluationRound.objects.filter(q).select_related("org_unit")


def _round_url(case_id: str) -> str:
    return reverse("products:evaluation", args=[case_id])


ROUND_KIND = CaseKind(
    label=ROUND_PROCESS, workflow=ROUND, access=access_round, name=gettext_lazy("适应性评价"),
    view_perm=VIEW, url_for=_round_url,
    blocked=lambda case, action, actor, at: _blocked(case, action),
)  # fmt: skip


def _blocked(case: Any, action: str) -> str | None:
    if action == "open":
        problems = round_problems(case)
        if problems:
            return " ".join(problems)
    return None


def round_problems(rnd: EvaluationRound) -> list[str]:
    """What stops scoring from starting."""
    out = []
    criteria = list(rnd.criteria.all())
    if not criteria:
        out.append(_("尚未设置评价指标。"))
    elif sum(c.weight for c in criteria) != 100:
        out.append(_("各评价指标权重之和须为 100。"))
    if not rnd.products.exists():
        out.append(_("尚未选择评价产品。"))
    if any(c.kind == CriterionKind.EXPERT for c in criteria) and not rnd.experts.exists():
        out.append(_("有专家评分指标，但尚未指定专家。"))
    return out


# --- creating a round ----------------------------------------------------------------------------


def _fail(errors: dict[str, list[str]]) -> None:
    if errors:
        raise ValidationFailed(_("信息有误，请按提示修改。"), fields=errors)


def _date(data: Mapping[str, Any], name: str, errors: dict[str, list[str]]) -> date | None:
    raw = data.get(name)
    if isinstance(raw, date):
        return raw
    try:
        day = parse_date(str(raw or "").strip())
    except ValueError:
        day = None
    if day is None:
        errors[name] = [_("请填写日期（年-月-日）。")]
    return day


def _list(raw: Any) -> list[str]:
    if isinstance(raw, str):
        raw = raw.replace(",", "\n").splitlines()
    return [str(x).strip() for x in (raw or []) if str(x).strip()]


def _criteria(raw: Any, errors: dict[str, list[str]]) -> list[dict[str, Any]]:
    """Criteria as dicts (name, dimension, weight, kind, figure, worst, best); field errors by
    ``criteria.<i>.<field>``."""
    if not raw:
        return [{"name": _(n), "dimension": d, "weight": w, "kind": k, "figure": f,
                 "worst": lo, "best": hi} for n, d, w, k, f, lo, hi in DEFAULT_CRITERIA]  # fmt: skip
    if not isinstance(raw, Sequence) or isinstance(raw, str) or len(raw) > CRITERIA_MAX:
        errors["criteria"] = [_("评价指标最多 {n} 项。").format(n=CRITERIA_MAX)]
        return []
    out: list[dict[str, Any]] = []
    for i, item in enumerate(raw):
        item = dict(item)
        key = f"criteria.{i}"
        name = str(item.get("name") or "").strip()
        if not name or len(name) > 120:
            errors[f"{key}.name"] = [_("请填写指标名称（不超过 120 字）。")]
        if item.get("dimension") not in Dimension.values:
            errors[f"{key}.dimension"] = [_("请选择维度：市场、客户、合规或风险控制。")]
        try:
            weight = int(item.get("weight"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            weight = 0
        if not 1 <= weight <= 100:
            errors[f"{key}.weight"] = [_("权重为 1 至 100 的整数。")]
        kind = item.get("kind")
        figure, worst, best = str(item.get("figure") or ""), item.get("worst"), item.get("best")
        if kind not in CriterionKind.values:
            errors[f"{key}.kind"] = [_("请选择评分方式：系统计算或专家评分。")]
        elif kind == CriterionKind.COMPUTED:
            if figure not in SPECS:
                errors[f"{key}.figure"] = [_("请选择计算数据。")]
            try:
                worst, best = float(worst), float(best)  # type: ignore[arg-type]
                if worst == best:
                    errors[f"{key}.best"] = [_("100 分对应值不能等于 0 分对应值。")]
            except (TypeError, ValueError):
                errors[f"{key}.worst"] = [_("请填写评分区间（0 分与 100 分对应的数值）。")]
        else:
            figure, worst, best = "", None, None
        out.append({"name": name, "dimension": item.get("dimension"), "weight": weight,
                    "kind": kind, "figure": figure, "worst": worst, "best": best})  # fmt: skip
    clean = not any(k.startswith("criteria.") for k in errors)
    if out and clean and sum(c["weight"] for c in out) != 100:
        errors["criteria"] = [_("各评价指标权重之和须为 100。")]
    return out


def round_create(*, actor: Actor, data: Mapping[str, Any]) -> EvaluationRound:
    """A draft round (``products.evaluate`` over its unit, 3.2)."""
    require(actor, EVALUATE)
    errors: dict[str, list[str]] = {}
    title = str(data.get("title") or "").strip()
    if not title or len(title) > 120:
        errors["title"] = [_("请填写名称（不超过 120 字）。")]
    line = str(data.get("line") or "")
    if line not in ProductLine.values:
        errors["line"] = [_("请选择险种。")]
    codes = _list(data.get("products"))
    found = {p.code: p for p in Product.objects.filter(code__in=codes)}
    if not codes:
        errors["products"] = [_("请至少选择一个产品。")]
    elif missing := [c for c in codes if c not in found]:
        errors["products"] = [_("没有这些产品：{codes}").format(codes="、".join(missing))]
    elif line in ProductLine.values and any(p.line != line for p in found.values()):
        errors["products"] = [_("同一轮评价的产品须属于同一险种。")]
    unit: OrgUnit | None = None
    try:
        unit = unit_in_scope(actor, data.get("org_unit") or _home_unit(actor), EVALUATE,
                             active=True)  # fmt: skip
    except NotFound:
        errors["org_unit"] = [_("请选择您管辖范围内的机构。")]
    start, end = _date(data, "period_start", errors), _date(data, "period_end", errors)
    if start and end and end < start:
        errors["period_end"] = [_("数据期间止不能早于起。")]
    experts: list[User] = []
    names = _list(data.get("experts"))
    bad = []
    for name in dict.fromkeys(names):
        user = user_by_username(name)
        if user is None or not user.is_active or not actor_for_user(user).can(SCORE):
            bad.append(name)
        else:
            experts.append(user)
    if bad:
        errors["experts"] = [_("以下用户不能担任评价专家：{names}").format(names="、".join(bad))]
    criteria = _criteria(data.get("criteria"), errors)
    if any(c["kind"] == CriterionKind.EXPERT for c in criteria) and not names:
        errors["experts"] = [_("有专家评分指标，请至少指定一名专家。")]
    _fail(errors)
    assert unit is not None and start is not None and end is not None
    with transaction.atomic():
        rnd = EvaluationRound.objects.create(
            title=title, line=line, org_unit=unit, period_start=start, period_end=end,
            organiser=actor.username, status=RoundStatus.DRAFT,
        )  # fmt: skip
        rnd.products.set(found.values())
        EvaluationCriterion.objects.bulk_create(
            EvaluationCriterion(round=rnd, position=i, **c) for i, c in enumerate(criteria)
        )
        EvaluationExpert.objects.bulk_create(EvaluationExpert(round=rnd, user=u) for u in experts)
        case_opened(kind=ROUND_KIND, case=rnd, actor=actor, source=Source.PAGE,
                    data={"products": len(found), "experts": len(experts)})  # fmt: skip
    return rnd


def _home_unit(actor: Actor) -> Any:
    paths = actor.paths_for(EVALUATE)
    unit = units_by_path(paths[:1]).get(paths[0]) if paths and paths[0] else None
    return unit.pk if unit is not None else ""


def round_act(*, actor: Actor, round_id: Any, action: str, data: Mapping[str, Any] | None = None,
              version: int | None = None, source: str = Source.PAGE) -> EvaluationRound:  # fmt: skip
    """``open`` or ``close`` through the case engine; closing freezes the results."""
    at = timezone.now()
    updates: dict[str, Any] = {}
    if action == "open":
        updates = {"opened_at": at}
    elif action == "close":
        rnd = access_round(actor, round_id)
        updates = {"closed_at": at, "results": compute_results(rnd, at=at)}
    done = case_transition(kind=ROUND_KIND, actor=actor, case_id=round_id, action=action,
                           data=dict(data or {}), version=version, at=at, source=source,
                           record={}, updates=updates)  # fmt: skip
    assert isinstance(done, EvaluationRound)
    return done


# --- expert scores -------------------------------------------------------------------------------


def expert_of(actor: Actor, rnd: EvaluationRound) -> EvaluationExpert | None:
    if actor.user_id is None:
        return None
    return EvaluationExpert.objects.filter(round=rnd, user_id=actor.user_id).first()


def scores_visible(rnd: EvaluationRound) -> bool:
    """Blind scoring: every expert's scores are shown only once the round is closed or every
    named expert has submitted."""
    if rnd.status == RoundStatus.CLOSED:
        return True
    if rnd.status != RoundStatus.SCORING:
        return False
    return not rnd.experts.filter(submitted_at__isnull=True).exists()


def scores_save(*, actor: Actor, round_id: Any, scores: Sequence[Mapping[str, Any]],
                submit: bool = False) -> EvaluationExpert:  # fmt: skip
    """An expert's own scores (``criterion``, ``product`` code, ``score`` 0–100, ``comment``);
    ``submit`` ends their scoring once every expert criterion of every product has a score.
    Someone not named in the round gets the same 404 as for a missing round."""
    rnd = access_round(actor, round_id)
    expert = expert_of(actor, rnd)
    if expert is None:
        raise NotFound()
    require(actor, SCORE)
    if rnd.status != RoundStatus.SCORING:
        raise Conflict(_("评价不在评分阶段，不能评分。"), code="not_scoring")
    if expert.submitted_at is not None:
        raise Conflict(_("您已提交评分，不能再修改。"), code="already_submitted")
    criteria = {str(c.pk): c for c in rnd.criteria.filter(kind=CriterionKind.EXPERT)}
    products = {p.code: p for p in rnd.products.all()}
    errors: dict[str, list[str]] = {}
    rows: dict[tuple[str, str], tuple[int, str]] = {}
    for i, item in enumerate(scores):
        cid, code = str(item.get("criterion") or ""), str(item.get("product") or "")
        key = f"scores.{i}"
        if cid not in criteria:
            errors[f"{key}.criterion"] = [_("不是本轮的专家评分指标。")]
            continue
        if code not in products:
            errors[f"{key}.product"] = [_("不是本轮的评价产品。")]
            continue
        raw = item.get("score")
        if raw in (None, ""):
            continue  # not scored yet
        try:
            score = int(str(raw).strip())
        except ValueError:
            score = -1
        if not 0 <= score <= 100:
            errors[f"{key}.score"] = [_("评分为 0 至 100 的整数。")]
            continue
        comment = str(item.get("comment") or "").strip()
        if len(comment) > COMMENT_MAX:
            errors[f"{key}.comment"] = [_("不能超过 {n} 个字。").format(n=COMMENT_MAX)]
            continue
        rows[(cid, code)] = (score, comment)
    _fail(errors)
    with transaction.atomic():
        expert = EvaluationExpert.objects.select_for_update().get(pk=expert.pk)
        if expert.submitted_at is not None:
            raise Conflict(_("您已提交评分，不能再修改。"), code="already_submitted")
        for (cid, code), (score, comment) in rows.items():
            ExpertScore.objects.update_or_create(
                expert=expert, criterion=criteria[cid], product=products[code],
                defaults={"score": score, "comment": comment},
            )  # fmt: skip
        if submit:
            have = set(ExpertScore.objects.filter(expert=expert).values_list(
                "criterion_id", "product__code"))  # fmt: skip
            missing = [f"{c.name}（{p.name}）" for c in criteria.values()
                       for p in products.values() if (c.pk, p.code) not in have]  # fmt: skip
            if missing:
                raise ValidationFailed(
                    _("尚有指标未评分，不能提交。"),
                    fields={"scores": [_("未评分：{items}").format(items="、".join(missing))]},
                )
            expert.submitted_at = timezone.now()
            expert.save(update_fields=["submitted_at", "updated_at"])
        audit_record(actor=actor, action="products.evaluation.submit" if submit
                     else "products.evaluation.score", subject=rnd,
                     data={"scores": len(rows)})  # fmt: skip
    return expert


def visible_scores(rnd: EvaluationRound) -> list[ExpertScore]:
    """Every expert's scores, once ``scores_visible`` — before, none (blind scoring)."""
    if not scores_visible(rnd):
        return []
    return list(ExpertScore.objects.filter(expert__round=rnd)
                .select_related("expert__user", "product", "criterion")
                .order_by("criterion__position", "product__code", "expert__created_at"))  # fmt: skip


def my_scores(actor: Actor, rnd: EvaluationRound) -> dict[tuple[str, str], ExpertScore]:
    """The actor's own scores by (criterion id, product code)."""
    expert = expert_of(actor, rnd)
    if expert is None:
        return {}
    return {(str(s.criterion_id), s.product.code): s
            for s in ExpertScore.objects.filter(expert=expert).select_related("product")}  # fmt: skip


# --- results -------------------------------------------------------------------------------------


def band_score(value: float | None, worst: float, best: float) -> float | None:
    """Linear: ``worst`` → 0, ``best`` → 100, clamped to [0, 100] (either direction)."""
    if value is None:
        return None
    return max(0.0, min(100.0, 100.0 * (value - worst) / (best - worst)))


def display_value(code: str, value: float | None) -> float | None:
    """A figure in the unit a band is written in: per 10,000 policies, or per cent."""
    if value is None:
        return None
    return value if SPECS[code].unit == PER_10K else 100.0 * value


def dispersion(scores: Mapping[str, float]) -> dict[str, Any]:
    """Mean, sample SD, range and the outliers (the median/MAD rule of the module docstring) of
    one criterion's expert scores for one product, by expert username."""
    values = list(scores.values())
    if not values:
        return {"n": 0, "mean": None, "sd": None, "min": None, "max": None, "outliers": []}
    outliers = []
    if len(values) >= OUTLIER_MIN_EXPERTS:
        median = statistics.median(values)
        mad = statistics.median(abs(v - median) for v in values)
        limit = max(OUTLIER_SD * MAD_TO_SD * mad, OUTLIER_MIN_POINTS)
        outliers = [name for name, x in scores.items() if abs(x - median) > limit]
    return {
        "n": len(values), "mean": statistics.fmean(values),
        "sd": statistics.stdev(values) if len(values) > 1 else 0.0,
        "min": min(values), "max": max(values), "outliers": sorted(outliers),
    }  # fmt: skip


def _weighted(parts: Sequence[tuple[int, float | None]]) -> float | None:
    scored = [(w, s) for w, s in parts if s is not None]
    total = sum(w for w, _s in scored)
    return sum(w * s for w, s in scored) / total if total else None


def compute_results(rnd: EvaluationRound, *, at: Any = None) -> dict[str, Any]:
    """Every product's criteria values and scores, dimension scores and overall score (JSON)."""
    criteria = list(rnd.criteria.all())
    products = list(rnd.products.all().order_by("code"))
    start, end = bounds(rnd.period_start, rnd.period_end)
    figs = figures(rnd.org_unit, start, end, [p.pk for p in products])
    by: dict[tuple[Any, Any], dict[str, float]] = {}
    for s in ExpertScore.objects.filter(expert__round=rnd).select_related("expert__user"):
        by.setdefault((s.criterion_id, s.product_id), {})[s.expert.user.username] = s.score
    out: dict[str, Any] = {}
    for p in products:
        rows: dict[str, Any] = {}
        for c in criteria:
            if c.kind == CriterionKind.COMPUTED:
                fig = figs.get(p.pk, {}).get(c.figure)
                value = display_value(c.figure, fig.value if fig else None)
                assert c.worst is not None and c.best is not None
                rows[str(c.pk)] = {
                    "numerator": fig.numerator if fig else 0,
                    "denominator": fig.denominator if fig else 0, "value": value,
                    "score": band_score(value, c.worst, c.best),
                }  # fmt: skip
            else:
                d = dispersion(by.get((c.pk, p.pk), {}))
                rows[str(c.pk)] = {**d, "score": d["mean"]}
        dims = {
            d: _weighted([(c.weight, rows[str(c.pk)]["score"]) for c in criteria
                          if c.dimension == d])
            for d in Dimension.values
        }  # fmt: skip
        out[p.code] = {
            "name": p.name, "criteria": rows, "dimensions": dims,
            "overall": _weighted([(c.weight, rows[str(c.pk)]["score"]) for c in criteria]),
            "unscored": [c.name for c in criteria if rows[str(c.pk)]["score"] is None],
        }  # fmt: skip
    return {"products": out, "computed_at": (at or timezone.now()).isoformat()}
