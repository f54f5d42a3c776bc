"""Improvement plans (PDCA; issue 7 §5): the effect is measured on the same indicator and unit,
before vs after, with the right test, and "not enough data yet" when it cannot tell."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from hiqc.core.calendar import BEIJING
from hiqc.core.errors import Conflict, ValidationFailed
from hiqc.core.indicators import INDICATORS, Indicator, indicator_rows_replace
from hiqc.core.stats import fisher_exact, mann_whitney, two_proportion_z
from hiqc.quality.effect import evaluate
from hiqc.quality.models import ImprovementPlan
from hiqc.quality.nonconformities.services import nonconformity_open
from hiqc.quality.plans.services import action_add, action_done, plan_act, plan_create, plan_effect

pytestmark = pytest.mark.django_db
CODE = "claims.paid_on_time_rate"


def months(org, values, year=2026):
    rows = [(datetime(year, m, 1, tzinfo=BEIJING), org["C1"].path, x, n)
            for m, (x, n) in enumerate(values, start=1)]  # fmt: skip
    indicator_rows_replace(code=CODE, granularity="month", start=rows[0][0],
                           end=datetime(year, len(values) + 1, 1, tzinfo=BEIJING), rows=rows)  # fmt: skip


def test_a_rate_that_rose_is_an_improvement_by_the_two_proportion_test(org):
    months(org, [(80, 100)] * 3 + [(95, 100)] * 3)
    effect = evaluate(CODE, org["C1"].path, baseline=(date(2026, 1, 1), date(2026, 3, 31)),
                      after=(date(2026, 4, 1), date(2026, 6, 30)), today=date(2026, 7, 5))  # fmt: skip
    expected = two_proportion_z(240, 300, 285, 300)
    assert effect.verdict == "improved" and effect.test == "two_proportion_z"
    assert effect.difference == pytest.approx(0.15) and effect.p_value == pytest.approx(
        expected.p_value
    )
    assert (effect.low, effect.high) == pytest.approx((expected.low, expected.high))


def test_a_small_sample_says_not_enough_data_yet(org):
    months(org, [(8, 10)] * 3 + [(9, 10)])
    effect = evaluate(CODE, org["C1"].path, baseline=(date(2026, 1, 1), date(2026, 3, 31)),
                      after=(date(2026, 4, 1), date(2026, 6, 30)), today=date(2026, 7, 5))  # fmt: skip
    assert effect.verdict == "insufficient" and effect.after_n == 10
    future = evaluate(CODE, org["C1"].path, baseline=(date(2026, 1, 1), date(2026, 3, 31)),
                      after=(date(2026, 8, 1), date(2026, 10, 31)), today=date(2026, 7, 5))  # fmt: skip
    assert future.verdict == "insufficient"


def test_rare_events_use_fisher(org):
    months(org, [(99, 100), (100, 100), (98, 100), (100, 100), (100, 100), (100, 100)])
    effect = evaluate(CODE, org["C1"].path, baseline=(date(2026, 1, 1), date(2026, 3, 31)),
                      after=(date(2026, 4, 1), date(2026, 6, 30)), today=date(2026, 7, 5))  # fmt: skip
    assert effect.test == "fisher"
    assert effect.p_value == pytest.approx(fisher_exact(297, 300, 300, 300))
    assert effect.verdict == "no_change"  # 3 late payments before, none after: not significant


def test_durations_are_compared_case_by_case(org, monkeypatch):
    before = [10.0 + i % 7 for i in range(40)]
    after = [6.0 + i % 5 for i in range(40)]

    def samples(path, start, end):
        src = before if start < datetime(2026, 4, 1, tzinfo=BEIJING) else after
        return [(start, v) for v in src]

    fake = Indicator("bench.days", "测试天数", "days", "days", "lower_better", ("5.2.1",), "f", "s",
                     samples=samples, percentile=50)  # fmt: skip
    monkeypatch.setitem(INDICATORS, "bench.days", fake)
    effect = evaluate("bench.days", org["C1"].path, baseline=(date(2026, 1, 1), date(2026, 3, 31)),
                      after=(date(2026, 4, 1), date(2026, 6, 30)), today=date(2026, 7, 5))  # fmt: skip
    expected = mann_whitney(before, after)
    assert effect.test == "mann_whitney" and effect.verdict == "improved"
    assert effect.p_value == pytest.approx(expected.p_value) and effect.difference == expected.shift


def test_pdca_from_a_nonconformity_to_a_measured_effect_and_a_new_cycle(actors, org, personas):
    lead = actors["quality_lead"]
    nc = nonconformity_open(actor=lead, org_unit_id=org["C1"].pk, data={
        "source": "onsite", "title": "赔款支付超时", "description": "抽查发现"})  # fmt: skip
    plan = plan_create(actor=lead, org_unit_id=org["C1"].pk, nonconformity_ids=[nc.pk], data={
        "title": "提升按时支付率", "need": "支付环节积压", "indicator_code": CODE,
        "baseline_start": "2026-01-01", "baseline_end": "2026-03-31"})  # fmt: skip
    assert list(nc.plans.all()) == [plan]
    with pytest.raises(Conflict):
        plan_act(actor=lead, plan_id=plan.pk, action="start", data={})  # no action yet
    with pytest.raises(ValidationFailed) as exc:
        action_add(actor=lead, plan_id=plan.pk, data={"title": "", "owner": "", "due_date": "x"})
    assert set(exc.value.fields) == {"title", "owner", "due_date"}
    step = action_add(actor=lead, plan_id=plan.pk, data={
        "title": "支付日结", "owner": personas["branch_manager"].pk, "due_date": "2026-04-15"})  # fmt: skip
    plan_act(actor=lead, plan_id=plan.pk, action="start", data={})
    action_done(actor=lead, action_id=step.pk, note="已上线")
    with pytest.raises(ValidationFailed):
        plan_act(actor=lead, plan_id=plan.pk, action="check", data={"after_start": "2026-02-01"})
    checked = plan_act(
        actor=lead, plan_id=plan.pk, action="check", data={"after_start": "2026-04-01"}
    )
    assert checked.after_end == date(2026, 4, 1) + (date(2026, 3, 31) - date(2026, 1, 1))
    months(org, [(80, 100)] * 3 + [(95, 100)] * 3)
    effect = plan_effect(checked, today=date(2026, 7, 5))
    assert effect is not None and effect.verdict == "improved"
    done = plan_act(actor=lead, plan_id=plan.pk, action="act",
                    data={"act_outcome": "new_cycle", "act_note": "仍未达 100%"})  # fmt: skip
    assert done.status == "closed"
    follow = ImprovementPlan.objects.get(previous=done)
    assert follow.baseline_start == date(2026, 4, 1) and list(follow.nonconformities.all()) == [nc]


def test_plan_pages_render_for_the_owner_and_refuse_others(client, personas, actors, org):
    plan = plan_create(actor=actors["quality_lead"], org_unit_id=org["C1"].pk, data={
        "title": "提升满意度", "need": "满意度低", "indicator_code": "surveys.csat",
        "baseline_start": date.today() - timedelta(days=90), "baseline_end": date.today()})  # fmt: skip
    for persona, code in {"quality_lead": 200, "branch_manager": 200, "claims": 403}.items():
        client.force_login(personas[persona])
        assert client.get("/quality/plans/").status_code == code, persona
    client.force_login(personas["branch_manager"])
    assert client.get(f"/quality/plans/{plan.pk}/").status_code == 200
    client.force_login(personas["outsider_agent"])
    assert client.get(f"/quality/plans/{plan.pk}/").status_code in (403, 404)
    client.force_login(personas["quality_lead"])
    page = client.post("/quality/plans/new/", {"org_unit": org["C1"].pk, "title": "", "need": "x",
                                                "indicator_code": "nope"})  # fmt: skip
    assert page.status_code == 422 and "请选择衡量效果的指标" in page.content.decode()


def test_plans_are_created_and_worked_through_the_api(client, personas, org):
    client.force_login(personas["quality_lead"])
    created = client.post("/api/v1/improvement-plans", {
        "org_unit": str(org["C1"].pk), "title": "提升按时支付率", "need": "支付积压",
        "indicator_code": CODE, "baseline_start": "2026-01-01", "baseline_end": "2026-03-31",
    }, content_type="application/json")  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["status"] == "plan" and body["effect"] is None and body["measures"] == []
    plan_id = body["id"]
    early = client.post(f"/api/v1/improvement-plans/{plan_id}/actions/start",
                        {"version": body["version"], "data": {}}, content_type="application/json")  # fmt: skip
    assert early.status_code == 409  # no action yet
    added = client.post(f"/api/v1/improvement-plans/{plan_id}/measures", {
        "title": "支付日结", "owner": str(personas["branch_manager"].pk), "due_date": "2026-04-15",
    }, content_type="application/json")  # fmt: skip
    assert added.status_code == 201 and len(added.json()["measures"]) == 1
    started = client.post(f"/api/v1/improvement-plans/{plan_id}/actions/start",
                          {"version": body["version"], "data": {}}, content_type="application/json")  # fmt: skip
    assert started.status_code == 200 and started.json()["status"] == "do"
    bad = client.post("/api/v1/improvement-plans", {
        "org_unit": str(org["C1"].pk), "title": "", "need": "", "indicator_code": "x",
        "baseline_start": "2026-03-01", "baseline_end": "2026-01-01",
    }, content_type="application/json")  # fmt: skip
    assert bad.status_code == 422
    assert {"title", "need", "indicator_code", "baseline_end"} <= set(bad.json()["fields"])
