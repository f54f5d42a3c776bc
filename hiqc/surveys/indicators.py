"""Satisfaction indicators on the kernel's engine (standard 4.3.3, 5.3.2(2); issue 6 §6): rows per
org unit (the unit of the case that prompted the survey) and period (the day / month the answer
was submitted, or the invitation was sent for the response rate), rolled up as Σnumerator ÷
Σdenominator, so a branch's figure is the ratio of its answers, never an average of averages.

The four answer figures (CSAT, NPS, claimant and complaint satisfaction) come from one grouped
query of the answers for a whole range (the family ``ANSWERS``), the response rate from one of the
invitations. The records behind a figure (``Indicator.cases``) are the surveyed cases, shown by
their number: the answers, lowest score first, or the invitations, those not answered first."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db.models import Case, Count, IntegerField, Q, Sum, Value, When
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop

from hiqc.core.indicators import (
    CASES_LIMIT,
    CasesOf,
    Counted,
    Family,
    Indicator,
    RangeRow,
    counted_by_period,
    grouped_by_period,
    register_indicator,
)
from hiqc.core.personmeasures import Measured, PersonMeasure, register_person_measure, tally
from hiqc.core.principles import Principle as P
from hiqc.core.principles import tag_principles

from .enums import InvitationStatus
from .models import Invitation, SurveyResponse
from .mystery.models import MysteryVisit, VisitStatus

SOURCE = gettext_noop("本平台满意度调查（调查邀请、答卷）")
QUALITY = "quality_lead"  # the quality department answers for the survey figures
SOURCE_MYSTERY = gettext_noop("本平台神秘客户暗访（暗访记录，按场景的检查项评分）")
# satisfaction figure → the case type surveyed (None = every case type)
CSAT_CODES: dict[str, str | None] = {"surveys.csat": None, "claims.satisfaction": "claims.claim",
                                     "complaints.satisfaction": "complaints.complaint"}  # fmt: skip
NPS_CODE = "surveys.nps"
SATISFIED = 4  # 4 or 5 on the 1–5 overall question counts as satisfied
PROMOTER, DETRACTOR = 9, 6  # 9–10 promote, 0–6 detract on the 0–10 question


def _answers(granularity: str, start: datetime, end: datetime) -> dict[str, list[RangeRow]]:
    """Satisfied / answered to the 1–5 question and promoters − detractors / answered to the 0–10
    question, per unit, case type and period: one grouped query for the four figures."""
    rows = grouped_by_period(
        SurveyResponse.objects.filter(submitted_at__gte=start, submitted_at__lt=end),
        at="submitted_at", granularity=granularity, keys=("org_path", "invitation__case_type"),
        satisfied=Count("pk", filter=Q(satisfaction__gte=SATISFIED)),
        scored=Count("satisfaction"),
        net=Sum(Case(When(recommend__gte=PROMOTER, then=Value(1)),
                     When(recommend__lte=DETRACTOR, then=Value(-1)),
                     default=Value(0), output_field=IntegerField())),
        recommended=Count("recommend"),
    )  # fmt: skip
    sums: dict[str, dict[tuple[datetime, str], list[float]]] = {}
    for r in rows:
        cell = (r["period"], r["org_path"])
        for code, case_type in CSAT_CODES.items():
            if case_type is None or case_type == r["invitation__case_type"]:
                _add(sums, code, cell, r["satisfied"], r["scored"])
        _add(sums, NPS_CODE, cell, r["net"], r["recommended"])
    return {
        code: [(period, path, n, d) for (period, path), (n, d) in cells.items() if d]
        for code, cells in sums.items()
    }


def _add(sums: dict, code: str, cell: tuple[datetime, str], n: Any, d: Any) -> None:
    total = sums.setdefault(code, {}).setdefault(cell, [0.0, 0.0])
    total[0] += float(n or 0)
    total[1] += float(d or 0)


ANSWERS = Family("surveys.answers", _answers)


def _sent(start: datetime, end: datetime) -> Any:
    return Invitation.objects.filter(sent_at__gte=start, sent_at__lt=end).exclude(
        status=InvitationStatus.FAILED
    )


def _response_rate(granularity: str, start: datetime, end: datetime) -> list[RangeRow]:
    return counted_by_period(_sent(start, end), at="sent_at", granularity=granularity,
                             hit=Q(status=InvitationStatus.ANSWERED))  # fmt: skip


# --- the surveyed cases behind the figures --------------------------------------------------------


def _case(inv: Invitation, own: str, own_id: str) -> tuple[str, str, str]:
    """(record type, record id, label) of the surveyed case; the survey record itself when the
    invitation names no case."""
    if inv.case_type and inv.case_id:
        return inv.case_type, inv.case_id, inv.case_number
    return own, own_id, inv.case_number or own_id[:8]


def _scored_cases(field: str, bad_at: int, case_type: str | None = None) -> CasesOf:
    """The answers submitted in the period with a score on ``field``, the lowest first; a score
    of ``bad_at`` or less counts against the figure."""

    def cases(org_path: str, start: datetime, end: datetime) -> list[Counted]:
        answers = SurveyResponse.objects.filter(
            submitted_at__gte=start, submitted_at__lt=end, org_path__startswith=org_path,
            **{f"{field}__isnull": False},
        )  # fmt: skip
        if case_type is not None:
            answers = answers.filter(invitation__case_type=case_type)
        rows: Iterable[SurveyResponse] = (
            answers.select_related("invitation")
            .only(field, "submitted_at", "org_path", "invitation__case_type",
                  "invitation__case_id", "invitation__case_number")
            .order_by(field, "submitted_at", "pk")[:CASES_LIMIT]
        )  # fmt: skip
        name = str(SurveyResponse._meta.verbose_name)
        out = []
        for r in rows:
            score = getattr(r, field)
            kind, record_id, label = _case(r.invitation, "surveys.response", str(r.pk))
            out.append(Counted(kind, record_id, r.org_path, r.submitted_at,
                               gettext("%(score)d 分") % {"score": score}, score <= bad_at,
                               label=label, name=name))  # fmt: skip
        return out

    return cases


def _response_cases(org_path: str, start: datetime, end: datetime) -> list[Counted]:
    """The invitations sent in the period (failed deliveries left out), those not answered
    first, each with its status."""
    answered = Case(When(status=InvitationStatus.ANSWERED, then=Value(1)), default=Value(0),
                    output_field=IntegerField())  # fmt: skip
    rows = (
        _sent(start, end).filter(org_path__startswith=org_path)
        .annotate(answered=answered)
        .only("case_type", "case_id", "case_number", "org_path", "sent_at", "status")
        .order_by("answered", "sent_at", "pk")[:CASES_LIMIT]
    )  # fmt: skip
    name = str(Invitation._meta.verbose_name)
    out = []
    for inv in rows:
        kind, record_id, label = _case(inv, "surveys.invitation", str(inv.pk))
        answered_it = inv.status == InvitationStatus.ANSWERED
        out.append(Counted(kind, record_id, inv.org_path, inv.sent_at,
                           str(InvitationStatus(inv.status).label), not answered_it,
                           label=label, name=name))  # fmt: skip
    return out


BAD_CSAT = SATISFIED - 1  # 1–3 count against a satisfaction figure, 0–6 against NPS
# --- mystery shopping (4.3.1): scored visits by the visited unit and the day they were scored ------

MYSTERY_PASS, MYSTERY_SCORE = "surveys.mystery_pass_rate", "surveys.mystery_score"


def _scored_visits(start: datetime, end: datetime) -> Any:
    return MysteryVisit.objects.filter(
        status=VisitStatus.DONE, scored_at__gte=start, scored_at__lt=end
    )


def _visits(granularity: str, start: datetime, end: datetime) -> dict[str, list[RangeRow]]:
    """Visits passed and Σ score per unit and period, with the visits scored: one grouped query."""
    rows = grouped_by_period(
        _scored_visits(start, end), at="scored_at", granularity=granularity,
        keys=("org_unit__path",), passed=Count("pk", filter=Q(passed=True)), points=Sum("total"),
        n=Count("pk"),
    )  # fmt: skip
    out: dict[str, list[RangeRow]] = {MYSTERY_PASS: [], MYSTERY_SCORE: []}
    for r in rows:
        cell = (r["period"], r["org_unit__path"])
        out[MYSTERY_PASS].append((*cell, float(r["passed"]), float(r["n"])))
        out[MYSTERY_SCORE].append((*cell, float(r["points"] or 0), float(r["n"])))
    return out


VISITS = Family("surveys.mystery_visits", _visits)


def _visit_cases(org_path: str, start: datetime, end: datetime) -> list[Counted]:
    """The visits scored in the period, those failed first (a fatal item first), lowest score
    next; each links to its visit page."""
    visits = (
        _scored_visits(start, end).filter(org_unit__path__startswith=org_path)
        .select_related("org_unit", "scenario")
        .order_by("passed", "-fatal", "total", "scored_at")[:CASES_LIMIT]
    )  # fmt: skip
    name = str(MysteryVisit._meta.verbose_name)
    out = []
    for v in visits:
        counted = gettext("%(score)s 分") % {"score": v.total}
        if v.fatal:
            counted = gettext("%(score)s 分（致命项）") % {"score": v.total}
        out.append(Counted("surveys.mystery_visit", str(v.pk), v.org_unit.path, v.scored_at,
                           counted, not v.passed, label=f"{v.scenario.name} {v.planned_date}",
                           url=reverse("surveys:mystery_visit", args=[v.pk]), name=name))  # fmt: skip
    return out


CSAT_FORMULA = gettext_noop("总体满意度题（1–5 分）选 4 分或 5 分的已提交答卷数 ÷ 回答该题的已提交"
                            "答卷数，按被调查案件所属机构和提交日期统计")  # fmt: skip

INDICATORS = (
    Indicator("surveys.csat", "客户满意度（CSAT）", "Customer satisfaction (CSAT)", "ratio",
              "higher_better", ("4.3.2", "4.3.3"), CSAT_FORMULA, SOURCE,
              family=ANSWERS, cases=_scored_cases("satisfaction", BAD_CSAT), owner=QUALITY),
    Indicator("surveys.nps", "净推荐值（NPS）", "Net promoter score (NPS)", "index",
              "higher_better", ("4.3.2", "4.3.3"),
              gettext_noop("（9–10 分的推荐者数 − 0–6 分的贬损者数）÷ 推荐意愿题（0–10 分）的"
                           "回答数；乘以 100 显示，取值 −100…100"), SOURCE,
              family=ANSWERS, cases=_scored_cases("recommend", DETRACTOR), owner=QUALITY),
    Indicator("surveys.response_rate", "调查回收率", "Survey response rate", "ratio",
              "higher_better", ("4.3.2",),
              gettext_noop("本期已回答的调查邀请数 ÷ 本期已发送的调查邀请数（发送失败的不计；"
                           "已过期和已退订的计为未回答）"), SOURCE,
              compute_range=_response_rate, cases=_response_cases, owner=QUALITY),
    Indicator("claims.satisfaction", "理赔客户满意度", "Claimant satisfaction", "ratio",
              "higher_better", ("5.3.2(2)", "4.3.3"), gettext_noop(
                  "总体满意度题（1–5 分）选 4 分或 5 分的已提交答卷数 ÷ 回答该题的已提交答卷数，"
                  "按被调查案件所属机构和提交日期统计，仅计理赔案件的调查"),
              SOURCE, family=ANSWERS,
              cases=_scored_cases("satisfaction", BAD_CSAT, "claims.claim"), owner="claims_reviewer"),
    Indicator("complaints.satisfaction", "投诉处理满意度", "Complaint-handling satisfaction",
              "ratio", "higher_better", ("4.2.3(3)", "4.3.3"),
              gettext_noop("总体满意度题（1–5 分）选 4 分或 5 分的已提交答卷数 ÷ 回答该题的"
                           "已提交答卷数，按被调查案件所属机构和提交日期统计，仅计作出处理决定后"
                           "对投诉的调查"), SOURCE,
              family=ANSWERS,
              cases=_scored_cases("satisfaction", BAD_CSAT, "complaints.complaint"),
              owner="branch_manager"),
    Indicator(MYSTERY_PASS, "神秘客户暗访合格率", "Mystery shopping pass rate", "ratio",
              "higher_better", ("4.3.1", "4.1.3(2)"),
              gettext_noop("本期已评分的暗访中达到合格分且未触及致命项的次数 ÷ 本期已评分的"
                           "暗访次数，按被暗访机构统计"), SOURCE_MYSTERY, family=VISITS,
              cases=_visit_cases, owner=QUALITY),
    Indicator(MYSTERY_SCORE, "神秘客户暗访平均得分", "Mystery shopping average score", "points",
              "higher_better", ("4.3.1", "4.1.3(2)"),
              gettext_noop("Σ 暗访得分（0–100 分；触及致命项时为 0 分）÷ 本期已评分的暗访次数，"
                           "按被暗访机构统计"), SOURCE_MYSTERY, family=VISITS, cases=_visit_cases,
              owner=QUALITY),
)  # fmt: skip

for _indicator in INDICATORS:
    register_indicator(_indicator)


# --- satisfaction by product (issue 17 §4, §5): the kernel's per-product figure registry ---------


def satisfaction_by_product(start: datetime, end: datetime, root_path: str,
                            product_codes: list[str] | None) -> dict[str, tuple[float, float]]:  # fmt: skip
    """{product code: (satisfied, answered)} — the CSAT definition (4 or 5 on the 1–5 overall
    question ÷ the submitted answers to it) by the invitation's product code, for the answers
    submitted in ``[start, end)`` under ``root_path`` (the surveyed case's unit): one grouped
    query. Answers whose invitation names no product are nobody's."""
    answers = SurveyResponse.objects.filter(
        submitted_at__gte=start, submitted_at__lt=end, org_path__startswith=root_path,
        satisfaction__isnull=False,
    ).exclude(invitation__product_code="")  # fmt: skip
    if product_codes is not None:
        answers = answers.filter(invitation__product_code__in=product_codes)
    rows = (
        answers.values("invitation__product_code").order_by()
        .annotate(satisfied=Count("pk", filter=Q(satisfaction__gte=SATISFIED)), n=Count("pk"))
    )  # fmt: skip
    return {r["invitation__product_code"]: (float(r["satisfied"]), float(r["n"])) for r in rows}


# --- per-person measure for the staff assessment (standard 7.2.2; issue 18 §4; ADR 0021) --------


def satisfaction_by_person(user_ids: list[str], start: datetime, end: datetime
                           ) -> dict[str, Measured]:  # fmt: skip
    """CSAT of the cases a person handled (the invitation's ``handler``): 4 or 5 on the 1–5
    overall question ÷ the answers to it submitted in ``[start, end)``, one query. The evidence
    is the surveyed cases' numbers (an answer has no page of its own)."""
    rows = (
        SurveyResponse.objects.filter(
            invitation__handler_id__in=user_ids, submitted_at__gte=start, submitted_at__lt=end,
            satisfaction__isnull=False,
        ).order_by("submitted_at")
        .values_list("invitation__case_number", "invitation__handler_id", "satisfaction")
    )  # fmt: skip
    return tally((number or "—", user, (score or 0) >= SATISFIED) for number, user, score in rows)


def register_person_measures() -> None:
    register_person_measure(PersonMeasure(
        "surveys.satisfaction", gettext_noop("所办案件客户满意度"), "rate",
        ("consultation_agent", "complaint_handler", "claims_handler"), satisfaction_by_person,
        None, "%",
    ))  # fmt: skip


# the service principles these figures serve (standard 1.3; issue 22 §4)
tag_principles({
    "surveys.csat": (P.PEOPLE_FIRST, P.IMPROVEMENT),
    "surveys.nps": (P.PEOPLE_FIRST, P.IMPROVEMENT),
    "surveys.response_rate": (P.IMPROVEMENT,),
    "claims.satisfaction": (P.PEOPLE_FIRST, P.FAIRNESS),
    "complaints.satisfaction": (P.PEOPLE_FIRST, P.FAIRNESS),
    "surveys.mystery_pass_rate": (P.INTEGRITY, P.PEOPLE_FIRST),  # what an unknown customer meets
    "surveys.mystery_score": (P.INTEGRITY, P.PEOPLE_FIRST),
})  # fmt: skip
