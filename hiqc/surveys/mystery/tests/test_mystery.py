"""Mystery shopping (issue 6 §4): versioned scenarios with weighted checklists and fatal items,
shopper assignments in scope, all-or-nothing scoring, findings opened once for a failed visit, and
the pages through a persona × page permission matrix."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from hiqc.core.models import AuditEvent, Finding
from hiqc.organisations.enums import Role
from hiqc.organisations.models import Membership, User
from hiqc.organisations.services import actor_for_user
from hiqc.surveys.mystery.demo import mystery_demo_load
from hiqc.surveys.mystery.models import (
    MysteryScenario,
    MysteryScore,
    MysteryVisit,
    ScenarioStatus,
    VisitStatus,
)
from hiqc.surveys.mystery.selectors import results_by_unit
from hiqc.surveys.mystery.services import (
    CASE_TYPE,
    KIND_BELOW_PASS,
    KIND_FATAL,
    ItemSpec,
    Line,
    check_lines,
    scenario_create,
    scenario_new_version,
    scenario_publish,
    scenario_update,
    visit_assign,
    visit_cancel,
    visit_findings_open,
    visit_record,
    weighted_total,
)

pytestmark = pytest.mark.django_db
T0 = datetime(
    2026, 3, 2, 10, 0, tzinfo=BEIJING
)  # as the survey tests (hiqc/surveys/tests/conftest.py)

ITEMS = [
    {"category": "接待", "text": "主动接待并引导取号", "weight": 20},
    {"category": "礼仪", "text": "使用礼貌用语", "weight": 30},
    {"category": "业务", "text": "一次性告知理赔材料", "weight": 50},
    {"category": "合规", "text": "承诺保证赔付", "fatal": True},
]


@pytest.fixture
def clock():
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def scenario(actors, clock) -> MysteryScenario:
    lead = actors["quality_lead"]
    draft = scenario_create(lead, code="outlet-counter", name="网点柜面暗访",
                            kind="outlet_visit", items=ITEMS)  # fmt: skip
    return scenario_publish(lead, draft.pk)


def items_of(scenario: MysteryScenario) -> list:
    return list(scenario.items.order_by("position"))


def assign(actors, personas, org, scenario, unit="O1", shopper="quality_lead", days=1):
    return visit_assign(actors["quality_lead"], scenario_id=scenario.pk,
                        org_unit_id=org[unit].pk, shopper_id=personas[shopper].pk,
                        planned_date=T0.date() + timedelta(days=days))  # fmt: skip


def lines(scenario, points=(20, 30, 50), fatal="no", fatal_comment="") -> dict:
    out: dict = {}
    weighted = iter(points)
    for i in items_of(scenario):
        if i.critical:
            out[str(i.pk)] = {"fatal_hit": fatal, "comment": fatal_comment}
        else:
            out[str(i.pk)] = {"points": str(next(weighted)), "comment": ""}
    return out


def record(actor, visit, scenario, **kw):
    return visit_record(actor, visit.pk, visited_at=T0 + timedelta(hours=1),
                        lines=kw.pop("lines", None) or lines(scenario, **kw),
                        evidence=[{"kind": "photo", "ref": "IMG_0231.jpg", "note": "公示栏"}],
                        now=T0 + timedelta(hours=2))  # fmt: skip


# --- arithmetic -----------------------------------------------------------------------------------


def test_weighted_total_and_the_fatal_rule():
    items = [ItemSpec("a", 20, False), ItemSpec("b", 30, False), ItemSpec("c", 50, False),
             ItemSpec("f", 0, True)]  # fmt: skip
    ok = [Line("a", 20, False), Line("b", 15, False), Line("c", 25, False), Line("f", 0, False)]
    assert weighted_total(items, ok) == (Decimal("60.0"), Decimal("60.0"), False)
    hit = [*ok[:3], Line("f", 0, True, "承诺保证赔付")]
    assert weighted_total(items, hit) == (Decimal("60.0"), Decimal("0.0"), True)
    thirds = [ItemSpec("a", 3, False)]
    assert weighted_total(thirds, [Line("a", 2, False)])[1] == Decimal("66.7")  # half-up


def test_check_lines_requires_every_item_and_explains_a_fatal_hit():
    items = [ItemSpec("a", 10, False), ItemSpec("f", 0, True)]
    _lines, errors = check_lines(items, {})
    assert set(errors) == {"item_a", "item_f"}
    _lines, errors = check_lines(items, {"a": {"points": "11"}, "f": {"fatal_hit": "yes"}})
    assert "0 至 10" in errors["item_a"][0] and "写明经过" in errors["item_f"][0]
    _lines, errors = check_lines(items, {"a": {"points": "x"}, "f": {"fatal_hit": "no"},
                                         "zz": {"points": "1"}})  # fmt: skip
    assert set(errors) == {"item_a", "lines"}


# --- scoring and findings -------------------------------------------------------------------------


def test_a_passing_visit_is_scored_without_a_finding(actors, personas, org, scenario):
    visit = assign(actors, personas, org, scenario)
    done = record(actors["quality_lead"], visit, scenario)
    assert (done.status, done.total, done.passed, done.pass_mark) == (
        VisitStatus.DONE, Decimal("100.0"), True, 80
    )  # fmt: skip
    assert MysteryScore.objects.filter(visit=visit).count() == 4
    assert done.evidence == [{"kind": "photo", "ref": "IMG_0231.jpg", "note": "公示栏"}]
    assert not Finding.objects.filter(case_type=CASE_TYPE).exists()
    # one audit record for the step (the executor's), with the result the domain adds to it
    (audited,) = AuditEvent.objects.filter(subject_id=str(visit.pk), action__endswith=".record")
    assert audited.action == f"{CASE_TYPE}.record"
    assert audited.data == {"total": "100.0", "fatal": False, "passed": True, "lines": 4,
                            "from": "assigned", "to": "done"}  # fmt: skip
    assert {"status", "evidence", "comment", "visited_at"} <= set(audited.fields)
    with pytest.raises(Conflict):
        record(actors["quality_lead"], visit, scenario)


def test_a_failed_visit_opens_one_finding_however_often_it_is_noticed(
    actors, personas, org, scenario
):
    visit = assign(actors, personas, org, scenario)
    done = record(actors["quality_lead"], visit, scenario, points=(20, 15, 25))
    assert (done.total, done.passed) == (Decimal("60.0"), False)
    findings = Finding.objects.filter(case_type=CASE_TYPE, case_id=str(visit.pk))
    assert [(f.kind, f.rule, f.org_path) for f in findings] == [
        (KIND_BELOW_PASS, "4.3.1", org["O1"].path)
    ]
    assert "望京营业部" in findings[0].title and "60.0" in findings[0].title
    assert visit_findings_open(done) == []  # noticed again: nothing new
    assert findings.count() == 1


def test_a_fatal_item_zeroes_the_visit_and_opens_its_own_finding(actors, personas, org, scenario):
    visit = assign(actors, personas, org, scenario)
    done = record(actors["quality_lead"], visit, scenario, fatal="yes",
                  fatal_comment="客户经理称肯定能赔")  # fmt: skip
    assert (done.raw_total, done.total, done.fatal, done.passed) == (
        Decimal("100.0"), Decimal("0.0"), True, False
    )  # fmt: skip
    findings = list(Finding.objects.filter(case_type=CASE_TYPE, case_id=str(visit.pk)))
    assert [f.kind for f in findings] == [KIND_FATAL]
    assert "承诺保证赔付" in findings[0].title
    assert visit_findings_open(done) == []


def test_invalid_scores_write_nothing(actors, personas, org, scenario):
    visit = assign(actors, personas, org, scenario)
    weighted = [i for i in items_of(scenario) if not i.critical]
    fatal = next(i for i in items_of(scenario) if i.critical)
    bad = {
        str(weighted[0].pk): {"points": "20"},
        str(weighted[1].pk): {"points": "31"},  # above its weight
        # weighted[2] missing
        str(fatal.pk): {"fatal_hit": "yes", "comment": ""},  # fatal without a comment
    }
    with pytest.raises(ValidationFailed) as exc:
        visit_record(actors["quality_lead"], visit.pk, visited_at=None, lines=bad,
                     evidence=[{"kind": "photo", "ref": "http://x/y.jpg"}, {"kind": "video", "ref": "a"}],
                     now=T0 + timedelta(hours=2))  # fmt: skip
    fields = exc.value.fields
    assert set(fields) == {f"item_{weighted[1].pk}", f"item_{weighted[2].pk}", f"item_{fatal.pk}",
                           "evidence", "visited_at"}  # fmt: skip
    assert "第 1 条证据" in fields["evidence"][0] and "第 2 条证据" in fields["evidence"][1]
    visit.refresh_from_db()
    assert visit.status == VisitStatus.ASSIGNED and visit.total is None
    assert not MysteryScore.objects.filter(visit=visit).exists()
    with pytest.raises(ValidationFailed) as future:
        visit_record(actors["quality_lead"], visit.pk, visited_at=T0 + timedelta(days=1),
                     lines=lines(scenario), now=T0)  # fmt: skip
    assert set(future.value.fields) == {"visited_at"}


# --- assignment and scope -------------------------------------------------------------------------


def _shopper(org, username: str, grant: str, home: str) -> tuple[User, Actor]:
    user = User.objects.create_user(username=username, password="x-Very-long-pass-2026",
                                    org_unit=org[home], display_name=username)  # fmt: skip
    Membership.objects.create(user=user, role=Role.QUALITY_LEAD, org_unit=org[grant])
    return user, actor_for_user(user)


def test_a_shopper_must_hold_the_permission_over_the_unit_and_not_work_there(
    actors, personas, org, scenario
):
    lead = actors["quality_lead"]
    p2_staff, _a = _shopper(org, "p2_quality", grant="P2", home="P2")
    insider, _b = _shopper(org, "o1_quality", grant="P1", home="O1")
    for shopper, unit in ((p2_staff, "O1"), (personas["branch_manager"], "O1"), (insider, "O1")):
        with pytest.raises(ValidationFailed) as exc:
            visit_assign(lead, scenario_id=scenario.pk, org_unit_id=org[unit].pk,
                         shopper_id=shopper.pk, planned_date=T0.date())  # fmt: skip
        assert set(exc.value.fields) == {"shopper"}
    assert "本人所在" in exc.value.fields["shopper"][0]
    ok = visit_assign(lead, scenario_id=scenario.pk, org_unit_id=org["C2"].pk,
                      shopper_id=p2_staff.pk, planned_date=T0.date())  # fmt: skip
    assert ok.shopper_id == p2_staff.pk
    with pytest.raises(ValidationFailed) as past:
        visit_assign(lead, scenario_id=scenario.pk, org_unit_id=org["C2"].pk,
                     shopper_id=p2_staff.pk, planned_date=T0.date() - timedelta(days=1))  # fmt: skip
    assert set(past.value.fields) == {"planned_date"}
    with pytest.raises(Forbidden):
        visit_assign(actors["branch_manager"], scenario_id=scenario.pk, org_unit_id=org["O1"].pk,
                     shopper_id=personas["quality_lead"].pk, planned_date=T0.date())  # fmt: skip


def test_only_the_assigned_shopper_in_scope_can_score(actors, personas, org, scenario):
    p2_staff, p2_actor = _shopper(org, "p2_quality", grant="P2", home="P2")
    visit = assign(actors, personas, org, scenario, unit="C2", shopper="quality_lead")
    with pytest.raises(NotFound):  # someone else's visit
        record(p2_actor, visit, scenario)
    mine = visit_assign(actors["quality_lead"], scenario_id=scenario.pk, org_unit_id=org["C2"].pk,
                        shopper_id=p2_staff.pk, planned_date=T0.date())  # fmt: skip
    Membership.objects.filter(user=p2_staff).update(org_unit=org["P1"])  # moved to another branch
    with pytest.raises(Forbidden):
        record(actor_for_user(p2_staff), mine, scenario)
    assert MysteryVisit.objects.get(pk=mine.pk).status == VisitStatus.ASSIGNED


def test_a_manager_cancels_an_assigned_visit(actors, personas, org, scenario):
    visit = assign(actors, personas, org, scenario)
    with pytest.raises(ValidationFailed):
        visit_cancel(actors["quality_lead"], visit.pk, reason=" ")
    visit_cancel(actors["quality_lead"], visit.pk, reason="网点装修暂停营业")
    with pytest.raises(Conflict):
        record(actors["quality_lead"], visit, scenario)


# --- versions -------------------------------------------------------------------------------------


def test_a_published_scenario_is_frozen_and_visits_keep_their_version(
    actors, personas, org, scenario
):
    lead = actors["quality_lead"]
    visit = assign(actors, personas, org, scenario)
    with pytest.raises(Conflict):
        scenario_update(lead, scenario.pk, name="改名", items=ITEMS[:1])
    v2 = scenario_new_version(lead, scenario.code)
    assert (v2.number, v2.status, v2.items.count()) == (2, ScenarioStatus.DRAFT, 4)
    assert scenario_new_version(lead, scenario.code).pk == v2.pk  # the open draft
    scenario_update(lead, v2.pk, name="网点柜面暗访（2026 版）",
                    items=[*ITEMS[:3], {"category": "环境", "text": "公示投诉电话", "weight": 10}])  # fmt: skip
    scenario_publish(lead, v2.pk)
    scenario.refresh_from_db()
    assert scenario.status == ScenarioStatus.RETIRED
    visit.refresh_from_db()
    assert visit.scenario_id == scenario.pk and visit.scenario.items.count() == 4
    assert record(lead, visit, scenario).total == Decimal("100.0")  # scored on its own version
    with pytest.raises(ValidationFailed) as exc:  # a retired version is no longer assigned
        assign(actors, personas, org, scenario)
    assert set(exc.value.fields) == {"scenario"}
    with pytest.raises(Forbidden):
        scenario_new_version(actors["branch_manager"], scenario.code)


def test_a_scenario_needs_weighted_items_and_a_queue_for_calls(actors, clock):
    lead = actors["quality_lead"]
    with pytest.raises(ValidationFailed) as exc:
        scenario_create(lead, code="Bad Code", name="", kind="queue_call",
                        items=[{"text": "x", "weight": "0"}, {"text": "y", "fatal": True, "weight": 5}])  # fmt: skip
    assert set(exc.value.fields) == {"code", "name", "queue", "items"}
    draft = scenario_create(lead, code="only-fatal", name="只有致命项", kind="outlet_visit",
                            items=[{"text": "承诺保证赔付", "fatal": True}])  # fmt: skip
    with pytest.raises(ValidationFailed):
        scenario_publish(lead, draft.pk)


# --- results --------------------------------------------------------------------------------------


def test_results_by_unit_roll_up_visits_not_unit_means(actors, personas, org, scenario):
    lead = actors["quality_lead"]
    for unit, points, fatal, comment in (("O1", (20, 30, 50), "no", ""),
                                         ("C1", (20, 15, 25), "no", ""),
                                         ("C2", (20, 30, 50), "yes", "承诺")):  # fmt: skip
        record(lead, assign(actors, personas, org, scenario, unit=unit), scenario,
               points=points, fatal=fatal, fatal_comment=comment)  # fmt: skip
    total, rows = results_by_unit(lead, depth=2)
    assert (total.visits, total.mean, total.fails, total.fatal) == (3, Decimal("53.3"), 2, 1)
    by_name = {r.name: (r.visits, r.mean, r.fails, r.fatal, r.pass_rate) for r in rows}
    assert by_name == {
        "北京分公司": (2, Decimal("80.0"), 1, 0, Decimal("50.0")),
        "上海分公司": (1, Decimal("0.0"), 1, 1, Decimal("0.0")),
    }
    mine, _rows = results_by_unit(actors["branch_manager"])  # P1 only
    assert (mine.visits, mine.fails) == (2, 1)


# --- pages ----------------------------------------------------------------------------------------


def login(personas, name: str) -> Client:
    client = Client()
    client.force_login(personas[name])
    return client


@pytest.fixture
def visits(actors, personas, org, scenario):
    """An assigned and a scored visit at O1, a scored visit at C2."""
    assigned = assign(actors, personas, org, scenario, unit="O1")
    done = record(actors["quality_lead"], assign(actors, personas, org, scenario, unit="O1"),
                  scenario, points=(20, 15, 25))  # fmt: skip
    other = record(actors["quality_lead"], assign(actors, personas, org, scenario, unit="C2"),
                   scenario)  # fmt: skip
    return {"assigned": assigned, "done": done, "other": other}


PAGES = ["/surveys/mystery/", "/surveys/mystery/scenarios/", "scenario", "/surveys/mystery/results/",
         "done", "assigned", "other"]  # fmt: skip
MATRIX = {
    "quality_lead": [200, 200, 200, 200, 200, 200, 200],
    "branch_manager": [200, 200, 200, 200, 200, 404, 404],  # P1: no planned visits, no P2
    "auditor": [200, 200, 200, 200, 200, 404, 200],
    "agent": [403, 403, 403, 403, 403, 403, 403],
}


@pytest.mark.parametrize("persona", list(MATRIX))
def test_page_permission_matrix(personas, scenario, visits, persona):
    client = login(personas, persona)
    got = []
    for page in PAGES:
        if page == "scenario":
            url = f"/surveys/mystery/scenarios/{scenario.pk}/"
        elif page in visits:
            url = f"/surveys/mystery/visits/{visits[page].pk}/"
        else:
            url = page
        got.append(client.get(url).status_code)
    assert got == MATRIX[persona]


@pytest.mark.parametrize("persona", ["branch_manager", "auditor", "agent"])
def test_only_managers_assign_or_edit_scenarios(personas, org, scenario, persona):
    client = login(personas, persona)
    assign_post = client.post("/surveys/mystery/", {"scenario": scenario.pk,
                              "org_unit": org["O1"].pk, "shopper": personas["quality_lead"].pk,
                              "planned_date": T0.date().isoformat()})  # fmt: skip
    create_post = client.post("/surveys/mystery/scenarios/", {"code": "x", "name": "x",
                              "kind": "outlet_visit", "items": "a | b | 10"})  # fmt: skip
    assert (assign_post.status_code, create_post.status_code) == (403, 403)
    assert MysteryVisit.objects.count() == 0 and MysteryScenario.objects.count() == 1


def test_a_manager_assigns_from_the_page(personas, org, scenario):
    client = login(personas, "quality_lead")
    empty = client.post("/surveys/mystery/", {"planned_date": "2026-03-01"})
    body = empty.content.decode()
    assert empty.status_code == 400
    assert "请选择被访机构" in body and "请选择暗访员" in body and "不能早于今天" in body
    assert 'value="2026-03-01"' in body
    done = client.post("/surveys/mystery/", {
        "scenario": scenario.pk, "org_unit": org["O1"].pk, "shopper": personas["quality_lead"].pk,
        "planned_date": "2026-03-05",
    })  # fmt: skip
    assert done.status_code == 302
    visit = MysteryVisit.objects.get()
    assert (visit.org_unit_id, visit.planned_date.isoformat(), visit.assigned_by) == (
        org["O1"].pk, "2026-03-05", "quality_lead"
    )  # fmt: skip
    mine = client.get("/surveys/mystery/").content.decode()
    assert f"/surveys/mystery/visits/{visit.pk}/" in mine and "录入结果" in mine


def test_planned_visits_stay_hidden_from_the_visited_branch(personas, visits):
    listed = login(personas, "branch_manager").get("/surveys/mystery/").context["page"]
    assert [v.pk for v in listed] == [visits["done"].pk]
    everything = login(personas, "quality_lead").get("/surveys/mystery/").context["page"]
    assert len(list(everything)) == 3


def test_the_scoring_form_rerenders_entered_values_with_errors(personas, scenario, visits):
    client = login(personas, "quality_lead")
    url = f"/surveys/mystery/visits/{visits['assigned'].pk}/"
    page = client.get(url)
    body = page.content.decode()
    assert page.status_code == 200 and "录入走访结果" in body and "承诺保证赔付" in body
    weighted = [i for i in items_of(scenario) if not i.critical]
    fatal = next(i for i in items_of(scenario) if i.critical)
    data = {
        "visited_at": (T0 - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        f"points_{weighted[0].pk}": "17", f"comment_{weighted[0].pk}": "等候较久",
        f"points_{weighted[1].pk}": "99",
        f"fatal_{fatal.pk}": "yes",
        "evidence_kind": ["photo", ""], "evidence_ref": ["IMG_0001.jpg", ""],
        "evidence_note": ["门口公示栏", ""], "comment": "总体一般",
    }  # fmt: skip
    bad = client.post(url, data)
    body = bad.content.decode()
    assert bad.status_code == 400
    assert 'value="17"' in body and 'value="等候较久"' in body and 'value="99"' in body
    assert 'value="IMG_0001.jpg"' in body and "总体一般" in body and 'value="yes" checked' in body
    assert "得分须为 0 至 30 之间的整数" in body and "请为此项评分" in body and "写明经过" in body
    data.update({f"points_{weighted[1].pk}": "30", f"points_{weighted[2].pk}": "50",
                 f"fatal_{fatal.pk}": "no"})  # fmt: skip
    ok = client.post(url, data)
    assert ok.status_code == 302 and ok["Location"] == url
    visit = MysteryVisit.objects.get(pk=visits["assigned"].pk)
    assert (visit.status, visit.total) == (VisitStatus.DONE, Decimal("97.0"))
    shown = client.get(url).content.decode()
    assert "97.0" in shown and "IMG_0001.jpg" in shown


def test_the_results_page_lists_the_branches(personas, visits):
    body = (
        login(personas, "quality_lead").get("/surveys/mystery/results/?period=all").content.decode()
    )
    assert "北京分公司" in body and "上海分公司" in body and "失分最多的检查项" in body


# --- demo -----------------------------------------------------------------------------------------


def test_the_demo_is_idempotent_and_has_fails_and_one_fatal(personas, org):
    counts = mystery_demo_load(seed=7, now=T0)
    assert counts["mystery_scenarios"] == 2 and counts["mystery_visits"] == 64
    done = MysteryVisit.objects.filter(status=VisitStatus.DONE)
    assert done.count() == 60 and done.filter(fatal=True).count() == 1
    fails = done.filter(passed=False).count()
    assert 1 < fails < 20
    assert Finding.objects.filter(case_type=CASE_TYPE).count() == fails
    assert mystery_demo_load(seed=7, now=T0) == {}
    assert MysteryVisit.objects.count() == 64


def test_the_demo_visits_are_the_engines_cases_with_the_personas_as_actors(personas, org):
    """Given the demo loaded, every scored visit was assigned by the quality lead and recorded by
    its shopper through the engine: its events name them, its result clock was stopped when it was
    scored, and a failed visit's finding is dated when it was scored."""
    from hiqc.core.models import CaseEvent, Deadline

    mystery_demo_load(seed=7, now=T0)
    lead = personas["quality_lead"]
    for visit in MysteryVisit.objects.filter(status=VisitStatus.DONE):
        events = CaseEvent.objects.filter(case_type=CASE_TYPE, case_id=str(visit.pk))
        by_activity = {e.activity: e for e in events}
        assert set(by_activity) == {"create", "record"}
        assert by_activity["create"].actor_id == lead.pk
        assert by_activity["create"].at < by_activity["record"].at == visit.scored_at
        assert by_activity["record"].actor_id == visit.shopper_id
        clock = Deadline.objects.get(case_type=CASE_TYPE, case_id=str(visit.pk))
        assert clock.closed_at == visit.scored_at and clock.state != Deadline.State.RUNNING
        for found in Finding.objects.filter(case_type=CASE_TYPE, case_id=str(visit.pk)):
            assert found.created_at == visit.scored_at


def test_the_mystery_indicators_match_the_results_page_and_list_failed_visits_first(
    actors, personas, org, scenario
):
    """Given three scored visits (one passes, one below the pass mark, one with a fatal item), the
    pass rate and the average score on the indicator engine equal the results page's figures, and
    the visits behind them list the fatal one first."""
    from hiqc.core.indicators import INDICATORS, cases_of, indicators_compute, rolled_up

    lead = actors["quality_lead"]
    for unit, points, fatal, comment in (("O1", (20, 30, 50), "no", ""),
                                         ("C1", (20, 15, 25), "no", ""),
                                         ("C2", (20, 30, 50), "yes", "承诺")):  # fmt: skip
        record(lead, assign(actors, personas, org, scenario, unit=unit), scenario,
               points=points, fatal=fatal, fatal_comment=comment)  # fmt: skip
    month = T0.astimezone(BEIJING).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = month + timedelta(days=32)
    codes = ["surveys.mystery_pass_rate", "surveys.mystery_score"]

    indicators_compute(codes=codes, granularity="month", start=month, end=end)

    total, _rows = results_by_unit(lead, depth=2)
    [passed] = rolled_up(codes[0], granularity="month", org_path="", start=month, end=end)
    [score] = rolled_up(codes[1], granularity="month", org_path="", start=month, end=end)
    assert passed["value"] == pytest.approx((total.visits - total.fails) / total.visits)
    assert total.mean is not None and score["value"] == pytest.approx(float(total.mean), abs=0.05)
    assert INDICATORS[codes[0]].family is INDICATORS[codes[1]].family
    behind = cases_of(codes[0], "", month, end)
    assert [c.bad for c in behind] == [True, True, False]
    assert "致命项" in behind[0].counted and behind[0].org_path == org["C2"].path
    assert behind[0].url == f"/surveys/mystery/visits/{behind[0].record_id}/"
    assert [c.record_id for c in cases_of(codes[0], org["P1"].path, month, end)] == [
        c.record_id for c in behind if c.org_path.startswith(org["P1"].path)
    ]


def test_a_bad_visit_filter_is_shown_at_its_field_not_ignored(personas, visits):
    # When the visits are filtered by a status that does not exist
    page = login(personas, "quality_lead").get("/surveys/mystery/?status=bogus")
    # Then the status is refused beside its field, and only it is left out: the visits still list
    html = page.content.decode()
    assert '<span class="error">' in html.split('name="status"')[1].split("</label>")[0]
    assert len(page.context["page"]) == 3
