"""Tasks and plans written before the engine keep their meaning (migration 0006, ADR 0032): the
state becomes the status; an open task gets a running clock due at the end of its planned day,
a done one a clock met or breached as it was on time or late, a cancelled one a cancelled clock;
each task and plan its events."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from hiqc.core.calendar import BEIJING
from hiqc.core.models import Checklist

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("facilities", "0005_operators_renewal")]
AFTER = [("facilities", "0006_maintenance_renewal_on_engine")]
TASK = "facilities.maintenancetask"


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_legacy_tasks_and_plans_become_cases_with_their_clocks_and_events(org):
    old = _migrate(BEFORE)
    try:
        get = lambda name: old.get_model("facilities", name).objects  # noqa: E731
        # the kernel is not rolled back with facilities: its checklist is today's model
        checklist = Checklist.objects.create(
            code="legacy-pm", name="旧保养步骤", purpose="facilities.maintenance"
        )
        item = get("Equipment").create(asset_number="LEG-1", name="叫号机", category="queue",
                                       org_unit_id=org["O1"].pk, state="in_use")  # fmt: skip
        plan = get("MaintenancePlan").create(name="月度", org_unit_id=org["C1"].pk,
                                             category="queue", checklist_code="legacy-pm",
                                             starts_on=date(2026, 1, 1), interval_days=30,
                                             created_by="t")  # fmt: skip
        made = {}
        for name, due, state, done_on in (
            ("open", date(2026, 3, 31), "pending", None),
            ("ontime", date(2026, 2, 28), "done", date(2026, 2, 28)),
            ("late", date(2026, 1, 31), "done", date(2026, 2, 1)),
            ("cancelled", date(2026, 1, 15), "cancelled", None),
        ):
            made[name] = get("MaintenanceTask").create(
                plan=plan, equipment=item, due_on=due, warn_on=due.replace(day=1), state=state,
                checklist_id=checklist.pk, completed_on=done_on, on_time=None if done_on is None
                else done_on <= due, completed_by="facility" if done_on else "",
            ).pk  # fmt: skip
        renewal = get("RenewalPlan").create(org_unit_id=org["O1"].pk, budget_year=2026,
                                            reason="age", estimated_cost=1000, state="approved",
                                            planned_by="facility", approved_by="manager")  # fmt: skip
    finally:
        new = _migrate(AFTER)
    Task = new.get_model("facilities", "MaintenanceTask")
    Deadline = new.get_model("core", "Deadline")
    CaseEvent = new.get_model("core", "CaseEvent")
    states = {n: Task.objects.get(pk=pk).status for n, pk in made.items()}
    assert states == {"open": "pending", "ontime": "done", "late": "done",
                      "cancelled": "cancelled"}  # fmt: skip
    clocks = {n: Deadline.objects.get(case_type=TASK, case_id=str(pk)) for n, pk in made.items()}
    assert {n: c.state for n, c in clocks.items()} == {
        "open": "running", "ontime": "met", "late": "breached", "cancelled": "cancelled"}  # fmt: skip
    assert clocks["open"].due_at == datetime(2026, 4, 1, tzinfo=BEIJING)
    assert clocks["open"].started_at == datetime.combine(date(2026, 3, 1), time.min, BEIJING)
    assert clocks["open"].next_warning_at is not None
    activities = sorted(CaseEvent.objects.filter(case_type=TASK).values_list("activity",
                                                                             flat=True))  # fmt: skip
    assert activities == ["cancel", "complete", "complete", "create", "create", "create", "create"]
    plan_events = CaseEvent.objects.filter(case_type="facilities.renewalplan",
                                           case_id=str(renewal.pk))  # fmt: skip
    assert sorted(plan_events.values_list("activity", flat=True)) == ["approve", "create"]
    assert new.get_model("facilities", "RenewalPlan").objects.get().status == "approved"
