"""The compliance demo: the automatic controls run on the demo's data for twelve months and the
month so far (nothing seeded), one regulatory change with its assessment in progress, a branch's
own manual control attested — dated from today, whatever today is; a rerun adds nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from hiqc.compliance import demo
from hiqc.compliance.models import Attestation, Control, ImpactAssessment, Risk, RiskTreatment
from hiqc.core.access import Actor
from hiqc.core.calendar import BEIJING
from hiqc.core.models import Deadline

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "moment", ["2026-12-31 23:30", "2027-01-01 00:30", "2028-02-29 09:00", "2027-03-31 18:00"]
)
def test_the_demo_from_today_and_a_rerun_adds_nothing(org, moment):
    now = datetime.fromisoformat(moment).replace(tzinfo=BEIJING)
    units = {"SC": org["P2"], **org}
    with time_machine.travel(now, tick=False):
        load = lambda: demo.demo_load(seed=1, org_units=units, users={},  # noqa: E731
                                      actor=Actor.system("demo"))  # fmt: skip
        first = load()
        assert first == {
            "regulatory_changes": 1,
            "branch_controls": 1,
            "attestations": 1 + 3 * 6 + 2 * 2,  # 四川's, head office's monthly and quarterly
            "compliance_inspection_plans": 1,
            "compliance_inspections": 2,
            "risks": 20,
            "kris": 4,
            "kri_breaches": 0,
            "risk_treatments": 2,
        }
        assert load() == {}
        assert sorted(RiskTreatment.objects.values_list("status", flat=True)) == [
            "done", "in_progress"]  # fmt: skip
        assert Risk.objects.filter(org_unit=org["P2"]).count() == 10  # branch-level risks too
        case = ImpactAssessment.objects.get()
        assert case.status == "assessing" and [x["ref"] for x in case.links] == ["CTL-CP8-REMEDY"]
        clock = Deadline.objects.get(case_id=str(case.pk))
        assert clock.state == "running" and clock.started_at == now - timedelta(days=10)
        assert case.change.effective_on == now.date() + timedelta(days=60)
        att = Attestation.objects.get(org_unit=org["P2"])
        last_month = (now.date().replace(day=1) - timedelta(days=1)).replace(day=1)
        assert att.period_start == last_month and att.org_unit == org["P2"]
        assert Control.objects.get(code=demo.BRANCH_CONTROL).unit_path == org["P2"].path
        # head office: six months of the monthly controls, one of them honestly not effective
        head = Attestation.objects.filter(org_unit=org["HO"])
        assert head.count() == 22 and list(head.filter(effective=False).values_list(
            "control__code", flat=True)) == ["CTL-STD-MYSTERY"]  # fmt: skip
        assert not head.filter(period_start__gte=now.date().replace(day=1)).exists()
