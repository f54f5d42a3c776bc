"""The risk register (standard 9.2.1, 9.2.2; issue 20 §4, §5, §7; ADR 0028): the residual
arithmetic and the bands as rules, appetite, KRI threshold crossing raising a review once,
a failed linked control raising a review, the treatment plan case and its clock, the doors
(another branch's risk: the same 404 bytes as a missing one), validation naming the field."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client

from hiqc.compliance.models import Control, ControlResult
from hiqc.compliance.risks import scale
from hiqc.compliance.risks.enums import KriStatus, RatingKind, ReviewStatus
from hiqc.compliance.risks.models import KeyRiskIndicator, Risk, RiskTreatment
from hiqc.compliance.risks.services import (
    kri_create,
    kri_evaluate,
    risk_create,
    risk_refresh,
    risk_review,
    risks_daily,
    treatment_act,
    treatment_open,
)
from hiqc.core.calendar import BEIJING
from hiqc.core.errors import ValidationFailed
from hiqc.core.models import Deadline, IndicatorValue, RuleOverride

from .conftest import client_for

pytestmark = pytest.mark.django_db
API = "/api/v1"
NOW = datetime(2026, 11, 12, 10, 0, tzinfo=BEIJING)


def post(client: Client, url: str, body: dict) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def risk_data(unit, **over) -> dict:
    return {"org_unit": str(unit.pk), "category": "operational", "title": "理赔时效风险",
            "cause": "资料审核人手不足", "event": "理赔核定超过30日", "consequence": "监管处罚与投诉",
            "owner_role": "quality_lead", "inherent_likelihood": 4, "inherent_impact": 4,
            "qualitative": "季末案件积压时尤甚", **over}  # fmt: skip


def result(control: Control, unit, period: date, population: int, failures: int) -> None:
    from hiqc.compliance.controls import effectiveness, status_for

    ControlResult.objects.create(
        control=control, org_unit=unit, org_path=unit.path, period_start=period,
        population=population, failures=failures,
        effectiveness=effectiveness(population, failures),
        status=status_for(population, failures), run_at=NOW, run_by="test")  # fmt: skip


# --- the arithmetic ------------------------------------------------------------------------------


def test_residual_reduces_likelihood_by_two_and_impact_by_one_with_fully_effective_controls():
    assert scale.residual(4, 4, 1.0, steps_likelihood=2, steps_impact=1) == (2, 3)


def test_residual_rounds_half_up_the_effectiveness_times_the_steps():
    # E = ½ (one partly effective control): likelihood − round(1.0) = 3, impact − round(0.5) = 3
    assert scale.residual(4, 4, 0.5, steps_likelihood=2, steps_impact=1) == (3, 3)
    # E = ¼: likelihood − round(0.5) = 1 step, impact − round(0.25) = none
    assert scale.residual(4, 4, 0.25, steps_likelihood=2, steps_impact=1) == (3, 4)


def test_residual_without_effective_controls_equals_inherent_and_never_drops_below_one():
    assert scale.residual(5, 3, 0.0, steps_likelihood=2, steps_impact=1) == (5, 3)
    assert scale.residual(1, 1, 1.0, steps_likelihood=2, steps_impact=1) == (1, 1)


def test_control_effectiveness_is_the_mean_credit_and_zero_without_controls():
    assert scale.control_effectiveness([1.0, 0.5, 0.0]) == 0.5
    assert scale.control_effectiveness([]) == 0.0


def test_bands_follow_the_rules_and_can_be_reconfigured(db):
    b = scale.bands()
    assert [b.of(r) for r in (4, 5, 9, 10, 14, 15, 25)] == [
        "low", "medium", "medium", "high", "high", "extreme", "extreme"]  # fmt: skip
    RuleOverride.objects.create(key="compliance.risk_band_extreme", value="20", reason="t")
    assert scale.bands().of(16) == "high"


def test_reduction_steps_are_rules_read_at_run_time(db):
    RuleOverride.objects.create(key="compliance.risk_reduction_likelihood", value="1", reason="t")
    assert scale.residual(4, 4, 1.0) == (3, 3)


# --- the register --------------------------------------------------------------------------------


def test_residual_derived_from_the_linked_controls_latest_tests_for_the_units_subtree(actors, org):
    effective = Control.objects.get(code="CTL-CL2-DECIDE")
    # the C1 result counts for a P1 risk (inside its subtree); P2's does not
    result(effective, org["C1"], date(2026, 10, 1), 200, 0)
    result(effective, org["P2"], date(2026, 10, 1), 200, 150)
    with time_machine.travel(NOW, tick=False):
        risk = risk_create(actor=actors["compliance"],
                           data=risk_data(org["P1"], controls="CTL-CL2-DECIDE"))  # fmt: skip
    assert (risk.control_effectiveness, risk.residual_likelihood, risk.residual_impact) == (
        1.0, 2, 3)  # fmt: skip
    assert risk.residual_rating == 6 and risk.inherent_rating == 16
    line = risk.ratings.get()
    assert line.kind == RatingKind.INITIAL and line.rated_by == "compliance"


def test_an_untested_control_earns_no_credit(actors, org):
    risk = risk_create(actor=actors["compliance"],
                       data=risk_data(org["P1"], controls="CTL-PI4-TRAINING"))  # fmt: skip
    assert (risk.residual_likelihood, risk.residual_impact) == (4, 4)


def test_a_risk_above_appetite_is_listed_until_its_residual_falls_below(actors, org, personas):
    risk = risk_create(actor=actors["compliance"], data=risk_data(org["P1"]))
    body = client_for(personas["compliance"]).get(f"{API}/risks?above_appetite=true").json()
    assert [r["number"] for r in body["items"]] == [risk.number]
    assert body["items"][0]["residual_band"] == "extreme" and body["items"][0]["above_appetite"]
    risk_review(actor=actors["compliance"], risk_id=risk.pk,
                data={"inherent_likelihood": 3, "inherent_impact": 3, "reason": "新增双人复核"})  # fmt: skip
    body = client_for(personas["compliance"]).get(f"{API}/risks?above_appetite=true").json()
    assert body["items"] == []


def test_a_review_records_the_new_rating_with_who_when_and_why(actors, org):
    risk = risk_create(actor=actors["compliance"], data=risk_data(org["P1"]))
    with time_machine.travel(NOW, tick=False):
        risk_review(actor=actors["risk"], risk_id=risk.pk,
                    data={"inherent_likelihood": 2, "inherent_impact": 5, "reason": "复评"})  # fmt: skip
    line = risk.ratings.get(kind=RatingKind.REVIEW)
    assert (line.kind, line.rated_by, line.reason, line.at) == (RatingKind.REVIEW, "risk", "复评",
                                                                NOW)  # fmt: skip
    assert (line.inherent_likelihood, line.inherent_impact) == (2, 5)


def test_a_linked_control_found_ineffective_after_the_last_review_raises_the_risk(actors, org):
    control = Control.objects.get(code="CTL-CL2-DECIDE")
    with time_machine.travel(datetime(2026, 9, 20, 10, 0, tzinfo=BEIJING), tick=False):
        risk = risk_create(actor=actors["compliance"],
                           data=risk_data(org["P1"], controls=[control.code]))  # fmt: skip
    result(control, org["C1"], date(2026, 10, 1), 100, 30)
    with time_machine.travel(NOW, tick=False):
        risk_refresh(risk, actor=actors["compliance"])
    risk.refresh_from_db()
    assert risk.review_status == ReviewStatus.REVIEW_NEEDED
    assert "CTL-CL2-DECIDE" in risk.review_reason and "2026-10" in risk.review_reason


# --- KRIs ----------------------------------------------------------------------------------------


def monthly(code: str, unit, period: date, n: float, d: float) -> None:
    IndicatorValue.objects.create(code=code, granularity="month", org_path=unit.path,
                                  period_start=datetime(period.year, period.month, 1,
                                                        tzinfo=BEIJING),
                                  numerator=n, denominator=d)  # fmt: skip


def test_a_kri_crossing_its_limit_raises_the_risk_for_review_once_per_month(actors, org,
                                                                           system_actor):  # fmt: skip
    with time_machine.travel(NOW, tick=False):
        risk = risk_create(actor=actors["compliance"], data=risk_data(org["P1"]))
        kri = kri_create(actor=actors["compliance"], risk_id=risk.pk, data={
            "indicator": "claims.decided_on_time_rate", "warning": 0.97, "limit": 0.95})  # fmt: skip
    assert kri.direction == "lower_worse" and kri.state == KriStatus.NO_DATA
    monthly("claims.decided_on_time_rate", org["C1"], date(2026, 10, 1), 96, 100)
    with time_machine.travel(NOW, tick=False):
        assert kri_evaluate(kri, actor=system_actor) == KriStatus.WARNING
    risk.refresh_from_db()
    assert risk.review_status == ReviewStatus.CURRENT
    monthly("claims.decided_on_time_rate", org["C1"], date(2026, 11, 1), 90, 100)
    # 11-12: November is not complete yet — October still reads
    with time_machine.travel(datetime(2026, 12, 2, 5, 0, tzinfo=BEIJING), tick=False):
        assert kri_evaluate(kri, actor=system_actor) == KriStatus.BREACH
        risk.refresh_from_db()
        assert risk.review_status == ReviewStatus.REVIEW_NEEDED
        assert "2026-11" in risk.review_reason
        risk_review(actor=actors["compliance"], risk_id=risk.pk,
                    data={"inherent_likelihood": 4, "inherent_impact": 4, "reason": "已知"})  # fmt: skip
        kri.refresh_from_db()
        # the same month's breach read again: no second raise (idempotent)
        assert kri_evaluate(kri, actor=system_actor) == KriStatus.BREACH
    risk.refresh_from_db()
    assert risk.review_status == ReviewStatus.CURRENT
    kri.refresh_from_db()
    assert (kri.last_period, kri.raised_period, kri.last_value) == (
        date(2026, 11, 1), date(2026, 11, 1), 0.9)  # fmt: skip


def test_a_kri_on_a_lower_better_indicator_breaches_when_the_value_rises(actors, org, system_actor):
    risk = risk_create(actor=actors["compliance"], data=risk_data(org["P1"]))
    kri = kri_create(actor=actors["compliance"], risk_id=risk.pk, data={
        "indicator": "complaints.repeat_rate", "warning": 0.05, "limit": 0.1})  # fmt: skip
    assert kri.direction == "higher_worse"
    monthly("complaints.repeat_rate", org["P1"], date(2026, 10, 1), 12, 100)
    with time_machine.travel(NOW, tick=False):
        risks_daily(actor=system_actor)
    kri.refresh_from_db()
    assert kri.state == KriStatus.BREACH


def test_a_kri_names_a_wrong_indicator_and_an_inverted_limit_on_their_fields(actors, org):
    risk = risk_create(actor=actors["compliance"], data=risk_data(org["P1"]))
    with pytest.raises(ValidationFailed) as exc:
        kri_create(actor=actors["compliance"], risk_id=risk.pk,
                   data={"indicator": "no.such", "warning": 1, "limit": 2})  # fmt: skip
    assert "indicator" in exc.value.fields
    with pytest.raises(ValidationFailed) as exc:
        kri_create(actor=actors["compliance"], risk_id=risk.pk, data={
            "indicator": "claims.decided_on_time_rate", "warning": 0.9, "limit": 0.95})  # fmt: skip
    assert "limit" in exc.value.fields


# --- the treatment plan --------------------------------------------------------------------------


def test_a_treatment_plan_runs_open_in_progress_done_within_its_ninety_day_clock(actors, org):
    risk = risk_create(actor=actors["compliance"], data=risk_data(org["P1"]))
    with time_machine.travel(NOW, tick=False):
        case = treatment_open(actor=actors["compliance"], risk_id=risk.pk,
                              data={"title": "理赔时效专项整改"})  # fmt: skip
    deadline = Deadline.objects.get(case_id=str(case.pk))
    assert deadline.clock == "compliance.risk_treatment"
    # 90 calendar days: to the end of 2027-02-10 (Beijing)
    assert deadline.due_at == datetime(2027, 2, 11, tzinfo=BEIJING)
    act = actors["compliance"]
    treatment_act(actor=act, case_id=case.pk, action="start", data={"plan": "增配审核人员"})
    treatment_act(actor=act, case_id=case.pk, action="add_action",
                  data={"title": "招聘2名审核员", "owner": "张三", "due": "2026-12-31"})  # fmt: skip
    with pytest.raises(ValidationFailed) as exc:
        treatment_act(actor=act, case_id=case.pk, action="complete", data={"outcome": "完成"})
    assert "outcome" in exc.value.fields
    treatment_act(actor=act, case_id=case.pk, action="complete_action", data={"index": "1"})
    done = treatment_act(actor=act, case_id=case.pk, action="complete", data={"outcome": "完成"})
    assert done.status == "done" and done.actions[0]["done_at"]
    deadline.refresh_from_db()
    assert deadline.state != "open"


def test_the_treatment_clock_is_a_rule(actors, org):
    RuleOverride.objects.create(key="compliance.risk_treatment_days", value="29", reason="t")
    risk = risk_create(actor=actors["compliance"], data=risk_data(org["P1"]))
    with time_machine.travel(NOW, tick=False):
        case = treatment_open(actor=actors["compliance"], risk_id=risk.pk, data={"title": "t"})
    due = Deadline.objects.get(case_id=str(case.pk)).due_at
    assert due == datetime(2026, 12, 12, tzinfo=BEIJING)  # the end of Friday 12-11


# --- API and doors -------------------------------------------------------------------------------


def test_another_branchs_risk_is_the_same_404_as_a_missing_one(actors, org, personas):
    other = risk_create(actor=actors["compliance"], data=risk_data(org["P2"]))
    case = treatment_open(actor=actors["compliance"], risk_id=other.pk, data={"title": "t"})
    branch = client_for(personas["branch_manager"])  # P1
    for template, real in (("risks/{}", other.pk), ("risk-treatments/{}", case.pk),
                           ("risks/{}/kris", other.pk)):  # fmt: skip
        theirs = branch.get(f"{API}/" + template.format(real))
        missing = branch.get(f"{API}/" + template.format(uuid.uuid4()))
        assert theirs.status_code == missing.status_code == 404
        assert theirs.content == missing.content
    assert branch.get(f"/compliance/risks/{other.pk}/").status_code == 404
    own = risk_create(actor=actors["compliance"], data=risk_data(org["C1"]))
    assert branch.get(f"{API}/risks/{own.pk}").status_code == 200


def test_permission_is_checked_before_the_body_and_errors_name_the_field(personas, org):
    auditor = client_for(personas["auditor"])
    # a schema-valid body from a reader is a 403, never a 422
    assert (
        post(auditor, f"{API}/risks", {**risk_data(org["P1"]), "category": "x"}).status_code == 403
    )
    officer = client_for(personas["compliance"])
    bad = post(officer, f"{API}/risks", {**risk_data(org["P1"]), "inherent_likelihood": 7,
                                          "category": "weather"})  # fmt: skip
    assert bad.status_code == 422
    fields = json.dumps(bad.json())
    assert "inherent_likelihood" in fields and "category" in fields
    ok = post(officer, f"{API}/risks", {**risk_data(org["P1"]), "controls": ["CTL-CL2-DECIDE"]})
    assert ok.status_code == 201, ok.content
    rid = ok.json()["id"]
    assert ok.json()["controls"][0]["code"] == "CTL-CL2-DECIDE"
    patched = officer.patch(f"{API}/risks/{rid}", data=json.dumps({"title": "新名称"}),
                            content_type="application/json")  # fmt: skip
    assert patched.status_code == 200 and patched.json()["title"] == "新名称"
    reviewed = post(officer, f"{API}/risks/{rid}/review",
                    {"inherent_likelihood": 2, "inherent_impact": 2, "reason": "r"})  # fmt: skip
    assert reviewed.status_code == 200 and reviewed.json()["inherent_rating"] == 4
    heat = officer.get(f"{API}/risks/heatmap").json()
    assert {"likelihood": 2, "impact": 2, "count": 1} in heat["inherent"]
    opened = post(officer, f"{API}/risks/{rid}/treatments", {"title": "计划"})
    assert opened.status_code == 201 and opened.json()["status"] == "open"
    case_id = opened.json()["id"]
    started = post(officer, f"{API}/risk-treatments/{case_id}/actions/start",
                   {"version": 1, "data": {"plan": "p"}})  # fmt: skip
    assert started.status_code == 200 and started.json()["status"] == "in_progress"
    kri = post(officer, f"{API}/risks/{rid}/kris", {"indicator": "x", "warning": 1, "limit": 2})
    assert kri.status_code == 422 and "indicator" in json.dumps(kri.json())


def test_the_pages_show_the_register_heat_map_risk_and_treatment(actors, org, personas):
    risk = risk_create(actor=actors["compliance"], data=risk_data(org["P1"]))
    case = treatment_open(actor=actors["compliance"], risk_id=risk.pk, data={"title": "计划甲"})
    c = client_for(personas["compliance"])
    page = c.get("/compliance/risks/").content.decode()
    assert risk.title in page and 'data-cell="residual-4-4"' in page
    drilled = c.get("/compliance/risks/?cell=inherent-1-1").content.decode()
    assert risk.title not in drilled
    assert "计划甲" in c.get(f"/compliance/risks/{risk.pk}/").content.decode()
    assert risk.number in c.get(f"/compliance/treatments/{case.pk}/").content.decode()
    assert risk.number in c.get("/compliance/").content.decode()  # above appetite


def test_the_risk_page_opens_a_treatment_plan(actors, org, personas):
    risk = risk_create(actor=actors["compliance"], data=risk_data(org["P1"]))
    c = client_for(personas["compliance"])
    r = c.post(f"/compliance/risks/{risk.pk}/", {"form": "treatment", "title": "计划乙"})
    case = RiskTreatment.objects.get(risk=risk)
    assert r.status_code == 302 and r["Location"] == f"/compliance/treatments/{case.pk}/"
    bad = c.post(f"/compliance/risks/{risk.pk}/", {"form": "review", "inherent_likelihood": "9"})
    assert bad.status_code == 422
    assert Risk.objects.get(pk=risk.pk).inherent_likelihood == 4
    assert KeyRiskIndicator.objects.count() == 0


def test_a_named_owner_outside_the_managers_units_is_the_same_unknown_user_as_a_missing_one(
    personas, org
):
    # given a risk manager over 北京 only, and a colleague who works in 广东 (P2)
    from hiqc.compliance.risks.services import risk_create
    from hiqc.organisations.enums import Role
    from hiqc.organisations.models import Membership, User
    from hiqc.organisations.services import actor_for_user

    manager = User.objects.create_user(username="risk_p1", password="x" * 20, org_unit=org["P1"],
                                       display_name="r")  # fmt: skip
    Membership.objects.create(user=manager, role=Role.RISK_MANAGER, org_unit=org["P1"])
    elsewhere = User.objects.create_user(username="far_away", password="x" * 20,
                                         org_unit=org["P2"], display_name="f")  # fmt: skip
    Membership.objects.create(user=elsewhere, role=Role.BRANCH_MANAGER, org_unit=org["P2"])
    actor = actor_for_user(manager)
    answers = []
    for name in ("far_away", "nobody_at_all"):
        with pytest.raises(ValidationFailed) as err:
            risk_create(actor=actor, data={**risk_data(org["P1"]), "owner": name})
        answers.append(err.value.fields["owner"])
    # then both answers are the same
    assert answers[0] == answers[1]


def test_the_risk_page_edits_the_description_owner_and_controls_and_keeps_all_on_a_bad_field(
    actors, org, personas
):
    # given a risk with no controls, edited on its page by the compliance officer
    risk = risk_create(actor=actors["compliance"], data=risk_data(org["P1"]))
    c = client_for(personas["compliance"])
    form = c.get(f"/compliance/risks/{risk.pk}/").content.decode()
    assert 'id="edit-form"' in form and 'value="理赔时效风险"' in form
    edit = {"form": "edit", "title": "理赔时效风险（修订）", "category": "compliance",
            "cause": "人手不足", "event": "超过30日", "consequence": "处罚",
            "owner_role": "compliance_officer", "owner": "", "controls": "CTL-CL2-DECIDE"}  # fmt: skip
    # when a control code is unknown, nothing is saved and the field is named
    bad = c.post(f"/compliance/risks/{risk.pk}/", {**edit, "controls": "CTL-NOPE"})
    assert bad.status_code == 422 and "CTL-NOPE" in bad.content.decode()
    assert 'value="理赔时效风险（修订）"' in bad.content.decode()  # what was typed is kept
    assert Risk.objects.get(pk=risk.pk).title == "理赔时效风险"
    # when it is right, every field is saved and the control linked
    ok = c.post(f"/compliance/risks/{risk.pk}/", edit)
    assert ok.status_code == 302
    risk.refresh_from_db()
    assert (risk.title, risk.category, risk.owner_role) == (
        "理赔时效风险（修订）", "compliance", "compliance_officer")  # fmt: skip
    assert list(risk.control_links.values_list("control__code", flat=True)) == ["CTL-CL2-DECIDE"]
    # a reader sees no edit form
    read = client_for(personas["auditor"]).get(f"/compliance/risks/{risk.pk}/")
    assert read.status_code == 200 and risk.title in read.content.decode()
    assert 'id="edit-form"' not in read.content.decode()


def test_the_risk_page_draws_each_kri_series_with_its_warning_and_limit(actors, org, personas):
    with time_machine.travel(NOW, tick=False):
        risk = risk_create(actor=actors["compliance"], data=risk_data(org["P1"]))
        kri = kri_create(actor=actors["compliance"], risk_id=risk.pk, data={
            "indicator": "claims.decided_on_time_rate", "warning": 0.97, "limit": 0.95})  # fmt: skip
        monthly("claims.decided_on_time_rate", org["C1"], date(2026, 9, 1), 98, 100)
        monthly("claims.decided_on_time_rate", org["C1"], date(2026, 10, 1), 96, 100)
        page = client_for(personas["compliance"]).get(f"/compliance/risks/{risk.pk}/")
    html = page.content.decode()
    assert f'id="kri-chart-{kri.pk}"' in html
    data = json.loads(html.split('<script id="kri-data" type="application/json">')[1]
                      .split("</script>")[0])  # fmt: skip
    assert data == [{"el": f"kri-chart-{kri.pk}", "name": data[0]["name"], "warning": 0.97,
                     "limit": 0.95, "periods": ["2026-09", "2026-10"], "values": [0.98, 0.96],
                     "labels": {"warning": "预警值", "limit": "限额"}}]  # fmt: skip
