"""Mystery-shopping scenario versions and visits as data (standard 4.3.1; issue 15 §3).

Clock ``surveys.mystery.result``: a visit's result is recorded within 2 working days after its
planned date (an internal HIQC target; no law or clause sets one — the scenario instructions ask
for the result the same day). It is anchored on the planned date, not on the assignment: it
counts from 00:00 of the planned date (Beijing), so the last day is the 2nd working day after it
on the Chinese working-day calendar. The domain starts it — at the assignment when the visit is
planned for today, else on the day by the daily survey job (``mystery.result_clocks_start``) —
so it never starts in the future. The clock's rows carry the shopper's home unit as
their ``org_path``, so warnings and breaches go to the shopper and their own chain — never to the
visited unit, which must not learn of a planned visit.

Who must act next: the shopper (the visit's assignee) while it is assigned; a scenario draft's
author until it is published. Nobody else has it in "my work".
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from hiqc.core.calendar import Unit
from hiqc.core.workflow import Cancel, Clock, Stop, T, Workflow

from ..workflow import versioned_work_by_state, versioned_workflow
from .models import ScenarioStatus, VisitStatus

MANAGE, SHOP = "surveys.manage", "surveys.shop"

RESULT = Clock(
    "surveys.mystery.result",
    gettext_noop("暗访结果录入"),
    2,
    Unit.WORKING_DAYS,
    gettext_noop("HIQC 内部目标：计划走访日期后 2 个工作日内录入暗访结果（自计划日期起算）"),
)

SCENARIO_WORKFLOW = versioned_workflow("mystery_scenario_version", ScenarioStatus)
SCENARIO_WORK_BY_STATE = versioned_work_by_state(ScenarioStatus)

V = VisitStatus
VISIT_WORKFLOW = Workflow.build(
    name="mystery_visit",
    states=VisitStatus,
    initial=V.ASSIGNED,
    final=[V.DONE, V.CANCELLED],
    clocks=[RESULT],
    transitions=[
        # the assigned shopper only (domain guard); the scores themselves are checked by the
        # service. Optional effects: a visit recorded or cancelled before its planned date has
        # no clock yet.
        T("record", V.ASSIGNED, V.DONE, perm=SHOP, label=gettext_noop("录入走访结果"),
          effects=[Stop(RESULT, optional=True)]),
        T("cancel", V.ASSIGNED, V.CANCELLED, perm=MANAGE, label=gettext_noop("取消走访"),
          requires=["reason"], effects=[Cancel(RESULT, optional=True)]),
    ],
)  # fmt: skip
