"""People's evidence for the standard (issue 22 §2; ADR 0034), chapter 7 (7.1 is control evidence):
7.2 staff assessed on every part the standard names; 7.3 promotions made through the whole
procedure (evaluation, public notice, objections answered); 10.3.2 talent development — the
required training completed by the staff who must take it, against its target. Imported by
``PeopleConfig.ready``."""

from __future__ import annotations

from datetime import date

from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext_noop

from hiqc.core.evidence import (
    INDICATOR,
    RECORD,
    Evidence,
    beijing_bounds,
    evidence_rule,
    indicator_evidence,
    record_evidence,
)


@evidence_rule(
    "people.assessments_complete", clauses=("7.2",), kind=RECORD,
    name=gettext_noop("考核结果涵盖业务能力、工作绩效、团队协作与个人品德"),
    description=gettext_noop("本期确定结果的考核周期中，每位被考核人均有业务能力、工作绩效（由本人的"
                             "服务数据计算）、团队协作与个人品德（民主测评）四项得分及总分。"),
)  # fmt: skip
def assessments_complete(org_path: str, start: date, end: date) -> Evidence:
    """7.2.2(1)–(4), 7.2.3: every person assessed in a cycle finalised in the period has the four
    scores the standard names (ability, performance, teamwork, ethics) and a total."""
    from .assessment.models import AssessmentResult

    lo, hi = beijing_bounds(start, end)
    results = AssessmentResult.objects.filter(
        org_unit__path__startswith=org_path,
        cycle__finalised_at__gte=lo, cycle__finalised_at__lt=hi,
    )  # fmt: skip
    incomplete = (
        Q(ability__isnull=True) | Q(performance__isnull=True) | Q(teamwork__isnull=True)
        | Q(ethics__isnull=True) | Q(total__isnull=True)
    )  # fmt: skip
    return record_evidence(results, incomplete, url=reverse("people:cycles"))


@evidence_rule(
    "people.promotions_by_procedure", clauses=("7.3",), kind=RECORD,
    name=gettext_noop("晋升均经综合评估与公示"),
    description=gettext_noop("本期任命的晋升均经综合评估（工作绩效、业务能力、综合素质），"
                             "公示期满后任命，且公示期内的异议均已答复。"),
)  # fmt: skip
def promotions_by_procedure(org_path: str, start: date, end: date) -> Evidence:
    """7.3.2 criteria, 7.3.3 procedure: every promotion appointed in the period was evaluated
    (an overall score), publicly noticed and appointed only after the notice ended, with no
    objection left unanswered."""
    from .promotion.models import Objection, ObjectionStatus, Promotion, PromotionStatus

    lo, hi = beijing_bounds(start, end)
    appointed = Promotion.objects.filter(
        org_unit__path__startswith=org_path, status=PromotionStatus.APPOINTED,
        decided_at__gte=lo, decided_at__lt=hi,
    ).annotate(open_objection=Exists(Objection.objects.filter(
        promotion=OuterRef("pk"), outcome=ObjectionStatus.PENDING)))  # fmt: skip
    failing = (
        Q(evaluated_at__isnull=True) | Q(overall__isnull=True) | Q(notice_from__isnull=True)
        | Q(notice_until__isnull=True) | Q(notice_until__gt=F("decided_at"))
        | Q(open_objection=True)
    )  # fmt: skip
    return record_evidence(appointed, failing, url=reverse("people:promotions"))


@evidence_rule(
    "people.training_coverage", clauses=("10.3.2",), kind=INDICATOR,
    name=gettext_noop("人才培养：必修培训完成率达标"),
    description=gettext_noop("应参加必修培训的员工完成培训的比例对照目标。"),
)  # fmt: skip
def training_coverage(org_path: str, start: date, end: date) -> Evidence:
    """10.3.2 talent development: ``people.required_training_coverage`` vs its target."""
    return indicator_evidence("people.required_training_coverage", org_path, start, end)
