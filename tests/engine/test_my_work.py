""" "My work": open cases assigned to me or in my scope, breached first, then least time left."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.test import Client

from hiqc.core.calendar import BEIJING
from hiqc.core.casework import case_transition
from hiqc.core.deadlines import deadlines_sweep
from hiqc.core.mywork import my_work
from hiqc.organisations.enums import Role
from hiqc.organisations.models import Membership
from hiqc.organisations.services import actor_for_user

from .models import ProbeCase
from .probe import KIND, probe_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(actors, org, personas):
    early = probe_create(
        actor=actors["agent"],
        org_unit=org["C1"],
        title="早立案",
        at=datetime(2026, 3, 2, 9, tzinfo=BEIJING),
    )
    late = probe_create(
        actor=actors["agent"],
        org_unit=org["C1"],
        title="晚立案",
        at=datetime(2026, 3, 10, 9, tzinfo=BEIJING),
    )
    other = probe_create(
        actor=actors["outsider_agent"],
        org_unit=org["C2"],
        title="上海案件",
        at=datetime(2026, 3, 1, 9, tzinfo=BEIJING),
    )
    # assigned to the agent, who is lent to Shanghai to work it (an assignee must be able to act:
    # issue 15 §3)
    ProbeCase.objects.filter(pk=other.pk).update(assignee=personas["agent"])
    Membership.objects.create(
        user=personas["agent"], role=Role.CONSULTATION_AGENT, org_unit=org["C2"]
    )
    actors["agent"] = actor_for_user(personas["agent"])
    done = probe_create(
        actor=actors["agent"],
        org_unit=org["C1"],
        title="已决定",
        at=datetime(2026, 3, 2, 9, tzinfo=BEIJING),
    )
    case_transition(kind=KIND, actor=actors["agent"], case_id=done.pk, action="assign")
    case_transition(
        kind=KIND, actor=actors["agent"], case_id=done.pk, action="decide", data={"decision": "x"}
    )
    return {"early": early, "late": late, "other": other, "done": done}


def titles(items) -> list[str]:
    return [i.case.title for i in items]


def test_breached_first_then_least_time_left_and_closed_cases_are_gone(actors, cases):
    deadlines_sweep(
        datetime(2026, 3, 17, 12, tzinfo=BEIJING)
    )  # "上海案件" (due 17 Mar 24:00? no: 16 Mar) breached
    items = my_work(actors["agent"])
    assert titles(items) == ["上海案件", "早立案", "晚立案"]
    assert items[0].breached


def test_an_outsider_sees_only_their_scope_and_what_is_assigned_to_them(actors, cases):
    assert titles(my_work(actors["outsider_agent"])) == ["上海案件"]
    assert titles(my_work(actors["agent"], mine_only=True)) == ["上海案件"]


def test_filters_by_clock_state(actors, cases):
    deadlines_sweep(datetime(2026, 3, 17, 12, tzinfo=BEIJING))
    assert titles(my_work(actors["agent"], clock_state="breached")) == ["上海案件"]


def test_the_page_shows_countdowns_and_the_source_of_each_clock(personas, cases):
    client = Client()
    client.force_login(personas["agent"])
    html = client.get("/my-work/").content.decode()
    assert "早立案" in html and "CP-1 (test)" in html
    assert "已决定" not in html


def test_an_unknown_case_type_is_shown_at_its_field_and_the_other_filters_still_apply(
    personas, cases
):
    client = Client()
    client.force_login(personas["agent"])
    html = client.get(
        "/my-work/", {"case_type": "no.such", "clock_state": "bogus"}
    ).content.decode()
    assert html.count('class="error"') == 2  # each bad filter said at its own field
    assert "早立案" in html  # and the list is the unfiltered one, not empty


def test_filter_by_org_unit_keeps_that_subtree(actors, cases, org):
    assert titles(my_work(actors["agent"], org_path=org["C2"].path)) == ["上海案件"]


def test_the_page_offers_the_org_units_in_scope_as_a_filter(personas, cases, org):
    client = Client()
    client.force_login(personas["branch_manager"])
    html = client.get("/my-work/", {"org_path": org["C1"].path}).content.decode()
    assert f'value="{org["C1"].path}" selected' in html
    assert "上海分公司" not in html  # P2 is outside the branch manager's scope


def test_a_state_is_the_work_of_those_holding_its_transitions_permissions(actors, org):
    """By default the workflow says whose work a state is: the holders, over the case's unit, of
    the permission of a transition out of it. A kind's ``work_by_state`` says otherwise for a
    state where the workflow's permissions are not the whole story."""
    from dataclasses import replace

    from hiqc.core.casekinds import CASE_KINDS

    # Given an unassigned probe case (its transitions need customers.edit)
    probe_create(actor=actors["agent"], org_unit=org["C1"], title="未分派")
    assert KIND.work_map()["new"] == ("customers.edit",)
    assert [i.case.title for i in my_work(actors["agent"])] == ["未分派"]
    # When the kind says a new case is the work of those who may reveal customers
    CASE_KINDS[KIND.label] = replace(KIND, work_by_state={"new": ("customers.reveal",)})
    try:
        # Then the branch manager, who views customers but cannot reveal them, does not have it
        assert len(my_work(actors["branch_manager"])) == 0
        assert len(my_work(actors["agent"])) == 1  # agents hold customers.reveal
        # and a state declared as its assignee's alone is nobody's while unassigned
        CASE_KINDS[KIND.label] = replace(KIND, work_by_state={"new": ()})
        assert len(my_work(actors["agent"])) == 0
    finally:
        CASE_KINDS[KIND.label] = KIND


def test_an_assignee_who_cannot_act_on_the_case_in_its_state_does_not_have_it(
    actors, org, personas
):
    """Assigned is not enough where the state names who must act: the assignee must hold one of
    its permissions over the case's unit (e.g. a complaint under review is the approvers', not its
    handler's)."""
    # Given a Shanghai case assigned to the outsider's colleague in Beijing, who holds nothing there
    case = probe_create(actor=actors["outsider_agent"], org_unit=org["C2"], title="上海案件")
    ProbeCase.objects.filter(pk=case.pk).update(assignee=personas["agent"])
    # Then it is not in their work, even among the cases assigned to them
    assert titles(my_work(actors["agent"])) == []
    assert titles(my_work(actors["agent"], mine_only=True)) == []
    # but it is in the work of those who may act on it
    assert titles(my_work(actors["outsider_agent"])) == ["上海案件"]


def test_a_kind_leaves_out_of_my_work_the_cases_its_guards_refuse_the_reader(
    actors, org, monkeypatch
):
    """``not_for`` is the SQL form of the guards that depend on who asks (recusal): the cases it
    matches are not the reader's work, even when assigned to them."""
    from dataclasses import replace

    from django.db.models import Q

    from hiqc.core import casekinds

    # Given two cases, one of which the kind's guard refuses the agent
    probe_create(actor=actors["agent"], org_unit=org["C1"], title="本人相关")
    probe_create(actor=actors["agent"], org_unit=org["C1"], title="无关")
    recused = replace(KIND, not_for=lambda actor: Q(title="本人相关"))
    monkeypatch.setitem(casekinds.CASE_KINDS, KIND.label, recused)
    # Then only the other is in their work
    assert titles(my_work(actors["agent"])) == ["无关"]
    assert my_work(actors["agent"]).count() == 1


def test_the_status_filter_offers_state_names_and_also_accepts_a_typed_name(personas, cases):
    # Given three open cases in "已登记" (new)
    client = Client()
    client.force_login(personas["agent"])
    html = client.get("/my-work/").content.decode()
    assert '<option value="new">已登记</option>' in html  # a choice by name, not a code box
    # When the user types the state's name rather than its code, it still filters
    by_name = client.get("/my-work/", {"status": "已登记"}).content.decode()
    by_code = client.get("/my-work/", {"status": "new"}).content.decode()
    for page in (by_name, by_code):
        assert "早立案" in page and "晚立案" in page and "上海案件" in page
    assert "早立案" not in client.get("/my-work/", {"status": "处理中"}).content.decode()


def test_my_work_pages_50_rows_at_a_time(actors, personas, org):
    for n in range(53):
        probe_create(actor=actors["agent"], org_unit=org["C1"], title=f"案件{n:02d}")
    client = Client()
    client.force_login(personas["agent"])
    first = client.get("/my-work/").content.decode()
    assert first.count("<tr>\n    <td>") == 50
    assert "第 1 / 2 页，共 53 条" in first
    second = client.get("/my-work/", {"page": 2}).content.decode()
    assert second.count("<tr>\n    <td>") == 3


def test_a_clock_that_has_just_run_out_reads_late_in_minutes_not_zero_days_zero_hours(cases):
    from datetime import timedelta

    from hiqc.core.models import Deadline
    from hiqc.core.mywork import countdown

    deadline = Deadline.objects.filter(case_id=str(cases["early"].pk)).first()
    assert deadline is not None
    just_late = countdown(deadline, deadline.due_at + timedelta(minutes=7))
    assert just_late == {"late": True, "days": 0, "hours": 0, "minutes": 7}
    nearly = countdown(deadline, deadline.due_at - timedelta(seconds=20))
    assert nearly["minutes"] == 1 and not nearly["late"]
    later = countdown(deadline, deadline.due_at + timedelta(days=2, hours=3))
    assert (later["days"], later["hours"], later["minutes"]) == (2, 3, None)


def test_a_kind_worked_by_its_assignees_lists_no_case_by_scope(actors, cases, monkeypatch):
    """Given a kind that declares ``work_in_scope=False`` (a score waits for its agent, a draft
    for its author), when "my work" is read, then only the cases assigned to the reader appear —
    not the cases in their scope."""
    from dataclasses import replace

    from hiqc.core import casekinds

    monkeypatch.setitem(casekinds.CASE_KINDS, KIND.label, replace(KIND, work_in_scope=False))

    assert titles(my_work(actors["agent"], case_type=KIND.label)) == ["上海案件"]


def test_my_work_is_counted_in_one_query_and_a_page_read_in_one_more_plus_two_per_kind_shown(
    actors, cases, django_assert_num_queries
):
    """Whatever the number of registered kinds and of the states and permissions they declare:
    one UNION ALL counts, one orders and cuts the page; then each kind on the page reads its
    cases and their clocks."""
    work = my_work(actors["agent"])
    with django_assert_num_queries(1):
        assert work.count() == 3
    with django_assert_num_queries(3):  # the keys; the probe cases; their clocks
        assert len(work[0:50]) == 3
