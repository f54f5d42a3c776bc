"""Survey plans, questionnaire versions, mystery-shopping scenario versions and visits are case
kinds (issue 15 §3): their workflows as data, the visit's result clock on the working-day calendar,
scope answered exactly like missing, "my work" for whoever must act next and nobody else, the 409
on a stale version, and pages that offer exactly what the engine accepts."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.casekinds import CASE_KINDS
from hiqc.core.casework import case_allowed_actions, case_events
from hiqc.core.deadlines import deadlines_sweep
from hiqc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hiqc.core.models import AuditEvent, Deadline, Notification
from hiqc.core.mywork import my_work
from hiqc.organisations.enums import Role
from hiqc.organisations.models import Membership, User
from hiqc.organisations.services import actor_for_user
from hiqc.surveys.enums import PlanStatus, QuestionKind, QuestionnaireStatus
from hiqc.surveys.mystery.models import ScenarioStatus, VisitStatus
from hiqc.surveys.mystery.selectors import access_visit
from hiqc.surveys.mystery.services import (
    SCENARIO_KIND,
    VISIT_KIND,
    result_clocks_start,
    scenario_create,
    scenario_new_version,
    scenario_publish,
    visit_assign,
    visit_cancel,
    visit_record,
)
from hiqc.surveys.mystery.workflow import RESULT
from hiqc.surveys.questionnaires import (
    QUESTIONNAIRE_KIND,
    question_add,
    questionnaire_create,
    questionnaire_new_version,
    questionnaire_publish,
)
from hiqc.surveys.services import PLAN_KIND, plan_act, plan_create
from hiqc.surveys.staff_selectors import access_plan
from hiqc.surveys.tasks import invitations_daily_job

from .conftest import T0

pytestmark = pytest.mark.django_db

ITEMS = [
    {"category": "接待", "text": "主动接待并引导取号", "weight": 40},
    {"category": "业务", "text": "一次性告知理赔材料", "weight": 60},
    {"category": "合规", "text": "承诺保证赔付", "fatal": True},
]


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def scenario(actors, clock):
    lead = actors["quality_lead"]
    draft = scenario_create(lead, code="counter", name="柜面暗访", kind="outlet_visit", items=ITEMS)
    return scenario_publish(lead, draft.pk)


def assign(actors, personas, org, scenario, *, unit="O1", shopper="quality_lead", planned=None):
    return visit_assign(actors["quality_lead"], scenario_id=scenario.pk, org_unit_id=org[unit].pk,
                        shopper_id=personas[shopper].pk,
                        planned_date=planned or T0.date() + timedelta(days=1))  # fmt: skip


def score(actor, visit, **kw):
    lines = {
        str(i.pk): ({"fatal_hit": "no"} if i.critical else {"points": str(i.points)})
        for i in visit.scenario.items.all()
    }
    return visit_record(actor, visit.pk, visited_at=kw.pop("visited_at", T0 + timedelta(hours=1)),
                        lines=lines, now=kw.pop("now", T0 + timedelta(hours=2)), **kw)  # fmt: skip


def plan_fields(**data):
    return {"name": "神秘客户暗访", "goal": "检查柜面服务", "frame": "segment", "method": "mystery",
            "start_date": date(2026, 3, 1), **data}  # fmt: skip


def p2_quality_lead(org) -> Actor:
    """A quality lead over the other branch (P2): manages and shops there, not in P1."""
    user = User.objects.create(username="p2_lead", org_unit=org["P2"])
    Membership.objects.create(user=user, role=Role.QUALITY_LEAD, org_unit=org["P2"])
    return actor_for_user(user)


def in_my_work(actor: Actor, kind) -> list[str]:
    return [str(item.case.pk) for item in my_work(actor, case_type=kind.label)]


# --- the workflows, as declared -----------------------------------------------------------------


def table(kind) -> set[tuple]:
    return {(t.name, t.sources, t.target, t.perm, t.requires) for t in kind.workflow.transitions}


def test_every_converted_status_is_a_registered_case_kind():
    for kind in (PLAN_KIND, QUESTIONNAIRE_KIND, SCENARIO_KIND, VISIT_KIND):
        assert CASE_KINDS[kind.label] is kind
        assert kind.model._meta.get_field("version") and kind.model._meta.get_field("assignee")


def test_a_plan_is_activated_then_closed_by_a_manager_and_closed_is_final():
    assert table(PLAN_KIND) == {
        ("activate", ("draft",), "active", "surveys.manage", ()),
        ("close", ("active",), "closed", "surveys.manage", ()),
    }
    assert PLAN_KIND.workflow.final == {"closed"} and PLAN_KIND.workflow.clocks == ()


def test_a_questionnaire_version_is_published_by_a_manager_and_retired_only_by_its_successor():
    assert table(QUESTIONNAIRE_KIND) == {
        ("publish", ("draft",), "published", "surveys.manage", ()),
        ("retire", ("published",), "retired", "surveys.manage", ()),
    }
    assert QUESTIONNAIRE_KIND.workflow.final == {"retired"}


def test_a_scenario_version_follows_the_same_publish_and_retire_table():
    assert table(SCENARIO_KIND) == {
        ("publish", ("draft",), "published", "surveys.manage", ()),
        ("retire", ("published",), "retired", "surveys.manage", ()),
    }


def test_a_visit_is_recorded_by_its_shopper_or_cancelled_with_a_reason_by_a_manager():
    assert table(VISIT_KIND) == {
        ("record", ("assigned",), "done", "surveys.shop", ()),
        ("cancel", ("assigned",), "cancelled", "surveys.manage", ("reason",)),
    }
    assert VISIT_KIND.workflow.final == {"done", "cancelled"}
    effects = {
        t.name: [(e.kind, e.clock) for e in t.effects] for t in VISIT_KIND.workflow.transitions
    }
    assert effects == {"record": [("stop", RESULT.code)], "cancel": [("cancel", RESULT.code)]}
    assert (RESULT.amount, str(RESULT.unit)) == (2, "working_days") and "HIQC" in RESULT.source


# --- plans ------------------------------------------------------------------------------------------


def test_a_draft_plan_waits_for_its_author_until_activated_and_each_step_is_an_event(
    actors, personas, org, clock
):
    lead = actors["quality_lead"]
    plan = plan_create(lead, org_unit_id=org["HO"].pk, questionnaire_id=None, data=plan_fields())
    assert (plan.status, plan.assignee_id) == (PlanStatus.DRAFT, personas["quality_lead"].pk)
    assert in_my_work(lead, PLAN_KIND) == [str(plan.pk)]
    assert case_allowed_actions(PLAN_KIND, plan, lead) == ["activate"]
    plan = plan_act(lead, plan.pk, "activate", version=1)
    assert (plan.status, plan.version, plan.assignee_id) == (PlanStatus.ACTIVE, 2, None)
    assert in_my_work(lead, PLAN_KIND) == []  # an active plan waits for nobody
    assert case_allowed_actions(PLAN_KIND, plan, lead) == ["close"]
    with pytest.raises(Conflict) as stale:
        plan_act(lead, plan.pk, "close", version=1)
    assert (stale.value.code, stale.value.allowed_actions) == ("stale_version", ["close"])
    plan_act(lead, plan.pk, "close", version=2)
    assert [e.activity for e in case_events(PLAN_KIND, plan)] == ["create", "activate", "close"]
    with pytest.raises(Conflict) as closed:
        plan_act(lead, plan.pk, "activate")
    assert closed.value.code == "action_not_allowed"


def test_another_branchs_plan_answers_exactly_like_a_missing_one(actors, org, clock):
    plan = plan_create(actors["quality_lead"], org_unit_id=org["P2"].pk, questionnaire_id=None,
                       data=plan_fields())  # fmt: skip
    manager = actors["branch_manager"]  # surveys.view over P1 only
    answers = []
    for pk in (plan.pk, uuid.uuid4()):
        with pytest.raises(NotFound) as exc:
            access_plan(manager, pk)
        with pytest.raises(NotFound) as act:
            plan_act(manager, pk, "activate")
        answers.append((exc.value.message, exc.value.status, act.value.message))
    assert answers[0] == answers[1]


def test_a_viewer_in_scope_may_read_a_plan_but_not_activate_it(actors, org, clock):
    plan = plan_create(actors["quality_lead"], org_unit_id=org["P1"].pk, questionnaire_id=None,
                       data=plan_fields())  # fmt: skip
    manager = actors["branch_manager"]
    assert access_plan(manager, plan.pk) == plan
    assert case_allowed_actions(PLAN_KIND, plan, manager) == []
    with pytest.raises(Forbidden):
        plan_act(manager, plan.pk, "activate")
    assert in_my_work(manager, PLAN_KIND) == []


def test_the_plan_page_offers_what_the_engine_accepts_and_a_stale_form_answers_409(
    actors, personas, org, clock
):
    plan = plan_create(actors["quality_lead"], org_unit_id=org["HO"].pk, questionnaire_id=None,
                       data=plan_fields())  # fmt: skip
    client = Client()
    client.force_login(personas["quality_lead"])
    html = client.get(f"/surveys/plans/{plan.pk}/").content.decode()
    assert 'value="active"' in html and 'value="closed"' not in html
    ok = client.post(f"/surveys/plans/{plan.pk}/status", {"status": "active", "version": "1"})
    assert ok.status_code == 302
    stale = client.post(f"/surveys/plans/{plan.pk}/status", {"status": "closed", "version": "1"})
    assert stale.status_code == 409
    html = client.get(f"/surveys/plans/{plan.pk}/").content.decode()
    assert 'value="closed"' in html and 'value="active"' not in html


# --- questionnaire versions ---------------------------------------------------------------------


def test_publishing_a_new_version_retires_the_old_one_through_the_engine(actors, personas, org):
    lead = actors["quality_lead"]
    v1 = questionnaire_create(lead, code="csat", title="满意度")
    assert (v1.org_path, v1.assignee_id) == (org["HO"].path, personas["quality_lead"].pk)
    assert in_my_work(lead, QUESTIONNAIRE_KIND) == [str(v1.pk)]
    # an empty draft cannot be published: not offered, and refused with the problem
    assert case_allowed_actions(QUESTIONNAIRE_KIND, v1, lead) == []
    with pytest.raises(ValidationFailed):
        questionnaire_publish(lead, v1)
    question_add(lead, v1, code="overall", kind=QuestionKind.SCALE, text="总体满意度", overall=True)
    assert case_allowed_actions(QUESTIONNAIRE_KIND, v1, lead) == ["publish"]
    v1 = questionnaire_publish(lead, v1, version=1)
    assert (v1.status, v1.assignee_id) == (QuestionnaireStatus.PUBLISHED, None)
    assert in_my_work(lead, QUESTIONNAIRE_KIND) == []
    # retiring by hand is not offered: a published version is retired by its successor
    assert case_allowed_actions(QUESTIONNAIRE_KIND, v1, lead) == []
    v2 = questionnaire_new_version(lead, "csat")
    with pytest.raises(Conflict) as stale:
        questionnaire_publish(lead, v2, version=7)
    assert stale.value.code == "stale_version"
    questionnaire_publish(lead, v2, version=v2.version)
    v1.refresh_from_db()
    assert v1.status == QuestionnaireStatus.RETIRED
    assert [e.activity for e in case_events(QUESTIONNAIRE_KIND, v1)] == [
        "create", "publish", "retire"
    ]  # fmt: skip


def test_only_head_office_managers_publish_questionnaires_and_non_readers_get_404(actors, org):
    lead = actors["quality_lead"]
    draft = questionnaire_create(lead, code="csat", title="满意度")
    question_add(lead, draft, code="overall", kind=QuestionKind.SCALE, text="总体满意度")
    branch_lead = p2_quality_lead(org)  # manages a branch, not the head office
    with pytest.raises(Forbidden):
        questionnaire_publish(branch_lead, draft)
    with pytest.raises(Forbidden):
        questionnaire_create(branch_lead, code="branch-own", title="分公司问卷")
    assert case_allowed_actions(QUESTIONNAIRE_KIND, draft, branch_lead) == []
    for pk in (draft.pk, uuid.uuid4()):
        with pytest.raises(NotFound):
            QUESTIONNAIRE_KIND.access(actors["nobody"], pk)


# --- scenario versions --------------------------------------------------------------------------


def test_a_scenario_draft_waits_for_its_author_and_its_successor_retires_it(actors, scenario):
    lead = actors["quality_lead"]
    assert (scenario.status, scenario.assignee_id) == (ScenarioStatus.PUBLISHED, None)
    v2 = scenario_new_version(lead, scenario.code)
    assert in_my_work(lead, SCENARIO_KIND) == [str(v2.pk)]
    with pytest.raises(Conflict):
        scenario_publish(lead, v2.pk, version=v2.version + 1)
    scenario_publish(lead, v2.pk, version=v2.version)
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.RETIRED
    assert [e.activity for e in case_events(SCENARIO_KIND, scenario)] == [
        "create", "publish", "retire"
    ]  # fmt: skip
    assert in_my_work(lead, SCENARIO_KIND) == []


def test_a_scenario_without_a_weighted_item_is_not_offered_for_publishing(actors, clock):
    lead = actors["quality_lead"]
    draft = scenario_create(lead, code="only-fatal", name="只有致命项", kind="outlet_visit",
                            items=[{"text": "承诺保证赔付", "fatal": True}])  # fmt: skip
    assert case_allowed_actions(SCENARIO_KIND, draft, lead) == []
    client = Client()
    client.force_login(User.objects.get(username="quality_lead"))
    html = client.get(f"/surveys/mystery/scenarios/{draft.pk}/").content.decode()
    assert 'id="scenario-publish"' not in html and 'id="publish-held"' in html


# --- visits -------------------------------------------------------------------------------------


def result_deadline(visit) -> Deadline:
    return Deadline.objects.get(
        case_type=VISIT_KIND.label, case_id=str(visit.pk), clock=RESULT.code
    )


def test_the_result_clock_runs_two_working_days_from_the_planned_date_and_never_starts_early(
    actors, personas, org, scenario
):
    today = assign(actors, personas, org, scenario, planned=T0.date())  # Monday 2 March 2026
    d = result_deadline(today)
    assert (d.started_at, d.last_day) == (datetime(2026, 3, 2, tzinfo=BEIJING), date(2026, 3, 4))
    assert d.due_at == datetime(2026, 3, 5, tzinfo=BEIJING)
    tuesday = assign(actors, personas, org, scenario)  # planned Tuesday 3 March: not yet
    friday = assign(actors, personas, org, scenario, planned=date(2026, 3, 6))
    before_qingming = assign(actors, personas, org, scenario, planned=date(2026, 4, 3))
    assert not Deadline.objects.filter(started_at__gt=T0).exists()
    assert result_clocks_start(now=T0) == 0
    # the daily survey job starts each clock once its planned date has come
    with time_machine.travel(datetime(2026, 3, 3, 10, tzinfo=BEIJING), tick=False):
        assert invitations_daily_job()["mystery_clocks_started"] == 1
    assert result_deadline(tuesday).last_day == date(2026, 3, 5)
    assert result_clocks_start(now=datetime(2026, 3, 3, 11, tzinfo=BEIJING)) == 0  # idempotent
    # a run that comes late catches up from the planned date, not from the run
    assert result_clocks_start(now=datetime(2026, 4, 7, 10, tzinfo=BEIJING)) == 2
    assert result_deadline(friday).last_day == date(2026, 3, 10)  # the weekend does not count
    d = result_deadline(before_qingming)
    assert d.last_day == date(2026, 4, 8)  # 4–6 April are the Qingming holiday
    assert d.started_at == datetime(2026, 4, 3, tzinfo=BEIJING)


def test_recording_in_time_meets_the_clock_and_the_visit_leaves_the_shoppers_work(
    actors, personas, org, scenario
):
    lead = actors["quality_lead"]
    visit = assign(actors, personas, org, scenario, planned=T0.date())
    assert visit.assignee_id == personas["quality_lead"].pk
    assert in_my_work(lead, VISIT_KIND) == [str(visit.pk)]
    done = score(lead, visit, version=visit.version)
    assert (done.status, done.version, done.total) == (VisitStatus.DONE, 2, 100)
    assert result_deadline(visit).state == Deadline.State.MET
    assert [e.activity for e in case_events(VISIT_KIND, visit)] == ["create", "record"]
    assert in_my_work(lead, VISIT_KIND) == []


def test_a_late_result_is_a_breach_told_to_the_shopper_never_to_the_visited_branch(
    actors, personas, org, scenario, django_capture_on_commit_callbacks
):
    visit = assign(actors, personas, org, scenario, planned=T0.date())
    d = result_deadline(visit)
    assert d.org_path == org["HO"].path  # the shopper's home unit, not the visited O1
    with django_capture_on_commit_callbacks(execute=True):
        deadlines_sweep(datetime(2026, 3, 5, 9, tzinfo=BEIJING))
    d.refresh_from_db()
    assert d.state == Deadline.State.BREACHED
    told = set(Notification.objects.values_list("user__username", flat=True))
    assert "quality_lead" in told and "branch_manager" not in told and "supervisor" not in told
    late = score(actors["quality_lead"], visit, visited_at=datetime(2026, 3, 2, 11, tzinfo=BEIJING),
                 now=datetime(2026, 3, 5, 10, tzinfo=BEIJING))  # fmt: skip
    assert late.status == VisitStatus.DONE
    d.refresh_from_db()
    assert d.state == Deadline.State.BREACHED and d.closed_at is not None


def test_my_work_lists_an_assigned_visit_for_its_shopper_and_nobody_else(
    actors, personas, org, scenario
):
    p2 = p2_quality_lead(org)
    visit = assign(actors, personas, org, scenario, unit="O1", shopper="quality_lead")
    theirs = assign(actors, personas, org, scenario, unit="O1", shopper="quality_lead")
    theirs.shopper = theirs.assignee = User.objects.get(username="p2_lead")
    theirs.save(update_fields=["shopper", "assignee"])
    assert set(in_my_work(actors["quality_lead"], VISIT_KIND)) == {str(visit.pk)}
    assert in_my_work(p2, VISIT_KIND) == [str(theirs.pk)]
    for name in ("branch_manager", "supervisor", "auditor", "compliance"):
        assert in_my_work(actors[name], VISIT_KIND) == [], name


def test_only_the_assigned_shopper_is_offered_the_result_and_a_manager_the_cancel(
    actors, personas, org, scenario
):
    p2 = p2_quality_lead(org)
    visit = assign(actors, personas, org, scenario, unit="C2", shopper="quality_lead")
    assert case_allowed_actions(VISIT_KIND, visit, actors["quality_lead"]) == ["record", "cancel"]
    assert case_allowed_actions(VISIT_KIND, access_visit(p2, visit.pk), p2) == ["cancel"]
    with pytest.raises(NotFound):  # not their visit: the shopper's door
        score(p2, visit)


def test_an_assigned_visit_answers_the_visited_branch_exactly_like_a_missing_one(
    actors, personas, org, scenario
):
    visit = assign(actors, personas, org, scenario, unit="O1")
    manager = actors["branch_manager"]  # surveys.view over P1, which holds O1
    answers = []
    for pk in (visit.pk, uuid.uuid4()):
        with pytest.raises(NotFound) as door:
            VISIT_KIND.access(manager, pk)
        with pytest.raises(NotFound) as cancel:
            visit_cancel(manager, pk, reason="x")
        answers.append((door.value.message, door.value.status, cancel.value.message))
    assert answers[0] == answers[1]


def test_cancelling_needs_a_reason_stops_the_clock_and_a_stale_form_answers_409(
    actors, personas, org, scenario
):
    lead = actors["quality_lead"]
    visit = assign(actors, personas, org, scenario, planned=T0.date())
    with pytest.raises(ValidationFailed) as missing:
        visit_cancel(lead, visit.pk, reason="  ")
    assert set(missing.value.fields) == {"reason"}
    with pytest.raises(Conflict) as stale:
        visit_cancel(lead, visit.pk, reason="网点装修", version=visit.version + 1)
    assert stale.value.code == "stale_version"
    cancelled = visit_cancel(lead, visit.pk, reason="网点装修", version=visit.version)
    assert (cancelled.status, cancelled.cancel_reason) == (VisitStatus.CANCELLED, "网点装修")
    assert result_deadline(visit).state == Deadline.State.CANCELLED
    event = case_events(VISIT_KIND, visit)[-1]
    assert event.activity == "cancel" and "网点装修" not in str(event.data)  # free text stays out


def test_the_visit_page_answers_a_stale_cancel_with_409(actors, personas, org, scenario):
    visit = assign(actors, personas, org, scenario)
    client = Client()
    client.force_login(personas["quality_lead"])
    html = client.get(f"/surveys/mystery/visits/{visit.pk}/").content.decode()
    assert 'id="visit-form"' in html and 'id="cancel"' in html
    url = f"/surveys/mystery/visits/{visit.pk}/cancel"
    assert client.post(url, {"reason": "改期", "version": "9"}).status_code == 409
    assert client.post(url, {"reason": "改期", "version": "1"}).status_code == 302
    html = client.get(f"/surveys/mystery/visits/{visit.pk}/").content.decode()
    assert 'id="visit-form"' not in html and 'id="cancel"' not in html


# --- the version number is not the edit counter ---------------------------------------------------


def test_results_use_the_newest_versions_wording_whatever_the_edit_counters(
    actors, org, questionnaire, paid_claims
):
    from hiqc.surveys.analysis import plan_results
    from hiqc.surveys.models import Question, SurveyPlan
    from hiqc.surveys.services import response_save

    from .test_invitations import issue, link, make_plan

    lead = actors["quality_lead"]
    plan = make_plan(actors, org, questionnaire)
    report, _sent = issue(plan, T0 + timedelta(days=4))
    first, second = report.tokens[0][1], report.tokens[1][1]
    with time_machine.travel(T0 + timedelta(days=5), tick=False):
        response_save(link(first), {"overall": 4, "speed": 5}, submit=True)
        v2 = questionnaire_new_version(lead, "claims-csat")
        Question.objects.filter(questionnaire=v2, code="speed").update(text="办理速度")
        v2 = questionnaire_publish(lead, v2)
        SurveyPlan.objects.filter(pk=plan.pk).update(questionnaire=v2)
        response_save(link(second), {"overall": 5, "speed": 4}, submit=True)
    questionnaire.refresh_from_db()
    assert (questionnaire.number, v2.number) == (1, 2)
    assert questionnaire.version > v2.version  # created, published, retired: 3 edits against 2
    results = plan_results(SurveyPlan.objects.get(pk=plan.pk))
    assert {q.question.code: q.question.text for q in results.questions}["speed"] == "办理速度"


def test_the_my_work_page_shows_the_shopper_their_visit_and_the_visited_branch_nothing(
    actors, personas, org, scenario
):
    visit = assign(actors, personas, org, scenario, unit="O1")
    url = f"/surveys/mystery/visits/{visit.pk}/"
    client = Client()
    client.force_login(personas["quality_lead"])
    html = client.get("/my-work/").content.decode()
    assert url in html and str(visit) in html
    client.force_login(personas["branch_manager"])
    html = client.get("/my-work/").content.decode()
    assert url not in html and str(visit) not in html


def test_a_bad_plan_page_filter_is_shown_at_its_field_and_the_good_ones_still_apply(
    actors, personas, org, clock
):
    plan = plan_create(actors["quality_lead"], org_unit_id=org["HO"].pk, questionnaire_id=None,
                       data=plan_fields())  # fmt: skip
    client = Client()
    client.force_login(personas["quality_lead"])
    # When the results are asked for one branch over a period that does not exist
    html = client.get(
        f"/surveys/plans/{plan.pk}/", {"period": "7", "unit": str(org["P1"].pk)}
    ).content.decode()
    # Then the period is refused beside its field, and the branch still applies
    assert '<span class="error">' in html.split('name="period"')[1].split("<label")[0]
    assert f'<option value="{org["P1"].pk}" selected>' in html


def _step_records(case, action):
    return list(AuditEvent.objects.filter(subject_id=str(case.pk), action__endswith=f".{action}"))


def test_publishing_and_cancelling_write_one_audit_record_per_step(actors, personas, org, scenario):
    lead = actors["quality_lead"]
    # a questionnaire published: one record, with its code and version
    q = questionnaire_create(lead, code="csat", title="满意度")
    question_add(lead, q, code="overall", kind=QuestionKind.SCALE, text="总体满意度", overall=True)
    q = questionnaire_publish(lead, q)
    (published,) = _step_records(q, "publish")
    assert published.action == "surveys.questionnaire.publish"  # the executor's: kind.action
    assert (published.data["code"], published.data["version"]) == ("csat", 1)
    assert {"status", "published_at", "published_by"} <= set(published.fields)
    # a scenario published (the fixture's): the same
    (published,) = _step_records(scenario, "publish")
    assert published.action == f"{SCENARIO_KIND.label}.publish"
    assert (published.data["code"], published.data["version"]) == ("counter", 1)
    # a visit cancelled: one record naming the reason's field, never its text
    visit = assign(actors, personas, org, scenario, planned=T0.date())
    visit_cancel(lead, visit.pk, reason="网点装修")
    (cancelled,) = _step_records(visit, "cancel")
    assert "cancel_reason" in cancelled.fields and "网点装修" not in str(cancelled.data)
