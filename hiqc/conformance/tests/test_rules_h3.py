"""Evidence rules for chapters 2, 3, 4, 5 and 10 (issue 22 §2; ADR 0034), against factory data:
each rule with a known failing record (exact counts) and, without data, not yet assessable.

The period is 2026-Q2 (Beijing); the records are written directly, each workflow being tested in
its own app."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

import pytest

from hiqc.claimaudit.models import AuditItem, AuditRound
from hiqc.claims.models import SupplementRequest
from hiqc.complaints.models import Complaint
from hiqc.conformance.periods import parse_period
from hiqc.consultations.models import Consultation, Suggestion
from hiqc.core.calendar import BEIJING
from hiqc.core.evidence import RULES, assess
from hiqc.core.evidence import EvidenceStatus as S
from hiqc.core.models import IndicatorTarget, IndicatorValue, ProcessVersion
from hiqc.customers.models import Customer
from hiqc.process_management.models import MiningTrace
from hiqc.process_management.supervision.models import SupervisionFinding
from hiqc.products.evaluation.models import EvaluationCriterion, EvaluationRound
from hiqc.products.projects.models import ProductProject
from hiqc.products.tests import factories as pf
from hiqc.quality.monitoring import KEY_INDICATORS
from hiqc.quality.nonconformities.models import Nonconformity
from hiqc.quality.plans.models import ImprovementAction, ImprovementPlan
from hiqc.surveys.models import Invitation, Questionnaire, SurveyPlan, SurveyResponse

pytestmark = pytest.mark.django_db
Q2 = parse_period("2026-Q2")
T = datetime(2026, 5, 15, 10, tzinfo=BEIJING)  # inside Q2
BEFORE = datetime(2026, 3, 20, 10, tzinfo=BEIJING)  # Q1: outside the period
_seq = count(1)


def _assess(code: str, unit):
    return assess(RULES[code], unit.path, Q2.start, Q2.end)


def _counts(found) -> tuple[str, int, int]:
    return found.status, found.records, found.failing


# --- indicator rules --------------------------------------------------------------------------


def _target(code: str, target: float, warning: float | None = None) -> None:
    IndicatorTarget.objects.create(code=code, org_path="", valid_from=date(2020, 1, 1),
                                   target=target, warning=warning, source_kind="internal",
                                   source="test", set_by="test")  # fmt: skip


def _value(code: str, unit, n: float, d: float, month: int = 5) -> None:
    IndicatorValue.objects.create(code=code, granularity="month", org_path=unit.path,
                                  period_start=datetime(2026, month, 1, tzinfo=BEIJING),
                                  numerator=n, denominator=d)  # fmt: skip


SINGLE = [  # rule, indicator (higher is better, a ratio)
    ("callcentre.consultation_service_level", "callcentre.service_level.consultation"),
    ("claims.notice_on_time", "claims.notice_on_time_rate"),
    ("claims.satisfaction_surveyed", "claims.satisfaction"),
    ("people.training_coverage", "people.required_training_coverage"),
]


@pytest.mark.parametrize(("rule", "code"), SINGLE)
def test_a_single_indicator_rule_is_not_conforming_when_the_value_misses_the_target(
    org, rule, code
):
    # given a target of 95 % (warning 90 %) and 80 of 100 at O1 in May (and 100/100 at P2)
    IndicatorTarget.objects.all().delete()
    _target(code, 0.95, 0.90)
    _value(code, org["O1"], 80, 100)
    _value(code, org["P2"], 100, 100)
    # when P1's evidence is assessed for Q2
    found = _assess(rule, org["P1"])
    # then it is not conforming over 100 records, the 20 outside the numerator failing
    assert _counts(found) == (S.NOT_CONFORMING, 100, 20)
    # and P2 meets it
    assert _assess(rule, org["P2"]).status == S.CONFORMING


@pytest.mark.parametrize(("rule", "code"), SINGLE)
def test_a_single_indicator_rule_without_a_value_is_not_yet_assessable(org, rule, code):
    IndicatorTarget.objects.all().delete()
    _target(code, 0.95, 0.90)
    assert _assess(rule, org["P1"]).status == S.NOT_YET_ASSESSABLE


MANY = [  # rule, an indicator that meets its target, one that misses it
    ("consultations.answers_accurate", "consultations.fcr_rate", "inspection.fatal_error_rate"),
    ("surveys.satisfaction_targets", "surveys.csat", "surveys.nps"),
    ("claims.quality_indicators", "claims.decided_on_time_rate", "claims.accuracy_rate"),
    ("claims.timeliness_statistics", "claims.days_to_payment", None),
    ("claims.slow_steps", "claims.step.intake.working_days", "claims.step.review.waiting_days"),
    ("process_management.cycle_targets", "process.claims.claim.cycle_days",
     "process.complaints.complaint.touches"),
]  # fmt: skip

# indicator → (target, a value meeting it as n/d, a value missing it as n/d)
SHAPES = {
    "ratio_up": (0.9, (95, 100), (50, 100)),
    "ratio_down": (0.01, (0, 100), (10, 100)),
    "days": (10, (50, 10), (300, 10)),
    "index": (30, (400, 10), (0, 10)),
}


def _shape(code: str) -> str:
    from hiqc.core.indicators import INDICATORS

    ind = INDICATORS[code]
    if ind.unit == "ratio":
        return "ratio_up" if ind.direction == "higher_better" else "ratio_down"
    return "index" if ind.direction == "higher_better" else "days"


@pytest.mark.parametrize(("rule", "good", "bad"), MANY)
def test_a_set_of_indicators_counts_the_ones_missing_their_target(org, rule, good, bad):
    # given two indicators of the set with a target at C1, one met and one missed (the others
    # have no target and are not counted)
    IndicatorTarget.objects.all().delete()
    for code, met in ((good, True), (bad, False)):
        if code is None:
            continue
        target, ok, ko = SHAPES[_shape(code)]
        _target(code, target)
        n, d = ok if met else ko
        _value(code, org["C1"], n, d)
    found = _assess(rule, org["P1"])
    if bad is None:  # only the met one
        assert _counts(found) == (S.CONFORMING, 1, 0)
    else:
        assert _counts(found) == (S.NOT_CONFORMING, 2, 1)
        assert bad in found.note


@pytest.mark.parametrize(("rule", "good", "bad"), MANY)
def test_a_set_of_indicators_without_targets_is_not_yet_assessable(org, rule, good, bad):
    IndicatorTarget.objects.all().delete()
    _value(good, org["C1"], 1, 1)
    assert _assess(rule, org["P1"]).status == S.NOT_YET_ASSESSABLE


# --- chapter 2: processes -----------------------------------------------------------------------


def _trace(unit, *, moves: int, fitting: int, at: datetime = T) -> None:
    n = next(_seq)
    MiningTrace.objects.create(case_type="claims.claim", case_id=str(n), org_path=unit.path,
                               started_at=at, ended_at=at + timedelta(days=2), variant="a>b",
                               events=moves + 1, calendar=1.0, working=1.0, moves=moves,
                               fitting=fitting, repeats=0, last_event=n)  # fmt: skip


def test_cases_that_leave_the_designed_process_count_against_2_1_1(org):
    # given three cases started at P1 in Q2, one with a move outside the design, one at P2
    # with a deviation, and one at P1 started in Q1 with a deviation
    _trace(org["O1"], moves=4, fitting=4)
    _trace(org["C1"], moves=5, fitting=5)
    _trace(org["P1"], moves=6, fitting=5)
    _trace(org["P2"], moves=3, fitting=1)
    _trace(org["P1"], moves=3, fitting=1, at=BEFORE)
    found = _assess("process_management.cases_follow_design", org["P1"])
    assert _counts(found) == (S.PARTLY, 3, 1)
    assert _assess("process_management.cases_follow_design", org["C2"]).status == (
        S.NOT_YET_ASSESSABLE
    )


def _version(process: str, path: str, number: int, on: date, plan=None) -> None:
    ProcessVersion.objects.create(process=process, org_path=path, number=number,
                                  effective_from=on, note=f"v{number}", published_by="t",
                                  improvement_plan_id=plan)  # fmt: skip


def test_process_changes_without_an_improvement_plan_count_against_2_2_2(org):
    import uuid

    # given, for P1: a first version (not a change), a head-office change with a plan, a P1
    # change without one, a change at P2 (not P1's) and one before the period
    _version("claims.claim", "", 1, date(2026, 4, 2))
    _version("claims.claim", "", 2, date(2026, 5, 2), uuid.uuid4())
    _version("claims.claim", org["P1"].path, 3, date(2026, 6, 2))
    _version("claims.claim", org["P2"].path, 4, date(2026, 6, 2))
    _version("complaints.complaint", org["C1"].path, 2, date(2026, 3, 2))
    found = _assess("process_management.changes_planned", org["P1"])
    assert _counts(found) == (S.PARTLY, 2, 1)
    assert _assess("process_management.changes_planned", org["C2"]).status == S.PARTLY
    ProcessVersion.objects.all().delete()
    assert _assess("process_management.changes_planned", org["P1"]).status == (S.NOT_YET_ASSESSABLE)


def _finding(unit, *, closed: datetime | None, response: str = "r", verification: str = "v"):
    SupervisionFinding.objects.create(
        status="closed" if closed else "open", process="claims.claim", org_unit=unit,
        title="t", description="d", opened_at=closed or T, opened_by="t", response=response,
        verification=verification, closed_at=closed,
    )  # fmt: skip


def test_findings_closed_without_verification_count_against_2_3_2(org):
    _finding(org["O1"], closed=T)
    _finding(org["C1"], closed=T, verification="")
    _finding(org["P1"], closed=None, response="", verification="")  # still open: not counted
    _finding(org["P1"], closed=BEFORE, verification="")  # closed in Q1
    found = _assess("process_management.findings_verified", org["P1"])
    assert _counts(found) == (S.PARTLY, 2, 1)
    assert _assess("process_management.findings_verified", org["P2"]).status == (
        S.NOT_YET_ASSESSABLE
    )


# --- chapter 3: products ------------------------------------------------------------------------


def _project(unit, prod, kind: str, *, launched: datetime | None = T, **fields) -> None:
    values = {"needs_analysis": "调研", "compliance_opinion": "合规", "test_passed": True,
              **fields}  # fmt: skip
    ProductProject.objects.create(
        status="launched" if launched else "testing", number=f"PJ{next(_seq):05d}", kind=kind,
        title="p", product=prod, reason="r", org_unit=unit, owner="o", opened_at=BEFORE,
        launched_at=launched, **values,
    )  # fmt: skip


@pytest.mark.parametrize(("rule", "kind", "other"), [
    ("products.principles_met", "new", "update"),
    ("products.updates_sound", "update", "new"),
])  # fmt: skip
def test_launched_projects_lacking_research_review_or_test_count_against_3_1_1_and_3_3_1(
    org, rule, kind, other
):
    prod = pf.product()
    _project(org["P1"], prod, kind)
    _project(org["C1"], prod, kind, compliance_opinion="")
    _project(org["O1"], prod, kind, test_passed=False)
    _project(org["P1"], prod, other, needs_analysis="")  # the other kind: not counted
    _project(org["P1"], prod, kind, launched=None, needs_analysis="")  # not launched
    _project(org["P2"], prod, kind, needs_analysis="")  # another unit
    assert _counts(_assess(rule, org["P1"])) == (S.PARTLY, 3, 2)
    assert _counts(_assess(rule, org["P2"])) == (S.NOT_CONFORMING, 1, 1)
    assert _assess(rule, org["C2"]).status == S.NOT_YET_ASSESSABLE


def _round(unit, criteria: list[tuple[str, str]], *, closed: datetime | None = T) -> None:
    rnd = EvaluationRound.objects.create(
        status="closed" if closed else "scoring", title=f"评价{next(_seq)}", line="medical",
        org_unit=unit, period_start=date(2026, 1, 1), period_end=date(2026, 3, 31),
        organiser="o", closed_at=closed,
    )  # fmt: skip
    for i, (dimension, kind) in enumerate(criteria):
        EvaluationCriterion.objects.create(round=rnd, dimension=dimension, name=f"c{i}", weight=1,
                                           kind=kind)  # fmt: skip


FULL = [("market", "computed"), ("customer", "expert"), ("compliance", "expert"),
        ("risk", "computed")]  # fmt: skip


def test_evaluations_missing_a_dimension_or_a_method_count_against_3_2_2_and_3_2_3(org):
    _round(org["P1"], FULL)
    _round(org["C1"], FULL[:3])  # no risk dimension
    _round(org["O1"], [(d, "expert") for d, _k in FULL])  # no computed criterion
    _round(org["P1"], [("market", "expert")], closed=None)  # not closed: not counted
    assert _counts(_assess("products.evaluation_dimensions", org["P1"])) == (S.PARTLY, 3, 1)
    assert _counts(_assess("products.evaluation_methods", org["P1"])) == (S.PARTLY, 3, 1)
    for rule in ("products.evaluation_dimensions", "products.evaluation_methods"):
        assert _assess(rule, org["P2"]).status == S.NOT_YET_ASSESSABLE


def test_a_product_crossing_its_target_without_an_update_counts_against_3_3_3(org):
    # given 40 policies of each of two products at C1 in force in Q2; every holder of product A
    # complained (far over 10 per 10,000 policies, beyond chance), nobody of product B
    a, b = pf.product("MED-A"), pf.product("MED-B", name="B")
    for prod, complain in ((a, True), (b, False)):
        for i in range(40):
            holder = Customer.objects.create(org_unit=org["C1"], name=f"{prod.code}{i}")
            pol = pf.policy(prod, org["C1"], holder)
            if complain:
                pf.complaint(org["C1"], holder, pol.number, at=T)
    rule = "products.monitored_and_acted"
    # then of the two products monitored at P1, A counts against it
    assert _counts(_assess(rule, org["P1"])) == (S.PARTLY, 2, 1)
    # when an update project is opened for A in the period, it no longer does
    ProductProject.objects.create(status="needs", number="PJ-U", kind="update", title="u",
                                  product=a, reason="r", org_unit=org["C1"], owner="o",
                                  opened_at=T)  # fmt: skip
    assert _counts(_assess(rule, org["P1"])) == (S.CONFORMING, 2, 0)
    assert _assess(rule, org["P2"]).status == S.NOT_YET_ASSESSABLE


# --- chapter 4: consultations, complaints, surveys -----------------------------------------------


def test_suggestions_not_answered_count_against_4_1_3_3(org):
    for unit, status, response, at in [
        (org["O1"], "adopted", "采纳", T),
        (org["C1"], "registered", "", T),  # not yet answered
        (org["P1"], "not_adopted", "", T),  # decided without a response
        (org["P1"], "registered", "", BEFORE),  # Q1
        (org["P2"], "registered", "", T),
    ]:
        s = Suggestion.objects.create(number=f"JY{next(_seq):05d}", org_unit=unit, content="c",
                                      status=status, response=response)  # fmt: skip
        Suggestion.objects.filter(pk=s.pk).update(created_at=at)
    rule = "consultations.suggestions_answered"
    assert _counts(_assess(rule, org["P1"])) == (S.PARTLY, 3, 2)
    assert _assess(rule, org["C2"]).status == S.NOT_YET_ASSESSABLE


def test_phone_consultations_without_a_recording_count_against_4_1_3_4(org):
    cust = Customer.objects.create(org_unit=org["P1"], name="张三")
    recorded = pf.consultation(org["O1"], cust, T)
    Consultation.objects.filter(pk=recorded.pk).update(recording_ref="REC-1")
    pf.consultation(org["C1"], cust, T)  # no recording
    web = pf.consultation(org["C1"], cust, T)
    Consultation.objects.filter(pk=web.pk).update(channel="website")  # not a call
    pf.consultation(org["P1"], cust, BEFORE)  # Q1
    rule = "consultations.recorded"
    assert _counts(_assess(rule, org["P1"])) == (S.PARTLY, 2, 1)
    assert _assess(rule, org["P2"]).status == S.NOT_YET_ASSESSABLE


def test_complaints_without_a_handler_count_against_4_2_1_1(org, personas):
    holder = Customer.objects.create(org_unit=org["P1"], name="李四")
    handled = pf.complaint(org["O1"], holder)
    Complaint.objects.filter(pk=handled.pk).update(assignee=next(iter(personas.values())))
    pf.complaint(org["C1"], holder)  # no handler
    withdrawn = pf.complaint(org["C1"], holder)
    Complaint.objects.filter(pk=withdrawn.pk).update(status="withdrawn")
    pf.complaint(org["P1"], holder, at=BEFORE)
    rule = "complaints.handler_assigned"
    assert _counts(_assess(rule, org["P1"])) == (S.PARTLY, 2, 1)
    assert _assess(rule, org["P2"]).status == S.NOT_YET_ASSESSABLE


def test_a_complaint_process_must_be_in_force_for_4_2_1_2(org):
    rule = "complaints.process_in_force"
    ProcessVersion.objects.filter(process="complaints.complaint").delete()
    assert _counts(_assess(rule, org["C1"])) == (S.NOT_CONFORMING, 1, 1)
    _version("complaints.complaint", org["P1"].path, 1, date(2026, 6, 30))
    assert _counts(_assess(rule, org["C1"])) == (S.CONFORMING, 1, 0)
    assert _assess(rule, org["P2"]).status == S.NOT_CONFORMING
    # a version taking effect after the period is not in force for it
    ProcessVersion.objects.all().delete()
    _version("complaints.complaint", "", 1, date(2026, 7, 1))
    assert _assess(rule, org["C1"]).status == S.NOT_CONFORMING


def test_complaints_by_phone_and_online_show_both_channels_for_4_2_1_3(org):
    holder = Customer.objects.create(org_unit=org["P1"], name="李四")
    rule = "complaints.channels_open"
    assert _assess(rule, org["P1"]).status == S.NOT_YET_ASSESSABLE
    pf.complaint(org["O1"], holder)  # by phone
    web = pf.complaint(org["P2"], holder)
    Complaint.objects.filter(pk=web.pk).update(channel="website")  # online, but at P2
    assert _counts(_assess(rule, org["P1"])) == (S.PARTLY, 2, 1)
    assert _assess(rule, org["P1"]).note == "online"
    online = pf.complaint(org["C1"], holder)
    Complaint.objects.filter(pk=online.pk).update(channel="wechat")
    assert _counts(_assess(rule, org["P1"])) == (S.CONFORMING, 2, 0)


def _plan(unit, name: str, *, status: str = "active", start=date(2026, 1, 1), end=None):
    questionnaire, _c = Questionnaire.objects.get_or_create(code="q", defaults={"title": "问卷"})
    return SurveyPlan.objects.create(name=name, goal="g", org_unit=unit, frame="claims_paid",
                                     method="online", start_date=start, end_date=end,
                                     status=status, questionnaire=questionnaire)  # fmt: skip


def _response(plan, unit, at: datetime) -> None:
    n = next(_seq)
    cust = Customer.objects.create(org_unit=unit, name=f"客户{n}")
    inv = Invitation.objects.create(plan=plan, token_hash=f"h{n}", token_encrypted="x",
                                    customer=cust, org_unit=unit, org_path=unit.path,
                                    delivery="sms", sent_at=at, expires_at=at + timedelta(days=9))  # fmt: skip
    SurveyResponse.objects.create(invitation=inv, questionnaire=plan.questionnaire, mode="online",
                                  org_path=unit.path, submitted_at=at, satisfaction=5)  # fmt: skip


def test_survey_plans_running_without_responses_count_against_4_3_2(org):
    done = _plan(org["P1"], "理赔满意度")
    _response(done, org["O1"], T)
    idle = _plan(org["C1"], "投诉满意度")
    _response(idle, org["C1"], BEFORE)  # answered only in Q1
    _plan(org["P1"], "草稿", status="draft")  # a draft: not counted
    _plan(org["P1"], "已结束", status="closed", end=date(2026, 3, 31))  # ended before Q2
    found = _assess("surveys.plans_carried_out", org["P1"])
    assert _counts(found) == (S.PARTLY, 2, 1) and found.note == "投诉满意度"
    assert _assess("surveys.plans_carried_out", org["P2"]).status == S.NOT_YET_ASSESSABLE


# --- chapter 5: claims --------------------------------------------------------------------------


def test_second_notices_of_missing_documents_count_against_5_1_2_2(org):
    from hiqc.claimaudit.tests.factories import decided_claims

    (p1_claim,) = decided_claims(org["C1"], 1)
    (p2_claim,) = decided_claims(org["P2"], 1)
    for claim, at, first in [(p1_claim, T, True), (p1_claim, T + timedelta(days=3), False),
                             (p1_claim, BEFORE, True), (p2_claim, T, False)]:  # fmt: skip
        SupplementRequest.objects.create(claim=claim, requested_at=at, first=first,
                                         requested_by="t", items=["invoice"])  # fmt: skip
    rule = "claims.documents_asked_once"
    assert _counts(_assess(rule, org["P1"])) == (S.PARTLY, 2, 1)
    assert _counts(_assess(rule, org["P2"])) == (S.NOT_CONFORMING, 1, 1)
    assert _assess(rule, org["C2"]).status == S.NOT_YET_ASSESSABLE


def _audit_round(unit, *, completed: datetime | None, items: list[tuple[bool, bool, str]]):
    """items: (reviewed, has_error, note)."""
    from hiqc.claimaudit.tests.factories import decided_claims

    rnd = AuditRound.objects.create(
        name=f"抽检{next(_seq)}", org_unit=unit, period_start=date(2026, 1, 1),
        period_end=date(2026, 3, 31), method="simple", confidence=95, margin=Decimal("0.05"),
        population=100, sample_size=len(items), seed=1,
        status="completed" if completed else "open", created_by="t", completed_at=completed,
    )  # fmt: skip
    for claim, (reviewed, error, note) in zip(decided_claims(unit, len(items)), items,
                                               strict=True):  # fmt: skip
        AuditItem.objects.create(
            round=rnd, claim=claim, org_unit=unit, original_outcome="approve",
            original_amount=Decimal(100), original_decided_at=T, status="done",
            reviewed_at=T if reviewed else None, has_error=error, review_note=note,
        )  # fmt: skip


def test_audit_rounds_with_unjudged_or_unexplained_items_count_against_5_3_2(org):
    _audit_round(org["O1"], completed=T, items=[(True, False, ""), (True, True, "金额错误")])
    _audit_round(org["C1"], completed=T, items=[(True, True, "")])  # an error, no note
    _audit_round(org["P1"], completed=T, items=[(False, False, "")])  # not judged
    _audit_round(org["P1"], completed=None, items=[(False, False, "")])  # still open
    _audit_round(org["P1"], completed=BEFORE, items=[(False, False, "")])  # Q1
    found = _assess("claimaudit.rounds_complete", org["P1"])
    assert _counts(found) == (S.PARTLY, 3, 2)
    assert _assess("claimaudit.rounds_complete", org["P2"]).status == S.NOT_YET_ASSESSABLE


# --- chapter 10: quality ------------------------------------------------------------------------


def test_key_indicators_without_a_value_count_against_10_1_1(org):
    rule = "quality.key_indicators_computed"
    assert _counts(_assess(rule, org["P1"])) == (S.NOT_CONFORMING, len(KEY_INDICATORS),
                                                  len(KEY_INDICATORS))  # fmt: skip
    for code in KEY_INDICATORS[1:]:
        _value(code, org["O1"], 1, 2)
    _value(KEY_INDICATORS[0], org["P2"], 1, 2)  # the first only at P2
    found = _assess(rule, org["P1"])
    assert _counts(found) == (S.PARTLY, len(KEY_INDICATORS), 1)
    assert found.note == KEY_INDICATORS[0]


def _nc(unit, source: str, status: str, at: datetime = T) -> None:
    Nonconformity.objects.create(status=status, number=f"NC{next(_seq):05d}", org_unit=unit,
                                 source=source, title="t", description="d", opened_at=at,
                                 opened_by="t")  # fmt: skip


def test_monitoring_signals_left_registered_count_against_10_1_3(org):
    _nc(org["O1"], "indicator_breach", "analysing")
    _nc(org["C1"], "control_signal", "open")  # not taken up
    _nc(org["P1"], "indicator_breach", "closed")
    _nc(org["P1"], "indicator_breach", "cancelled")  # cancelled: not counted
    _nc(org["P1"], "onsite", "open")  # raised by hand, not by the monitoring
    _nc(org["P1"], "indicator_breach", "open", BEFORE)
    rule = "quality.signals_taken_up"
    assert _counts(_assess(rule, org["P1"])) == (S.PARTLY, 3, 1)
    assert _assess(rule, org["P2"]).status == S.NOT_YET_ASSESSABLE


def _improvement(unit, *, opened: datetime = BEFORE, status: str = "do",
                 closed: datetime | None = None, **fields) -> ImprovementPlan:  # fmt: skip
    return ImprovementPlan.objects.create(
        status=status, number=f"GJ{next(_seq):05d}", org_unit=unit, title="t", need="n",
        indicator_code="claims.days_to_payment", baseline_start=date(2026, 1, 1),
        baseline_end=date(2026, 3, 31), opened_at=opened, opened_by="t", closed_at=closed,
        **fields,
    )  # fmt: skip


def test_plans_without_a_grounded_need_or_actions_count_against_10_2_1_and_10_2_2(org, personas):
    owner = next(iter(personas.values()))
    grounded = _improvement(org["O1"], opened=T)
    _nc(org["O1"], "onsite", "closed", BEFORE)
    grounded.nonconformities.add(Nonconformity.objects.get(source="onsite"))
    ImprovementAction.objects.create(
        plan=grounded, title="a", owner=owner, due_date=date(2026, 6, 1)
    )
    _improvement(org["C1"], opened=T, previous=grounded)  # a next cycle, no action yet
    _improvement(org["P1"], opened=T)  # neither linked nor with actions
    _improvement(org["P1"], opened=T, status="cancelled")  # cancelled: not counted
    _improvement(org["P1"], opened=BEFORE)  # Q1
    assert _counts(_assess("quality.plans_grounded", org["P1"])) == (S.PARTLY, 3, 1)
    assert _counts(_assess("quality.plans_have_actions", org["P1"])) == (S.PARTLY, 3, 2)
    for rule in ("quality.plans_grounded", "quality.plans_have_actions"):
        assert _assess(rule, org["P2"]).status == S.NOT_YET_ASSESSABLE


def test_closed_plans_are_judged_on_effect_continuation_and_standardisation_10_2_4_10_3(org):
    after: dict[str, Any] = {"after_start": date(2026, 4, 1), "after_end": date(2026, 4, 30)}
    std = _improvement(org["O1"], status="closed", closed=T, act_outcome="standardise",
                       act_note="流程第3版", **after)  # fmt: skip
    _improvement(org["C1"], status="closed", closed=T, act_outcome="standardise", **after)
    short = _improvement(org["P1"], status="closed", closed=T, act_outcome="new_cycle", **after)
    _improvement(org["P1"], status="closed", closed=T, act_outcome="new_cycle", **after)
    _improvement(org["P1"], status="closed", closed=T)  # no effect period, no outcome
    _improvement(org["P1"], status="closed", closed=BEFORE)  # Q1
    _improvement(org["P1"], opened=T, previous=short)  # the next cycle of one of them
    assert std.pk
    assert _counts(_assess("quality.effect_evaluated", org["P1"])) == (S.PARTLY, 5, 1)
    assert _counts(_assess("quality.cycles_continued", org["P1"])) == (S.PARTLY, 5, 1)
    assert _counts(_assess("quality.standardised", org["P1"])) == (S.PARTLY, 2, 1)
    for rule in ("quality.effect_evaluated", "quality.cycles_continued", "quality.standardised"):
        assert _assess(rule, org["P2"]).status == S.NOT_YET_ASSESSABLE
