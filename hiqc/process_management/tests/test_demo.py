"""The process-management demo step (issue 16 §9): catalogue facts, 成都's document-review
version with the handbook's requirements, and the needs analysis citing demo cases through the
kernel; a rerun adds nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.apps import apps
from django.utils import timezone

from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.casekinds import CASE_KINDS
from hiqc.core.models import CaseEvent, ProcessVersion
from hiqc.process_management import demo
from hiqc.process_management.models import (
    NeedsAnalysis,
    NeedsEvidence,
    ProcessProfile,
    StepGuidance,
)

pytestmark = pytest.mark.django_db
NC = "quality.nonconformity"


def _nonconformity(unit) -> str:
    case = apps.get_model("quality", "Nonconformity").objects.create(
        status=CASE_KINDS[NC].workflow.initial, number="NC-D-1", org_unit=unit, source="manual",
        title="单证审核超时", description="x", opened_at=timezone.now(), opened_by="t",
    )  # fmt: skip
    CaseEvent.objects.create(
        case_type=NC, case_id=str(case.pk), org_path=unit.path, activity="create",
        from_state="", to_state=case.status, at=timezone.now(), actor_name="t",
        source=CaseEvent.Source.PAGE,
    )  # fmt: skip
    return str(case.pk)


def _load(org) -> dict[str, int]:
    return demo.demo_load(seed=1, org_units={demo.SLOW_CITY: org["C1"]}, users={},
                          actor=Actor.system("demo"))  # fmt: skip


@pytest.mark.parametrize(
    "moment", ["2026-12-31 23:30", "2027-01-01 00:30", "2028-02-29 09:00", "2027-03-31 18:00"]
)
def test_the_demo_fills_the_catalogue_and_the_needs_analysis_and_a_rerun_adds_nothing(org, moment):
    with time_machine.travel(datetime.fromisoformat(moment).replace(tzinfo=BEIJING), tick=False):
        case_id = _nonconformity(org["C1"])
        first = _load(org)
        assert first == {"profiles": 3, "versions": 1, "guidance": 1, "needs_analyses": 1,
                         "evidence": 1}  # fmt: skip
        version = ProcessVersion.objects.get(process=demo.CLAIMS)
        today = timezone.now().astimezone(BEIJING).date()
        assert version.org_path == org["C1"].path
        assert version.effective_from == today - timedelta(days=demo.IMPROVED_DAYS)
        assert isinstance(version.effective_from, date) and version.effective_from < today
        assert NeedsAnalysis.objects.get().version == version
        assert NeedsEvidence.objects.get().case_id == case_id
        assert StepGuidance.objects.filter(step=demo.REVIEW_STEP).count() == 1
        assert _load(org) == {k: 0 for k in first}
        assert ProcessProfile.objects.count() == 3
