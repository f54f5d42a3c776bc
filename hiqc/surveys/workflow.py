"""Survey plans and questionnaire versions as data (standard 4.3.1; issue 15 §3).

Neither has a time limit in the law, the standard or the app's rules: a plan runs from its start
date until it is closed (its end date is a schedule, not a deadline), and a questionnaire version is
configuration. So no clocks. Who must act next ("my work") is the case's assignee: the author of a
draft plan or draft version, who activates or publishes it; an active plan and a published version
wait for nobody, and their assignee is cleared.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

from hiqc.core.workflow import T, Workflow

from .enums import PlanStatus, QuestionnaireStatus

MANAGE = "surveys.manage"

P = PlanStatus
PLAN_WORKFLOW = Workflow.build(
    name="survey_plan",
    states=PlanStatus,
    initial=P.DRAFT,
    final=[P.CLOSED],
    transitions=[
        T("activate", P.DRAFT, P.ACTIVE, perm=MANAGE, label=gettext_noop("启动方案")),
        T("close", P.ACTIVE, P.CLOSED, perm=MANAGE, label=gettext_noop("结束方案")),
    ],
)

# "My work" (issue 15 §3; CaseKind.work_by_state): a draft is its author's alone (the assignee); an
# active plan waits for nobody (closing it is a right, not work) and its assignee is cleared.
PLAN_WORK_BY_STATE: dict[str, tuple[str, ...]] = {P.DRAFT: (), P.ACTIVE: ()}


def versioned_work_by_state(states: Any) -> dict[str, tuple[str, ...]]:
    """Who must act on a versioned definition: a draft's author alone; a published version waits
    for nobody (it is retired by publishing its successor, never as work of its own)."""
    return {states.DRAFT: (), states.PUBLISHED: ()}


def versioned_workflow(name: str, states: Any) -> Workflow:
    """A versioned definition (questionnaire, mystery-shopping scenario): a draft is edited, then
    published and frozen; publishing the next version of the same code retires it. When a draft
    is complete is the kind's domain guard (questionnaires.publish_problems,
    mystery.scenario_problems)."""
    return Workflow.build(
        name=name,
        states=states,
        initial=states.DRAFT,
        final=[states.RETIRED],
        transitions=[
            # the draft must be complete (the kind's domain guard)
            T("publish", states.DRAFT, states.PUBLISHED, perm=MANAGE,
              label=gettext_noop("发布（发布后冻结）")),
            # only as a consequence of publishing a later version of the same code (domain guard)
            T("retire", states.PUBLISHED, states.RETIRED, perm=MANAGE,
              label=gettext_noop("停用（已发布新版本）")),
        ],
    )  # fmt: skip


QUESTIONNAIRE_WORKFLOW = versioned_workflow("questionnaire_version", QuestionnaireStatus)
QUESTIONNAIRE_WORK_BY_STATE = versioned_work_by_state(QuestionnaireStatus)
