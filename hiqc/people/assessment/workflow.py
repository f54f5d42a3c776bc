"""The assessment cycle as data (standard 7.2.1; issue 18 §4; ADR 0021).

方案草稿 draft → 方案已公布 published (``publish``: the scheme — weights, measures per role,
targets — is frozen, and only before the period starts, so everyone is assessed on rules known in
advance, 7.2.1) → 结果已计算 computed (``compute``: after the period ends, every part computed
from the person's own records; the appeal window opens) → 结果已确定 final (``finalise``: once
the appeal window has passed and every appeal is decided).

No clock: the appeal window is a rule (``people.assessment.appeal_days``) stored on the cycle as
``appeal_until`` when the results are computed.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

from hiqc.core.workflow import T, Workflow

from .models import CycleStatus as S

VIEW, MANAGE = "assessments.view", "assessments.manage"
APPEAL_DECIDE = "assessments.appeal_decide"
INCENTIVES = "assessments.incentives"
CYCLE_PROCESS = "people.assessmentcycle"

CYCLE = Workflow.build(
    name="assessment_cycle",
    states=S,
    initial=S.DRAFT,
    final=[S.FINAL],
    transitions=[
        T("publish", S.DRAFT, S.PUBLISHED, perm=MANAGE, label=gettext_noop("公布考核方案")),
        T("compute", S.PUBLISHED, S.COMPUTED, perm=MANAGE, label=gettext_noop("计算考核结果")),
        T("finalise", S.COMPUTED, S.FINAL, perm=MANAGE, label=gettext_noop("确定考核结果")),
    ],
)  # fmt: skip
