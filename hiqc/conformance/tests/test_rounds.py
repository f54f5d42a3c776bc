"""Self-assessment rounds (issue 22 §3; ADR 0035): a round stores every clause's automatic status
when it opens; the assessor's judgement may differ only with a reason (audited); the quality lead
signs off another person's round, never their own; sign-off opens one nonconformity per leaf
judged not conforming, and never a second; the scope door and 403 before 422; the pages."""

from __future__ import annotations

import uuid
from datetime import datetime

import pytest
import time_machine
from django.test import Client

from hiqc.conformance import selectors
from hiqc.conformance.models import AssessmentRound, RoundClause
from hiqc.conformance.services import (
    clause_judge,
    round_act,
    round_create,
    round_nonconformities_open,
)
from hiqc.conformance.standard import children
from hiqc.conformance.workflow import ROUND, SIGNOFF_CLOCK
from hiqc.core.calendar import BEIJING
from hiqc.core.errors import Conflict, ValidationFailed
from hiqc.core.models import AuditEvent, Deadline
from hiqc.organisations.enums import Role
from hiqc.organisations.models import Membership, User
from hiqc.organisations.services import actor_for_user
from hiqc.quality.nonconformities.models import Nonconformity

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 10, 12, 10, 0, tzinfo=BEIJING)  # a Monday in the quarter after 2026-Q3
API = "/api/v1/conformance/rounds"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def second_lead(org):
    user = User.objects.create_user(username="quality_lead_2", password="x", org_unit=org["HO"],
                                    display_name="quality_lead_2")  # fmt: skip
    Membership.objects.create(user=user, role=Role.QUALITY_LEAD, org_unit=org["HO"])
    return user


def _round(actor, unit, period="2026-Q3"):
    with time_machine.travel(NOW, tick=False):
        return round_create(actor=actor, data={"org_unit": str(unit.pk), "period": period})


def _leaves_not_conforming(case) -> list[str]:
    return [r.clause.code for r in selectors.round_clauses(case)
            if r.judgement == "not_conforming" and not children()[r.clause.code]]  # fmt: skip


def test_the_workflow_submits_signs_off_returns_and_cancels_under_a_20_working_day_clock():
    assert ROUND.step("submit", from_state="in_progress").requires == ("summary",)
    assert ROUND.step("sign_off", from_state="submitted").target == "signed_off"
    assert ROUND.step("return", from_state="submitted").target == "in_progress"
    assert ROUND.step("cancel", from_state="in_progress").requires == ("reason",)
    assert SIGNOFF_CLOCK.code == "conformance.round_signoff" and SIGNOFF_CLOCK.amount == 20
    assert SIGNOFF_CLOCK.unit == "working_days" and "(P)" in SIGNOFF_CLOCK.source


def test_a_round_stores_every_clauses_automatic_status_and_starts_its_clock(org, actors):
    # Given the statuses computed for 北京's subtree in 2026-Q3
    with time_machine.travel(NOW, tick=False):
        expected = selectors.clause_statuses(org["P1"].path, selectors_period("2026-Q3"))
    # When the branch manager opens a round for it
    case = _round(actors["branch_manager"], org["P1"])
    # Then every clause is stored with that automatic status, judged the same to begin with
    rows = {
        r.clause.code: r for r in RoundClause.objects.filter(round=case).select_related("clause")
    }
    assert len(rows) == 298 == len(expected)
    assert {c: r.auto_status for c, r in rows.items()} == {c: s.status for c, s in expected.items()}
    assert all(r.judgement == r.auto_status for r in rows.values())
    assert rows["6.1.1(3)"].evidence[0]["rule"] == "core.personal_fields_declared"
    assert case.number.startswith("ZP") and case.status == "in_progress"
    clock = Deadline.objects.get(case_id=str(case.pk), clock=SIGNOFF_CLOCK.code)
    assert clock.started_at == NOW and clock.state == "running"


def selectors_period(label):
    from hiqc.conformance.periods import parse_period

    return parse_period(label)


def test_a_second_round_for_the_unit_and_period_is_a_409_with_a_code(org, actors):
    _round(actors["branch_manager"], org["P1"])
    with pytest.raises(Conflict) as caught:
        _round(actors["quality_lead"], org["P1"])
    assert caught.value.code == "round_exists"


def test_a_city_a_month_or_a_future_quarter_is_refused_naming_the_field(org, actors):
    for unit, period, field in ((org["C1"], "2026-Q3", "org_unit"), (org["P1"], "2026-07", "period"),
                                (org["P1"], "2027-Q1", "period")):  # fmt: skip
        with pytest.raises(ValidationFailed) as caught:
            _round(actors["quality_lead"], unit, period)
        assert field in caught.value.fields, (unit.code, period)
    assert not AssessmentRound.objects.exists()


def test_an_override_without_a_reason_is_a_422_naming_reason_and_changes_nothing(personas, org,
                                                                               actors):  # fmt: skip
    case = _round(actors["branch_manager"], org["P1"])
    row = RoundClause.objects.get(round=case, clause__code="9.3.2")
    c = client_for(personas["branch_manager"])
    r = c.post(f"{API}/{case.pk}/clauses/9.3.2", {"judgement": "not_conforming"},
               content_type="application/json")  # fmt: skip
    assert r.status_code == 422 and "reason" in r.json()["fields"]
    r = c.post(f"{API}/{case.pk}/clauses/9.3.2", {"judgement": "maybe"},
               content_type="application/json")  # fmt: skip
    assert r.status_code == 422 and "judgement" in r.json()["fields"]
    row.refresh_from_db()
    assert row.judgement == row.auto_status and not row.judged_by


def test_an_override_is_audited_with_the_old_and_new_status_and_the_reason_length(personas, org,
                                                                                actors):  # fmt: skip
    case = _round(actors["branch_manager"], org["P1"])
    reason = "分公司本年度应急演练逾期未开展。"
    r = client_for(personas["branch_manager"]).post(
        f"{API}/{case.pk}/clauses/9.3.2", {"judgement": "not_conforming", "reason": reason},
        content_type="application/json")  # fmt: skip
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["judgement"] == "not_conforming" and body["final_status"] == "not_conforming"
    event = AuditEvent.objects.get(action="conformance.round.judge")
    assert event.data["old"] == "not_yet_assessable" and event.data["new"] == "not_conforming"
    assert event.data["reason_length"] == len(reason) and reason not in str(event.data)
    # the parent's final status is the worst of its own judgement and its children's
    final = selectors.final_statuses(selectors.round_clauses(case))
    assert final["9.3"] == final["9"] == "not_conforming"


def test_judging_is_refused_once_the_round_is_submitted(org, actors):
    case = _round(actors["branch_manager"], org["P1"])
    with time_machine.travel(NOW, tick=False):
        round_act(actor=actors["branch_manager"], round_id=case.pk, action="submit",
                  data={"summary": "完成"}, version=case.version)  # fmt: skip
        with pytest.raises(Conflict) as caught:
            clause_judge(actor=actors["branch_manager"], round_id=case.pk, code="9.3.2",
                         data={"judgement": "conforming", "reason": "x"})  # fmt: skip
    assert caught.value.code == "round_not_in_progress"


def test_own_sign_off_is_refused_and_another_quality_lead_signs_off(org, actors, second_lead):
    # Given a head-office round the quality lead assessed and submitted
    case = _round(actors["quality_lead"], org["HO"])
    with time_machine.travel(NOW, tick=False):
        case = round_act(actor=actors["quality_lead"], round_id=case.pk, action="submit",
                         data={"summary": "总公司自评估完成"}, version=case.version)  # fmt: skip
        # When they sign it off themselves: refused, with the code
        with pytest.raises(Conflict) as caught:
            round_act(actor=actors["quality_lead"], round_id=case.pk, action="sign_off",
                      data={}, version=case.version)  # fmt: skip
        assert caught.value.code == "own_round" and "sign_off" not in caught.value.allowed_actions
        # Then another quality lead signs it off; the clock stops
        case = round_act(actor=actor_for_user(second_lead), round_id=case.pk, action="sign_off",
                         data={}, version=case.version)  # fmt: skip
    assert case.status == "signed_off" and case.signed_off_by == "quality_lead_2"
    assert Deadline.objects.get(case_id=str(case.pk)).closed_at is not None


def test_sign_off_opens_one_nonconformity_per_not_conforming_leaf_and_a_rerun_opens_none(
    org, actors
):
    case = _round(actors["branch_manager"], org["P1"])
    with time_machine.travel(NOW, tick=False):
        for code in ("9.3.2", "9.3.3"):
            clause_judge(actor=actors["branch_manager"], round_id=case.pk, code=code,
                         data={"judgement": "not_conforming", "reason": "演练与应急处理记录缺失"})  # fmt: skip
        clause_judge(actor=actors["branch_manager"], round_id=case.pk, code="9.3",
                     data={"judgement": "not_conforming", "reason": "不是末级条款"})  # fmt: skip
        leaves = _leaves_not_conforming(case)
        case = round_act(actor=actors["branch_manager"], round_id=case.pk, action="submit",
                         data={"summary": "完成"}, version=case.version)  # fmt: skip
        case = round_act(actor=actors["quality_lead"], round_id=case.pk, action="sign_off",
                         data={}, version=case.version)  # fmt: skip
    assert {"9.3.2", "9.3.3"} <= set(leaves) and "9.3" not in leaves
    linked = RoundClause.objects.filter(round=case, nonconformity__isnull=False)
    assert sorted(linked.values_list("clause__code", flat=True)) == sorted(leaves)
    nc = Nonconformity.objects.get(reference=f"{case.number} 9.3.2")
    assert nc.source == "audit" and nc.org_unit == org["P1"] and "9.3.2" in nc.title
    assert Nonconformity.objects.count() == len(leaves)
    assert round_nonconformities_open(actor=actors["quality_lead"], case=case) == 0
    assert Nonconformity.objects.count() == len(leaves)


def test_return_reopens_for_judging_and_refresh_keeps_reasoned_judgements(org, actors):
    case = _round(actors["branch_manager"], org["P1"])
    with time_machine.travel(NOW, tick=False):
        clause_judge(actor=actors["branch_manager"], round_id=case.pk, code="9.3.2",
                     data={"judgement": "partly", "reason": "演练计划已定，尚未实施"})  # fmt: skip
        case = round_act(actor=actors["branch_manager"], round_id=case.pk, action="submit",
                         data={"summary": "完成"}, version=case.version)  # fmt: skip
        case = round_act(actor=actors["quality_lead"], round_id=case.pk, action="return",
                         data={"reason": "请补充说明"}, version=case.version)  # fmt: skip
        assert case.status == "in_progress" and not case.submitted_by
        case = round_act(actor=actors["branch_manager"], round_id=case.pk, action="refresh",
                         data={}, version=case.version)  # fmt: skip
    row = RoundClause.objects.get(round=case, clause__code="9.3.2")
    assert row.judgement == "partly" and row.reason
    assert RoundClause.objects.filter(round=case, reason="").exclude(
        judgement=models_f("auto_status")).count() == 0  # fmt: skip


def models_f(name):
    from django.db.models import F

    return F(name)


def test_another_branchs_round_is_the_same_404_as_a_missing_one(personas, org, actors):
    case = _round(actors["quality_lead"], org["P2"])  # 上海: not the P1 branch manager's
    c = client_for(personas["branch_manager"])
    for method, suffix, body in (
        ("get", "", None),
        ("post", "/clauses/9.3.2", {"judgement": "conforming", "reason": "x"}),
        ("post", "/actions/submit", {"version": 1, "data": {"summary": "x"}}),
    ):
        send = getattr(c, method)
        kwargs = {"content_type": "application/json"} if body is not None else {}
        other = send(f"{API}/{case.pk}{suffix}", body, **kwargs) if body else send(
            f"{API}/{case.pk}{suffix}")  # fmt: skip
        missing = send(f"{API}/{uuid.uuid4()}{suffix}", body, **kwargs) if body else send(
            f"{API}/{uuid.uuid4()}{suffix}")  # fmt: skip
        assert other.status_code == missing.status_code == 404, suffix
        assert other.content == missing.content, suffix
    assert c.get(f"/conformance/rounds/{case.pk}/").status_code == 404


def test_permission_is_checked_before_the_body(personas, org, actors):
    case = _round(actors["branch_manager"], org["P1"])
    auditor = client_for(personas["auditor"])  # reads, never assesses
    r = auditor.post(f"{API}/{case.pk}/clauses/9.3.2", {"judgement": "bogus"},
                     content_type="application/json")  # fmt: skip
    assert r.status_code == 403
    r = auditor.post(f"{API}/{case.pk}/actions/submit", {"version": case.version, "data": {}},
                     content_type="application/json")  # fmt: skip
    assert r.status_code == 403
    r = auditor.post(API, {"org_unit": "", "period": "nonsense"}, content_type="application/json")
    assert r.status_code == 403
    assert client_for(personas["agent"]).get(API).status_code == 403


def test_the_api_creates_a_round_and_reads_it_as_a_case(personas, org):
    c = client_for(personas["branch_manager"])
    with time_machine.travel(NOW, tick=False):
        r = c.post(API, {"org_unit": str(org["P1"].pk), "period": "2026-Q3"},
                   content_type="application/json")  # fmt: skip
        assert r.status_code == 201, r.content
        again = c.post(API, {"org_unit": str(org["P1"].pk), "period": "2026-Q3"},
                       content_type="application/json")  # fmt: skip
        listed = c.get(API).json()
    assert again.status_code == 409 and again.json()["code"] == "round_exists"
    body = r.json()
    assert body["status"] == "in_progress" and body["round"]["period"] == "2026-Q3"
    assert set(body["allowed_actions"]) == {"refresh", "submit", "cancel"}
    assert len(body["clauses"]) == 298 and sum(body["summary"].values()) > 0
    assert body["deadlines"][0]["clock"] == "conformance.round_signoff"
    assert [x["id"] for x in listed["items"]] == [body["id"]]


def test_the_pages_create_judge_submit_and_sign_off_a_round(personas, org):
    assessor, lead = client_for(personas["branch_manager"]), client_for(personas["quality_lead"])
    with time_machine.travel(NOW, tick=False):
        page = assessor.get("/conformance/rounds/")
        assert page.status_code == 200 and "开始自评估" in page.content.decode()
        r = assessor.post("/conformance/rounds/", {"org_unit": str(org["P1"].pk),
                                                   "period": "2026-Q3"})  # fmt: skip
        assert r.status_code == 302, r.content.decode()[:500]
        case = AssessmentRound.objects.get()
        url = f"/conformance/rounds/{case.pk}/"
        assert r["Location"] == url
        shown = assessor.get(url).content.decode()
        assert "9.3.2" in shown and "judge-form" in shown and "自评中" in shown
        refused = assessor.post(url + "judge/", {"code": "9.3.2", "judgement": "not_conforming"})
        assert refused.status_code == 422 and "评定与自动状态不同" in refused.content.decode()
        done = assessor.post(url + "judge/", {"code": "9.3.2", "judgement": "not_conforming",
                                              "reason": "演练逾期"})  # fmt: skip
        assert done.status_code == 302
        r = assessor.post(url + "actions/submit/", {"version": case.version, "summary": "完成"})
        assert r.status_code == 302
        case.refresh_from_db()
        assert "签署" in lead.get(url).content.decode()
        r = lead.post(url + "actions/sign_off/", {"version": case.version})
        assert r.status_code == 302
        shown = lead.get(url).content.decode()
    case.refresh_from_db()
    assert case.status == "signed_off"
    assert "已签署" in shown and "已开启的不符合项" in shown and "judge-form" not in shown
