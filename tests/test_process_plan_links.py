"""A process version linked to the improvement plan it implements (issue 16 §7; 2.2.2(3), 10.2):
chosen when publishing among the plans the publisher may see, refused otherwise with a field
error that does not tell "not yours" from "missing", and shown on the process versions page, on
the process's changes page with its measured effect, and on the plan's own page."""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.test import Client

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.errors import ValidationFailed
from hiqc.core.models import CaseEvent, ProcessVersion
from hiqc.core.plan_links import plan_choices
from hiqc.core.services import process_version_publish
from hiqc.organisations.enums import Role
from hiqc.organisations.models import Membership, User
from hiqc.organisations.services import actor_for_user
from hiqc.process_management import demo
from hiqc.quality.nonconformities.services import nonconformity_open
from hiqc.quality.plans.services import plan_create

pytestmark = pytest.mark.django_db
PLAN = "quality.improvementplan"  # the process whose versions are published here
T0 = datetime(2026, 11, 2, 9, tzinfo=BEIJING)  # the log's hours count from here
CODE = "claims.paid_on_time_rate"
EFFECTIVE = date(2026, 9, 1)


def _plan(actor: Actor, unit, title: str = "缩短审核周期"):
    return plan_create(actor=actor, org_unit_id=unit.pk, data={
        "title": title, "need": "审核积压", "indicator_code": CODE,
        "baseline_start": "2026-01-01", "baseline_end": "2026-03-31"})  # fmt: skip


def _publish(actor: Actor, plan_id, *, org_path: str = "", note: str = "缩短检查周期"):
    return process_version_publish(actor=actor, process=PLAN, org_path=org_path,
                                   effective_from=EFFECTIVE, parameters={}, note=note,
                                   improvement_plan_id=plan_id)  # fmt: skip


def log(case_id: str, org_path: str, *moves: tuple[str, str, str, float]) -> None:
    """moves: (activity, from, to, hours after T0)."""
    for activity, source, target, hours in moves:
        CaseEvent.objects.create(
            case_type=PLAN, case_id=case_id, org_path=org_path, activity=activity,
            from_state=source, to_state=target, at=T0 + timedelta(hours=hours),
            actor_name="t", source=CaseEvent.Source.PAGE,
        )  # fmt: skip


@pytest.fixture
def branch_lead(org) -> Actor:
    """A quality lead of 北京分公司 only: publishes for P1, sees P1's plans."""
    user = User.objects.create_user(username="p1_lead", password="x", org_unit=org["P1"])
    Membership.objects.create(user=user, role=Role.QUALITY_LEAD, org_unit=org["P1"])
    return actor_for_user(user)


def test_a_version_published_under_a_plan_in_scope_is_linked_to_it(actors, org, branch_lead):
    # given a plan of 朝阳 (inside 北京's subtree)
    plan = _plan(actors["quality_lead"], org["C1"])
    # when 北京's quality lead publishes 北京's version under it
    version = _publish(branch_lead, str(plan.pk), org_path=org["P1"].path)
    # then the version names the plan, and the publish form offers it by number and title
    assert version.improvement_plan_id == plan.pk
    assert (str(plan.pk), f"{plan.number} 缩短审核周期") in plan_choices(branch_lead)


def test_a_plan_out_of_scope_of_another_kind_or_missing_is_refused_alike(actors, org, branch_lead):
    # given a plan of 浦东 (outside 北京), a nonconformity of 朝阳 and an id that is nothing
    foreign = _plan(actors["quality_lead"], org["C2"])
    nc = nonconformity_open(actor=actors["quality_lead"], org_unit_id=org["C1"].pk, data={
        "source": "onsite", "title": "审核超时", "description": "抽查发现"})  # fmt: skip
    answers = []
    for plan_id in (str(foreign.pk), str(nc.pk), str(uuid.uuid4()), "not-a-uuid"):
        # when 北京's quality lead publishes under it
        with pytest.raises(ValidationFailed) as exc:
            _publish(branch_lead, plan_id, org_path=org["P1"].path)
        answers.append((exc.value.message, exc.value.fields))
    # then each is refused with the same field error, and nothing is published
    assert set(answers[0][1]) == {"improvement_plan"}
    assert all(a == answers[0] for a in answers), "not yours == missing, byte for byte"
    assert (str(foreign.pk), f"{foreign.number} 缩短审核周期") not in plan_choices(branch_lead)
    assert not ProcessVersion.objects.exists()


def test_the_publish_form_refuses_a_foreign_plan_beside_its_select(actors, org, personas):
    # given the publish form, and a plan id posted that is nothing the lead may see
    lead = Client()
    lead.force_login(personas["quality_lead"])
    plan = _plan(actors["quality_lead"], org["C1"])
    page = lead.get(f"/processes/?process={PLAN}").content.decode()
    assert 'name="improvement_plan"' in page and f'value="{plan.pk}"' in page
    data = {"org_path": "", "effective_from": "2026-09-01", "note": "缩短检查周期",
            "improvement_plan": str(uuid.uuid4())}  # fmt: skip
    # when it is posted
    response = lead.post(f"/processes/?process={PLAN}", data)
    # then the form comes back with the error beside the select
    text = response.content.decode()
    assert response.status_code == 200 and 'id="id_improvement_plan-err"' in text
    assert "找不到该改进计划，或您无权查看。" in text
    assert not ProcessVersion.objects.exists()


def test_the_link_shows_on_the_versions_changes_and_plan_pages(actors, org, personas):
    # given a plan of 朝阳 and a version published under it with enough cases each side
    plan = _plan(actors["quality_lead"], org["C1"])
    with time_machine.travel(datetime(2026, 8, 20, 10, tzinfo=BEIJING), tick=False):
        version = _publish(actors["quality_lead"], str(plan.pk))
    for i in range(35):  # before: closed in ~10 days; after: in ~4
        for side, start, days in (("b", datetime(2026, 7, 10, 9, tzinfo=BEIJING), 10),
                                  ("a", datetime(2026, 9, 10, 9, tzinfo=BEIJING), 4)):  # fmt: skip
            h = (start - T0).total_seconds() / 3600 + 12 * i
            log(f"00000000-0000-4000-8000-{i:04d}0000000{'1' if side == 'a' else '0'}",
                org["C1"].path, ("create", "", "plan", h), ("start", "plan", "do", h + 1),
                ("check", "do", "check", h + 24 * (days - 1)),
                ("act", "check", "closed", h + 24 * days))  # fmt: skip
    client = Client()
    client.force_login(personas["quality_lead"])
    plan_url = f"/quality/plans/{plan.pk}/"
    with time_machine.travel(datetime(2026, 12, 6, 10, tzinfo=BEIJING), tick=False):
        # when the three pages are opened
        versions = client.get(f"/processes/?process={PLAN}").content.decode()
        changes = client.get(f"/process-management/{PLAN}/changes/").content.decode()
        plan_page = client.get(plan_url).content.decode()
    # then the versions page and the changes page link to the plan
    assert f'<a href="{plan_url}">{plan.number} 缩短审核周期</a>' in versions
    assert f'<a href="{plan_url}">{plan.number} 缩短审核周期</a>' in changes
    assert "已改善" in changes
    # and the plan's page lists the version with its measured effect and the changes page
    assert "关联的流程变更" in plan_page and "缩短检查周期" in plan_page
    assert f"/process-management/{PLAN}/changes/#version-{version.pk}" in plan_page
    assert "处理周期（天，中位）" in plan_page and "已改善" in plan_page


def test_a_reader_without_the_versions_unit_sees_the_version_but_not_its_effect(
    actors, org, personas
):
    # given a plan of 朝阳 and a version for 上海 published under it by head office
    plan = _plan(actors["quality_lead"], org["C1"])
    _publish(actors["quality_lead"], str(plan.pk), org_path=org["P2"].path, note="上海试点")
    client = Client()
    client.force_login(personas["branch_manager"])  # 北京: may open the plan, not 上海's analysis
    # when 北京's branch manager opens the plan
    page = client.get(f"/quality/plans/{plan.pk}/").content.decode()
    # then the version is listed, without numbers and without the changes page
    assert "上海试点" in page and "您无权查看该流程的分析" in page
    assert "/changes/#version-" not in page


def test_the_demo_links_chengdus_process_change_to_its_improvement_plan(actors, org):
    # given 成都's improvement plan (the quality demo runs before this step)
    plan = _plan(actors["quality_lead"], org["C1"], title="单证审核提速")
    units = {demo.SLOW_CITY: org["C1"]}
    # when the process-management demo runs, twice
    demo.demo_load(seed=1, org_units=units, users={}, actor=Actor.system("demo"))
    again = demo.demo_load(seed=1, org_units=units, users={}, actor=Actor.system("demo"))
    # then 成都's version implements the plan, and the rerun adds nothing
    version = ProcessVersion.objects.get(process=demo.CLAIMS)
    assert version.improvement_plan_id == plan.pk
    assert again.get("versions") == 0 and "plan_links" not in again


def test_the_demo_links_a_version_loaded_before_versions_were_linked(actors, org):
    # given 成都's version published without a link, and its plan
    units = {demo.SLOW_CITY: org["C1"]}
    with time_machine.travel(datetime(2026, 12, 6, 10, tzinfo=BEIJING), tick=False):
        demo.demo_load(seed=1, org_units=units, users={}, actor=Actor.system("demo"))
        plan = _plan(actors["quality_lead"], org["C1"], title="单证审核提速")
        # when the demo runs again
        counts = demo.demo_load(seed=1, org_units=units, users={}, actor=Actor.system("demo"))
    # then the version is linked once
    assert counts["plan_links"] == 1
    assert ProcessVersion.objects.get(process=demo.CLAIMS).improvement_plan_id == plan.pk
